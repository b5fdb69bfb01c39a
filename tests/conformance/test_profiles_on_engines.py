"""Raw layouts through profiles (renames, codes, text dates and numbers) give the same result on every engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import pmm
from pmm.mapping import load_profile_text
from tests.mapping.small import small_catalog
from tests.mapping.test_profile import PROFILE, RAW

KCS = Path(__file__).resolve().parents[2] / "examples" / "kcs"


def _compare(result, reference):
    a = result.values.sort_values(["member", "period", "kpi"]).reset_index(drop=True)
    b = reference.values.sort_values(["member", "period", "kpi"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.drop(columns="value"), b.drop(columns="value"), check_dtype=False)
    np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9, atol=1e-9, equal_nan=True)
    pd.testing.assert_frame_equal(result.accounting, reference.accounting)


def test_text_dates_decimal_commas_and_codes(engine, tmp_path):
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(PROFILE, "test.yaml")
    raw = RAW.astype(object).where(RAW.notna(), None)
    reference = pmm.map({"test": raw}, catalog, profile, period="month", engine="pandas")
    assert reference.accounting["excluded_unparseable"].tolist() == [2]
    _compare(pmm.map({"test": engine(raw)}, catalog, profile, period="month"), reference)


def test_kcs_profile(engine):
    catalog = pmm.load_catalog(KCS / "catalog.yaml")
    raw = pd.read_csv(KCS / "df_syn_valid_eng.csv", nrows=400,
                      dtype={"Declaration ID": str, "Office ID": str, "Mode of Transport": str, "Courier ID": str, "HS6 Code": str})
    raw = raw[["Declaration ID", "Date", "Office ID", "Mode of Transport", "Item Price", "Tax Rate", "Tax Type",
               "Courier ID", "Fraud", "Critical Fraud", "HS6 Code", "Country of Origin"]]
    profile = pmm.load_profile("kcs")
    reference = pmm.map({"kcs": raw}, catalog, profile, by=["office"], period="month", engine="pandas")
    assert len(reference.values) > 50
    _compare(pmm.map({"kcs": engine(raw)}, catalog, profile, by=["office"], period="month"), reference)


def test_split_tables_of_one_source(engine):
    catalog = pmm.load_catalog(KCS / "catalog.yaml")
    raw = pd.read_csv(KCS / "df_syn_test_eng.csv", nrows=300,
                      dtype={"Declaration ID": str, "Office ID": str, "Mode of Transport": str, "Courier ID": str,
                             "HS6 Code": str})
    profile = pmm.load_profile("kcs")
    whole = pmm.map({"kcs": raw}, catalog, profile, period="quarter", engine="pandas")
    split = pmm.map({"kcs": [engine(raw.iloc[:120]), engine(raw.iloc[120:])]}, catalog, profile, period="quarter")
    assert split.accounting["rows_read"].tolist() == [120, 180]
    a = split.values.sort_values(["period", "kpi"]).reset_index(drop=True)
    b = whole.values.sort_values(["period", "kpi"]).reset_index(drop=True)
    np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9)
    assert a["n"].tolist() == b["n"].tolist()


def test_dates_that_do_not_exist_are_excluded_as_unparseable(engine, tmp_path):
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(PROFILE, "test.yaml")
    lodged = ["29/02/2024 08:00", "30/02/2024 08:00", "29/02/2023 08:00", "31/04/2024 08:00", "31/12/2023 23:59",
              "29/02/2000 08:00", "29/02/1900 08:00"]
    raw = pd.DataFrame({"Member": "A", "DeclNo": [str(i) for i in range(len(lodged))], "Lodged": lodged,
                        "Released": "31/12/2024 08:00", "Chan": "V", "Amount": "1"})
    result = pmm.map({"test": engine(raw)}, catalog, profile, period="month", kpis=["n_decl"])
    acc = result.accounting.iloc[0]
    # 30 Feb, 29 Feb of the common years 2023 and 1900, and 31 April do not exist
    assert (acc["excluded_unparseable"], acc["rows_used"]) == (4, 3)
    counts = dict(zip(result.values["period"], result.values["value"]))
    assert counts == {"2000-02": 1.0, "2023-12": 1.0, "2024-02": 1.0}


def test_optional_columns_with_nothing_in_them_are_missing_values(engine, tmp_path):
    """An all-missing column has no type on polars (Null) and DuckDB (NULL): it reads as missing values."""
    catalog = small_catalog(tmp_path)
    raw = pd.DataFrame({"member": ["A", "A", "B"], "id": ["1", "2", "3"],
                        "lodged": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                        "released": None, "channel": None, "value": None, "trader": None})
    result = pmm.map({"decl": engine(raw)}, catalog, kpis=["n_decl", "median_h", "red_share", "total_value"])
    assert result.accounting["rows_used"].tolist() == [3]
    got = result.values.set_index(["member", "kpi"])
    assert got.loc[("A", "n_decl"), "value"] == 2 and got.loc[("B", "n_decl"), "value"] == 1
    assert got.loc[("A", "total_value"), "value"] == 0.0  # a sum of no values
    assert (got.xs("median_h", level="kpi")["status"] == "insufficient_data").all()
    assert (got.xs("red_share", level="kpi")["status"] == "insufficient_data").all()
