"""The ``ten-year-review`` catalog: ten years of annual returns scored against fixed benchmarks.

Expected numbers are hand-computed from ``examples/ten-year-review/annual_returns.csv``.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.scoring.notices import ScoringWarning

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ten-year-review"


@pytest.fixture(scope="module")
def catalog():
    return pmm.load_catalog("ten-year-review")


@pytest.fixture(scope="module")
def returns():
    return pd.read_csv(EXAMPLE / "annual_returns.csv")


@pytest.fixture(scope="module")
def card(catalog, returns):
    values = pmm.values_from_wide(returns, catalog, member="member", period="year")
    with pytest.warns(ScoringWarning, match="XBE in 2017"):
        return pmm.score(values, catalog, members=pd.read_csv(EXAMPLE / "bodies.csv"))


def score(card, node, member, year):
    rows = card.scores
    return float(rows[(rows["node"] == node) & (rows["member"] == member) & (rows["period"].astype(str) == str(year))]
                 ["score"].iloc[0])


def test_the_example_spans_ten_years_with_a_late_joiner_and_a_missed_return(returns):
    assert sorted(returns["year"].unique()) == list(range(2011, 2021))
    assert returns.groupby("member")["year"].min()["XBG"] == 2014
    assert returns.query("member == 'XBE' and year == 2017").drop(columns=["member", "year"]).isna().all(axis=None)
    xba = returns.query("member == 'XBA'").set_index("year")["resources_mobilised"]
    assert (xba[2011], xba[2020]) == (4.0, 8.0)


def test_scores_against_the_benchmarks_by_hand(card):
    # XBA 2020: USD 8.0 m of 20 -> 40; non-core 37.5 % of 60 -> 62.5; 27 of 40 projects -> 67.5;
    # 49.1 % on time; 18 of 30 partnerships -> 60
    resources = (2 * 40 + 37.5 / 60 * 100) / 3
    delivery = (27 / 40 * 100 + 49.1) / 2
    assert score(card, "resources_mobilised", "XBA", 2020) == pytest.approx(40)
    assert score(card, "resources", "XBA", 2020) == pytest.approx(resources)
    assert score(card, "ten-year-review", "XBA", 2020) == pytest.approx((resources + delivery + 60) / 3)


def test_a_missed_return_leaves_that_year_without_score_not_the_others(card):
    assert np.isnan(score(card, "ten-year-review", "XBE", 2017))
    assert not np.isnan(score(card, "ten-year-review", "XBE", 2018))


def test_scores_compare_across_years_whoever_else_is_reviewed(card, catalog, returns):
    alone = pmm.score(pmm.values_from_wide(returns.query("member == 'XBC'"), catalog, member="member", period="year"),
                      catalog).scores
    among = card.scores.query("member == 'XBC'")
    np.testing.assert_allclose(alone["score"].to_numpy(float), among["score"].to_numpy(float), rtol=0, atol=1e-9)


def test_trends_and_cagr_over_the_decade(card, returns):
    trends = card.trends("resources_mobilised", since=2011).set_index("member")
    # XBA: USD 4.00 m in 2011 to 8.00 m in 2020 -> doubled in nine years: CAGR 2^(1/9) - 1 = 8.006 %
    xba = trends.loc["XBA"]
    assert (xba["n_periods"], xba["first_value"], xba["last_value"], xba["change"]) == (10, 4.0, 8.0, 4.0)
    assert xba["cagr"] == pytest.approx(2 ** (1 / 9) - 1, abs=1e-12)
    series = returns.query("member == 'XBA'")
    assert xba["slope"] == pytest.approx(np.polyfit(series["year"], series["resources_mobilised"], 1)[0], abs=1e-12)
    # XBG joined in 2014: seven returns, growth over six years
    g = returns.query("member == 'XBG'").set_index("year")["resources_mobilised"]
    assert (trends.loc["XBG", "n_periods"], trends.loc["XBG", "first_period"]) == (7, 2014)
    assert trends.loc["XBG", "cagr"] == pytest.approx((g[2020] / g[2014]) ** (1 / 6) - 1, abs=1e-12)
    # XBE missed 2017: nine returns, the gap is skipped (not a zero) and the span is still nine years
    e = returns.query("member == 'XBE'").dropna().set_index("year")["resources_mobilised"].astype(float)
    assert trends.loc["XBE", "n_periods"] == 9
    assert trends.loc["XBE", "cagr"] == pytest.approx((e[2020] / e[2011]) ** (1 / 9) - 1, abs=1e-12)
    assert trends.loc["XBE", "slope"] == pytest.approx(np.polyfit(e.index, e.to_numpy(), 1)[0], abs=1e-12)


def test_the_script_writes_the_review(tmp_path):
    with pytest.warns(ScoringWarning):
        runpy.run_path(str(EXAMPLE / "run.py"))["main"](tmp_path)
    by_year = pd.read_csv(tmp_path / "scores_by_year.csv", index_col=0)
    assert by_year.shape == (8, 10)
    trends = pd.read_csv(tmp_path / "trends.csv").set_index(["node", "member"])
    assert trends.loc[("resources_mobilised", "XBA"), "cagr"] == pytest.approx(2 ** (1 / 9) - 1)
    assert trends.index.get_level_values("node").unique().tolist() == [
        "resources_mobilised", "projects_active", "partnerships_active", "ten-year-review"]
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
