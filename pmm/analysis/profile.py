"""A member's strengths and weaknesses (COINr ``get_str_weak``) and its score summary (``get_unit_summary``).

Strengths and weaknesses: each KPI is ranked across members (1 = best, ties take the lowest
rank, missing values unranked); raw values are first multiplied by the KPI's direction
(``lower`` = −1; ``target`` KPIs by their negative distance to the target or band). The
member's ranked KPIs are sorted by rank (ties in COINr's metadata order: by parent id, then catalog
order, see :func:`~pmm.analysis.frames.metadata_order`); KPIs where the member holds
the worst rank are set aside first (``min_discard``, e.g. many members tied at zero), and KPIs
whose share of distinct values is at most ``unique_discard`` are left out. The strengths are the
first ``top``, the weaknesses the last ``bottom`` (listed best first, as COINr).

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> vals = pd.DataFrame({"member": list("ABC") * 2, "kpi": ["usefulness"] * 3 + ["participants"] * 3,
    ...                      "value": [40, 70, 90, 300, 100, 200]})
    >>> sw = strengths_weaknesses(pmm.score(vals, cat), "B", top=1, min_discard=False)
    >>> sw[["type", "kpi", "rank"]].values.tolist()
    [['strength', 'usefulness', 2], ['weakness', 'participants', 3]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmm.analysis.frames import ancestor_at_level, kpi_table, metadata_order, nodes_at_level, resolve_period
from pmm.errors import AuditError, Problem, did_you_mean
from pmm.scoring.method import STAGES

__all__ = ["strengths_weaknesses", "unit_summary", "directed"]


def directed(card: Any, table: pd.DataFrame) -> pd.DataFrame:
    """KPI values turned so that higher is better: × −1 for ``lower``, −distance to the band for ``target``.

    Example:
        >>> import pandas as pd, pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> card = pmm.score(pd.DataFrame({"member": ["A", "B"], "kpi": "women_share", "value": [30, 50]}), cat)
        >>> directed(card, pd.DataFrame({"women_share": [30.0, 50.0]}))["women_share"].tolist()   # band 40-60
        [-10.0, -0.0]
    """
    out = table.copy()
    for kpi in table.columns:
        spec = card.catalog.kpi(kpi)
        if spec.categorical or spec.direction == "higher":
            continue
        if spec.direction == "lower":
            out[kpi] = -table[kpi]
        else:
            low, high = spec.band if spec.band is not None else (spec.target, spec.target)
            out[kpi] = -np.maximum(np.maximum(low - table[kpi], table[kpi] - high), 0.0)
    return out


def _member(table: pd.DataFrame, member: Any) -> Any:
    if member not in set(table.index):
        raise AuditError(Problem(f"unknown member {member!r}", where="member",
                                 hint=did_you_mean(str(member), map(str, table.index)), code="unknown_member"))
    return member


def strengths_weaknesses(card: Any, member: Any, top: int = 5, bottom: int | None = None, *, stage: str = "raw",
                         period: Any = None, adjust_direction: bool | None = None, min_discard: bool = True,
                         unique_discard: float | None = None, report_level: int = 2) -> pd.DataFrame:
    """The member's ``top`` best- and ``bottom`` worst-ranked KPIs (COINr ``get_str_weak``).

    Args:
        card: a Scorecard.
        member: the member.
        top: how many strengths.
        bottom: how many weaknesses (default ``top``).
        stage: the data ranked (default ``raw``).
        period: the period (default: the latest).
        adjust_direction: turn values by direction before ranking; default: yes for the stages
            before normalisation (COINr adjusts only its ``Raw`` data set by default).
        min_discard: leave out KPIs where the member holds the worst rank.
        unique_discard: leave out KPIs whose distinct values (missing counted as one) are at most
            this share of the members.
        report_level: the level of the ``group`` column (2 = the KPIs' parents).

    Returns:
        ``type`` (strength/weakness), ``kpi, name, group, rank, value`` (the stage's value), ``unit``.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> strengths_weaknesses(card, card.members["member"][0], top=2)["type"].tolist()
        ['strength', 'strength', 'weakness', 'weakness']
    """
    table = kpi_table(card, stage, period)
    member = _member(table, member)
    before_normalising = STAGES.index(stage) < STAGES.index("normalised")
    ranked_values = directed(card, table) if (before_normalising if adjust_direction is None else adjust_direction) \
        else table
    ranks = ranked_values.rank(ascending=False, method="min", na_option="keep")
    kpis = metadata_order(card.catalog, list(table.columns))
    if unique_discard is not None:
        unique = table.nunique(dropna=False) / len(table)
        kpis = [k for k in kpis if unique[k] > unique_discard]
    mine = ranks.loc[member, kpis].dropna()
    if min_discard:
        mine = mine[mine != ranks[mine.index].max()]
    mine = mine.sort_values(kind="stable")
    bottom = top if bottom is None else bottom
    chosen = [("strength", k) for k in mine.index[:top]] + [("weakness", k) for k in mine.index[max(len(mine) - bottom, 0):]]
    catalog = card.catalog
    return pd.DataFrame({
        "type": [t for t, _ in chosen],
        "kpi": [k for _, k in chosen],
        "name": [catalog.name(k) for _, k in chosen],
        "group": [ancestor_at_level(catalog, k, report_level) for _, k in chosen],
        "rank": pd.array([int(mine[k]) for _, k in chosen], dtype="Int64"),
        "value": [float(table.loc[member, k]) for _, k in chosen],
        "unit": [catalog.kpi(k).unit for _, k in chosen],
    })


def unit_summary(card: Any, member: Any, levels: list[int] | None = None, period: Any = None) -> pd.DataFrame:
    """The member's score and rank on every node of ``levels`` (COINr ``get_unit_summary``), highest level first.

    Within a level, nodes follow COINr's metadata order (by parent id, then catalog order).

    Args:
        card: a Scorecard.
        member: the member.
        levels: COINr levels (1 = KPIs); default every level above the KPIs.
        period: the period (default: the latest).

    Returns:
        ``node, name, level, score, rank`` (rank among all members, 1 = best).

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> unit_summary(card, card.members["member"][0])["node"].iloc[0]
        'wco-pmm'
    """
    period = resolve_period(card, period)
    levels = list(range(card.catalog.max_level, 1, -1)) if levels is None else sorted(set(levels), reverse=True)
    nodes = [n for lv in levels for n in metadata_order(card.catalog, nodes_at_level(card, lv))]
    scores = card.scores
    scores = scores[(scores["period"].isna() if period is None else scores["period"] == period)]
    if member not in set(scores["member"]):
        raise AuditError(Problem(f"unknown member {member!r}", where="member",
                                 hint=did_you_mean(str(member), map(str, scores["member"].unique())),
                                 code="unknown_member"))
    mine = scores[scores["member"] == member].set_index("node")
    return pd.DataFrame({"node": nodes, "name": [card.catalog.name(n) for n in nodes],
                         "level": [card.catalog.level(n) for n in nodes],
                         "score": [float(mine.loc[n, "score"]) for n in nodes],
                         "rank": pd.array([mine.loc[n, "rank"] for n in nodes], dtype="Int64")})
