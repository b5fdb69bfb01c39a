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
from pmm.scoring.method import STAGES

__all__ = ["resolve_period", "check_stage", "kpi_table", "level_table", "nodes_at_level", "ancestor_at_level",
           "metadata_order"]


def resolve_period(card: Any, period: Any) -> Any:
    """The period asked for, or the latest one (``AuditError`` naming the periods when unknown).

    Example:
        >>> import pmm
        >>> resolve_period(pmm.demo_scorecard(members=6), None)
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


def check_stage(stage: str) -> str:
    """The stage name, or ``AuditError`` naming the stages.

    Example:
        >>> check_stage("treated")
        'treated'
    """
    if stage not in STAGES:
        raise AuditError(Problem(f"unknown stage {stage!r}; expected one of {list(STAGES)}", where="stage",
                                 hint=did_you_mean(str(stage), STAGES), code="unknown_stage"))
    return stage


def _stage_rows(card: Any, stage: str, period: Any) -> pd.DataFrame:
    """One stage's long table in one period, without the members screening dropped (as COINr's later data sets)."""
    frame = card.stage(check_stage(stage))
    frame = frame[_in_period(frame, period)]
    screening = card.screening
    if screening is not None and STAGES.index(stage) >= STAGES.index("screened"):
        dropped = screening.loc[_in_period(screening, period) & ~screening["included"].astype(bool), "member"]
        frame = frame[~frame["member"].isin(set(dropped))]
    return frame


def kpi_table(card: Any, stage: str, period: Any) -> pd.DataFrame:
    """Member × KPI values of one stage and period (NaN = no value), KPIs in catalog order.

    ``aggregated`` gives the KPI scores (as ``normalised``).

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> kpi_table(card, "normalised", None).shape[0]
        6
    """
    if stage == "aggregated":
        stage = "normalised"
    long = _stage_rows(card, stage, resolve_period(card, period))
    order = [k for k in card.catalog.walk() if card.catalog.kind(k) == "kpi"]
    return _wide(long, "kpi", order)


def _wide(long: pd.DataFrame, column: str, order: list[str]) -> pd.DataFrame:
    table = long.pivot_table(index="member", columns=column, values="value", aggfunc="first", dropna=False,
                             sort=False)
    members = list(dict.fromkeys(long["member"]))
    return table.reindex(index=members, columns=order).astype(float).rename_axis(index="member", columns=None)


def nodes_at_level(card: Any, level: int) -> list[str]:
    """The nodes of one COINr level (1 = KPIs, up to the index), in catalog order.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> nodes_at_level(card, card.catalog.max_level)
        ['wco-pmm']
    """
    catalog = card.catalog
    top = catalog.max_level
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or not 1 <= level <= top:
        raise AuditError(Problem(f"level must be a whole number from 1 (KPIs) to {top} (the index), found {level!r}",
                                 where="levels", code="level"))
    return [n for n in catalog.walk() if catalog.level(n) == level]


def level_table(card: Any, level: int, stage: str, period: Any) -> pd.DataFrame:
    """Member × node table of one level: KPI values of ``stage`` at level 1, aggregated scores above.

    Raises:
        AuditError: a level above 1 asked of a stage before normalisation (only scores are aggregated).

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> list(level_table(card, 3, "normalised", None).columns)[:2]
        ['tf', 'rc']
    """
    nodes = nodes_at_level(card, level)
    if level == 1:
        return kpi_table(card, stage, period)
    if stage not in ("normalised", "aggregated"):
        raise AuditError(Problem(f"level {level} holds aggregated scores, which exist only after normalisation; "
                                 f"stage {stage!r} has KPI values only", where="stage",
                                 hint="use stage='normalised' with levels above 1", code="stage_level"))
    rows = _stage_rows(card, "aggregated", resolve_period(card, period))
    return _wide(rows[rows["node"].isin(nodes)], "node", nodes)


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


def metadata_order(catalog: Any, nodes: list[str]) -> list[str]:
    """``nodes`` in the order of COINr's sorted metadata: by level, then parent id, then catalog order.

    COINr sorts ``iMeta`` by ``(Level, Parent)`` when it builds a coin, and its results tables
    (``get_str_weak``'s ties, ``get_unit_summary``'s rows) follow that order.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> groups = [n for n in cat.walk() if cat.level(n) == 2]
        >>> metadata_order(cat, groups) == sorted(groups, key=lambda n: (cat.parent(n), list(cat.walk()).index(n)))
        True
    """
    position = {n: i for i, n in enumerate(catalog.walk())}
    return sorted(nodes, key=lambda n: (catalog.level(n), catalog.parent(n) or "", position[n]))
