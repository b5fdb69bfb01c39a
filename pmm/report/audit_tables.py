"""The audit tables shown in the HTML report and written to the workbook: KPI statistics, correlation flags, reliability.

Built from ``card.audit`` for one period and the KPIs visible at the chosen disclosure level (a
hidden KPI appears in no table, and groups are summarised over their visible KPIs only).

Example:
    >>> import pmm
    >>> card = pmm.demo_scorecard(members=6)
    >>> tables = audit_tables(card, list(card.catalog.kpi_ids), None)
    >>> sorted(tables)
    ['correlation flags', 'kpi statistics', 'reliability']
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd

from pmm.analysis.frames import kpi_table
from pmm.analysis.reliability import cronbach_alpha, principal_components
from pmm.errors import ScoringError

__all__ = ["audit_tables", "STATS_SHOWN"]

#: Scorecard → {(kpis, period): tables}; a Scorecard is immutable, so its audit tables are too.
_COMPUTED: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], dict[str, pd.DataFrame]]] = \
    weakref.WeakKeyDictionary()

#: The statistics columns shown (the full table is ``card.audit.stats()``).
STATS_SHOWN = ("kpi", "name", "stage", "min", "max", "mean", "median", "sd", "skew", "kurt", "availability",
               "zero_share", "unique_share", "flag_availability", "flag_nonzero", "flag_unique", "flag_outlier")


def audit_tables(card: Any, kpis: list[str], period: Any) -> dict[str, pd.DataFrame]:
    """``kpi statistics`` (raw, and treated when the method treats), ``correlation flags`` and ``reliability``.

    Args:
        card: a Scorecard.
        kpis: the KPIs that may be shown.
        period: the period (default: the latest).

    Returns:
        Three tables: per KPI and stage the statistics and COINr flags; pairs of KPIs of one
        parent correlated above 0.9 (``collinear``) or below −0.4 (``negative``) on the
        normalised scores; per group its visible KPIs' Cronbach's alpha and PC1 variance share.
    """
    key = (tuple(kpis), period)
    done = _COMPUTED.setdefault(card, {}) if _weakly_referable(card) else {}
    if key not in done:  # the report and the workbook of one scorecard share the tables (computed once)
        done[key] = _audit_tables(card, kpis, period)
    return {name: frame.copy() for name, frame in done[key].items()}


def _weakly_referable(card: Any) -> bool:
    try:
        weakref.ref(card)
        hash(card)
    except TypeError:
        return False
    return True


def _audit_tables(card: Any, kpis: list[str], period: Any) -> dict[str, pd.DataFrame]:
    audit = card.audit
    visible = set(kpis)
    names = {k: card.catalog.name(k) for k in card.catalog.kpi_ids}
    stages = ["raw", "treated"] if getattr(card, "treatment", None) is not None else ["raw"]
    stats = pd.concat([audit.stats(s, period=period).assign(stage=s) for s in stages], ignore_index=True)
    stats = stats[stats["kpi"].isin(visible)].assign(name=lambda f: f["kpi"].map(names))
    order = {k: i for i, k in enumerate(card.catalog.kpi_ids)}
    stats = stats.sort_values(["kpi", "stage"], key=lambda c: c.map(order) if c.name == "kpi" else c, kind="stable")
    flags = pd.concat([audit.correlation_flags(kind="high", period=period).assign(flag="collinear"),
                       audit.correlation_flags(kind="low", period=period).assign(flag="negative")],
                      ignore_index=True)
    flags = flags[flags["kpi_1"].isin(visible) & flags["kpi_2"].isin(visible)]
    return {"kpi statistics": stats[list(STATS_SHOWN)].reset_index(drop=True),
            "correlation flags": flags[["flag", "group", "kpi_1", "kpi_2", "correlation"]].reset_index(drop=True),
            "reliability": _reliability(card, [k for k in card.catalog.kpi_ids if k in visible], period)}


def _reliability(card: Any, kpis: list[str], period: Any) -> pd.DataFrame:
    """Per group (KPI parents and above): visible KPIs under it, Cronbach's alpha and PC1's share of the variance."""
    catalog = card.catalog
    table = kpi_table(card, "normalised", period)[kpis]
    rows = []
    for group in catalog.walk():
        if catalog.kind(group) == "kpi":
            continue
        inside = set(catalog.walk(group))
        part = table[[k for k in kpis if k in inside]]
        if part.shape[1] < 2:
            continue
        try:
            variance, _ = principal_components(part, group=group)
            pc1 = float(variance["variance_share"].iloc[0])
        except ScoringError:
            pc1 = np.nan
        rows.append({"group": group, "name": catalog.name(group), "tree_level": catalog.level(group),
                     "n_kpis": part.shape[1], "cronbach_alpha": cronbach_alpha(part.to_numpy(float)),
                     "pc1_share": pc1})
    return pd.DataFrame(rows, columns=["group", "name", "tree_level", "n_kpis", "cronbach_alpha", "pc1_share"])
