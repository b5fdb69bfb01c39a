"""workshop(): the regional data set behind `pmm demo`; and the module docstring examples."""

import dataclasses
import doctest
import importlib

import pandas as pd
import pytest

import pmm
from pmm import datasets

_MODULES = ["pmm.datasets", *(f"pmm.datasets.{name}" for name in
                              ("answers", "columns", "declarations", "dirty", "members", "sources", "workshop"))]


def test_workshop_bundles_consistent_members_sources_and_answers():
    w = datasets.workshop(members=5, years=(2023, 2024), seed=2, declarations_per_member_year=200)
    assert isinstance(w, datasets.Workshop)
    codes = set(w.members["member"])
    assert len(codes) == 5
    for name, table in w.sources.items():
        present = set(table[w.catalog.sources[name].member])
        assert present <= codes, name
        if name in ("declarations", "revenue", "budget", "staff", "aeo_register"):  # never empty for a member
            assert present == codes, name
    assert set(w.answers["member"]) <= codes and set(w.answers["period"]) == {"2023", "2024"}
    reported = {k.id for k in w.catalog.kpis if k.definition.type == "reported"}
    assert set(w.answers["kpi"]) == reported
    assert w.catalog.framework.id == "wco-pmm"
    pd.testing.assert_frame_equal(w.members, datasets.synthetic_members(5, seed=2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.members = None


def test_workshop_is_deterministic():
    kw = dict(members=3, years=2024, seed=9, declarations_per_member_year=100)
    a, b = datasets.workshop(**kw), datasets.workshop(**kw)
    pd.testing.assert_frame_equal(a.answers, b.answers)
    for name in a.sources:
        pd.testing.assert_frame_equal(a.sources[name], b.sources[name])


def test_datasets_is_public():
    assert "datasets" in pmm.__all__ and pmm.datasets is datasets
    assert set(datasets.__all__) >= {"synthetic_declarations", "synthetic_sources", "synthetic_members",
                                     "synthetic_answers", "workshop", "Workshop", "latent_maturity"}


@pytest.mark.parametrize("module", _MODULES)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
