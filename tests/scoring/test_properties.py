"""Hypothesis properties of pmm.score (invariants, not values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmm
from pmm.catalog.models import Framework, Group, Kpi

pytestmark = pytest.mark.filterwarnings("ignore::pmm.scoring.notices.ScoringWarning")

DIRECTIONS = ["higher", "lower", "higher", "higher", "lower", "higher"]
THRESHOLDS = {"higher": [20.0, 40.0, 60.0, 80.0], "lower": [80.0, 60.0, 40.0, 20.0]}


def catalog(weights=(1, 1, 1, 1, 1, 1, 1, 1)) -> pmm.Catalog:
    groups = [Group(id="g1", name="G1", weight=weights[6]), Group(id="g2", name="G2", weight=weights[7])]
    kpis = [Kpi(id=f"k{i}", name=f"K{i}", unit="x", direction=d, parent="g1" if i < 3 else "g2", weight=weights[i],
                maturity={"thresholds": THRESHOLDS[d]}) for i, d in enumerate(DIRECTIONS)]
    return pmm.Catalog(Framework(id="I", name="I"), {}, groups, kpis)


value = st.one_of(st.floats(0, 100, allow_nan=False), st.none())
table = st.integers(3, 7).flatmap(lambda n: st.lists(st.lists(value, min_size=6, max_size=6), min_size=n, max_size=n))


def long(rows: list[list[float | None]]) -> pd.DataFrame:
    return pd.DataFrame([(f"m{i}", f"k{k}", v) for i, row in enumerate(rows) for k, v in enumerate(row)],
                        columns=["member", "kpi", "value"])


@settings(max_examples=40, deadline=None)
@given(table, st.randoms(use_true_random=False))
def test_permuting_members_changes_only_order(rows, rnd) -> None:
    values = long(rows)
    order = list(range(len(values)))
    rnd.shuffle(order)
    a = pmm.score(values, catalog()).scores
    b = pmm.score(values.iloc[order], catalog()).scores
    keys = ["period", "node", "member"]
    pd.testing.assert_frame_equal(a.sort_values(keys, kind="stable").reset_index(drop=True),
                                  b.sort_values(keys, kind="stable").reset_index(drop=True))


@settings(max_examples=60, deadline=None)
@given(table, st.integers(0, 100), st.integers(0, 5), st.floats(0.01, 50))
def test_improving_one_value_never_hurts_that_member(rows, pick, kpi, delta) -> None:
    members = [i for i, row in enumerate(rows) if row[kpi] is not None]
    if not members:
        return
    m = members[pick % len(members)]
    better = [list(r) for r in rows]
    better[m][kpi] += delta if DIRECTIONS[kpi] == "higher" else -delta
    before = pmm.score(long(rows), catalog()).scores.set_index(["node", "member"])
    after = pmm.score(long(better), catalog()).scores.set_index(["node", "member"])
    member = f"m{m}"
    node = f"k{kpi}"
    assert after.loc[(node, member), "maturity"] >= before.loc[(node, member), "maturity"]
    for n in (node, "g1" if kpi < 3 else "g2", "I"):
        b, a = before.loc[(n, member)], after.loc[(n, member)]
        assert a["score"] >= b["score"] - 1e-9, n
        assert a["rank"] <= b["rank"], n


@settings(max_examples=40, deadline=None)
@given(table, st.lists(st.floats(0.1, 10), min_size=8, max_size=8), st.sampled_from(["catalog", "equal"]))
def test_weights_sum_to_one_within_each_parent(rows, weights, how) -> None:
    w = pmm.score(long(rows), catalog(weights), method={"weights": {"method": how}}).weights
    sums = w.dropna(subset=["parent"]).groupby("parent")["weight"].sum()
    np.testing.assert_allclose(sums.to_numpy(float), 1.0)
    kpis = w[w["node"].str.startswith("k")]
    assert kpis["effective_weight"].sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(table, st.floats(-100, 100), st.floats(0.5, 200))
def test_minmax_scores_lie_in_the_range(rows, lo, width) -> None:
    card = pmm.score(long(rows), catalog(), method={"normalise": {"method": "minmax", "range": [lo, lo + width]}})
    s = card.scores["score"].dropna()
    assert (s >= lo - 1e-9).all() and (s <= lo + width + 1e-9).all()
