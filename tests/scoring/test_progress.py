"""card.progress and card.group_progress: achievement against baselines and targets (issue 11 §2)."""

import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmm
from pmm.errors import ScoringError
from pmm.scoring.progress import PROGRESS_COLUMNS

PROGRAMME = """\
framework:
  id: prog
  name: Programme
  levels: [Low, Mid, High]
{progress}
groups:
  - {{id: outputs, name: Outputs}}
  - {{id: outcomes, name: Outcomes, weight: 3}}
kpis:
  - id: trained
    name: People trained
    parent: outputs
    unit: count
    direction: higher
    baseline: 0
    baseline_period: 2022
    target: 1800
    targets: {{2023: 600, 2024: 1200}}
    cumulative: true
    goalposts: {{lower: 0, upper: 2000}}
  - id: activities
    name: Activities delivered
    parent: outputs
    unit: count
    direction: higher
    baseline: 20
    target: 40
    goalposts: {{lower: 0, upper: 60}}
  - id: days
    name: Days to answer a request
    parent: outcomes
    unit: days
    direction: lower
    baseline: 30
    target: 10
    goalposts: {{lower: 0, upper: 60}}
"""


def programme(tmp_path, progress: str = ""):
    path = tmp_path / "prog.yaml"
    path.write_text(PROGRAMME.format(progress=textwrap.indent(progress, "  ")), encoding="utf-8")
    return pmm.load_catalog(path)


def table(rows):
    return pd.DataFrame(rows, columns=["member", "period", "kpi", "value"])


def test_columns_and_hand_calculations(tmp_path):
    cat = programme(tmp_path)
    vals = table([("A", 2023, "activities", 35.0), ("A", 2023, "days", 20.0), ("B", 2023, "activities", 18.0),
                  ("B", 2023, "days", 8.0)])
    p = pmm.score(vals, cat).progress
    assert list(p.columns) == PROGRESS_COLUMNS
    got = p.set_index(["member", "kpi"])
    assert got.loc[("A", "activities"), "achievement"] == pytest.approx((35 - 20) / (40 - 20))      # 0.75
    assert got.loc[("A", "days"), "achievement"] == pytest.approx((20 - 30) / (10 - 30))            # 0.5, lower is better
    assert got.loc[("B", "activities"), "achievement"] == pytest.approx(-0.1)
    assert got.loc[("B", "days"), "achievement"] == pytest.approx(1.1)
    assert got["status"].to_dict() == {("A", "activities"): "partly achieved", ("A", "days"): "partly achieved",
                                       ("B", "activities"): "not achieved", ("B", "days"): "achieved"}


def test_values_table_overrides_and_milestones(tmp_path):
    cat = programme(tmp_path)
    vals = table([("A", 2023, "activities", 30.0), ("A", 2024, "activities", 30.0), ("B", 2024, "activities", 30.0)])
    vals["target"] = [np.nan, 30.0, np.nan]
    vals["baseline"] = [10.0, np.nan, np.nan]
    p = pmm.score(vals, cat).progress.set_index(["member", "period"])
    assert p.loc[("A", 2023), ["baseline", "target"]].tolist() == [10.0, 40.0]     # row baseline, catalog target
    assert p.loc[("A", 2024), ["baseline", "target", "status"]].tolist() == [20.0, 30.0, "achieved"]
    assert p.loc[("B", 2024), "achievement"] == pytest.approx(0.5)


def test_cumulative_running_total_since_the_baseline_period(tmp_path):
    cat = programme(tmp_path)
    vals = table([("A", 2022, "trained", 999.0), ("A", 2023, "trained", 400.0), ("A", 2024, "trained", 500.0),
                  ("A", 2025, "trained", 700.0), ("B", 2023, "trained", 700.0), ("B", 2024, "trained", None),
                  ("B", 2025, "trained", 300.0)])
    p = pmm.score(vals, cat).progress.set_index(["member", "period"])
    # 2022 is the baseline period: its value is not part of the running total
    assert np.isnan(p.loc[("A", 2022), "value"])
    assert p.loc[("A", 2023), ["value", "target"]].tolist() == [400.0, 600.0]             # milestone 2023
    assert p.loc[("A", 2024), ["value", "target"]].tolist() == [900.0, 1200.0]            # milestone 2024
    assert p.loc[("A", 2025), ["value", "target", "status"]].tolist() == [1600.0, 1800.0, "partly achieved"]
    assert p.loc[("B", 2023), "status"] == "achieved"                                     # 700 ≥ 600
    assert np.isnan(p.loc[("B", 2024), "value"])                                          # nothing reported
    assert p.loc[("B", 2025), "value"] == 1000.0                                          # the gap adds nothing


def test_traffic_light_from_the_catalog(tmp_path):
    cat = programme(tmp_path, "progress: {cuts: [0.5, 0.9], labels: [red, amber, green]}\n")
    vals = table([("A", 2023, "activities", v) for v in [29.0]] + [("B", 2023, "activities", 30.0),
                                                                   ("C", 2023, "activities", 38.0)])
    assert pmm.score(vals, cat).progress["status"].tolist() == ["red", "amber", "green"]


def test_target_equal_to_baseline_has_no_achievement(tmp_path):
    cat = programme(tmp_path)
    vals = table([("A", 2023, "activities", 30.0)]).assign(target=20.0)
    row = pmm.score(vals, cat).progress.iloc[0]
    assert np.isnan(row["achievement"]) and row["status"] is None


def test_bad_goal_column_is_named(tmp_path):
    cat = programme(tmp_path)
    with pytest.raises(ScoringError, match="'target'.*rows \\[1\\]"):
        pmm.score(table([("A", 2023, "activities", 30.0), ("B", 2023, "activities", 30.0)]).assign(target=["40", "x"]),
                  cat)


def test_groups_are_never_achieved_when_no_kpi_is(tmp_path):
    cat = programme(tmp_path)
    # every KPI partly achieved: min-max or goalposts scores may be high, the status stays "partly"
    vals = table([("A", 2023, "trained", 590.0), ("A", 2023, "activities", 39.0), ("A", 2023, "days", 11.0)])
    g = pmm.score(vals, cat).group_progress.set_index("node")
    assert g.loc["prog", "status"] == "partly achieved"
    assert g.loc["prog", "n_achieved"] == 0 and g.loc["prog", "achievement"] == 0.0


def test_group_share_is_weighted_and_top_status_needs_every_child(tmp_path):
    cat = programme(tmp_path)
    vals = table([("A", 2023, "trained", 600.0), ("A", 2023, "activities", 10.0), ("A", 2023, "days", 5.0),
                  ("B", 2023, "trained", 700.0), ("B", 2023, "activities", 45.0), ("B", 2023, "days", 10.0),
                  ("C", 2023, "trained", 0.0), ("C", 2023, "activities", 10.0), ("C", 2023, "days", 40.0)])
    g = pmm.score(vals, cat).group_progress.set_index(["member", "node"])
    # A: outputs = (achieved, not achieved) → half achieved; outcomes achieved (weight 3 of 4)
    assert g.loc[("A", "outputs"), "achievement"] == pytest.approx(0.5)
    assert g.loc[("A", "outputs"), "status"] == "partly achieved"
    assert g.loc[("A", "prog"), "achievement"] == pytest.approx((1 * 0.5 + 3 * 1.0) / 4)
    assert g.loc[("A", "prog"), "status"] == "partly achieved"
    assert g.loc[("B", "prog"), ["achievement", "status", "n_kpis", "n_achieved"]].tolist() == [1.0, "achieved", 3, 3]
    assert g.loc[("C", "prog"), "status"] == "not achieved"


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))
def test_achievement_is_monotone_in_value(baseline, target, v1, v2):
    from pmm.catalog.models import Progress
    from pmm.scoring.progress import status_positions

    if abs(target - baseline) < 1e-6:
        return
    lo, hi = sorted([v1, v2])
    a_lo, a_hi = ((v - baseline) / (target - baseline) for v in (lo, hi))
    improving = target > baseline                 # a higher value moves towards the target
    assert (a_hi >= a_lo) if improving else (a_hi <= a_lo)
    s_lo, s_hi = status_positions(np.array([a_lo, a_hi]), Progress())
    assert (s_hi >= s_lo) if improving else (s_hi <= s_lo)


def test_achievement_monotone_through_pmm_score():
    cat = pmm.load_catalog("rbm-example")
    values = np.linspace(-100, 600, 15)
    vals = pd.DataFrame({"member": [f"M{i:02d}" for i in range(len(values))], "kpi": "participants", "value": values})
    p = pmm.score(vals, cat).progress.sort_values("member")
    assert np.all(np.diff(p["achievement"].to_numpy()) > 0)
    np.testing.assert_allclose(p["achievement"], values / 400)
