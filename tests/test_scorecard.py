"""The Scorecard: immutability, views, benchmarks, changes, profile, export (ASEM panel 2018–2022)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.errors import ScoringError

DATA = Path(__file__).resolve().parent / "data" / "asem"


@pytest.fixture(scope="module")
def panel() -> tuple[pmm.Catalog, pd.DataFrame, pd.DataFrame]:
    meta = pd.read_csv(DATA / "asem_imeta.csv")
    data = pd.read_csv(DATA / "asem_idata_panel.csv")
    cat = pmm.Catalog.from_table(meta)
    values = pmm.values_from_wide(data, cat, member="uCode", period="Time")
    members = data[data["Time"] == 2022][["uCode", "EurAsia_group", "GDP_group"]].rename(columns={"uCode": "member"})
    return cat, values, members


@pytest.fixture(scope="module")
def card(panel) -> pmm.Scorecard:
    cat, values, members = panel
    return pmm.score(values, cat, method={"aggregate": {"min_coverage": 0.5}}, members=members)


def test_immutable(card) -> None:
    with pytest.raises(AttributeError):
        card.scores = None
    with pytest.raises(AttributeError):
        del card.method
    s = card.scores
    s["score"] = 0.0
    assert not (card.scores["score"] == 0).all()
    p = card.provenance
    p["pmm_version"] = "x"
    assert card.provenance["pmm_version"] == pmm.__version__


def test_tables_and_provenance(card, panel) -> None:
    cat, values, _ = panel
    assert card.periods == [2018, 2019, 2020, 2021, 2022]
    scores = card.scores
    assert {"member", "period", "node", "kind", "level", "score", "rank", "maturity", "maturity_label",
            "coverage"} <= set(scores.columns)
    assert len(scores) == 5 * 51 * (49 + 11)
    assert set(scores["kind"]) == {"kpi", "group", "index"}
    assert scores.loc[scores["node"] == "Index", "level"].unique().tolist() == [4]
    assert {"member", "period", "kpi", "value", "status", "n", "level", "level_label", "score"} <= set(card.levels.columns)
    w = card.weights
    assert {"node", "parent", "weight", "effective_weight"} <= set(w.columns)
    assert len(w) == 5 * 60 and set(w["period"]) == set(card.periods)  # one set per period
    sums = w.dropna(subset=["parent"]).groupby(["period", "parent"])["weight"].sum()
    np.testing.assert_allclose(sums.to_numpy(float), 1.0)
    prov = card.provenance
    assert prov["catalog"]["hash"] == cat.hash and prov["input_rows"]["values"] == len(values)
    assert prov["method"]["aggregate"]["min_coverage"] == 0.5 and prov["method"]["normalise"]["method"] == "minmax"
    assert card.method.aggregate.min_coverage == 0.5


def test_wide(card) -> None:
    w = card.wide(2020)
    assert w.shape == (51, 60) and w.columns[0] == "Index"
    latest = card.wide()
    s = card.scores
    row = s[(s["period"] == 2022) & (s["node"] == "Conn") & (s["member"] == "AUT")]
    assert latest.loc["AUT", "Conn"] == row["score"].item()
    assert card.wide(2022, value="rank").loc["AUT", "Conn"] == row["rank"].item()
    with pytest.raises(ScoringError, match="unknown period"):
        card.wide(2017)
    with pytest.raises(ScoringError, match="did you mean 'score'"):
        card.wide(value="scor")


def test_benchmark_by_region_matches_independent_groupby(card, panel) -> None:
    _, _, members = panel
    b = card.benchmark(by="EurAsia_group")
    cols = {"group", "period", "node", "member", "n", "mean", "median", "q1", "q3", "min", "max", "best_member",
            "percentile", "gap_to_median", "gap_to_best", "suppressed"}
    assert cols <= set(b.columns)
    s = card.scores.merge(members, on="member")
    sel = s[(s["period"] == 2021) & (s["node"] == "Sust") & (s["EurAsia_group"] == "Asia")]
    x = sel.set_index("member")["score"].dropna()
    got = b[(b["period"] == 2021) & (b["node"] == "Sust") & (b["group"] == "Asia")].set_index("member")
    assert got["n"].iloc[0] == len(x)
    assert got["mean"].iloc[0] == pytest.approx(x.mean())
    assert got["median"].iloc[0] == pytest.approx(np.median(x))
    assert got["q1"].iloc[0] == pytest.approx(np.percentile(x, 25))
    assert got["q3"].iloc[0] == pytest.approx(np.percentile(x, 75))
    assert got["best_member"].iloc[0] == x.idxmax()
    m = x.index[3]
    assert got.loc[m, "gap_to_median"] == pytest.approx(x[m] - np.median(x))
    assert got.loc[m, "gap_to_best"] == pytest.approx(x[m] - x.max())
    assert got.loc[m, "percentile"] == pytest.approx(100 * (x < x[m]).sum() / (len(x) - 1))
    assert got.loc[m, "group_rank"] == 1 + (x > x[m]).sum()
    assert not got["suppressed"].any()


def test_benchmark_suppresses_small_groups_and_filters_disclosure(card) -> None:
    b = card.benchmark(by="GDP_group", min_group_size=14)
    small = b[b["n"] < 14]
    assert len(small) and small["suppressed"].all()
    assert small[["mean", "median", "max", "percentile", "gap_to_best"]].isna().all().all()
    assert small["best_member"].isna().all()
    everyone = card.benchmark()
    assert set(everyone["group"]) == {"all"} and len(everyone) == len(card.scores)
    public = card.benchmark(disclosure="public")
    assert set(public["node"]) == set(card.scores["node"])  # COINr KPIs default to public
    with pytest.raises(ScoringError, match="did you mean 'wco'"):
        card.benchmark(disclosure="wc0")
    with pytest.raises(ScoringError, match="did you mean 'GDP_group'"):
        card.benchmark(by="GDP_grp")


def test_benchmark_needs_members(panel) -> None:
    cat, values, _ = panel
    with pytest.raises(ScoringError, match="members="):
        pmm.score(values[values["period"] == 2022], cat).benchmark(by="region")


def test_changes(card) -> None:
    ch = card.changes()
    assert list(ch.columns) == ["member", "node", "period", "previous_period", "value_previous", "value",
                                "value_change", "value_change_pct", "score_change", "level_change",
                                "rank_change", "insufficient_data"]
    assert set(ch["period"]) == {2019, 2020, 2021, 2022}
    s = card.scores.set_index(["period", "node", "member"])
    row = ch[(ch["member"] == "BEL") & (ch["node"] == "Index") & (ch["period"] == 2020)].iloc[0]
    assert row["previous_period"] == 2019
    assert row["score_change"] == pytest.approx(s.loc[(2020, "Index", "BEL"), "score"] - s.loc[(2019, "Index", "BEL"), "score"])
    assert row["rank_change"] == s.loc[(2019, "Index", "BEL"), "rank"] - s.loc[(2020, "Index", "BEL"), "rank"]
    assert np.isnan(row["value_change"])                                      # groups have no raw value
    lv = card.levels.set_index(["period", "kpi", "member"])["value"].astype(float)
    kpi = card.catalog.kpi_ids[0]
    pick = ch[(ch["node"] == kpi) & (ch["period"] == 2021)].dropna(subset=["value_change"]).iloc[0]
    before, now = lv[(2020, kpi, pick["member"])], lv[(2021, kpi, pick["member"])]
    assert pick["value_previous"] == before and pick["value"] == now
    assert pick["value_change"] == pytest.approx(now - before)
    assert pick["value_change_pct"] == pytest.approx((now - before) / abs(before) * 100)


def test_profile(card) -> None:
    p = card.profile("AUT", 2022, top=3)
    assert list(p["type"]) == ["strength"] * 3 + ["weakness"] * 3
    kpi = card.scores
    kpi = kpi[(kpi["kind"] == "kpi") & (kpi["period"] == 2022) & (kpi["member"] == "AUT")].dropna(subset=["rank"])
    best = kpi.sort_values(["rank", "node"]).head(3)["node"].tolist()
    worst = kpi.sort_values(["rank", "node"], ascending=[False, True]).head(3)["node"].tolist()
    assert p["kpi"].tolist() == best + worst
    assert p["name"].notna().all()
    with pytest.raises(ScoringError, match="did you mean 'AUT'"):
        card.profile("AUTT")


def test_export(card) -> None:
    frame = card.to_frame()
    assert "name" in frame.columns and len(frame) == len(card.scores)
    d = card.to_dict()
    assert set(d) >= {"provenance", "method", "scores", "levels", "weights"}
    json.dumps(d["scores"][:100])  # JSON-ready (missing → None)
    assert any(r["score"] is None for r in d["scores"])


@pytest.mark.filterwarnings("ignore::pmm.scoring.notices.ScoringWarning")
def test_disclosure_levels_filter_kpis() -> None:
    cat = pmm.load_catalog("indicators/wco-pmm")
    numeric = [k for k in cat.kpis if not k.categorical]
    rng = np.random.default_rng(5)
    values = pd.DataFrame([(m, k.id, float(rng.uniform(1, 99))) for m in ["A", "B", "C", "D"] for k in numeric],
                          columns=["member", "kpi", "value"])
    card = pmm.score(values, cat)
    order = ["public", "wco", "restricted", "confidential"]
    for level in order:
        nodes = set(card.benchmark(disclosure=level)["node"])
        kpis = {k.id for k in cat.kpis if order.index(k.disclosure) <= order.index(level)}
        assert nodes & set(cat.kpi_ids) == kpis
        assert set(cat.walk()) - set(cat.kpi_ids) <= nodes  # groups and the index are kept


def test_single_period_has_no_changes(panel) -> None:
    cat, values, _ = panel
    ch = pmm.score(values[values["period"] == 2022], cat).changes()
    assert ch.empty and "rank_change" in ch.columns
