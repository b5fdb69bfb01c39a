"""Plots of a real Scorecard: each returns the Axes, and draws the numbers of the scores table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import pmm


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _latest(card):
    s = card.scores
    return s[s["period"] == card.periods[-1]]


def test_radar_draws_member_and_peer_median_of_each_dimension(card):
    member = card.members.sort_values("member")["member"].iloc[0]
    ax = pmm.plot.radar(card, member, peers="region")
    assert ax.name == "polar"
    dims = list(card.catalog.children(card.catalog.root))
    s = _latest(card)
    own = [s[(s.member == member) & (s.node == d)]["score"].item() for d in dims]
    region = card.members.set_index("member")["region"]
    peers = region[region == region[member]].index
    median = [float(np.median(s[(s.node == d) & s.member.isin(peers)]["score"].dropna())) for d in dims]
    peer_line, member_line = ax.get_lines()[:2]
    np.testing.assert_allclose(member_line.get_ydata()[:-1], own)
    np.testing.assert_allclose(peer_line.get_ydata()[:-1], median)
    assert f"n={len(peers)}" in peer_line.get_label()


def test_ranking_bars_are_sorted_index_scores(card):
    ax = card.plot.ranking()
    s = _latest(card)
    expected = np.sort(s[s.node == card.catalog.root]["score"].dropna().to_numpy())
    widths = np.array([bar.get_width() for bar in ax.patches])
    np.testing.assert_allclose(widths, expected)
    assert ax.get_xlabel() == "score"


def test_heatmap_cells_are_maturity_levels(card):
    ax = pmm.plot.maturity_heatmap(card)
    dims = list(card.catalog.children(card.catalog.root))
    s = _latest(card)
    table = s[s.node.isin(dims)].pivot(index="member", columns="node", values="maturity")[dims]
    image = ax.get_images()[0].get_array()
    np.testing.assert_array_equal(np.ma.filled(image.astype(float), np.nan),
                                  table.to_numpy(dtype=float))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.index)


def test_trend_has_one_line_per_node_over_all_periods(card):
    member = card.members["member"].iloc[3]
    ax = card.plot.trend(member)
    lines = ax.get_lines()
    assert len(lines) == 1 + len(card.catalog.children(card.catalog.root))
    s = card.scores
    root = s[(s.member == member) & (s.node == card.catalog.root)].sort_values("period")
    np.testing.assert_allclose(lines[0].get_ydata(), root["score"].to_numpy(dtype=float))
    assert len(lines[0].get_xdata()) == len(card.periods)


def test_distribution_highlights_the_member(card):
    lv = card.levels
    kpi = "tf_e_declarations"
    latest = lv[(lv.period == card.periods[-1]) & (lv.kpi == kpi) & lv.value.notna()]
    member = latest.sort_values("value")["member"].iloc[-1]
    ax = pmm.plot.distribution(card, kpi, member=member)
    highlighted = ax.collections[1].get_offsets()[0]
    assert highlighted[0] == pytest.approx(float(latest["value"].max()))
    assert ax.get_title().startswith(card.catalog.name(kpi))


def test_unknown_member_and_period_give_hints(card):
    member = card.members["member"].iloc[0]
    with pytest.raises(pmm.errors.PmmError, match="did you mean"):
        pmm.plot.radar(card, member[:2] + "Z")
    with pytest.raises(pmm.errors.PmmError, match="unknown period"):
        pmm.plot.ranking(card, period="1999")
    with pytest.raises(pmm.errors.PmmError, match="no member attribute 'regoin'.*did you mean 'region'"):
        pmm.plot.radar(card, member, peers="regoin")
