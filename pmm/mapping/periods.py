"""Reporting periods: integer keys computed in the engine, text labels in the result.

Engines group by an integer key (``2024``, ``20241`` for 2024-Q1, ``202401`` for January 2024),
which is cheap everywhere; the labels ``"2024"``, ``"2024-Q1"`` and ``"2024-01"`` are made on the
small aggregated table.

Example:
    >>> label(20243, "quarter"), label(202411, "month"), previous(20241, "quarter", 1)
    ('2024-Q3', '2024-11', 20234)
"""

from __future__ import annotations

from typing import Literal

import narwhals as nw
import numpy as np

from pmm.errors import MappingError, Problem, did_you_mean

__all__ = ["Period", "PERIODS", "check_period", "period_key", "label", "labels", "previous"]

Period = Literal["year", "quarter", "month"]
PERIODS: tuple[str, ...] = ("year", "quarter", "month")


def check_period(period: str) -> Period:
    """Return ``period`` if it is a known period kind, else raise :class:`MappingError`.

    Example:
        >>> check_period("month")
        'month'
    """
    if period not in PERIODS:
        raise MappingError(Problem(f"period must be one of {', '.join(PERIODS)}, found {period!r}",
                                   hint=did_you_mean(str(period), PERIODS), code="period"))
    return period  # type: ignore[return-value]


def period_key(time: nw.Expr, period: Period) -> nw.Expr:
    """The integer period key of a datetime expression.

    Example:
        >>> import narwhals as nw, pandas as pd
        >>> df = nw.from_native(pd.DataFrame({"t": pd.to_datetime(["2024-05-02"])}))
        >>> df.select(period_key(nw.col("t"), "quarter").alias("k")).to_native()["k"].tolist()
        [20242]
    """
    year = time.dt.year()  # no integer cast: pandas gives floats where the time is missing
    if period == "year":
        return year
    month = time.dt.month()
    if period == "quarter":
        return year * 10 + (month - 1) // 3 + 1
    return year * 100 + month


def label(key: int, period: Period) -> str:
    """The text label of one period key (see the module example)."""
    if period == "year":
        return f"{key:d}"
    if period == "quarter":
        return f"{key // 10:d}-Q{key % 10:d}"
    return f"{key // 100:d}-{key % 100:02d}"


def labels(keys: np.ndarray, period: Period) -> list[str]:
    """Labels of many keys (see :func:`label`)."""
    return [label(int(k), period) for k in keys]


def previous(key: int | np.ndarray, period: Period, lag: int) -> int | np.ndarray:
    """The key ``lag`` periods before ``key`` (works on arrays too)."""
    if period == "year":
        return key - lag
    per_year, base = (4, 10) if period == "quarter" else (12, 100)
    index = (key // base) * per_year + (key % base - 1) - lag
    return (index // per_year) * base + index % per_year + 1
