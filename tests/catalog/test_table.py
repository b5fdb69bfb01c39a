"""COINr-style metadata tables: the ASEM example in and out."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.errors import CatalogError

ASEM = Path(__file__).resolve().parents[1] / "data" / "asem"
COLUMNS = ["iCode", "Parent", "Level", "Direction", "Weight", "Type", "iName", "Unit", "Target"]


@pytest.fixture(scope="module")
def imeta() -> pd.DataFrame:
    return pd.read_csv(ASEM / "asem_imeta.csv")


def test_asem_metadata_builds_the_published_tree(imeta):
    cat = pmm.Catalog.from_table(imeta)
    kinds = pd.Series({n: cat.level(n) for n in cat.walk()}).value_counts().sort_index()
    assert kinds.to_dict() == {1: 49, 2: 8, 3: 2, 4: 1}
    assert cat.root == "Index"
    assert set(cat.children("Index")) == {"Conn", "Sust"}
    assert len(cat.children("Physical")) == 8
    # directions and targets come through
    assert cat.kpi("Tariff").direction == "lower" and cat.kpi("LPI").direction == "higher"
    assert cat.kpi("LPI").target == pytest.approx(4.11803135)


def test_asem_round_trip_is_lossless_for_the_coinr_columns(imeta):
    table = pmm.Catalog.from_table(imeta).to_table()
    original = imeta[imeta["Type"].isin(["Indicator", "Aggregate"])]
    key = ["Level", "iCode"]
    a = original[COLUMNS].sort_values(key).reset_index(drop=True)
    b = table[COLUMNS].sort_values(key).reset_index(drop=True)
    assert list(a["iCode"]) == list(b["iCode"])
    for col in ["Parent", "Type", "iName"]:
        assert list(a[col].fillna("")) == list(b[col].fillna("")), col
    for col in ["Level", "Weight", "Target"]:
        np.testing.assert_allclose(a[col].astype(float), b[col].astype(float), equal_nan=True, err_msg=col)
    indicators = a["Type"] == "Indicator"
    np.testing.assert_array_equal(a.loc[indicators, "Direction"], b.loc[indicators, "Direction"])
    assert list(a.loc[indicators, "Unit"]) == list(b.loc[indicators, "Unit"])
    # and a second trip gives the same catalog
    assert pmm.Catalog.from_table(table) == pmm.Catalog.from_table(imeta)


def test_bad_tables_report_every_row(imeta):
    bad = imeta.copy()
    bad.loc[bad["iCode"] == "LPI", "Direction"] = 2
    bad.loc[bad["iCode"] == "Ship", "Weight"] = -1
    bad.loc[bad["iCode"] == "Bord", "Parent"] = "Physicall"
    with pytest.raises(CatalogError) as info:
        pmm.Catalog.from_table(bad)
    text = str(info.value)
    assert "[LPI]: Direction must be 1 or -1, found 2" in text
    assert "[Ship]" in text and "greater than 0" in text
    assert "unknown parent 'Physicall'" in text and "did you mean 'Physical'?" in text


def test_missing_columns_and_wrong_levels(imeta):
    with pytest.raises(CatalogError, match=r"lacks column\(s\) \['Weight'\]"):
        pmm.Catalog.from_table(imeta.drop(columns="Weight"))
    wrong = imeta.copy()
    wrong.loc[wrong["iCode"] == "Physical", "Level"] = 3
    with pytest.raises(CatalogError, match="Level is 3 but the tree puts 'Physical' at level 2"):
        pmm.Catalog.from_table(wrong)
