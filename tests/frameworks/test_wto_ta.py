"""The ``wto-ta`` catalog scores its illustrative example data as an annual report would.

Expected numbers are hand-computed from the yearly totals the example was built to (the
variations 2022 → 2023 quoted in issue 11) and from the CSV rows with plain pandas.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pandas as pd
import pytest

import pmm

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wto-ta"


@pytest.fixture(scope="module")
def catalog():
    return pmm.load_catalog("wto-ta")


@pytest.fixture(scope="module")
def tables():
    return {name: pd.read_csv(EXAMPLE / f"{name}.csv") for name in ("activities", "requests")}


@pytest.fixture(scope="module")
def card(catalog, tables):
    return pmm.score(pmm.map(tables, catalog, progress=None).values, catalog)


def value(card, kpi, period, column="value"):
    levels = card.levels
    row = levels[(levels["kpi"] == kpi) & (levels["period"].astype(str) == period)]
    return float(row[column].iloc[0])


def test_every_kpi_has_goalposts_and_the_default_scoring_is_absolute(catalog):
    assert all(catalog.kpi(k).goalposts is not None for k in catalog.kpi_ids)
    assert catalog.framework.scoring["normalise"]["method"] == "goalposts"


def test_the_example_rows_add_up_to_the_annual_totals(tables):
    act = tables["activities"].assign(year=lambda t: t["end_date"].str[:4])
    req = tables["requests"].assign(year=lambda t: t["received_date"].str[:4])
    totals = act.groupby("year").agg(activities=("activity_id", "size"), participants=("participants", "sum"),
                                     ldc=("ldc_participants", "sum"))
    assert totals.loc["2022"].tolist() == [250, 15_000, 4_000]
    assert totals.loc["2023"].tolist() == [310, 19_800, 5_600]
    assert req.groupby("year").size().loc[["2022", "2023"]].tolist() == [100, 160]
    assert (act["ldc_participants"] <= act["participants"]).all()


def test_year_on_year_variations_are_those_of_the_annual_report(card):
    # 2022 -> 2023: participants +32 %, activities +24 %, LDC participants +40 %, national requests +60 %
    changes = card.changes()
    changes = changes[changes["period"].astype(str) == "2023"].set_index("node")
    for kpi, (before, after, pct) in {"ta_participants": (15_000, 19_800, 32), "ta_activities": (250, 310, 24),
                                      "ta_ldc_participants": (4_000, 5_600, 40),
                                      "ta_national_requests": (100, 160, 60)}.items():
        row = changes.loc[kpi]
        assert (row["value_previous"], row["value"]) == (before, after), kpi
        assert row["value_change"] == after - before
        assert row["value_change_pct"] == pytest.approx(pct, abs=1e-9), kpi


def test_progress_against_the_plan_says_achieved_or_partly_achieved(card):
    progress = card.progress.astype({"period": str}).set_index(["period", "kpi"])
    # participants: baseline 13,500 (2021), target 18,000: 2022 is (15,000 - 13,500) / 4,500 = 1/3 of the way
    assert progress.loc[("2022", "ta_participants"), "achievement"] == pytest.approx(1 / 3)
    assert progress.loc[("2022", "ta_participants"), "status"] == "partly achieved"
    assert progress.loc[("2023", "ta_participants"), "status"] == "achieved"     # 19,800 >= 18,000
    assert progress.loc[("2021", "ta_participants"), "status"] == "not achieved"  # the baseline year itself
    # LDC share 2023: 5,600 / 19,800 = 28.28 %, from a 25 % baseline to a 30 % target
    assert progress.loc[("2023", "ta_ldc_share"), "achievement"] == pytest.approx((5_600 / 19_800 * 100 - 25) / 5)
    groups = card.group_progress.astype({"period": str}).set_index(["period", "node"])
    # results 2023: objectives met and requests delivered achieved, objectives fully achieved only partly
    assert groups.loc[("2023", "results"), ["n_kpis", "n_achieved", "status"]].tolist() == [3, 2, "partly achieved"]
    assert groups.loc[("2023", "wto-ta"), "status"] == "partly achieved"


def test_objectives_shares_match_the_rows(card, tables):
    act = tables["activities"]
    act = act[act["end_date"].str.startswith("2023") & (act["objectives"] != "not assessed")]
    assert value(card, "ta_objectives_full", "2023") == pytest.approx((act["objectives"] == "fully").mean() * 100)
    assert value(card, "ta_objectives_met", "2023") == pytest.approx(act["objectives"].isin(["fully", "partly"]).mean() * 100)


def test_scores_are_the_share_of_the_target_reached(card):
    # goalposts [0, target]: 15,000 of 18,000 participants -> 83.33; 4,000/15,000 = 26.67 % LDC of a 30 % target -> 88.89
    assert value(card, "ta_participants", "2022", "score") == pytest.approx(15_000 / 18_000 * 100)
    assert value(card, "ta_ldc_share", "2022", "score") == pytest.approx(4_000 / 15_000 * 100 / 30 * 100)
    assert value(card, "ta_activities", "2023", "score") == 100  # 310 activities: above target, truncated
    reach = (250 / 300 + 15_000 / 18_000 + 4_000 / 5_000 + (4_000 / 15_000 * 100) / 30 + 100 / 150) / 5 * 100
    scores = card.scores.astype({"period": str}).set_index(["period", "node"])["score"]
    assert scores.loc[("2022", "reach")] == pytest.approx(reach)
    assert scores.loc[("2022", "wto-ta")] == pytest.approx((reach + 2 * scores.loc[("2022", "results")]) / 3)
    levels = card.scores.astype({"period": str}).set_index(["period", "node"])["maturity_label"]
    assert levels.loc[("2023", "ta_participants")] == "Target met"
    assert levels.loc[("2022", "ta_national_requests")] == "Behind"  # 100 of 150 requests: 66.7 < 75


def test_scores_do_not_depend_on_who_else_is_scored(card, catalog):
    values = card.levels[["member", "period", "kpi", "value"]]
    other = values.assign(member="OTHER-TA", value=values["value"].astype(float) * 0.5)
    together = pmm.score(pd.concat([values, other]), catalog).scores.query("member == 'WTO-TA'")
    alone = card.scores
    pd.testing.assert_series_equal(together["score"].reset_index(drop=True), alone["score"].reset_index(drop=True),
                                   rtol=0, atol=1e-9)


def test_the_script_writes_the_report(tmp_path):
    card = runpy.run_path(str(EXAMPLE / "run.py"))["main"](tmp_path)
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    table = pd.read_csv(tmp_path / "annual_table.csv").set_index("kpi")
    assert table.loc["ta_participants", "value_change_pct"] == pytest.approx(32)
    assert table.loc["ta_participants", "status"] == "achieved"
    assert [str(p) for p in card.periods] == ["2021", "2022", "2023"]
