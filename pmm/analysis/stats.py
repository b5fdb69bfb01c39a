"""Descriptive statistics and data-quality flags per KPI (COINr ``get_stats``).

Per column, over the members present: min, max, mean, median, sample standard deviation (n−1),
type-2 skewness and excess kurtosis (Excel ``SKEW``/``KURT``, e1071 type 2), counts of
available, non-zero, unique and most-repeated values, and shares:

- ``availability`` = available / members; ``zero_share`` = zeros / available;
  ``unique_share`` = unique values / available; ``same_share`` = most-repeated / available;
- flags exactly as COINr: ``flag_availability`` when availability < ``t_avail``;
  ``flag_nonzero`` when non-zero values / **members** < ``t_zero``; ``flag_unique`` when unique
  values / **members** < ``t_unq``; ``flag_outlier`` when \\|skew\\| > ``t_skew`` **and**
  kurtosis > ``t_kurt`` (strict, unlike the treatment test which uses ≥).

Example:
    >>> import numpy as np, pandas as pd
    >>> table = pd.DataFrame({"a": [1.0, 2.0, 3.0, 10.0], "b": [0.0, 0.0, 0.0, np.nan]})
    >>> s = kpi_stats(table)
    >>> s.set_index("kpi").loc["a", ["mean", "median", "sd"]].round(4).tolist()
    [4.0, 2.5, 4.0825]
    >>> s.set_index("kpi").loc["b", ["availability", "zero_share", "flag_nonzero"]].astype(float).tolist()
    [0.75, 1.0, 1.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmm.scoring.treat import skew_kurt

__all__ = ["kpi_stats", "STATS_COLUMNS"]

STATS_COLUMNS = ("kpi", "min", "max", "mean", "median", "sd", "skew", "kurt", "n", "n_available", "n_nonzero",
                 "n_unique", "n_same", "availability", "zero_share", "unique_share", "same_share",
                 "flag_availability", "flag_nonzero", "flag_unique", "flag_outlier")


def kpi_stats(table: pd.DataFrame, *, t_skew: float = 2.0, t_kurt: float = 3.5, t_avail: float = 0.65,
              t_zero: float = 0.5, t_unq: float = 0.5) -> pd.DataFrame:
    """One row per column of a member × KPI table: statistics, shares and COINr's flags.

    Args:
        table: members (rows) × KPIs (columns), NaN = no value.
        t_skew: outlier flag when \\|skew\\| > t_skew (and kurtosis > t_kurt).
        t_kurt: outlier flag when kurtosis > t_kurt (and \\|skew\\| > t_skew).
        t_avail: availability flag below this share of members.
        t_zero: non-zero flag when non-zero values are below this share of members.
        t_unq: uniqueness flag when distinct values are below this share of members.

    Returns:
        Columns :data:`STATS_COLUMNS`, KPIs in the table's column order.

    Example:
        >>> import pandas as pd
        >>> kpi_stats(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 50.0]}))[["skew", "flag_outlier"]].round(3).values.tolist()
        [[2.221, True]]
    """
    x = table.to_numpy(dtype=float)
    n = x.shape[0]
    present = ~np.isnan(x)
    n_avail = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        skew, kurt = skew_kurt(x) if n else (np.full(x.shape[1], np.nan),) * 2
        rows = []
        for j, kpi in enumerate(table.columns):
            v = x[present[:, j], j]
            _, counts = np.unique(v, return_counts=True)
            rows.append((kpi, v.min() if v.size else np.nan, v.max() if v.size else np.nan,
                         v.mean() if v.size else np.nan, np.median(v) if v.size else np.nan,
                         v.std(ddof=1) if v.size > 1 else np.nan, int((v != 0).sum()), len(counts),
                         int(counts.max()) if counts.size else 0))
    out = pd.DataFrame(rows, columns=["kpi", "min", "max", "mean", "median", "sd", "n_nonzero", "n_unique", "n_same"])
    out.insert(6, "skew", skew)
    out.insert(7, "kurt", kurt)
    out.insert(8, "n", n)
    out.insert(9, "n_available", n_avail)
    avail = n_avail.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["availability"] = avail / n if n else np.nan
        out["zero_share"] = (avail - out["n_nonzero"]) / avail
        out["unique_share"] = out["n_unique"] / avail
        out["same_share"] = out["n_same"] / avail
        out["flag_availability"] = ~(out["availability"] >= t_avail)
        out["flag_nonzero"] = ~(out["n_nonzero"] / n >= t_zero)
        out["flag_unique"] = ~(out["n_unique"] / n >= t_unq)
    out["flag_outlier"] = (np.abs(out["skew"]) > t_skew) & (out["kurt"] > t_kurt)
    return out[list(STATS_COLUMNS)]
