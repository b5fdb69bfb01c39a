"""Disclosure control: which group scores may be published at a disclosure level.

Hiding a KPI's rows is not enough: a group whose only (or dominant) child is hidden publishes a
score from which the hidden value or ranking is read back, and a group score minus the published
scores of its visible KPIs gives a single hidden KPI's score exactly. The rule (documented in
``docs/scoring.md``, "Disclosure"):

A group's score, maturity level and rank are published at disclosure level *D* only when

1. the KPIs visible at *D* carry at least :data:`MIN_VISIBLE_WEIGHT` (50 %) of the group's
   weight (effective weights, in every period), and
2. no hidden KPI's score can be computed from the published scores: with the weights known,
   every published group score is a linear equation in the hidden KPI scores; a group is
   published only when, together with the groups already published below and beside it, these
   equations determine no single hidden KPI (checked exactly, by matrix rank). A group with
   exactly one hidden KPI is therefore never published, whatever its weight.

Rule 2 is checked for the catalog's weights and again for each member and period with the KPIs
that member actually has (a missing KPI changes the weights of its siblings): a cell that would
reveal a hidden KPI is suppressed, and then the ranks of that group and period are suppressed for
every member (ranks of the others would place it). A suppression in one period holds in every
period, so changes over time reveal nothing either.

Example:
    >>> import pmm
    >>> card = pmm.demo_scorecard(members=4)
    >>> table = disclosure_table(card.catalog, card.weights, "public")
    >>> bool(table.loc[table["node"] == card.catalog.root, "published"].item())
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.catalog.models import DISCLOSURE_ORDER
from pmm.errors import Problem, ScoringError, did_you_mean

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["MIN_VISIBLE_WEIGHT", "visible_kpi_ids", "disclosure_table", "disclose_scores"]

#: Share of a group's weight that KPIs visible at a disclosure level must carry for its score to be published.
MIN_VISIBLE_WEIGHT = 0.5
_SUPPRESSED_COLUMNS = ("score", "rank", "maturity", "maturity_label", "maturity_plus")


def visible_kpi_ids(catalog: Catalog, disclosure: str) -> list[str]:
    """Ids of the KPIs at or below a disclosure level (``public`` < ``wco`` < ``restricted`` < ``confidential``).

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("wco-pmm")
        >>> len(visible_kpi_ids(cat, "public")) < len(visible_kpi_ids(cat, "confidential")) == len(cat.kpis)
        True
    """
    if disclosure not in DISCLOSURE_ORDER:
        raise ScoringError(Problem(f"unknown disclosure level {disclosure!r}", where="disclosure",
                                   hint=did_you_mean(str(disclosure), DISCLOSURE_ORDER), code="disclosure"))
    allowed = set(DISCLOSURE_ORDER[: DISCLOSURE_ORDER.index(disclosure) + 1])
    return [k.id for k in catalog.kpis if k.disclosure in allowed]


def _groups_bottom_up(catalog: Catalog) -> list[str]:
    groups = [n for n in catalog.walk() if catalog.kind(n) != "kpi"]
    return sorted(groups, key=lambda n: -len(catalog.ancestors(n)))


def _kpis_under(catalog: Catalog, group: str) -> list[str]:
    return [n for n in catalog.walk(group) if catalog.kind(n) == "kpi"]


def _reveals(rows: list[np.ndarray]) -> int | None:
    """Index of a hidden KPI whose score the equations ``rows`` determine, or ``None``."""
    matrix = np.vstack(rows)
    rank = np.linalg.matrix_rank(matrix)
    for k in range(matrix.shape[1]):
        if not matrix[:, k].any():
            continue
        unit = np.zeros(matrix.shape[1])
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            return k
    return None


def _rule(catalog: Catalog, coefficient: dict[str, dict[str, float]], hidden: list[str],
          groups: Iterable[str]) -> dict[str, str]:
    """Groups suppressed under rules 1 and 2, with the reason, for one set of coefficients.

    ``coefficient[g][k]`` is KPI ``k``'s share of group ``g``'s score (0 when absent).
    """
    index = {k: i for i, k in enumerate(hidden)}
    published: list[np.ndarray] = []
    suppressed: dict[str, str] = {}
    for g in groups:
        shares = coefficient.get(g, {})
        total = sum(shares.values())
        if total <= 0:
            continue
        row = np.zeros(len(hidden))
        for k, share in shares.items():
            if k in index:
                row[index[k]] = share / total
        if not row.any():
            continue
        visible = 1.0 - row.sum()
        if visible < MIN_VISIBLE_WEIGHT - 1e-12:
            suppressed[g] = f"visible KPIs carry {visible:.0%} of its weight (less than {MIN_VISIBLE_WEIGHT:.0%})"
            continue
        k = _reveals([*published, row])
        if k is not None:
            suppressed[g] = f"with the published scores it would reveal the score of hidden KPI {hidden[k]!r}"
            continue
        published.append(row)
    return suppressed


def _nominal_coefficients(catalog: Catalog, weights: pd.DataFrame) -> dict[Any, dict[str, dict[str, float]]]:
    out: dict[Any, dict[str, dict[str, float]]] = {}
    frame = weights.assign(_p=pd.factorize(weights["period"], use_na_sentinel=False)[0])
    for _, w in frame.groupby("_p", sort=False):
        eff = dict(zip(w["node"], w["effective_weight"].astype(float)))
        out[w["period"].iloc[0]] = {g: {k: eff.get(k, 0.0) for k in _kpis_under(catalog, g)}
                                    for g in _groups_bottom_up(catalog)}
    return out


def disclosure_table(catalog: Catalog, weights: pd.DataFrame, disclosure: str) -> pd.DataFrame:
    """For every group: the weight share of visible KPIs, the hidden KPIs, and whether it is published.

    Args:
        catalog: the catalog.
        weights: the Scorecard's weights (``period, node, effective_weight``).
        disclosure: the disclosure level of the output.

    Returns:
        ``node, kind, visible_weight`` (smallest over periods), ``hidden_kpis`` (count),
        ``published`` and ``reason`` (empty when published), one row per group and the index.
    """
    visible = set(visible_kpi_ids(catalog, disclosure))
    hidden = [k for k in catalog.kpi_ids if k not in visible]
    groups = _groups_bottom_up(catalog)
    reasons: dict[str, str] = {}
    share: dict[str, float] = {g: 1.0 for g in groups}
    for coefficient in _nominal_coefficients(catalog, weights).values():
        for g, r in _rule(catalog, coefficient, hidden, groups).items():
            reasons.setdefault(g, r)
        for g in groups:
            total = sum(coefficient[g].values())
            if total > 0:
                share[g] = min(share[g], sum(v for k, v in coefficient[g].items() if k in visible) / total)
    order = [n for n in catalog.walk() if n in share]
    return pd.DataFrame({"node": order, "kind": [catalog.kind(n) for n in order],
                         "visible_weight": [share[n] for n in order],
                         "hidden_kpis": [sum(k in set(hidden) for k in _kpis_under(catalog, n)) for n in order],
                         "published": [n not in reasons for n in order],
                         "reason": [reasons.get(n, "") for n in order]})


def _member_coefficients(catalog: Catalog, weights: dict[str, float], present: set[str]) -> dict[str, dict[str, float]]:
    """KPI shares of each group's score for one member: weights renormalised over present children."""
    out: dict[str, dict[str, float]] = {}

    def shares(node: str) -> dict[str, float]:
        if catalog.kind(node) == "kpi":
            return {node: 1.0} if node in present else {}
        kids = [(c, shares(c)) for c in catalog.children(node)]
        kids = [(c, s) for c, s in kids if s]
        total = sum(weights.get(c, 0.0) for c, _ in kids)
        result: dict[str, float] = {}
        for c, s in kids:
            for k, v in s.items():
                result[k] = result.get(k, 0.0) + (weights.get(c, 0.0) / total if total else 0.0) * v
        out[node] = result
        return result

    shares(catalog.root)
    return out


def disclose_scores(scores: pd.DataFrame, catalog: Catalog, weights: pd.DataFrame, disclosure: str) -> pd.DataFrame:
    """The scores table as published at ``disclosure``: hidden KPIs' rows removed, suppressed groups blank.

    Score, rank, maturity and labels of suppressed cells are set missing (the rows stay, so every
    member keeps a row per node); see the module text for the rule.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=4)
        >>> public = disclose_scores(card.scores, card.catalog, card.weights, "public")
        >>> set(public["node"]) <= set(card.scores["node"])
        True
    """
    visible = set(visible_kpi_ids(catalog, disclosure))
    hidden = [k for k in catalog.kpi_ids if k not in visible]
    if not hidden:
        return scores.copy()
    table = disclosure_table(catalog, weights, disclosure)
    off = set(table.loc[~table["published"], "node"])
    groups = [g for g in _groups_bottom_up(catalog) if g not in off]
    scores = scores.reset_index(drop=True)
    out = scores[~scores["node"].isin(hidden)].copy()
    cells = pd.Series(out["node"].isin(off).to_numpy(), index=out.index)
    ranks_off: set[tuple[Any, str]] = set()
    kpi_rows = scores[scores["kind"] == "kpi"]
    period_key = pd.factorize(scores["period"], use_na_sentinel=False)[0]
    weight_key = pd.factorize(weights["period"], use_na_sentinel=False)
    by_period = {p: dict(zip(w["node"], w["weight"].astype(float)))
                 for p, (_, w) in zip(weight_key[1], weights.groupby(weight_key[0], sort=True))}
    present_by = (kpi_rows.assign(_t=period_key[kpi_rows.index.to_numpy()])[kpi_rows["score"].notna()]
                  .groupby(["member", "_t"])["node"].agg(set))
    periods = pd.factorize(scores["period"], use_na_sentinel=False)[1]
    all_kpis = set(catalog.kpi_ids)
    for (member, t), present in present_by.items():
        if present >= all_kpis:
            continue  # nominal weights: already checked
        period = periods[t]
        coefficient = _member_coefficients(catalog, by_period.get(period, next(iter(by_period.values()))), present)
        for g in _rule(catalog, coefficient, hidden, groups):
            cells |= (out["member"] == member) & (out["period"].isna() if pd.isna(period) else out["period"] == period) \
                & (out["node"] == g)
            ranks_off.add((period, g))
    for period, g in ranks_off:  # ranks of the others would place the suppressed member
        at = (out["node"] == g) & (out["period"].isna() if pd.isna(period) else out["period"] == period)
        out["rank"] = out["rank"].mask(at)
    for column in _SUPPRESSED_COLUMNS:
        if column in out.columns:
            values = out[column].astype("boolean") if out[column].dtype == bool else out[column]
            out[column] = values.mask(cells)
    return out
