"""Member × KPI (or member × node) tables of one pipeline stage and period, for the audit.

A stage is one of the scorecard's data sets: ``raw`` (the values as given; categorical KPIs as
their maturity level), ``normalised`` (the KPI scores) and, when the method runs the steps
before normalisation, ``denominated``, ``imputed``, ``screened`` and ``treated``
(``card.stage(name)``). Levels above 1 (groups, the index) are the aggregated scores.

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> card = pmm.score(pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [40, 90]}), cat)
    >>> kpi_table(card, "raw", None)["usefulness"].tolist()
    [40.0, 90.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmm.errors import AuditError, Problem, did_you_mean

__all__ = ["resolve_period", "kpi_table", "level_table", "nodes_at_level", "ancestor_at_level"]

#: Stages every scorecard has; the pipeline stages come from ``card.stage`` when the card provides it.
BASE_STAGES = ("raw", "normalised")


def resolve_period(card: Any, period: Any) -> Any:
    """The period asked for, or the latest one (``AuditError`` naming the periods when unknown).

    Example:
        >>> import pmm
        >>> resolve_period(pmm.demo_scorecard(members=3), None)
        2024
    """
    periods = list(card.periods)
    if period is None:
        return periods[-1]
    if period not in periods:
        raise AuditError(Problem(f"unknown period {period!r}; the scorecard has {periods}", where="period",
                                 hint=did_you_mean(str(period), map(str, periods)), code="unknown_period"))
    return period


def _in_period(frame: pd.DataFrame, period: Any) -> pd.Series:
    return frame["period"].isna() if period is None else frame["period"] == period


def _long_stage(card: Any, stage: str) -> pd.DataFrame:
    """``member, period, kpi, value`` (float) of one stage."""
    if stage in BASE_STAGES:
        levels = card.levels
        if stage == "normalised":
            value = levels["score"].astype(float)
        else:
            categorical = levels["kpi"].map({k: card.catalog.kpi(k).categorical for k in card.catalog.kpi_ids})
            numeric = pd.to_numeric(levels["value"].where(~categorical.astype(bool)), errors="coerce")
            value = numeric.where(~categorical.astype(bool), levels["level"].astype(float))
        return levels[["member", "period", "kpi"]].assign(value=value.astype(float))
    if not hasattr(card, "stage"):
        raise AuditError(Problem(f"unknown stage {stage!r}", where="stage", hint=f"use one of {list(BASE_STAGES)}",
                                 code="unknown_stage"))
    frame = card.stage(stage)
    return frame[["member", "period", "kpi"]].assign(value=pd.to_numeric(frame["value"], errors="coerce"))


def kpi_table(card: Any, stage: str, period: Any) -> pd.DataFrame:
    """Member × KPI values of one stage and period (NaN = no value), KPIs in catalog order.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=3)
        >>> kpi_table(card, "normalised", None).shape[0]
        3
    """
    period = resolve_period(card, period)
    long = _long_stage(card, stage)
    long = long[_in_period(long, period)]
    order = [k for k in card.catalog.walk() if card.catalog.kind(k) == "kpi"]
    table = long.pivot_table(index="member", columns="kpi", values="value", aggfunc="first", dropna=False, sort=False)
    members = list(dict.fromkeys(long["member"]))
    return table.reindex(index=members, columns=order).astype(float).rename_axis(index="member", columns=None)


def nodes_at_level(card: Any, level: int) -> list[str]:
    """The nodes of one COINr level (1 = KPIs, up to the index), in catalog order.

    Example:
        >>> import pmm
        >>> nodes_at_level(pmm.demo_scorecard(members=3), 3)
        ['wco-pmm']
    """
    catalog = card.catalog
    top = catalog.max_level
    if not isinstance(level, (int, np.integer)) or not 1 <= level <= top:
        raise AuditError(Problem(f"level must be a whole number from 1 (KPIs) to {top} (the index), found {level!r}",
                                 where="levels", code="level"))
    return [n for n in catalog.walk() if catalog.level(n) == level]


def level_table(card: Any, level: int, stage: str, period: Any) -> pd.DataFrame:
    """Member × node table of one level: KPI values of ``stage`` at level 1, aggregated scores above.

    Raises:
        AuditError: a level above 1 asked of a stage before normalisation (only scores are aggregated).

    Example:
        >>> import pmm
        >>> list(level_table(pmm.demo_scorecard(members=3), 3, "normalised", None).columns)
        ['wco-pmm']
    """
    nodes = nodes_at_level(card, level)
    if level == 1:
        return kpi_table(card, stage, period)
    if stage not in ("normalised", "aggregated"):
        raise AuditError(Problem(f"level {level} holds aggregated scores, which exist only after normalisation; "
                                 f"stage {stage!r} has KPI values only", where="stage",
                                 hint="use stage='normalised' with levels above 1", code="stage_level"))
    period = resolve_period(card, period)
    scores = card.scores
    scores = scores[_in_period(scores, period) & scores["node"].isin(nodes)]
    table = scores.pivot_table(index="member", columns="node", values="score", aggfunc="first", dropna=False,
                               sort=False)
    return table.reindex(index=list(dict.fromkeys(scores["member"])), columns=nodes).astype(float).rename_axis(
        index="member", columns=None)


def ancestor_at_level(catalog: Any, node: str, level: int) -> str | None:
    """The node's ancestor at ``level`` (``None`` when the path skips that level).

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/wco-pmm")
        >>> ancestor_at_level(cat, cat.kpi_ids[0], cat.max_level) == cat.root
        True
    """
    for parent in catalog.ancestors(node):
        if catalog.level(parent) == level:
            return parent
    return None
