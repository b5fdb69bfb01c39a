"""Invariants on random tables: accounting balances; row order and splitting change nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmm
from tests.mapping.small import small_catalog

ROWS = st.lists(
    st.tuples(
        st.sampled_from(["AAA", "BBB", None]),                        # member
        st.sampled_from(["1", "2", "3", "4", "5", "6", "7", None]),   # id (duplicates happen)
        st.sampled_from(["o1", "o2"]),                                # office
        st.one_of(st.none(), st.integers(0, 3 * 365 * 24)),           # lodged: hours after 2022-01-01
        st.one_of(st.none(), st.integers(-48, 400)),                  # released - lodged, hours
        st.sampled_from(["green", "red", "blue", None]),              # channel ("blue" is outside the list)
        st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)),     # value
        st.sampled_from(["t1", "t2", None]),                          # trader
    ),
    max_size=40,
)


def table(rows) -> pd.DataFrame:
    t0 = pd.Timestamp("2022-01-01")
    records = []
    for member, i, office, lodged, delta, channel, value, trader in rows:
        lodged_ts = None if lodged is None else t0 + pd.Timedelta(hours=lodged)
        released = None if lodged_ts is None or delta is None else lodged_ts + pd.Timedelta(hours=delta)
        records.append([member, i, office, lodged_ts, released, channel, value, trader])
    df = pd.DataFrame(records, columns=["member", "id", "office", "lodged", "released", "channel", "value", "trader"])
    df["lodged"] = pd.to_datetime(df["lodged"])
    df["released"] = pd.to_datetime(df["released"])
    df["value"] = df["value"].astype(float)
    return df


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return small_catalog(tmp_path_factory.mktemp("small"))


def _sorted(values: pd.DataFrame) -> pd.DataFrame:
    return values.sort_values(["member", "period", "kpi"]).reset_index(drop=True)


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("route", ["pandas", "auto"])  # auto runs pandas input on DuckDB
@SETTINGS
@given(rows=ROWS)
def test_rows_read_equal_used_plus_excluded(catalog, route, rows):
    df = table(rows)
    acc = pmm.map({"decl": df}, catalog, engine=route).accounting.iloc[0]
    assert acc["rows_read"] == len(df)
    assert acc["rows_read"] == acc["rows_used"] + acc.filter(like="excluded_").sum()
    usable = df.dropna(subset=["member", "id", "lodged"])
    usable = usable[usable["channel"].isin(["green", "red"]) | usable["channel"].isna()]
    assert acc["rows_used"] == (~usable["id"].duplicated(keep=False)).sum()


@pytest.mark.parametrize("route", ["pandas", "auto"])
@SETTINGS
@given(rows=ROWS, seed=st.integers(0, 2**32 - 1), cut=st.integers(0, 40))
def test_result_ignores_row_order_and_splitting(catalog, route, rows, seed, cut):
    df = table(rows)
    base = pmm.map({"decl": df}, catalog, engine="pandas")
    shuffled = df.sample(frac=1.0, random_state=seed % (2**32 - 1)).reset_index(drop=True)
    perm = pmm.map({"decl": shuffled}, catalog, engine=route)
    split = pmm.map({"decl": [shuffled.iloc[:cut], shuffled.iloc[cut:]]}, catalog, engine=route)
    for other in (perm, split):
        a, b = _sorted(base.values), _sorted(other.values)
        pd.testing.assert_frame_equal(a[["member", "period", "kpi", "n", "status"]], b[["member", "period", "kpi", "n", "status"]])
        np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9, equal_nan=True)
    totals = split.accounting.drop(columns=["source", "table"]).sum()
    assert totals.to_dict() == base.accounting.drop(columns=["source", "table"]).iloc[0].to_dict()
