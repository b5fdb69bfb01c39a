"""The scoring method: dict, YAML file, catalog default, library default; errors name the place."""

from __future__ import annotations

import pandas as pd
import pytest

import pmm
from pmm.errors import ScoringError
from pmm.scoring.method import ScoringMethod, resolve_method


def test_library_defaults() -> None:
    m = resolve_method(None)
    assert (m.normalise.method, m.normalise.range, m.weights.method, m.aggregate.method, m.aggregate.min_coverage,
            m.maturity.method) == ("minmax", (0.0, 100.0), "catalog", "arithmetic", None, "score_bands")


def test_catalog_block_is_the_default() -> None:
    cat = pmm.load_catalog("indicators/wco-pmm")
    assert resolve_method(None, cat.framework.scoring).aggregate.min_coverage == 0.5
    values = pd.DataFrame({"member": list("ABC"), "kpi": "tf_e_declarations", "value": [50.0, 80.0, 99.0]})
    card = pmm.score(values, cat)
    assert card.method.aggregate.min_coverage == 0.5
    assert card.provenance["method"]["aggregate"]["min_coverage"] == 0.5


def test_yaml_file_and_dict_are_identical(tmp_path) -> None:
    path = tmp_path / "method.yaml"
    path.write_text("normalise: {method: zscore, sd: 10}\naggregate:\n  method: power\n  p: 3\n"
                    "  by_level: {3: {method: minimum}}\n", encoding="utf-8")
    from_yaml = resolve_method(path)
    from_dict = resolve_method({"normalise": {"method": "zscore", "sd": 10},
                                "aggregate": {"method": "power", "p": 3, "by_level": {3: {"method": "minimum"}}}})
    assert from_yaml == from_dict and isinstance(from_yaml, ScoringMethod)
    assert resolve_method(from_dict) is from_dict


@pytest.mark.parametrize("method,match", [
    ({"normalise": {"method": "min-max"}}, "normalise.method"),
    ({"normalise": {"method": "minmax", "range": [100, 0]}}, "lower < upper"),
    ({"weights": {"method": "pca", "set": "x"}}, "only used with method 'catalog'"),
    ({"aggregate": {"min_coverage": 1.5}}, "min_coverage"),
    ({"aggregate": {"by_level": {1: {"method": "median"}}}}, "group levels"),
    ({"aggregate": {"by_level": {2: {"method": "mode"}}}}, "by_level 2: method"),
    ({"maturity": {"bands": [50, 20]}}, "ascending"),
    ({"normalis": {}}, "normalis"),
    (["minmax"], "ScoringMethod, dict"),
    ("no/such/method.yaml", "does not exist"),
])
def test_invalid_methods_are_reported(method, match) -> None:
    with pytest.raises(ScoringError, match=match):
        resolve_method(method)
