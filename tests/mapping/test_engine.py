"""pmm.map semantics on small tables with hand-computed expectations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.errors import MappingError
from tests.mapping.small import small_catalog


@pytest.fixture
def catalog(tmp_path):
    return small_catalog(tmp_path)


def decl(rows):
    cols = ["member", "id", "office", "lodged", "released", "channel", "value", "trader"]
    df = pd.DataFrame(rows, columns=cols)
    df["lodged"] = pd.to_datetime(df["lodged"])
    df["released"] = pd.to_datetime(df["released"])
    return df


BASE = decl([
    ["AAA", "1", "o1", "2023-03-01 08:00", "2023-03-01 10:00", "green", 100.0, "t1"],
    ["AAA", "2", "o1", "2024-01-01 00:00", "2024-01-01 06:00", "red", 50.0, "t1"],
    ["AAA", "3", "o2", "2024-02-01 00:00", "2024-02-03 00:00", "green", 30.0, "t2"],
    ["AAA", "4", "o2", "2024-05-01 12:00", None, None, None, None],
    ["BBB", "5", "o9", "2024-07-01 00:00", "2024-07-01 01:30", "red", 10.0, "t3"],
])


def value(result, member, period, kpi, **by):
    v = result.values
    sel = (v["member"] == member) & (v["period"] == period) & (v["kpi"] == kpi)
    for k, x in by.items():
        sel &= v[k] == x
    row = v[sel]
    assert len(row) == 1, row
    return row.iloc[0]


#: ``engine`` values that must give the hand-computed results: "auto" runs pandas input on DuckDB.
ROUTES = {"auto": "duckdb", "pandas": "pandas"}


@pytest.mark.parametrize("route", list(ROUTES))
def test_every_definition_type_against_hand_computation(catalog, route):
    r = pmm.map({"decl": BASE}, catalog, engine=route)
    assert r.engines == {"decl": ROUTES[route]}
    a24 = lambda k: value(r, "AAA", "2024", k)  # noqa: E731
    assert a24("n_decl")["value"] == 3 and a24("n_decl")["n"] == 3
    assert a24("red_rate")["value"] == pytest.approx(100 / 3)
    # share ignores the row without a channel: 1 red of 2 known
    assert a24("red_share")["value"] == pytest.approx(50.0) and a24("red_share")["n"] == 2
    assert a24("median_h")["value"] == pytest.approx((6 + 48) / 2)
    # numpy's linear quantile of [0.25, 2.0] days at 0.9
    assert a24("p90_d")["value"] == pytest.approx(np.quantile([0.25, 2.0], 0.9))
    assert a24("mean_value")["value"] == pytest.approx(30.0)
    assert a24("total_value")["value"] == pytest.approx(80.0)
    assert a24("traders")["value"] == 2 and a24("traders")["n"] == 2
    assert a24("value_per_red")["value"] == pytest.approx(80.0)
    assert a24("growth")["value"] == pytest.approx((3 - 1) / 1 * 100)


@pytest.mark.parametrize("route", list(ROUTES))
def test_zero_denominator_missing_previous_period_and_empty_mean_are_insufficient(catalog, route):
    r = pmm.map({"decl": BASE}, catalog, engine=route)
    a23 = lambda k: value(r, "AAA", "2023", k)  # noqa: E731
    assert a23("value_per_red")["status"] == "insufficient_data" and math.isnan(a23("value_per_red")["value"])
    assert a23("growth")["status"] == "insufficient_data"          # no 2022
    assert value(r, "BBB", "2024", "growth")["status"] == "insufficient_data"  # data for T, not T-1
    assert value(r, "BBB", "2024", "mean_value")["status"] == "insufficient_data"  # no green row
    assert value(r, "BBB", "2024", "total_value")["value"] == 10.0
    assert not np.isinf(r.values["value"].astype(float)).any()


def test_variation_with_zero_previous_value_is_insufficient(tmp_path, catalog):
    # 'growth' counts rows; make a variation over a filtered count that is 0 in 2023
    text = (tmp_path / "small.yaml").read_text().replace(
        "measure: {source: decl, agg: count}", 'measure: {source: decl, agg: count, filter: channel == "red"}')
    (tmp_path / "small.yaml").write_text(text)
    r = pmm.map({"decl": BASE}, pmm.load_catalog(tmp_path / "small.yaml"))
    assert value(r, "AAA", "2024", "growth")["status"] == "insufficient_data"


def test_periods_quarter_and_month_and_by_office(catalog):
    q = pmm.map({"decl": BASE}, catalog, period="quarter", kpis=["n_decl"])
    assert q.values[["member", "period", "value"]].values.tolist() == [
        ["AAA", "2023-Q1", 1.0], ["AAA", "2024-Q1", 2.0], ["AAA", "2024-Q2", 1.0], ["BBB", "2024-Q3", 1.0]]
    m = pmm.map({"decl": BASE}, catalog, period="month", by=["office"], kpis=["n_decl", "growth"])
    assert list(m.values.columns) == ["member", "period", "office", "kpi", "value", "n", "status"]
    assert value(m, "AAA", "2024-02", "n_decl", office="o2")["value"] == 1
    # month variation: o1 has 2023-03 and 2024-01, not consecutive
    assert value(m, "AAA", "2024-01", "growth", office="o1")["status"] == "insufficient_data"
    with pytest.raises(MappingError, match="period must be one of"):
        pmm.map({"decl": BASE}, catalog, period="week")


def test_variation_across_year_boundary_by_month(catalog):
    df = decl([["AAA", str(i), "o", f"2023-12-0{i}", None, "red", 1.0, "t"] for i in range(1, 3)]
              + [["AAA", "9", "o", "2024-01-05", None, "red", 1.0, "t"]])
    r = pmm.map({"decl": df}, catalog, period="month", kpis=["growth"])
    assert value(r, "AAA", "2024-01", "growth")["value"] == pytest.approx(-50.0)


def test_reported_values_are_merged_with_not_reported_gaps(catalog):
    answers = pd.DataFrame({"member": ["AAA"], "period": ["2024"], "kpi": ["answer"], "value": [75.0]})
    r = pmm.map({"decl": BASE}, catalog, kpis=["n_decl", "answer"], reported=answers)
    assert value(r, "AAA", "2024", "answer")["value"] == 75.0
    assert value(r, "AAA", "2024", "answer")["status"] == "ok"
    assert value(r, "AAA", "2023", "answer")["status"] == "not_reported"
    assert value(r, "BBB", "2024", "answer")["status"] == "not_reported"
    bad = answers.assign(kpi="answr")
    with pytest.raises(MappingError, match="did you mean 'answer'"):
        pmm.map({"decl": BASE}, catalog, reported=bad)
    clash = answers.assign(kpi="n_decl")
    with pytest.raises(MappingError, match="also computed"):
        pmm.map({"decl": BASE}, catalog, reported=clash)
    with pytest.raises(MappingError, match="lacks column"):
        pmm.map({"decl": BASE}, catalog, reported=answers.drop(columns="value"))


@pytest.mark.parametrize("route", list(ROUTES))
def test_accounting_counts_every_reason(catalog, route):
    df = pd.concat([BASE, decl([
        ["AAA", "1", "o1", "2024-03-01", None, "green", 1.0, "t"],      # duplicate id 1 (both copies)
        [None, "7", "o1", "2024-03-01", None, "green", 1.0, "t"],       # null member
        ["AAA", None, "o1", "2024-03-01", None, "green", 1.0, "t"],     # missing required id
        ["AAA", "8", "o1", "2024-03-01", None, "blue", 1.0, "t"],       # code outside list
        ["AAA", "9", "o1", "2024-03-02", "2024-03-01", "red", 1.0, "t"],  # negative duration, used
    ])], ignore_index=True)
    r = pmm.map({"decl": df}, catalog, engine=route)
    assert r.engines == {"decl": ROUTES[route]}
    acc = r.accounting.iloc[0]
    assert acc["rows_read"] == 10
    assert acc["excluded_duplicate_key"] == 2
    assert acc["excluded_null_member_or_time"] == 1
    assert acc["excluded_missing_required"] == 1
    assert acc["excluded_code_outside_list"] == 1
    assert acc["excluded_unparseable"] == 0
    assert acc["rows_used"] == 5
    assert acc["negative_duration"] == 1
    assert acc["rows_read"] == acc["rows_used"] + acc.filter(like="excluded_").sum()
    # the duplicated 2023 row is gone: AAA 2023 has no usable row left
    assert value(r, "AAA", "2023", "n_decl")["status"] == "insufficient_data"


@pytest.mark.parametrize("route", list(ROUTES))
def test_strict_raises_with_examples(catalog, route):
    df = pd.concat([BASE, decl([["AAA", "8", "o1", "2024-03-01", None, "blue", 1.0, "t"]])], ignore_index=True)
    with pytest.raises(MappingError) as info:
        pmm.map({"decl": df}, catalog, strict=True, engine=route)
    text = str(info.value)
    assert "code outside list" in text and "blue" in text
    assert "1 row(s) excluded" in text
    pmm.map({"decl": BASE}, catalog, strict=True, engine=route)  # clean data passes


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "polars"])
def test_empty_table_gives_no_values_and_zero_accounting(catalog, engine):
    r = pmm.map({"decl": BASE.iloc[:0]}, catalog, engine=engine)
    assert len(r.values) == 0
    assert r.accounting["rows_read"].tolist() == [0]


def test_missing_column_and_wrong_dtype_are_clear_errors(catalog):
    with pytest.raises(MappingError, match=r"\[traders\]: cannot compute KPI: source 'decl' lacks field\(s\) trader"):
        pmm.map({"decl": BASE.drop(columns="trader")}, catalog, kpis=["traders"])
    # without asking for it, the KPI is skipped with the reason
    r = pmm.map({"decl": BASE.drop(columns="trader")}, catalog)
    assert "traders" in r.skipped and "trader" in r.skipped["traders"]
    wrong = BASE.assign(value=pd.to_datetime("2024-01-01"))
    with pytest.raises(MappingError, match="cannot become the float field 'value'"):
        pmm.map({"decl": wrong}, catalog)
    with pytest.raises(MappingError, match="unknown source 'decls'.*did you mean 'decl'"):
        pmm.map({"decls": BASE}, catalog)
    with pytest.raises(MappingError, match="unknown KPI 'n_dec'"):
        pmm.map({"decl": BASE}, catalog, kpis=["n_dec"])


def test_progress_callback_sees_every_step(catalog):
    seen = []
    pmm.map({"decl": BASE}, catalog, kpis=["n_decl", "red_rate"], progress=lambda s, d, t: seen.append((s, d, t)))
    assert seen == [("source decl", 1, 3), ("kpi n_decl", 2, 3), ("kpi red_rate", 3, 3)]


def test_engine_option_moves_pandas_to_duckdb_and_polars(catalog):
    base = pmm.map({"decl": BASE}, catalog, engine="pandas").values
    for engine in ("duckdb", "polars"):
        other = pmm.map({"decl": BASE}, catalog, engine=engine)
        assert other.engines == {"decl": engine}
        pd.testing.assert_frame_equal(other.values, base)
    with pytest.raises(MappingError, match="engine must be one of"):
        pmm.map({"decl": BASE}, catalog, engine="dask")


def _tz_profile(tmp_path):
    path = tmp_path / "tz.yaml"
    path.write_text("source: decl\ndates:\n  lodged: {format: '%Y-%m-%d %H:%M', timezone: Asia/Seoul}\n"
                    "  released: {format: '%Y-%m-%d %H:%M', timezone: Asia/Seoul}\n")
    return path


@pytest.mark.parametrize("case, table, expected", [
    ("plain columns", lambda: BASE, "duckdb"),
    ("text dates through a profile", lambda: BASE.assign(lodged=BASE["lodged"].dt.strftime("%Y-%m-%d %H:%M")), "duckdb"),
    ("time-zone-aware columns", lambda: BASE.assign(lodged=BASE["lodged"].dt.tz_localize("Asia/Seoul"),
                                                    released=BASE["released"].dt.tz_localize("Asia/Seoul")), "pandas"),
    ("categorical column", lambda: BASE.assign(channel=BASE["channel"].astype("category")), "pandas"),
    ("all-missing object column", lambda: BASE.assign(trader=pd.Series([None] * len(BASE), dtype=object)), "pandas"),
    ("mixed Python objects", lambda: BASE.assign(trader=["t1", 2, "t2", None, "t3"]), "pandas"),
    ("object column of booleans", lambda: BASE.assign(flag=pd.Series([True, None, False, True, None], dtype=object),
                                                      channel=BASE["channel"].astype(object)), "pandas"),
])
def test_auto_runs_pandas_on_duckdb_only_where_it_reads_alike(catalog, tmp_path, case, table, expected):
    df = table()
    profile = None
    if case == "text dates through a profile":
        (tmp_path / "p.yaml").write_text("source: decl\ndates: {lodged: {format: '%Y-%m-%d %H:%M'}}\n")
        profile = tmp_path / "p.yaml"
    try:
        on_pandas = pmm.map({"decl": df}, catalog, profile, engine="pandas")
    except MappingError as error:  # then auto must stop with the same message
        with pytest.raises(MappingError) as info:
            pmm.map({"decl": df}, catalog, profile)
        assert str(info.value) == str(error)
        return
    auto = pmm.map({"decl": df}, catalog, profile)
    assert auto.engines == {"decl": expected}, case
    pd.testing.assert_frame_equal(auto.values, on_pandas.values)
    pd.testing.assert_frame_equal(auto.accounting, on_pandas.accounting)


def test_mixing_zoned_and_naive_datetimes_is_a_clear_error(catalog):
    df = BASE.assign(lodged=BASE["lodged"].dt.tz_localize("Asia/Seoul"))
    for route in ROUTES:
        with pytest.raises(MappingError, match=r"mix zoned and naive times: lodged \(Asia/Seoul\), released \(no time zone\)"):
            pmm.map({"decl": df}, catalog, engine=route)


def test_time_zone_profile_keeps_pandas_input_on_pandas(catalog, tmp_path):
    df = BASE.assign(lodged=BASE["lodged"].dt.strftime("%Y-%m-%d %H:%M"),
                     released=BASE["released"].dt.strftime("%Y-%m-%d %H:%M"))
    r = pmm.map({"decl": df}, catalog, _tz_profile(tmp_path), kpis=["n_decl", "median_h"])
    assert r.engines == {"decl": "pandas"}
    assert r.values.query("kpi == 'n_decl'")["value"].sum() == 5
    assert value(r, "AAA", "2024", "median_h")["value"] == pytest.approx((6 + 48) / 2)


def test_rejects_non_tables(catalog):
    with pytest.raises(MappingError, match="expected a pandas or polars DataFrame"):
        pmm.map({"decl": [[1, 2]]}, catalog)


def test_progress_bar_and_bad_progress_argument(catalog):
    with_bar = pmm.map({"decl": BASE}, catalog, kpis=["n_decl"], progress=True).values
    pd.testing.assert_frame_equal(with_bar, pmm.map({"decl": BASE}, catalog, kpis=["n_decl"]).values)
    with pytest.raises(MappingError, match="progress must be"):
        pmm.map({"decl": BASE}, catalog, progress="yes")


def test_wide_and_repr(catalog):
    r = pmm.map({"decl": BASE}, catalog, kpis=["n_decl", "total_value"])
    wide = r.wide()
    assert list(wide.columns) == ["member", "period", "n_decl", "total_value"]
    assert wide.loc[(wide["member"] == "AAA") & (wide["period"] == "2024"), "n_decl"].item() == 3
    assert "2 KPIs" in repr(r) and "rows read 5" in repr(r)


def test_csv_flag_columns_with_gaps_are_booleans_on_every_engine(tmp_path):
    """read_csv gives pandas an object column of True/False/NaN for a flag with gaps; polars a Boolean."""
    pl = pytest.importorskip("polars")
    data = pmm.datasets.synthetic_declarations(3000, members=3, years=2024, seed=4)
    data["aeo"] = data["aeo"].astype(object).where(np.arange(len(data)) % 7 != 0, None)
    data.to_csv(tmp_path / "d.csv", index=False)
    on_pandas = pd.read_csv(tmp_path / "d.csv", parse_dates=["lodgement_ts", "arrival_ts", "release_ts"])
    assert on_pandas["aeo"].dtype == object
    kpis = ["tf_aeo_trade_share", "tf_aeo_release_advantage"]
    got = pmm.map({"declarations": on_pandas}, "wco-pmm", kpis=kpis)
    assert got.engines == {"declarations": "pandas"}  # Arrow reads the column as booleans, pandas as objects
    want = pmm.map({"declarations": pl.read_csv(tmp_path / "d.csv", try_parse_dates=True)}, "wco-pmm", kpis=kpis)
    assert want.engines == {"declarations": "polars"}
    pd.testing.assert_frame_equal(got.values, want.values, check_exact=False, rtol=1e-9)
    assert (got.values["n"] < 3000).all() and (got.values["status"] == "ok").all()


def test_polars_null_typed_column_reads_as_missing_values(catalog):
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(BASE.drop(columns=["released", "value"])).with_columns(
        pl.lit(None).alias("released"), pl.lit(None).alias("value"))
    assert frame.schema["released"] == pl.Null and frame.schema["value"] == pl.Null
    r = pmm.map({"decl": frame}, catalog, kpis=["n_decl", "median_h", "total_value"])
    assert value(r, "AAA", "2024", "n_decl")["value"] == 3
    assert value(r, "AAA", "2024", "median_h")["status"] == "insufficient_data"
    assert value(r, "AAA", "2024", "total_value")["value"] == 0.0
    with pytest.raises(MappingError, match="column 'value' has type"):  # a typed column of another kind is still refused
        pmm.map({"decl": frame.with_columns(pl.lit([1]).alias("value"))}, catalog, kpis=["total_value"])
