"""Hostile inputs give the same documented answer on every engine (issue 12, mapping part).

Each test is one class of defect that once crashed or gave engine-dependent numbers: local times
in a daylight-saving change, zoned timestamps and the machine's time zone, duration arithmetic,
non-ASCII digits and odd whitespace in number text, NaN in float columns, ``x == None``. Expected
values are worked out by hand in the comments.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
import yaml

import pmm
from pmm.errors import ExpressionError, MappingError
from pmm.mapping import load_profile_text
from tests.mapping.small import small_catalog


def _engine_name(request) -> str:
    return request.node.callspec.params["engine"]


# -- daylight-saving changes ----------------------------------------------------------------------
DST_PROFILE = """\
source: decl
rename: {M: member, I: id, L: lodged, R: released}
dates:
  lodged: {format: "%Y-%m-%d %H:%M", timezone: Europe/Paris}
  released: {format: "%Y-%m-%d %H:%M", timezone: Europe/Paris}
"""
DST_RAW = pd.DataFrame({
    "M": ["A"] * 5, "I": list("12345"),
    # repeated hour (ambiguous), skipped hour (nonexistent), the hour before the repeat, New Year, across the skip
    "L": ["2024-10-27 02:30", "2024-03-31 02:30", "2024-10-27 01:30", "2024-12-31 23:30", "2024-03-31 01:59"],
    "R": ["2024-10-27 03:30", "2024-04-01 00:00", "2024-10-27 02:15", "2025-01-01 00:30", "2024-03-31 03:01"],
})


def test_daylight_saving_rule(engine, request, tmp_path):
    """Ambiguous → earliest instant (kept, counted in ambiguous_time); nonexistent → unparseable."""
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(DST_PROFILE, "dst.yaml")
    name = _engine_name(request)
    if name in ("duckdb", "pyspark"):  # the zone lives in the connection/session: a clear error, never a crash
        with pytest.raises(MappingError, match=r"source 'decl'.*(duckdb|pyspark)"):
            pmm.map({"t": engine(DST_RAW)}, catalog, profile, period="month", kpis=["n_decl", "median_h"])
        return
    r = pmm.map({"t": engine(DST_RAW)}, catalog, profile, period="month", kpis=["n_decl", "median_h"])
    acc = r.accounting.iloc[0]
    assert (acc["rows_used"], acc["excluded_unparseable"], acc["ambiguous_time"]) == (4, 1, 2)
    got = {(p, k): v for p, k, v in r.values[["period", "kpi", "value"]].itertuples(index=False)}
    # row 1: 02:30 CEST (00:30 UTC) → 03:30 CET (02:30 UTC) = 2 h; row 3: 01:30 CEST → 02:15 CEST (earliest) = 0.75 h
    assert got[("2024-10", "n_decl")] == 2 and got[("2024-10", "median_h")] == pytest.approx((2 + 0.75) / 2)
    # row 5: 01:59 CET (00:59 UTC) → 03:01 CEST (01:01 UTC) = 2 minutes
    assert got[("2024-03", "median_h")] == pytest.approx(2 / 60)
    # row 4: local New Year's Eve stays in December (22:30 UTC)
    assert got[("2024-12", "median_h")] == pytest.approx(1.0)


# -- zoned timestamps and the machine's time zone -----------------------------------------------
@pytest.fixture(params=["America/New_York", "Asia/Tokyo"])
def machine_zone(request, monkeypatch):
    """Pretend the machine runs in another zone (pmm's DuckDB connections are made afresh)."""
    from pmm.mapping import routing

    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    monkeypatch.setattr(routing, "_CONNECTIONS", type(routing._CONNECTIONS)())
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("route", ["pandas", "auto", "duckdb", "polars"])
def test_zoned_times_fall_in_their_local_period_whatever_the_machine_zone(machine_zone, route, tmp_path):
    catalog = small_catalog(tmp_path)
    local = pd.to_datetime(["2024-01-01 00:30", "2024-12-31 23:30", "2024-07-01 12:00"]).tz_localize("Europe/Paris")
    df = pd.DataFrame({"member": "A", "id": ["1", "2", "3"], "lodged": local, "released": local + pd.Timedelta(hours=3)})
    r = pmm.map({"decl": df}, catalog, engine=route, period="month", kpis=["n_decl", "median_h"])
    got = r.values.pivot(index="period", columns="kpi", values="value")
    assert got["n_decl"].to_dict() == {"2024-01": 1, "2024-07": 1, "2024-12": 1}
    assert got["median_h"].tolist() == [3.0, 3.0, 3.0]


def test_duckdb_relations_use_their_connection_zone(machine_zone, tmp_path):
    """A DuckDB TIMESTAMPTZ holds no zone: the relation's connection TimeZone places it (documented)."""
    duckdb = pytest.importorskip("duckdb")
    catalog = small_catalog(tmp_path)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Paris'")
    rel = con.sql("SELECT 'A' AS member, '1' AS id, TIMESTAMPTZ '2024-01-01 00:30:00+01:00' AS lodged")
    r = pmm.map({"decl": rel}, catalog, kpis=["n_decl"])
    assert r.values["period"].tolist() == ["2024"]


# -- every documented operation on every engine -------------------------------------------------
OPERATIONS = {
    "abs_dur": ("mean", "hours(abs(t1 - t0))"), "neg_dur": ("mean", "hours(-(t1 - t0))"),
    "sum_dur": ("mean", "days((t1 - t0) + (t2 - t1))"), "coal_dur": ("mean", "hours(coalesce(t2 - t0, t1 - t0))"),
    "coal_dt": ("mean", "hours(coalesce(t2, t1) - t0)"), "ifelse_dur": ("mean", "hours(if_else(x > 1, t1 - t0, t2 - t0))"),
    "mod": ("sum", "x % 3"), "div": ("sum", "x / y"), "calendar": ("sum", "year(t0) + month(t1) + quarter(t2)"),
    "abs": ("sum", "abs(x)"), "eq_none": ("share", "x == None"), "ne_none": ("share", "s != None"),
    "isnull": ("share", "is_null(x)"), "starts": ("share", 'startswith(s, "ab")'), "strcmp": ("share", 's < "b"'),
    "coal": ("sum", "coalesce(x, y, 0)"), "notb": ("share", "not b"), "ifelse": ("sum", "if_else(b, x, y)"),
    "distinct": ("count_distinct", "s"), "in": ("share", 's in ["ab", "b"]'), "chain": ("share", "0 < x < 5"),
    "q30": ("quantile", "x"), "median": ("median", "x * 1.5"), "max": ("max", "-y"),
}


def _operations_catalog(tmp_path) -> pmm.Catalog:
    fields = {"member": {"type": "string", "required": True}, "id": {"type": "string", "required": True},
              "t0": {"type": "datetime", "required": True}, "t1": {"type": "datetime"}, "t2": {"type": "datetime"},
              "x": {"type": "float"}, "y": {"type": "float"}, "s": {"type": "string"}, "b": {"type": "boolean"}}
    kpis = [{"id": k, "name": k, "parent": "g", "unit": "count", "direction": "higher",
             "definition": {"type": "simple", "source": "d", "agg": agg, "expr": expr, **({"q": 0.3} if agg == "quantile" else {})}}
            for k, (agg, expr) in OPERATIONS.items()]
    doc = {"framework": {"id": "ops", "name": "Operations"}, "sources": {"d": {"time": "t0", "key": ["id"], "fields": fields}},
           "groups": [{"id": "g", "name": "G"}], "kpis": kpis}
    path = tmp_path / "ops.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return pmm.load_catalog(path)


def _operations_table(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    t0 = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400_000, n), unit="min")
    maybe = lambda s, p: s.where(rng.random(n) > p)  # noqa: E731
    df = pd.DataFrame({"member": rng.choice(["A", "B"], n), "id": [str(i) for i in range(n)], "t0": t0,
                       "t1": maybe(pd.Series(t0 + pd.to_timedelta(rng.integers(-3000, 3000, n), unit="min")), 0.2),
                       "t2": maybe(pd.Series(t0 + pd.to_timedelta(rng.integers(-3000, 3000, n), unit="min")), 0.3),
                       "x": maybe(pd.Series(rng.normal(0, 5, n)).round(2), 0.2),
                       "y": maybe(pd.Series(rng.normal(0, 5, n)).round(1), 0.2),
                       "s": maybe(pd.Series(rng.choice(["ab", "b", "c", "abc"], n), dtype=object), 0.2),
                       "b": maybe(pd.Series(rng.random(n) > 0.5, dtype="boolean"), 0.2)})
    df.loc[0, "y"] = 0.0  # a division by zero
    return df


def test_every_documented_operation_runs_and_agrees(engine, tmp_path):
    catalog = _operations_catalog(tmp_path)
    df = _operations_table()
    reference = pmm.map({"d": df}, catalog, engine="pandas").values.set_index(["member", "period", "kpi"])
    got = pmm.map({"d": engine(df)}, catalog).values.set_index(["member", "period", "kpi"]).loc[reference.index]
    assert got["status"].tolist() == reference["status"].tolist()
    np.testing.assert_allclose(got["value"].astype(float), reference["value"].astype(float), rtol=1e-9, equal_nan=True)
    # independent checks of the reference for the constructs that once failed
    for (member, period), part in df.assign(period=df["t0"].dt.year.astype(str)).groupby(["member", "period"]):
        hours = ((part["t1"] - part["t0"]).dt.total_seconds().abs() / 3600).dropna()
        assert reference.loc[(member, period, "abs_dur"), "value"] == pytest.approx(hours.mean())
        assert reference.loc[(member, period, "eq_none"), "value"] == pytest.approx(part["x"].isna().mean())
        assert reference.loc[(member, period, "ne_none"), "value"] == pytest.approx(part["s"].notna().mean())


@pytest.mark.parametrize("text", ["x < None", "None >= x", 'x in ["a", None]'])
def test_comparisons_with_none_that_have_no_meaning_are_refused(text):
    from pmm.expr import parse_expression

    with pytest.raises(ExpressionError, match="None"):
        parse_expression(text, {"x": "string"}, expect="boolean")


# -- number text and NaN --------------------------------------------------------------------------
NUMBER_PROFILE = """\
source: decl
rename: {M: member, I: id, L: lodged, V: value}
dates: {lodged: {format: "%Y-%m-%d"}}
"""


def test_number_text_uses_ascii_digits_only(engine, tmp_path):
    """Arabic-Indic and full-width digits, and non-ASCII spaces, are unparseable on every engine."""
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(NUMBER_PROFILE, "numbers.yaml")
    values = ["12", "١٢", "۱۲", "１２", "\u00a012", " 7\t", "1e3", "-0.5", "1_000", "٣.5", "nan", "inf", "1e400"]
    raw = pd.DataFrame({"M": "A", "I": [str(i) for i in range(len(values) + 1)],
                        "L": ["2024-01-01"] * len(values) + ["２０２４-01-01"], "V": values + ["1"]})
    r = pmm.map({"t": engine(raw)}, catalog, profile, kpis=["n_decl", "total_value"])
    acc = r.accounting.iloc[0]
    # used: 12, 7, 1000, -0.5; "1e400" overflows to infinity: unparseable like the other 9
    assert (acc["rows_used"], acc["excluded_unparseable"]) == (4, 10)
    assert r.values.set_index("kpi").loc["total_value", "value"] == 12 + 7 + 1000 - 0.5


def _nan_tables(name: str, request):
    rows = {"member": ["A"] * 4, "id": ["1", "2", "3", "4"], "value": [math.nan, 5.0, math.inf, 2.0],
            "lodged": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-02"])}
    if name == "pandas":
        return pd.DataFrame(rows)
    if name.startswith("polars"):
        pl = pytest.importorskip("polars")
        frame = pl.DataFrame(rows)
        assert frame["value"].is_nan().sum() == 1  # a real NaN, not a null
        return frame if name == "polars_eager" else frame.lazy()
    if name == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.connect().sql("SELECT * FROM (VALUES ('A', '1', 'nan'::DOUBLE, TIMESTAMP '2024-01-01'), "
                                    "('A', '2', 5.0, TIMESTAMP '2024-02-01'), ('A', '3', 'inf'::DOUBLE, TIMESTAMP '2024-03-01'), "
                                    "('A', '4', 2.0, TIMESTAMP '2024-03-02')) t(member, id, value, lodged)")
    session = request.getfixturevalue("spark_session")
    from pyspark.sql import types as T

    schema = T.StructType([T.StructField("member", T.StringType()), T.StructField("id", T.StringType()),
                           T.StructField("value", T.DoubleType()), T.StructField("lodged", T.TimestampType())])
    return session.createDataFrame([(m, i, v, t.to_pydatetime()) for m, i, v, t in zip(*rows.values())], schema)


def test_nan_in_an_optional_float_is_a_missing_value(engine, request, tmp_path):
    catalog = small_catalog(tmp_path)
    r = pmm.map({"decl": _nan_tables(_engine_name(request), request)}, catalog, kpis=["n_decl", "total_value"])
    acc = r.accounting.iloc[0]
    assert (acc["rows_used"], acc["excluded_unparseable"]) == (3, 1)  # NaN kept as missing; inf unparseable
    got = r.values.set_index("kpi")
    assert (got.loc["n_decl", "value"], got.loc["total_value", "value"], got.loc["total_value", "n"]) == (3, 7.0, 2)


# -- determinism ------------------------------------------------------------------------------------
def test_sums_and_means_are_exact_and_bit_identical(engine, tmp_path):
    """Sums are the correctly rounded exact sum (math.fsum), whatever order an engine adds in."""
    catalog = small_catalog(tmp_path)
    rng = np.random.default_rng(12)
    n = 3000
    values = np.concatenate([rng.normal(0, 1e6, n // 3), rng.random(n // 3) * 1e-3, rng.lognormal(3, 2, n - 2 * (n // 3))])
    df = pd.DataFrame({"member": "A", "id": [str(i) for i in range(n)], "value": values,
                       "lodged": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
                       "channel": "green"})
    native = engine(df)
    first = pmm.map({"decl": native}, catalog, kpis=["total_value", "mean_value"]).values
    again = pmm.map({"decl": native}, catalog, kpis=["total_value", "mean_value"]).values
    assert first["value"].tolist() == again["value"].tolist()
    got = first.set_index("kpi")["value"]
    assert got["total_value"] == math.fsum(values)
    assert got["mean_value"] == float(sum(map(__import__("fractions").Fraction, values)) / n)


# -- generated dirty tables -----------------------------------------------------------------------
HOSTILE_NUMBERS = ["12", "-3.5", " 7 ", "1e3", "١٢", "１２", "\u00a09", "1_0", "nan", "inf", "1e400", "", "x", None]
HOSTILE_DATES = ["2024-01-05", "2024-02-30", "２０２４-01-01", "2023-12-31", "2024-13-01", "", None]


def test_generated_dirty_tables_agree_on_every_fast_engine(tmp_path):
    """pandas, polars and DuckDB give the same values, and account for every row, on hostile text."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(NUMBER_PROFILE, "numbers.yaml")
    rows = st.lists(st.tuples(st.sampled_from(["A", "B", None]), st.sampled_from(["1", "2", "3", "4", "5", None]),
                              st.sampled_from(HOSTILE_DATES), st.sampled_from(HOSTILE_NUMBERS)), max_size=30)

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rows=rows)
    def check(rows):
        raw = pd.DataFrame(rows, columns=["M", "I", "L", "V"], dtype=object)
        kpis = ["n_decl", "total_value"]
        reference = pmm.map({"t": raw}, catalog, profile, kpis=kpis, engine="pandas")
        acc = reference.accounting.iloc[0]
        assert acc["rows_read"] == len(raw) == acc["rows_used"] + acc.filter(like="excluded_").sum()
        for native in (pl.from_pandas(raw), duckdb.connect().from_df(raw)):
            other = pmm.map({"t": native}, catalog, profile, kpis=kpis)
            pd.testing.assert_frame_equal(other.values, reference.values, check_dtype=False)
            pd.testing.assert_frame_equal(other.accounting, reference.accounting)

    check()
