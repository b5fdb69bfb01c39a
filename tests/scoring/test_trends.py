"""card.trends: CAGR, least-squares slope, change over the span, robust to gaps (issue 11 §3)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmm
from pmm.errors import ScoringError
from pmm.scoring.trends import TREND_COLUMNS, trend_table


@pytest.fixture(scope="module")
def card():
    cat = pmm.load_catalog("rbm-example")
    years = list(range(2011, 2021))
    rng = np.random.default_rng(3)
    rows = []
    for m in ["A", "B", "C"]:
        for y in years:
            rows.append((m, y, "participants", float(rng.uniform(50, 500))))
    rows = [r for r in rows if not (r[0] == "B" and r[1] in (2013, 2014, 2018))]       # gaps
    rows.append(("D", 2015, "participants", 120.0))                                   # one value
    vals = pd.DataFrame(rows, columns=["member", "period", "kpi", "value"])
    return pmm.score(vals, cat), vals


def test_columns_and_statistics_against_numpy(card):
    card, vals = card
    t = card.trends("participants").set_index("member")
    assert list(card.trends("participants").columns) == TREND_COLUMNS
    for m in ["A", "B", "C"]:
        s = vals[vals["member"] == m].sort_values("period")
        x, v = s["period"].to_numpy(float), s["value"].to_numpy()
        slope = np.polyfit(x, v, 1)[0]
        assert t.loc[m, "slope"] == pytest.approx(slope, rel=1e-10)
        assert t.loc[m, "n_periods"] == len(s)
        assert t.loc[m, "change"] == pytest.approx(v[-1] - v[0])
        assert t.loc[m, "cagr"] == pytest.approx((v[-1] / v[0]) ** (1 / (x[-1] - x[0])) - 1)
        assert t.loc[m, "reason"] is None
    assert t.loc["B", "n_periods"] == 7


def test_one_value_gives_no_trend_and_says_why(card):
    card, _ = card
    d = card.trends("participants").set_index("member").loc["D"]
    assert d["n_periods"] == 1 and np.isnan(d["slope"]) and np.isnan(d["cagr"])
    assert "one period" in d["reason"]


def test_since_and_group_scores(card):
    card, vals = card
    late = card.trends("participants", since=2016).set_index("member")
    a = vals[(vals["member"] == "A") & (vals["period"] >= 2016)].sort_values("period")
    assert late.loc["A", "first_period"] == 2016 and late.loc["A", "n_periods"] == len(a)
    assert late.loc["D", "reason"] == "no value"
    outputs = card.trends("outputs").set_index("member")                 # a group: its scores
    s = card.scores.query("node == 'outputs' and member == 'A'").sort_values("period")
    assert outputs.loc["A", "slope"] == pytest.approx(np.polyfit(s["period"].astype(float), s["score"], 1)[0])


def test_hand_cagr_and_non_positive_start():
    series = pd.DataFrame({"member": ["A"] * 3 + ["B"] * 2, "period": [2020, 2021, 2022, 2020, 2022],
                           "value": [100.0, 150.0, 225.0, 0.0, 10.0]})
    t = trend_table(series, [2020, 2021, 2022]).set_index("member")
    assert t.loc["A", "cagr"] == pytest.approx(0.5) and t.loc["A", "change_pct"] == pytest.approx(125.0)
    assert np.isnan(t.loc["B", "cagr"]) and "CAGR" in t.loc["B", "reason"]
    assert t.loc["B", "slope"] == pytest.approx(5.0)                      # (10 − 0)/2 years


def test_unknown_node_is_named(card):
    card, _ = card
    with pytest.raises(ScoringError, match="participant"):
        card.trends("participant")
    with pytest.raises(ScoringError, match="'value'"):
        card.trends("outputs", on="value")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(1, 1e4)), min_size=2, max_size=12))
def test_slope_matches_polyfit_with_gaps(values):
    periods = list(range(2000, 2000 + len(values)))
    series = pd.DataFrame({"member": "A", "period": periods, "value": values})
    t = trend_table(series, periods).iloc[0]
    seen = [(p, v) for p, v in zip(periods, values) if v is not None]
    assert t["n_periods"] == len(seen)
    if len(seen) < 2:
        assert np.isnan(t["slope"]) and isinstance(t["reason"], str)
    else:
        x, v = np.array(seen, dtype=float).T
        assert t["slope"] == pytest.approx(np.polyfit(x, v, 1)[0], rel=1e-6, abs=1e-6)


def test_since_of_another_type_or_without_periods_is_a_clear_error(card):
    card, _ = card
    with pytest.raises(ScoringError, match="since='2015' cannot be compared"):
        card.trends("participants", since="2015")
    no_period = pmm.score(pd.DataFrame({"member": ["A", "B"], "kpi": "participants", "value": [1.0, 2.0]}),
                          pmm.load_catalog("rbm-example"))
    table = no_period.trends("participants", since=2015)
    assert table["member"].tolist() == ["A", "B"] and table["n_periods"].tolist() == [0, 0]
    assert table["reason"].tolist() == ["no value", "no value"]


def test_since_keeps_every_member_with_a_reason(card):
    card, _ = card
    table = card.trends("participants", since=2016)
    assert table["member"].tolist() == ["A", "B", "C", "D"]            # D's only value (2015) is before since
    assert table.set_index("member").loc["D", ["n_periods", "reason"]].tolist() == [0, "no value"]
