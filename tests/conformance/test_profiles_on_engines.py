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
    reference = pmm.map({"test": raw}, catalog, profile, period="month")
    assert reference.accounting["excluded_unparseable"].tolist() == [2]
    _compare(pmm.map({"test": engine(raw)}, catalog, profile, period="month"), reference)


def test_kcs_profile(engine):
    catalog = pmm.load_catalog(KCS / "catalog.yaml")
    raw = pd.read_csv(KCS / "df_syn_valid_eng.csv", nrows=400,
                      dtype={"Declaration ID": str, "Office ID": str, "Mode of Transport": str, "Courier ID": str, "HS6 Code": str})
    raw = raw[["Declaration ID", "Date", "Office ID", "Mode of Transport", "Item Price", "Tax Rate", "Tax Type",
               "Courier ID", "Fraud", "Critical Fraud", "HS6 Code", "Country of Origin"]]
    profile = pmm.load_profile("kcs")
    reference = pmm.map({"kcs": raw}, catalog, profile, by=["office"], period="month")
    assert len(reference.values) > 50
    _compare(pmm.map({"kcs": engine(raw)}, catalog, profile, by=["office"], period="month"), reference)


def test_split_tables_of_one_source(engine):
    catalog = pmm.load_catalog(KCS / "catalog.yaml")
    raw = pd.read_csv(KCS / "df_syn_test_eng.csv", nrows=300,
                      dtype={"Declaration ID": str, "Office ID": str, "Mode of Transport": str, "Courier ID": str,
                             "HS6 Code": str})
    profile = pmm.load_profile("kcs")
    whole = pmm.map({"kcs": raw}, catalog, profile, period="quarter")
    split = pmm.map({"kcs": [engine(raw.iloc[:120]), engine(raw.iloc[120:])]}, catalog, profile, period="quarter")
    assert split.accounting["rows_read"].tolist() == [120, 180]
    a = split.values.sort_values(["period", "kpi"]).reset_index(drop=True)
    b = whole.values.sort_values(["period", "kpi"]).reset_index(drop=True)
    np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9)
    assert a["n"].tolist() == b["n"].tolist()
