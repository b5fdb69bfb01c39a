"""Long-run trends per member: CAGR, least-squares slope, change over the span, periods observed.

A series is one member's values of one node over the periods (a KPI's raw values, or a group's
scores). Periods that are all numbers (years) are their own x positions, so a gap of two years
counts as two; other periods (``"2023-Q1"``) take their position among the scorecard's sorted
periods. A series with fewer than two observations gets no trend and a ``reason``.

Example:
    >>> import pandas as pd
    >>> series = pd.DataFrame({"member": "A", "period": [2011, 2012, 2014], "value": [100.0, 110.0, 133.1]})
    >>> t = trend_table(series, [2011, 2012, 2014])
    >>> t[["n_periods", "change", "cagr"]].round(4).values.tolist()
    [[3.0, 33.1, 0.1]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TREND_COLUMNS", "trend_table", "period_positions"]

TREND_COLUMNS = ["member", "node", "n_periods", "first_period", "last_period", "first_value", "last_value", "change",
                 "change_pct", "cagr", "slope", "reason"]


def period_positions(periods: list[Any]) -> dict[Any, float]:
    """The x position of every period: the period itself when all are numbers, else its rank.

    Example:
        >>> period_positions([2011, 2013]), period_positions(["2023-Q1", "2023-Q3"])
        ({2011: 2011.0, 2013: 2013.0}, {'2023-Q1': 0.0, '2023-Q3': 1.0})
    """
    numeric = all(isinstance(p, (int, float, np.integer, np.floating)) and not isinstance(p, bool) for p in periods)
    return {p: float(p) if numeric else float(i) for i, p in enumerate(periods)}


def trend_table(series: pd.DataFrame, periods: list[Any]) -> pd.DataFrame:
    """Trend statistics of each member's series.

    Args:
        series: ``member, period, value`` (missing values are gaps; other columns ignored).
        periods: the sorted periods of the scorecard (they fix the x positions).

    Returns:
        One row per member: ``n_periods`` (values observed), ``first_period``/``last_period``
        and their values, ``change`` = last − first, ``change_pct`` = 100·change/|first|,
        ``cagr`` = (last/first)^(1/(x_last − x_first)) − 1 (compound growth per period; needs
        first > 0 and last ≥ 0), ``slope`` = least-squares slope of value on x (per period), and
        ``reason`` saying why a statistic is missing (``None`` when all are there).
    """
    x_of = period_positions(periods)
    rows = []
    for member, part in series.groupby("member", sort=True):
        seen = part.assign(_x=part["period"].map(x_of), _v=pd.to_numeric(part["value"], errors="coerce"))
        seen = seen[seen["_v"].notna()].sort_values("_x")
        rows.append(_one(member, seen))
    columns = [c for c in TREND_COLUMNS if c != "node"]
    out = pd.DataFrame({c: pd.Series([r[i] for r in rows], dtype=_DTYPES.get(c, float)) for i, c in enumerate(columns)})
    return out.astype({"n_periods": int}) if len(out) else out


#: Column types other than float (``reason`` stays object so that "no reason" is ``None``).
_DTYPES: dict[str, Any] = {"member": None, "n_periods": None, "first_period": object, "last_period": object,
                           "reason": object}


def _one(member: Any, seen: pd.DataFrame) -> list[Any]:
    n = len(seen)
    if n == 0:
        return [member, 0, None, None, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, "no value"]
    x, v = seen["_x"].to_numpy(float), seen["_v"].to_numpy(float)
    first, last = v[0], v[-1]
    head = [member, n, seen["period"].iloc[0], seen["period"].iloc[-1], first, last]
    if n == 1:
        return [*head, np.nan, np.nan, np.nan, np.nan, "one period observed: no trend"]
    change = last - first
    change_pct = 100.0 * change / abs(first) if first != 0 else np.nan
    slope = float(np.sum((x - x.mean()) * (v - v.mean())) / np.sum((x - x.mean()) ** 2))
    reasons = []
    if first > 0 and last >= 0:
        cagr = (last / first) ** (1.0 / (x[-1] - x[0])) - 1.0
    else:
        cagr = np.nan
        reasons.append("CAGR needs a positive first value and a non-negative last value")
    if first == 0:
        reasons.append("no change_pct from a first value of 0")
    return [*head, change, change_pct, cagr, slope, "; ".join(reasons) or None]
