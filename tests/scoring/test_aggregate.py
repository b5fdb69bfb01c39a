"""Aggregation functions against hand calculations and a literal loop port of COINr's R code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.catalog.models import Framework, Group, Kpi
from pmm.errors import ScoringError
from pmm.scoring.notices import ScoringWarning
from pmm.scoring.aggregate import copeland, domain_violations, minimum, quasi_mean, weighted_median

X = np.array([[10.0, 20.0, 40.0], [5.0, np.nan, 80.0], [np.nan, np.nan, np.nan]])
W = np.array([1.0, 2.0, 1.0])


def test_arithmetic_renormalises_present_weights() -> None:
    got = quasi_mean(X, W, "arithmetic")
    np.testing.assert_allclose(got[:2], [(10 + 40 + 40) / 4, (5 + 80) / 2])
    assert np.isnan(got[2])


def test_geometric_harmonic_power_by_hand() -> None:
    np.testing.assert_allclose(quasi_mean(X, W, "geometric")[:2],
                               [(10 * 20 ** 2 * 40) ** (1 / 4), (5 * 80) ** 0.5])
    np.testing.assert_allclose(quasi_mean(X, W, "harmonic")[:2],
                               [4 / (1 / 10 + 2 / 20 + 1 / 40), 2 / (1 / 5 + 1 / 80)])
    np.testing.assert_allclose(quasi_mean(X, W, "power", p=2)[:2],
                               [((100 + 2 * 400 + 1600) / 4) ** 0.5, ((25 + 6400) / 2) ** 0.5])
    np.testing.assert_allclose(quasi_mean(X, W, "power", p=-1)[:2], quasi_mean(X, W, "harmonic")[:2])


def test_weighted_median_and_minimum() -> None:
    np.testing.assert_allclose(weighted_median(X, np.ones(3))[:2], [20, 42.5])
    # weights 1, 2, 1 on 10, 20, 40: cumulative shares .25, .75 → 20
    assert weighted_median(X, W)[0] == 20
    # weights 3, 1, 1: first share .6 > .5 → 10
    assert weighted_median(X, np.array([3.0, 1.0, 1.0]))[0] == 10
    np.testing.assert_allclose(minimum(X)[:2], [10, 5])
    assert np.isnan(weighted_median(X, W)[2]) and np.isnan(minimum(X)[2])


def coinr_copeland(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Line-by-line port of COINr 1.1.14 outrankMatrix + a_copeland (NA comparisons dropped)."""
    w = w / np.nansum(w)
    n = len(x)
    orm = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(n):
            if i == j:
                orm[i, j] = 0
            elif i > j:
                orm[i, j] = 1 - orm[j, i]
            else:
                with np.errstate(invalid="ignore"):
                    gt = w[(x[i] > x[j])].sum()
                    eq = w[(x[i] == x[j])].sum() / 2
                orm[i, j] = gt + eq
    votes = np.where(orm > 0.5, 1.0, np.where(orm < 0.5, -1.0, 0.0))       # a_copeland
    np.fill_diagonal(votes, 0.0)
    return np.nansum(votes, axis=1)


def test_copeland_by_hand_on_three_members() -> None:
    # weights (1, 1, 2) → (.25, .25, .5); A = (5, 1, 3), B = (4, 2, 3), C = (1, 1, 9)
    # O[A,B] = .25 + ½·.5 = .5 → 0;  O[A,C] = .25 + ½·.25 = .375 → −1;  O[B,C] = .25 + .25 = .5 → 0
    x = np.array([[5.0, 1.0, 3.0], [4.0, 2.0, 3.0], [1.0, 1.0, 9.0]])
    assert copeland(x, np.array([1.0, 1.0, 2.0])).tolist() == [-1.0, 0.0, 1.0]
    # without the tie on child 3, A beats B: O[A,B] = .25 + .5 = .75 → A +1, B −1
    x[1, 2] = 2.0
    assert copeland(x, np.array([1.0, 1.0, 2.0])).tolist() == [0.0, -1.0, 1.0]


def test_copeland_matches_coinr_loop_with_ties_and_missing() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, size=(12, 5)).astype(float)
    x[rng.random(x.shape) < 0.15] = np.nan
    x[0] = np.nan
    w = rng.uniform(0.5, 2, size=5)
    np.testing.assert_allclose(copeland(x, w), coinr_copeland(x, w), atol=1e-12)


def test_domain_violations() -> None:
    x = np.array([1.0, 0.0, -1.0, np.nan])
    assert domain_violations(x, "geometric").tolist() == [False, True, True, False]
    assert domain_violations(x, "harmonic").tolist() == [False, True, True, False]
    assert domain_violations(x, "power", 2).tolist() == [False, False, True, False]
    assert domain_violations(x, "power", -1).tolist() == [False, True, True, False]
    assert not domain_violations(x, "arithmetic").any()


def two_level_catalog(**group_extra) -> pmm.Catalog:
    return pmm.Catalog(
        Framework(id="I", name="Index"), {},
        [Group(id="g1", name="G1", **group_extra), Group(id="g2", name="G2", weight=3)],
        [Kpi(id="a", name="A", unit="x", direction="higher", parent="g1"),
         Kpi(id="b", name="B", unit="x", direction="higher", parent="g1", weight=2),
         Kpi(id="c", name="C", unit="x", direction="higher", parent="g2"),
         Kpi(id="d", name="D", unit="x", direction="lower", parent="g2")])


def values_frame() -> pd.DataFrame:
    data = {"a": [0, 5, 10, 2], "b": [10, 0, 5, None], "c": [1, 2, 3, 4], "d": [4, 3, 2, 1]}
    rows = [(m, k, v[i]) for k, v in data.items() for i, m in enumerate("PQRS")]
    return pd.DataFrame(rows, columns=["member", "kpi", "value"])


def test_hierarchy_by_level_and_node_overrides() -> None:
    cat = two_level_catalog(aggregate={"method": "minimum"})
    with pytest.warns(ScoringWarning, match="no maturity level"):
        card = pmm.score(values_frame(), cat, method={"normalise": {"method": "none"},
                                                      "aggregate": {"by_level": {3: {"method": "median"}}}})
    s = card.wide()
    np.testing.assert_allclose(s["g1"].to_numpy(float), [0, 0, 5, 2])                   # node override: minimum
    g2 = np.array([(1 - 4) / 2, (2 - 3) / 2, (3 - 2) / 2, (4 - 1) / 2])                 # direction −1 on d
    np.testing.assert_allclose(s["g2"].to_numpy(float), g2)
    # level 3: weighted median of g1 (weight 1) and g2 (weight 3) → g2
    np.testing.assert_allclose(s["I"].to_numpy(float), g2)
    with pytest.raises(ScoringError, match="range"):  # g1 = 0 → geometric at level 3 refuses it
        pmm.score(values_frame(), cat, method={"normalise": {"method": "minmax", "range": [0, 100]},
                                               "aggregate": {"by_level": {3: {"method": "geometric"}}}})


def test_unknown_level_and_bad_override_are_reported() -> None:
    with pytest.raises(ScoringError, match="by_level names level 7"):
        pmm.score(values_frame(), two_level_catalog(), method={"aggregate": {"by_level": {7: {"method": "median"}}}})
    with pytest.raises(ScoringError) as info:
        pmm.score(values_frame(), two_level_catalog(aggregate={"method": "mode"}))
    assert info.value.problems[0].node == "g1"
    with pytest.raises(ScoringError, match="p"):
        pmm.score(values_frame(), two_level_catalog(), method={"aggregate": {"method": "power", "p": 0}})


def test_not_applicable_children_are_excluded_from_coverage() -> None:
    v = values_frame()
    v["status"] = "ok"
    v.loc[v["value"].isna(), "status"] = "not_applicable"
    card = pmm.score(v, two_level_catalog(), method={"aggregate": {"min_coverage": 1.0}})
    s = card.scores.set_index(["node", "member"])
    assert s.loc[("g1", "S"), "coverage"] == 1.0
    assert s.loc[("g1", "S"), "score"] == pytest.approx(s.loc[("a", "S"), "score"])
    v.loc[v["value"].isna(), "status"] = "not_reported"
    s2 = pmm.score(v, two_level_catalog(), method={"aggregate": {"min_coverage": 1.0}}).scores.set_index(["node", "member"])
    assert s2.loc[("g1", "S"), "coverage"] == 0.5 and np.isnan(s2.loc[("g1", "S"), "score"])


def test_copeland_on_asem_pillars_matches_the_coinr_port(asem_values, asem_catalog) -> None:
    card = pmm.score(asem_values, asem_catalog, method={"aggregate": {"by_level": {2: {"method": "copeland"}}}})
    wide = card.wide()
    for pillar in ["Physical", "P2P", "Environ"]:
        kids = list(asem_catalog.children(pillar))
        w = np.array([asem_catalog.node(k).weight for k in kids])
        want = coinr_copeland(wide[kids].to_numpy(float), w)
        np.testing.assert_allclose(wide[pillar].to_numpy(float), want, atol=1e-12)
