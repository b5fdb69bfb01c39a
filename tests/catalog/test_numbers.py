"""Catalog numbers: non-finite, textual and boolean numbers, clashing labels and ids are refused at load time.

Each case edits one line of a valid catalog; the loader must name the file and line, and all
problems of a catalog come in one error.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmm
from pmm.catalog import loader
from pmm.errors import CatalogError

VALID = """\
framework:
  id: fw
  name: Framework
  levels: [Low, Mid, High]
  weight_sets:
    alt: {g: 2}
groups:
  - id: g
    name: Group
    weight: 1
kpis:
  - id: k1
    name: K1
    parent: g
    unit: percent
    direction: higher
    weight: 1
    target: 80
    goalposts: {lower: 0, upper: 100}
    maturity: {thresholds: [10, 20]}
  - id: k2
    name: K2
    parent: g
    unit: count
    direction: higher
    maturity: {answers: {never: 1, always: 3}}
  - id: k3
    name: K3
    unit: count
    direction: higher
    definition: {type: simple, source: s, agg: count, scale: 1}
    maturity: {thresholds: [1, 2]}
sources:
  s:
    fields: {member: {type: string}}
"""


def _load(tmp_path: Path, text: str):
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return pmm.load_catalog(path)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_valid_catalog_loads(tmp_path):
    assert list(_load(tmp_path, VALID).kpi_ids) == ["k1", "k2", "k3"]


CASES = [  # (old line, new line, what the message says)
    ("    weight: 1\n    target", "    weight: .inf\n    target", "weight: Input should be a finite number (found inf)"),
    ("    weight: 1\n    target", "    weight: .nan\n    target", "finite number"),
    ("    weight: 1\n    target", '    weight: "2"\n    target', "valid number (found '2')"),
    ("    weight: 1\n    target", "    weight: true\n    target", "valid number (found True)"),
    ("    weight: 1\n    target", "    weight: 1e3\n    target", "valid number (found '1e3')"),
    ("    target: 80", "    target: .nan", "target: Input should be a finite number"),
    ("    target: 80", "    target: -.inf", "target: Input should be a finite number"),
    ("{lower: 0, upper: 100}", "{lower: 0, upper: .inf}", "goalposts.upper: Input should be a finite number"),
    ("{lower: 0, upper: 100}", "{lower: -.Inf, upper: 100}", "goalposts.lower: Input should be a finite number"),
    ("thresholds: [10, 20]", "thresholds: [10, .inf]", "maturity.thresholds.1: Input should be a finite number"),
    ("thresholds: [10, 20]", 'thresholds: ["10", 20]', "maturity.thresholds.0: Input should be a valid number"),
    ("thresholds: [10, 20]", "thresholds: [false, 20]", "valid number (found False)"),
    ("{never: 1, always: 3}", "{never: 1, always: true}", "valid integer (found True)"),
    ("{never: 1, always: 3}", '{never: 1, always: "3"}', "valid integer (found '3')"),
    ("agg: count, scale: 1}", "agg: count, scale: .nan}", "definition.scale: Input should be a finite number"),
    ("agg: count, scale: 1}", 'agg: count, scale: "100"}', "definition.scale: Input should be a valid number"),
    ("    alt: {g: 2}", "    alt: {g: .inf}", "finite number"),
    ("    alt: {g: 2}", '    alt: {g: "2"}', "valid number"),
    ("levels: [Low, Mid, High]", "levels: [Low, Mid, Low]", "maturity level labels must be distinct, found 'Low' and 'Low'"),
    ("levels: [Low, Mid, High]", "levels: [Low, Mid, ' mid']", "must be distinct, found 'Mid' and ' mid'"),
    ("  - id: k2", "  - id: K1", "id 'K1' differs from 'k1'"),
    ("  - id: k3", "  - id: G", "id 'G' differs from 'g'"),
    ("  - id: k3", "  - id: FW", "id 'FW' differs from 'fw' (the framework id) only in case"),
]


@pytest.mark.parametrize("old, new, message", CASES, ids=[c[1].strip()[:30] for c in CASES])
def test_bad_numbers_and_clashes_are_refused_with_file_and_line(tmp_path, old, new, message):
    assert VALID.count(old) == 1
    text = VALID.replace(old, new)
    with pytest.raises(CatalogError) as info:
        _load(tmp_path, text)
    hits = [p for p in info.value.problems if message in str(p)]
    assert hits, str(info.value)
    line = _line_of(text, new.splitlines()[-1] if "weight" not in new else new.splitlines()[0])
    assert any(f"catalog.yaml:{line}:" in p.where for p in hits), (line, [p.where for p in hits])


def test_every_problem_comes_in_one_error(tmp_path):
    text = VALID
    for old, new, _ in (CASES[0], CASES[5], CASES[7], CASES[12], CASES[14]):
        text = text.replace(old, new)
    with pytest.raises(CatalogError) as info:
        _load(tmp_path, text)
    assert len(info.value.problems) == 5


def test_weights_whose_sum_overflows_are_refused(tmp_path):
    text = VALID.replace("    weight: 1\n    target", "    weight: 1.0e+308\n    target").replace(
        "  - id: k2\n    name: K2\n", "  - id: k2\n    name: K2\n    weight: 1.7e+308\n")
    assert math.isinf(1.0e308 + 1.7e308)
    with pytest.raises(CatalogError, match="weights of the children of 'g' sum to more than the largest number") as info:
        _load(tmp_path, text)
    assert info.value.problems[0].where.endswith(f"catalog.yaml:{_line_of(text, 'weight: 1.7e+308')}:5")
    text = VALID.replace("    alt: {g: 2}", "    alt: {g: 1.7e+308, k3: 1.7e+308}")
    with pytest.raises(CatalogError, match="in weight set 'alt' sum to more"):
        _load(tmp_path, text)
    huge = VALID.replace("    weight: 1\n    target", "    weight: 1.0e+300\n    target")
    assert _load(tmp_path, huge).kpi("k1").weight == 1e300  # large but summable weights are the user's choice


def test_control_characters_are_named_with_line_and_column(tmp_path):
    text = VALID.replace("name: K2", "name: K\x072")
    with pytest.raises(CatalogError, match=r"catalog.yaml:22:12: invalid YAML: character U\+0007 is not allowed"):
        _load(tmp_path, text)


def test_an_oversized_catalog_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    parsed = []
    monkeypatch.setattr(loader, "load_yaml", lambda *a: parsed.append(a))
    with pytest.raises(CatalogError, match=r"the file is larger than the limit of 0.0001 MB \(0.0 MB\)") as info:
        _load(tmp_path, VALID)
    assert parsed == [] and "docs/catalog.md" in str(info.value)
    assert len(VALID.encode()) > 100


def test_the_size_limits_are_documented():
    text = (Path(__file__).resolve().parents[2] / "docs" / "catalog.md").read_text(encoding="utf-8")
    assert f"{loader.MAX_FILE_BYTES / 1e6:g} MB" in text and f"{loader.MAX_CATALOG_BYTES / 1e6:g} MB" in text


def test_an_unreadable_file_is_one_problem(tmp_path, monkeypatch):
    def denied(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", denied)
    with pytest.raises(CatalogError, match="catalog.yaml: cannot read the file: Permission denied"):
        pmm.load_catalog(_write(tmp_path))


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    with open(path, "w", encoding="utf-8") as f:
        f.write(VALID)
    return path


@pytest.mark.parametrize("method, field", [({"normalise": {"method": "goalposts", "lower": 0, "upper": math.inf}}, "upper"),
                                           ({"normalise": {"method": "zscore", "sd": math.nan}}, "sd"),
                                           ({"aggregate": {"method": "power", "p": math.inf}}, "p")])
def test_scoring_method_numbers_must_be_finite(method, field):
    import pandas as pd

    values = pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [40.0, 90.0]})
    with pytest.raises(pmm.errors.ScoringError, match=rf"{field}: Input should be a finite number"):
        pmm.score(values, pmm.load_catalog("rbm-example"), method=method)


def test_a_kpi_override_at_infinity_is_a_scoring_error(tmp_path):
    import pandas as pd

    text = VALID.replace("    target: 80\n", "    target: 80\n    normalise: {method: goalposts, lower: 0, upper: .inf}\n")
    catalog = _load(tmp_path, text)
    values = pd.DataFrame({"member": ["A", "B"], "kpi": "k1", "value": [40.0, 90.0]})
    with pytest.raises(pmm.errors.ScoringError, match="upper: Input should be a finite number"):
        pmm.score(values, catalog)


_FIELDS = [("    weight: 1\n    target", "    weight: {}\n    target"), ("    target: 80", "    target: {}"),
           ("{lower: 0, upper: 100}", "{{lower: {}, upper: 100}}"), ("thresholds: [10, 20]", "thresholds: [{}, 20]"),
           ("agg: count, scale: 1}", "agg: count, scale: {}}}"), ("    alt: {g: 2}", "    alt: {{g: {}}}")]
_BAD = ([".inf", "-.inf", ".nan", ".NaN", "+.INF", "true", "false", "yes", "null_text", "1e5", "0x1p3", "'12'", '"7.5"',
         "ten", "1_000_000_000e", "[1]"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(_FIELDS), bad=st.sampled_from(_BAD))
def test_any_bad_number_in_any_numeric_field_is_refused_at_its_line(tmp_path, field, bad):
    old, template = field
    new = template.format(bad)
    text = VALID.replace(old, new)
    with pytest.raises(CatalogError) as info:
        _load(tmp_path, text)
    line = _line_of(text, new.splitlines()[0])
    assert any(f"catalog.yaml:{line}:" in p.where for p in info.value.problems), str(info.value)
