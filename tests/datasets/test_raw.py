"""raw_declarations: the synthetic rows in a national system's layout, and the shipped profile mapping it back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.datasets import raw, raw_declarations, synthetic_declarations

ARGS = {"n": 3_000, "members": 4, "years": (2023, 2024), "seed": 5}
DATETIME = r"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$"
AMOUNT = r"^\d{1,3}(?:\.\d{3})*,\d\d$"


@pytest.fixture(scope="module")
def raw_table() -> pd.DataFrame:
    return raw_declarations(**ARGS)


@pytest.fixture(scope="module")
def canonical() -> pd.DataFrame:
    return synthetic_declarations(**ARGS)


@pytest.fixture(scope="module")
def reference(catalog, canonical) -> pmm.MappingResult:
    return pmm.map({"declarations": canonical}, catalog, engine="pandas")


def _sorted(values: pd.DataFrame) -> pd.DataFrame:
    return values.sort_values(["member", "period", "kpi"]).reset_index(drop=True)


def _assert_same_result(result: pmm.MappingResult, reference: pmm.MappingResult) -> None:
    pd.testing.assert_frame_equal(result.accounting, reference.accounting)
    a, b = _sorted(result.values), _sorted(reference.values)
    pd.testing.assert_frame_equal(a.drop(columns="value"), b.drop(columns="value"))
    np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9, atol=1e-9)


def test_reference_covers_every_declaration_kpi(catalog, reference):
    kpis = {k for k in catalog.kpi_ids if getattr(catalog.kpi(k).definition, "source", None) == "declarations"}
    assert len(kpis) >= 15 and set(reference.values["kpi"]) == kpis
    assert len(reference.values) == len(kpis) * ARGS["members"] * len(ARGS["years"])
    assert (reference.values["status"] == "ok").all()
    assert reference.accounting["negative_duration"].iloc[0] > 0  # pre-arrival releases reach the mapping


@pytest.mark.parametrize("engine", [
    "pandas",  # recoded Y/N flags become pandas' nullable booleans (`not` on Python objects gave ~True == -2)
    "auto",  # pandas input runs on DuckDB
])
def test_profile_maps_raw_to_the_canonical_result(catalog, raw_table, reference, engine):
    result = pmm.map({"declarations": raw_table}, catalog, pmm.load_profile("synthetic-raw"), engine=engine)
    _assert_same_result(result, reference)


def test_profile_maps_raw_polars_to_the_canonical_result(catalog, raw_table, reference):
    pl = pytest.importorskip("polars")
    result = pmm.map({"declarations": pl.from_pandas(raw_table)}, catalog, pmm.load_profile("synthetic-raw"))
    _assert_same_result(result, reference)


def test_profile_maps_offices_and_quarters(catalog, raw_table, canonical):
    kwargs = {"by": ["office"], "period": "quarter", "kpis": ["tf_e_declarations", "tf_release_median_h",
                                                              "tf_red_channel_share", "tf_ecommerce_share"]}
    reference = pmm.map({"declarations": canonical}, catalog, engine="pandas", **kwargs)
    result = pmm.map({"declarations": raw_table}, catalog, pmm.load_profile("synthetic-raw"), engine="duckdb", **kwargs)
    assert reference.values["office"].nunique() > 10
    pd.testing.assert_frame_equal(result.accounting, reference.accounting)
    a = result.values.sort_values(["member", "period", "office", "kpi"]).reset_index(drop=True)
    b = reference.values.sort_values(["member", "period", "office", "kpi"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.drop(columns="value"), b.drop(columns="value"))
    np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9, atol=1e-9,
                               equal_nan=True)


def test_raw_rows_are_the_canonical_rows(raw_table, canonical):
    """Parsed back with plain pandas (independently of the profile), every raw column is the canonical one."""
    for name in ("lodgement_ts", "arrival_ts", "release_ts"):
        text = raw_table[{v: k for k, v in raw.RAW_COLUMNS.items()}[name]]
        parsed = pd.to_datetime(text, format="%d/%m/%Y %H:%M:%S").astype("datetime64[ns]")
        pd.testing.assert_series_equal(parsed, canonical[name], check_names=False)
    for name in ("CIF_VALUE", "DUTY"):
        number = raw_table[name].str.replace(".", "", regex=False).str.replace(",", ".", regex=False).astype(float)
        np.testing.assert_allclose(number, canonical[raw.RAW_COLUMNS[name]], rtol=1e-12, atol=0)
    flags = ["PHYS_EXAM", "OFFENCE_FOUND", "E_LODGED", "AEO_FLAG", "ECOM_FLAG", "EXPRESS_FLAG", "SW_FLAG", "PREF_FLAG"]
    for name in flags:
        assert ((raw_table[name] == "Y").to_numpy() == canonical[raw.RAW_COLUMNS[name]].to_numpy()).all(), name
    flow = raw_table["REGIME"].str[:2].map({"IM": "import", "EX": "export", "TR": "transit"})
    assert (flow == canonical["flow"]).all()
    channel = raw_table["LANE"].map({"V": "green", "J": "yellow", "O": "orange", "R": "red"})
    assert (channel == canonical["channel"]).all()
    mode = raw_table["MODE"].map({"1": "sea", "2": "rail", "3": "road", "4": "air", "5": "post", "9": "other"})
    assert (mode == canonical["transport_mode"]).all()
    for name in ("DECL_NO", "CUSTOMS_ADMIN", "OFFICE_CODE", "HS6", "ORIGIN_CTY"):
        assert (raw_table[name] == canonical[raw.RAW_COLUMNS[name]]).all(), name


def test_layout_is_a_national_systems_not_the_canonical_one(catalog, raw_table):
    fields = set(catalog.sources["declarations"].fields)
    assert list(raw_table.columns) == list(raw.RAW_COLUMNS)
    assert sorted(raw.RAW_COLUMNS.values()) == sorted(fields)
    assert not {c.lower() for c in raw_table.columns} & fields
    assert all(str(dtype) == "str" for dtype in raw_table.dtypes)  # dates, flags and amounts are text
    for name in ("LODGE_DT", "ARRIVAL_DT", "RELEASE_DT"):
        present = raw_table[name].dropna()
        assert present.str.match(DATETIME).all() and (present != "").all(), name
    assert raw_table["LODGE_DT"].notna().all()
    assert raw_table["ARRIVAL_DT"].isna().sum() > 100 and raw_table["RELEASE_DT"].isna().any()
    for name in ("CIF_VALUE", "DUTY"):
        assert raw_table[name].str.match(AMOUNT).all(), name
    assert raw_table["CIF_VALUE"].str.count(r"\.").max() >= 2  # millions: two thousands separators
    assert (raw_table["DUTY"] == "0,00").any()
    assert set(raw_table["REGIME"]) == {"IM4", "IM7", "EX1", "EX3", "TR"}
    assert set(raw_table["LANE"]) == {"V", "J", "O", "R"}
    assert set(raw_table["MODE"]) == {"1", "2", "3", "4", "5", "9"}
    assert set(raw_table["PHYS_EXAM"]) == {"Y", "N"}


def test_deterministic_for_a_seed(raw_table):
    pd.testing.assert_frame_equal(raw_declarations(**ARGS), raw_table)
    other = raw_declarations(**{**ARGS, "seed": 6})
    assert not other["LODGE_DT"].equals(raw_table["LODGE_DT"])


def test_amount_text_by_hand():
    amounts = np.array([0.0, 0.05, 9.99, 999.99, 1_000.0, 12_345.6, 999_999.99, 1_000_000.0, 123_456_789_012.34])
    assert raw._amount_text(amounts).tolist() == [
        "0,00", "0,05", "9,99", "999,99", "1.000,00", "12.345,60", "999.999,99", "1.000.000,00", "123.456.789.012,34"]
    assert raw._amount_text(np.array([], dtype=float)).tolist() == []


def test_datetime_text_by_hand():
    times = pd.Series(pd.to_datetime(["1999-12-31 23:59:59", "2024-02-29 00:00:00", None, "2024-10-05 09:08:07"]))
    assert raw._datetime_text(times).tolist() == ["31/12/1999 23:59:59", "29/02/2024 00:00:00", np.nan,
                                                  "05/10/2024 09:08:07"]


def test_same_table_without_pyarrow(raw_table, monkeypatch):
    monkeypatch.setattr(raw, "pa", None)
    pd.testing.assert_frame_equal(raw_declarations(**ARGS), raw_table)


def test_profile_is_shipped_and_fits_the_contract(catalog):
    assert "synthetic-raw" in pmm.mapping.shipped_profiles()
    profile = pmm.load_profile("synthetic-raw")
    assert profile.source == "declarations" and profile.name == "synthetic-raw"
    assert profile.check_against(catalog.sources["declarations"], "declarations") == []
    assert profile.codes["aeo"] == {"Y": True, "N": False}
    assert set(profile.dates) == {"lodgement_ts", "arrival_ts", "release_ts"}
    assert {f.decimal for f in profile.numbers.values()} == {","}
    assert not profile.derived and not profile.constants
    assert set(profile.rename) == set(raw.RAW_COLUMNS) and dict(profile.rename) == raw.RAW_COLUMNS
