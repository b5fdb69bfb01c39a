"""Pairwise-complete correlations with p-values (COINr ``get_corr``'s ``stats::cor`` + ``cor.test``).

Every pair of columns is correlated over the members that have both values (R's
``use = "pairwise.complete.obs"``). Spearman ranks each pair's common values (ties get their
average rank); Kendall is tau-b. Two-sided p-values as R's ``cor.test`` on each pair's common
members (see :mod:`pmm.analysis.pvalues`).

Example:
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9], [4.0, np.nan]])
    >>> r, p, n = correlate(x, x, "pearson")
    >>> round(float(r[0, 1]), 4), int(n[0, 1])
    (0.999, 3)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmm.analysis.pvalues import kendall_exact_p, kendall_normal_p, spearman_p, t_p
from pmm.errors import AuditError, Problem, did_you_mean

__all__ = ["METHODS", "correlate", "check_method"]

METHODS = ("pearson", "spearman", "kendall")


def check_method(method: str) -> str:
    """The method, or ``AuditError`` naming the three methods.

    Example:
        >>> check_method("spearman")
        'spearman'
    """
    if method not in METHODS:
        raise AuditError(Problem(f"unknown correlation method {method!r}; expected one of {list(METHODS)}",
                                 where="method", hint=did_you_mean(str(method), METHODS), code="method"))
    return method


def correlate(x: np.ndarray, y: np.ndarray, method: str = "pearson") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Correlation, two-sided p-value and number of common members of every column of ``x`` with every column of ``y``.

    Args:
        x: ``(member, i)`` values, NaN = missing.
        y: ``(member, j)`` values on the same members.
        method: ``pearson``, ``spearman`` or ``kendall``.

    Returns:
        ``(r, p, n)``, each ``(i, j)``; NaN where fewer than 3 common members or a constant column.

    Example:
        >>> import numpy as np
        >>> r, p, n = correlate(np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([[1.0], [3.0], [2.0], [4.0]]), "kendall")
        >>> round(float(r[0, 0]), 4)
        0.6667
    """
    check_method(method)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if method == "pearson":
        return _pearson(x, y)
    shape = (x.shape[1], y.shape[1])
    r, p, n = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape, dtype=int)
    present_x, present_y = ~np.isnan(x), ~np.isnan(y)
    symmetric = x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
    # Spearman: rank each column once; a pair losing members the column keeps is re-ranked on its own.
    rank_x = _column_ranks(x) if method == "spearman" else None
    rank_y = _column_ranks(y) if method == "spearman" else None
    for i in range(shape[0]):
        for j in range(i if symmetric else 0, shape[1]):
            common = present_x[:, i] & present_y[:, j]
            n[i, j] = int(common.sum())
            if n[i, j] < 3:
                continue
            a, b = x[common, i], y[common, j]
            if rank_x is not None:
                a = rank_x[common, i] if n[i, j] == present_x[:, i].sum() else _average_ranks(a)
                b = rank_y[common, j] if n[i, j] == present_y[:, j].sum() else _average_ranks(b)
            r[i, j], p[i, j] = _pair(a, b, method)
    if symmetric:
        lower = np.tril_indices(shape[0], -1)
        r[lower], p[lower], n[lower] = r.T[lower], p.T[lower], n.T[lower]
    return r, p, n


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of a 1-D array without NaN, ties sharing their mean rank (scipy's ``rankdata``; avoids
    importing ``scipy.stats``, which takes longer than the whole audit)."""
    return pd.Series(values).rank(method="average").to_numpy(dtype=float)


def _pearson(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise-complete Pearson correlations of all column pairs at once, from masked sums.

    Each column is first centred on its own mean, so the sums stay small and the one-pass
    formula keeps full precision; a pair whose common values are constant gets NaN.
    """
    mx, my = ~np.isnan(x), ~np.isnan(y)
    x0, y0 = _centred(x, mx), _centred(y, my)
    fx, fy = mx.astype(float), my.astype(float)
    n = fx.T @ fy
    sx, sy = x0.T @ fy, fx.T @ y0
    sxx, syy = (x0 * x0).T @ fy, fx.T @ (y0 * y0)
    sxy = x0.T @ y0
    with np.errstate(invalid="ignore", divide="ignore"):
        vx, vy = n * sxx - sx * sx, n * syy - sy * sy
        r = (n * sxy - sx * sy) / np.sqrt(vx * vy)
    flat = (vx <= 1e-12 * n * sxx) | (vy <= 1e-12 * n * syy) | (n < 3)
    r = np.where(flat, np.nan, np.clip(r, -1.0, 1.0))
    counts = n.round().astype(int)
    p = np.full(r.shape, np.nan)
    for i, j in zip(*np.nonzero(~np.isnan(r))):
        p[i, j] = t_p(float(r[i, j]), int(counts[i, j]))
    return r, p, counts


def _centred(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Each column minus the mean of its present values; 0 where missing."""
    mean = np.where(present, x, 0.0).sum(axis=0) / np.maximum(present.sum(axis=0), 1)
    return np.where(present, x - mean, 0.0)


def _pair(a: np.ndarray, b: np.ndarray, method: str) -> tuple[float, float]:
    """Correlation and p-value of one pair (``a``, ``b`` already ranked for Spearman)."""
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return np.nan, np.nan
    if method == "kendall":
        return _kendall(a, b)
    da, db = a - a.mean(), b - b.mean()
    r = float(np.clip((da @ db) / np.sqrt((da @ da) * (db @ db)), -1.0, 1.0))
    if method == "spearman":
        return r, spearman_p(r, len(a), ties=min(len(np.unique(a)), len(np.unique(b))) < len(a))
    return r, t_p(r, len(a))


def _column_ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks of each column's present values (NaN stays NaN)."""
    out = np.full(x.shape, np.nan)
    for j in range(x.shape[1]):
        present = ~np.isnan(x[:, j])
        out[present, j] = _average_ranks(x[present, j])
    return out


def _kendall(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Kendall's tau-b and its p-value (exact without ties below 50 pairs, else the tie-corrected normal)."""
    n = len(a)
    sa = np.sign(a[:, None] - a[None, :])
    sb = np.sign(b[:, None] - b[None, :])
    s = float((sa * sb)[np.triu_indices(n, 1)].sum())
    t0 = n * (n - 1) / 2.0
    ties_a, ties_b = _tie_sizes(a), _tie_sizes(b)
    tau = float(np.clip(s / np.sqrt((t0 - (ties_a * (ties_a - 1)).sum() / 2.0)
                                    * (t0 - (ties_b * (ties_b - 1)).sum() / 2.0)), -1.0, 1.0))
    if n < 50 and not ties_a.size and not ties_b.size:
        return tau, kendall_exact_p(tau, n)
    return tau, kendall_normal_p(s, n, ties_a, ties_b)


def _tie_sizes(a: np.ndarray) -> np.ndarray:
    _, counts = np.unique(a, return_counts=True)
    return counts[counts > 1].astype(float)
