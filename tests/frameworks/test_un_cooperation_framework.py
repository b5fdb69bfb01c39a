"""The ``un-cooperation-framework`` catalog: a theory-of-change tree scored from baseline to target.

Expected numbers are hand-computed from the catalog's baselines, targets and milestones and the
values in ``examples/un-cooperation-framework/results.csv``.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pandas as pd
import pytest

import pmm

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "un-cooperation-framework"


@pytest.fixture(scope="module")
def catalog():
    return pmm.load_catalog("un-cooperation-framework")


@pytest.fixture(scope="module")
def card(catalog):
    return pmm.score(pd.read_csv(EXAMPLE / "results.csv"), catalog)


def test_tree_is_outcome_output_indicator_with_baseline_target_milestones_and_source(catalog):
    outcomes = catalog.children(catalog.root)
    assert outcomes == ("o1", "o2", "o3", "o4")
    assert all(catalog.node(o).kind == "outcome" for o in outcomes)
    for output in (c for o in outcomes for c in catalog.children(o)):
        assert catalog.node(output).kind == "output"
        for kpi_id in catalog.children(output):
            kpi = catalog.kpi(kpi_id)
            assert kpi.baseline is not None and kpi.target is not None and kpi.data_source
            assert sorted(kpi.targets) == [2023, 2024, 2025, 2026] and kpi.baseline_period == 2022
            assert kpi.goalposts is not None and kpi.goalposts.rationale
    assert len(catalog.kpi_ids) == 15
    assert catalog.framework.progress.labels == ("off track", "at risk", "on track")


def test_scores_are_the_share_of_the_way_from_baseline_to_target(card):
    scores = card.scores.set_index(["period", "node"])["score"]
    birth = (84 - 78) / (90 - 78) * 100                  # 50: half-way from 78 % to 90 %
    dtp3 = (91 - 84) / (95 - 84) * 100
    assert scores[(2025, "un_1_1_skilled_birth")] == pytest.approx(birth)
    assert scores[(2025, "o1.health")] == pytest.approx((birth + dtp3) / 2)
    # lower is better: from 22.5 % down to 17 %, 21.0 % is 1.5 of the 5.5 points
    assert scores[(2025, "un_2_1_youth_unemployment")] == pytest.approx(1.5 / 5.5 * 100)
    # a value worse than the baseline scores 0 (truncated), not a negative number
    assert scores[(2023, "un_2_1_youth_unemployment")] == 0
    # cumulative indicator: the yearly result against the yearly pace (6,000 teachers over 5 years)
    assert scores[(2023, "un_1_2_teachers_trained")] == pytest.approx(1100 / 1200 * 100)


def test_a_missing_report_leaves_its_output_without_score_and_the_outcome_on_the_rest(card):
    rows = card.scores.set_index(["period", "node"])
    assert pd.isna(rows.loc[(2025, "o1.protection"), "score"])
    assert rows.loc[(2025, "o1"), "coverage"] == pytest.approx(2 / 3)
    assert rows.loc[(2025, "o1"), "score"] == pytest.approx(
        (rows.loc[(2025, "o1.health"), "score"] + rows.loc[(2025, "o1.education"), "score"]) / 2)


def test_progress_against_the_milestone_of_each_year(card):
    progress = card.progress.set_index(["period", "kpi"])
    # DTP3 2023: from 84 % towards the 86 % milestone, 85 % is half-way -> "at risk" (the 0.5 cut is inclusive)
    assert progress.loc[(2023, "un_1_1_dtp3"), ["achievement", "status"]].tolist() == [0.5, "at risk"]
    # youth unemployment 2023 moved away from its milestone: (22.8 - 22.5) / (21.5 - 22.5) = -0.3
    assert progress.loc[(2023, "un_2_1_youth_unemployment"), "achievement"] == pytest.approx(-0.3)
    assert progress.loc[(2023, "un_2_1_youth_unemployment"), "status"] == "off track"
    # cumulative: teachers trained 1,100 in 2023 + 1,250 in 2024 = 2,350 against the 2024 milestone of 2,400
    row = progress.loc[(2024, "un_1_2_teachers_trained")]
    assert (row["value"], row["target"]) == (2_350, 2_400)
    assert row["achievement"] == pytest.approx(2_350 / 2_400) and row["status"] == "at risk"
    assert progress.loc[(2025, "un_3_1_land_restored"), "value"] == 2_500 + 3_200 + 3_600


def test_progress_rolls_up_per_output_and_outcome(card):
    groups = card.group_progress.set_index(["period", "node"])
    # 2025, outcome 1: social protection not reported; of the other 4 indicators only DTP3 is on track.
    # Outputs weigh the same: health 1 of 2 on track (0.5), education 0 of 2 -> (0.5 + 0) / 2 = 0.25.
    row = groups.loc[(2025, "o1")]
    assert (row["n_kpis"], row["n_achieved"], row["status"]) == (4, 1, "at risk")
    assert row["achievement"] == pytest.approx(0.25)
    # an outcome is never "on track" unless all its indicators are
    assert groups.loc[(2025, "o4.institutions"), "status"] == "on track"
    assert groups.loc[(2025, "o4"), "status"] == "at risk"
    assert groups.loc[(2025, "un-cooperation-framework"), ["n_kpis", "n_achieved"]].tolist() == [14, 6]


def test_the_script_writes_the_results_matrix_and_report(tmp_path):
    runpy.run_path(str(EXAMPLE / "run.py"))["main"](tmp_path)
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    matrix = pd.read_csv(tmp_path / "results_matrix.csv").set_index("kpi")
    assert len(matrix) == 15 and matrix["data_source"].notna().all()
    assert matrix.loc["un_1_1_dtp3", ["baseline", "milestone", "target_2027", "value"]].tolist() == [84, 90, 95, 91]
    assert matrix.loc["un_1_1_dtp3", "progress"] == "on track"
    assert matrix.loc["un_1_2_teachers_trained", "progress_value"] == 3_650
