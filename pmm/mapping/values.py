"""KPI values from aggregated measures: simple, ratio, derived and variation arithmetic.

Works on the small per-group tables the engines return (pandas). A value that cannot be
computed — no usable row, a zero or missing denominator, a missing or zero previous period —
gets status ``insufficient_data`` and a missing value, never ``inf`` or a made-up number.

Example:
    >>> import pandas as pd
    >>> status_of(pd.Series([1.0, float("nan")]), pd.Series([3, 3])).tolist()
    ['ok', 'insufficient_data']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import narwhals as nw
import numpy as np
import pandas as pd

from pmm.expr import parse_expression
from pmm.mapping.compile import compile_expression
from pmm.mapping.periods import Period, previous
from pmm.mapping.plan import KpiPlan, MeasurePlan

__all__ = ["PERIOD_KEY", "USED", "kpi_values", "status_of"]

PERIOD_KEY = "__pmm_period"
USED = "__pmm_used"


def status_of(value: pd.Series, used: pd.Series) -> pd.Series:
    """``ok`` where the value is a finite number from at least one usable row, else ``insufficient_data``."""
    ok = np.isfinite(value.to_numpy(dtype=float)) & (used.to_numpy(dtype=float) > 0)
    return pd.Series(np.where(ok, "ok", "insufficient_data"), index=value.index)


def kpi_values(plan: KpiPlan, tables: Mapping[str, pd.DataFrame], keys: Sequence[str], period: Period) -> pd.DataFrame:
    """The values of one KPI for every group of its sources' aggregated tables.

    Args:
        plan: the KPI's measures.
        tables: aggregated table per source (group keys ``member, __pmm_period, by…``, the
            measure columns, ``__pmm_len`` and ``__pmm_used``), member column already named
            ``member``.
        keys: the group keys.
        period: the period kind (for variation lags).

    Returns:
        Columns ``keys…, value, n, status, numerator, denominator``; the last two are the sums of a
        ``ratio`` KPI's measures (for pooled rates, see ``card.pooled``) and NaN for other KPIs.
    """
    frame = _measure_frame(plan, tables, keys)
    d = plan.kpi.definition
    used = frame[USED]
    if d.type == "simple":
        value, n = frame["value"] * d.scale, frame["value_n"]
    elif d.type == "ratio":
        den = frame["denominator"]
        value = (frame["numerator"] / den.where(den != 0)) * d.scale
        n = frame["denominator_n"]
    elif d.type == "derived":
        names = list(d.measures)
        expr = parse_expression(d.expr, names, expect="number", node=plan.kpi.id)
        inputs = nw.from_native(frame[names].astype(float).reset_index(drop=True))
        value = pd.Series(inputs.select(compile_expression(expr, "pandas").alias("v")).to_native()["v"].to_numpy(
            dtype=float, na_value=np.nan), index=frame.index) * d.scale
        n = frame[[f"{m}_n" for m in names]].max(axis=1)
    else:  # variation
        others = [k for k in keys if k != PERIOD_KEY]
        prev = frame[[*others, PERIOD_KEY, "measure"]].rename(columns={"measure": "__prev", PERIOD_KEY: "__prev_key"})
        lookup = frame[others].copy()
        lookup["__prev_key"] = previous(frame[PERIOD_KEY].to_numpy(dtype=np.int64), period, d.lag)
        merged = lookup.merge(prev, on=[*others, "__prev_key"], how="left")
        before = merged["__prev"].to_numpy(dtype=float)
        now = frame["measure"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(np.isfinite(before) & (before != 0), (now - before) / before, np.nan)
        value, n = pd.Series(change * d.scale, index=frame.index), frame["measure_n"]
    status = status_of(value, used)
    out = frame[list(keys)].copy()
    out["value"] = value.where(status == "ok").astype(float)
    out["n"] = n.fillna(0).astype("int64")
    out["status"] = status
    ratio = d.type == "ratio"
    out["numerator"] = frame["numerator"].astype(float) if ratio else np.nan
    out["denominator"] = frame["denominator"].astype(float) if ratio else np.nan
    return out


def _measure_frame(plan: KpiPlan, tables: Mapping[str, pd.DataFrame], keys: Sequence[str]) -> pd.DataFrame:
    """One row per group: each role's value and ``<role>_n``, and the usable-row count."""
    by_source: dict[str, list[tuple[str, MeasurePlan]]] = {}
    for role, m in plan.measures.items():
        by_source.setdefault(m.source, []).append((role, m))
    frame: pd.DataFrame | None = None
    additive: list[tuple[str, str]] = []
    for source, roles in by_source.items():
        table = tables[source]
        part = table[list(keys)].copy()
        for role, m in roles:
            part[role], part[f"{role}_n"] = m.finish(table)
            if m.agg in ("count", "sum"):
                additive.append((role, source))
        part[USED] = table[USED].to_numpy()
        if frame is None:
            frame = part
        else:
            frame = frame.merge(part, on=list(keys), how="outer", suffixes=("", "__other"))
            frame[USED] = frame[[USED, USED + "__other"]].max(axis=1)
            frame = frame.drop(columns=[USED + "__other"])
    assert frame is not None
    if len(by_source) > 1:
        # a member with rows in a source, but none in this group: its counts and sums are 0
        for role, source in additive:
            members = set(tables[source]["member"])
            fill = frame[role].isna() & frame["member"].isin(members)
            frame.loc[fill, role] = 0.0
            frame.loc[fill, f"{role}_n"] = 0.0
    return frame.reset_index(drop=True)
