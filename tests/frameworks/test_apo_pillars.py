"""The ``apo-pillars`` catalog: seven pillars over 20 economies, a composite per economy.

The expected composite is recomputed from ``examples/apo-pillars/projects.csv`` with plain pandas,
following the rules the catalog states (shares of planned projects, Σ/Σ ratios, weights 1:1:2).
"""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmm

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "apo-pillars"
PILLARS = ["digital", "green", "sme", "agrifood", "public", "research", "npo"]


@pytest.fixture(scope="module")
def catalog():
    return pmm.load_catalog("apo-pillars")


@pytest.fixture(scope="module")
def projects():
    return pd.read_csv(EXAMPLE / "projects.csv")


@pytest.fixture(scope="module")
def values(catalog, projects):
    return pmm.map({"projects": projects}, catalog, progress=None).values


@pytest.fixture(scope="module")
def card(catalog, values):
    return pmm.score(values, catalog, members=pd.read_csv(EXAMPLE / "economies.csv"))


def expected_composite(projects: pd.DataFrame, economy: str, year: int) -> float:
    """The composite by hand: per pillar (delivered + reach + 2·applied) / 4 on [0, 100], then the mean."""
    rows = projects[(projects["economy"] == economy) & projects["planned_date"].str.startswith(str(year))]
    pillars = []
    for pillar in PILLARS:
        p = rows[rows["pillar"] == pillar]
        done = p[p["status"] == "delivered"]
        delivered = (p["status"] == "delivered").mean() * 100
        reach = min(done["participants"].sum() / p["participants_planned"].sum() * 100, 100)
        parts = [(delivered, 1), (reach, 1)]
        if done["surveyed"].sum() > 0:
            parts.append((done["applied"].sum() / done["surveyed"].sum() * 100, 2))
        pillars.append(sum(v * w for v, w in parts) / sum(w for _, w in parts))
    return float(np.mean(pillars))


def test_catalog_is_seven_pillars_of_three_kpis_with_goalposts(catalog):
    assert [catalog.node(p).kind for p in catalog.children(catalog.root)] == ["pillar"] * 7
    assert list(catalog.children(catalog.root)) == PILLARS
    assert len(catalog.kpi_ids) == 21
    assert all(catalog.kpi(k).goalposts is not None for k in catalog.kpi_ids)


def test_twenty_economies_two_years(card):
    index = card.scores.query("kind == 'index'")
    assert index["member"].nunique() == 20 and sorted(index["period"].astype(str).unique()) == ["2023", "2024"]


@pytest.mark.parametrize("economy", ["XEA", "XEJ", "XEP"])
def test_composite_per_economy_matches_the_hand_computation(card, projects, economy):
    got = card.scores.query("kind == 'index' and member == @economy").astype({"period": str}).set_index("period")["score"]
    for year in (2023, 2024):
        assert got[str(year)] == pytest.approx(expected_composite(projects, economy, year), abs=1e-9)


def test_a_pillar_with_nothing_delivered_has_no_applied_share(values, projects):
    rows = projects[(projects["economy"] == "XEJ") & projects["planned_date"].str.startswith("2024")
                    & (projects["pillar"] == "green")]
    assert (rows["status"] != "delivered").all()
    row = values.query("member == 'XEJ' and kpi == 'green_applied'").astype({"period": str}).set_index("period")
    assert row.loc["2024", "status"] == "insufficient_data"


def test_an_economy_scores_the_same_alone_and_among_twenty(card, catalog, values):
    alone = pmm.score(values.query("member == 'XEC'"), catalog).scores
    among = card.scores.query("member == 'XEC'")
    np.testing.assert_allclose(alone["score"].to_numpy(float), among["score"].to_numpy(float), rtol=0, atol=1e-9)


def test_programme_rates_are_sums_over_all_projects_not_means_of_rates(catalog, projects, values):
    whole = pmm.map({"projects": projects.assign(economy="ALL")}, catalog, progress=None).values
    rate = whole.query("kpi == 'sme_reach'").astype({"period": str}).set_index("period")["value"]
    sme = projects[projects["pillar"] == "sme"].assign(year=lambda t: t["planned_date"].str[:4])
    by_year = sme.groupby("year").apply(
        lambda t: t.loc[t["status"] == "delivered", "participants"].sum() / t["participants_planned"].sum() * 100)
    assert rate["2024"] == pytest.approx(by_year["2024"])
    mean_of_rates = values.query("kpi == 'sme_reach'").astype({"period": str}).groupby("period")["value"].mean()
    assert abs(rate["2024"] - mean_of_rates["2024"]) > 0.01


def test_progress_against_the_plan_per_kpi_and_pillar(card, projects):
    rows = projects[(projects["economy"] == "XEA") & projects["planned_date"].str.startswith("2024")
                    & (projects["pillar"] == "sme")]
    delivered = (rows["status"] == "delivered").mean() * 100
    progress = card.progress.query("member == 'XEA' and period == 2024").set_index("kpi")
    # baseline 75 % (the previous plan), target 90 %
    assert progress.loc["sme_delivered", "achievement"] == pytest.approx((delivered - 75) / (90 - 75))
    statuses = progress["status"]
    groups = card.group_progress.query("period == 2024 and kind == 'group'")
    for row in groups.itertuples():  # a pillar is achieved exactly when its three KPIs are
        kpis = card.progress.query("member == @row.member and period == 2024 and kpi.str.startswith(@row.node + '_')")
        assert (row.status == "achieved") == (kpis["status"].dropna() == "achieved").all()
    assert set(statuses) <= {"achieved", "partly achieved", "not achieved"}


def test_the_script_writes_the_pillar_matrix_and_report(tmp_path):
    runpy.run_path(str(EXAMPLE / "run.py"))["main"](tmp_path)
    matrix = pd.read_csv(tmp_path / "pillar_matrix.csv", index_col=0)
    assert list(matrix.columns) == [*PILLARS, "composite"] and len(matrix) == 20
    assert matrix["composite"].is_monotonic_decreasing
    progress = pd.read_csv(tmp_path / "pillar_progress.csv", index_col=0)
    assert progress.shape == (20, 7) and set(progress.stack()) <= {"achieved", "partly achieved", "not achieved"}
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
