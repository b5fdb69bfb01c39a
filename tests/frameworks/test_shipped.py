"""Every shipped catalog validates, scores absolutely by default and documents its goalposts."""

from __future__ import annotations

import pytest

import pmm
from pmm.catalog.shipped import shipped_catalogs
from pmm.cli import main
from pmm.scoring.method import default_method

FRAMEWORKS = ["wto-ta", "apo-pillars", "un-cooperation-framework", "ten-year-review"]


def test_the_seed_frameworks_are_shipped():
    assert set(FRAMEWORKS) <= set(shipped_catalogs())


@pytest.mark.parametrize("name", shipped_catalogs())
def test_shipped_catalog_validates_and_scores_absolutely(name, capsys):
    assert main(["validate", name]) == 0
    assert f"OK: {name} is a valid catalog" in capsys.readouterr().out
    cat = pmm.load_catalog(name)
    assert all(k.goalposts is not None or k.categorical for k in cat.kpis), name
    assert all(k.goalposts is None or k.goalposts.rationale for k in cat.kpis), name
    assert all(k.maturity is None or k.maturity.rationale for k in cat.kpis), name
    assert default_method(cat)["normalise"]["method"] == "goalposts"
