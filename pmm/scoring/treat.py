"""Outlier treatment exactly as COINr 1.1.14's ``Treat`` default, vectorised over KPIs and leading axes.

The two-stage rule, applied to each KPI separately over the members (one period, one replication):

1. **Test** (COINr ``check_SkewKurt``): the KPI is flagged only when ``|skew| ≥ skew`` **and**
   ``kurt ≥ kurt``, with the bias-adjusted "type 2" skewness G1 and excess kurtosis G2 (e1071,
   Excel ``SKEW``/``KURT``, ``scipy.stats.skew/kurtosis(bias=False)``). Fewer than 3 (skew) or 4
   (kurtosis) values, or a constant KPI, give an undefined test: the KPI is left untreated.
2. **Winsorise** (COINr ``winsorise``): one end at a time, the upper end when the *current* skew
   is ≥ 0, else the lower end; *all* values tied at that extreme take the next value inside. The
   loop stops when the test passes or when ``nwin ≥ winmax``, ``nwin`` being the size of the
   last upper tie block plus the last lower tie block (so at most ``winmax`` points per end
   without ties). ``force`` (COINr ``force_win``) keeps winsorising a flagged KPI until ``winmax``
   even after it passes.
3. **Log** (COINr ``log_CT``): if the winsorised KPI still fails and ``log`` is true, the
   ORIGINAL values (the winsorised ones with ``combine``) become ``ln(x − min + 0.01·(max − min))``.

``method="boxcox"`` replaces both stages: a flagged KPI becomes COINr's ``boxcox(x, lambda,
makepos=TRUE)`` of its original values: ``y = x − min + 1``, then ``(y^λ − 1)/λ`` (``ln y`` for λ = 0).

:func:`treat` takes ``x`` of shape ``(..., member, kpi)`` — any leading axes (replications,
periods) — and parameters that are scalars or arrays broadcastable to ``(..., kpi)`` (one value
per KPI, or per replication and KPI: an uncertainty analysis varying ``winmax`` passes
``winmax`` of shape ``(rep, 1, kpi)``). The only Python loop is over winsorisation iterations.

Example:
    >>> import numpy as np
    >>> x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])[:, None]         # 10 members, 1 KPI
    >>> out = treat(x)
    >>> out.values[:, 0].tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 9.0]
    >>> int(out.winsorised[0]), bool(out.log[0]), out.high[:, 0].nonzero()[0].tolist()
    (1, False, [9])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["TreatResult", "skew_kurt", "flagged", "treat"]


@dataclass(frozen=True)
class TreatResult:
    """What :func:`treat` did; arrays follow the input's leading axes.

    Attributes:
        values: the treated values, shape ``(..., member, kpi)``; unflagged KPIs unchanged.
        skew, kurt: type-2 skewness and excess kurtosis before treatment, ``(..., kpi)``.
        skew_after, kurt_after: the same after treatment (equal to before when untreated).
        flagged: the KPI failed the test before treatment, ``(..., kpi)``.
        winsorised: number of winsorised points (COINr ``nwin``), ``(..., kpi)``.
        log: ``log_CT`` was applied, ``(..., kpi)``.
        boxcox: the Box-Cox transform was applied, ``(..., kpi)``.
        passed: the KPI passes the test after treatment (``False`` also when still failing).
        high, low: per-point flags of values winsorised at the upper / lower end, ``(..., member, kpi)``.
    """

    values: np.ndarray
    skew: np.ndarray
    kurt: np.ndarray
    skew_after: np.ndarray
    kurt_after: np.ndarray
    flagged: np.ndarray
    winsorised: np.ndarray
    log: np.ndarray
    boxcox: np.ndarray
    passed: np.ndarray
    high: np.ndarray
    low: np.ndarray


def _rows_skew_kurt(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Type-2 skew and kurtosis of each row of ``y`` (NaN = missing), COINr's ``skew``/``kurt``."""
    present = ~np.isnan(y)
    n = present.sum(axis=-1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, y, 0.0).sum(axis=-1) / n
        d = np.where(present, y - mean[..., None], 0.0)
        d2 = d * d
        m2 = d2.sum(axis=-1)
        m3 = (d2 * d).sum(axis=-1)
        m4 = (d2 * d2).sum(axis=-1)
        skew = np.sqrt(n) * m3 / m2 ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / (m2 * m2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    skew = np.where((n >= 3) & (m2 > 0), skew, np.nan)
    kurt = np.where((n >= 4) & (m2 > 0), kurt, np.nan)
    return skew, kurt


def skew_kurt(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Type-2 skewness (G1) and excess kurtosis (G2) over the member axis of ``(..., member, kpi)``.

    NaN values are skipped; fewer than 3 (skew) / 4 (kurtosis) values or zero variance give NaN.

    Example:
        >>> s, k = skew_kurt(np.array([[1.0], [2.0], [3.0], [10.0]]))
        >>> round(float(s[0]), 6), round(float(k[0]), 6)                   # = scipy.stats.skew/kurtosis(bias=False)
        (1.763633, 3.228)
    """
    return _rows_skew_kurt(np.moveaxis(np.asarray(x, dtype=float), -2, -1))


def _test(skew: np.ndarray, kurt: np.ndarray, skew_limit: np.ndarray,
          kurt_limit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """COINr ``check_SkewKurt`` with R's three-valued logic: (pass, undefined)."""
    with np.errstate(invalid="ignore"):
        passes = (np.abs(skew) < skew_limit) | (kurt < kurt_limit)
    undefined = ~passes & (np.isnan(skew) | np.isnan(kurt))
    return passes, undefined


def flagged(x: np.ndarray, skew: float | np.ndarray = 2.0, kurt: float | np.ndarray = 3.5) -> np.ndarray:
    """Which KPIs of ``(..., member, kpi)`` fail the outlier test (``|skew| ≥ skew`` and ``kurt ≥ kurt``).

    Example:
        >>> flagged(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 3.0], [50.0, 4.0]])).tolist()
        [True, False]
    """
    s, k = skew_kurt(x)
    passes, undefined = _test(s, k, np.asarray(skew, dtype=float), np.asarray(kurt, dtype=float))
    return ~passes & ~undefined


def _log_ct(y: np.ndarray) -> np.ndarray:
    """COINr ``log_CT`` per row: ln(x − min + 0.01·(max − min))."""
    low = np.nanmin(y, axis=-1, keepdims=True)
    high = np.nanmax(y, axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(y - low + 0.01 * (high - low))


def _boxcox(y: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """COINr ``boxcox(x, lambda, makepos = TRUE)`` per row."""
    shifted = y - np.nanmin(y, axis=-1, keepdims=True) + 1.0
    lam = lam[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        power = (shifted ** np.where(lam == 0, 1.0, lam) - 1.0) / np.where(lam == 0, 1.0, lam)
        return np.where(lam == 0, np.log(shifted), power)


def _winsorise(y: np.ndarray, active: np.ndarray, winmax: np.ndarray, skew_limit: np.ndarray,
               kurt_limit: np.ndarray, force: np.ndarray) -> tuple[np.ndarray, ...]:
    """COINr ``winsorise`` on the rows of ``y`` (row = one KPI of one period/replication) where ``active``."""
    y = y.copy()
    n_rows = y.shape[0]
    high = np.zeros(y.shape, dtype=bool)
    low = np.zeros(y.shape, dtype=bool)
    nwin = np.zeros(n_rows)
    broken = np.zeros(n_rows, dtype=bool)
    rows = np.flatnonzero(active & (winmax > 0))
    while rows.size:
        block = y[rows]
        present = ~np.isnan(block)
        skew, _ = _rows_skew_kurt(block)
        upper = skew >= 0
        top = np.where(present, block, -np.inf).max(axis=-1)
        bottom = np.where(present, block, np.inf).min(axis=-1)
        extreme = np.where(upper, top, bottom)
        tie = present & (block == extreme[:, None])
        rest = present & ~tie
        inside = np.where(upper, np.where(rest, block, -np.inf).max(axis=-1),
                          np.where(rest, block, np.inf).min(axis=-1))
        broken[rows] |= ~rest.any(axis=-1) | np.isnan(skew)
        y[rows] = np.where(tie, inside[:, None], block)
        high[rows] = np.where(upper[:, None], tie, high[rows])
        low[rows] = np.where(upper[:, None], low[rows], tie)
        nwin[rows] = high[rows].sum(axis=-1) + low[rows].sum(axis=-1)
        s, k = _rows_skew_kurt(y[rows])
        passes, undefined = _test(s, k, skew_limit[rows], kurt_limit[rows])
        broken[rows] |= undefined
        keep = (~passes | force[rows]) & (nwin[rows] < winmax[rows]) & ~broken[rows]
        rows = rows[keep]
    return y, high, low, nwin, broken


def _flat(value: Any, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=dtype), shape).reshape(-1)


def treat(x: np.ndarray, *, method: str | np.ndarray = "winsorise", winmax: float | np.ndarray = 5, skew: float | np.ndarray = 2.0,
          kurt: float | np.ndarray = 3.5, log: bool | np.ndarray = True, combine: bool | np.ndarray = False,
          force: bool | np.ndarray = False, lam: float | np.ndarray = 0.0,
          active: bool | np.ndarray = True) -> TreatResult:
    """Treat outliers of every KPI of ``x`` (shape ``(..., member, kpi)``) by COINr's two-stage rule.

    Args:
        x: values; NaN = missing (skipped by every statistic and left NaN).
        method: ``"winsorise"`` (then ``log_CT`` when still failing) or ``"boxcox"``; a string
            array gives one method per KPI.
        winmax: winsorisation limit (``nwin ≥ winmax`` stops; ``np.inf`` = no limit).
        skew: the test's skewness threshold (|skew| ≥ this fails …).
        kurt: … and its kurtosis threshold (kurt ≥ this fails).
        log: apply ``log_CT`` when winsorisation does not pass.
        combine: ``log_CT`` on the winsorised instead of the original values.
        force: keep winsorising until ``winmax`` even once the test passes.
        lam: Box-Cox λ (``method="boxcox"``).
        active: ``False`` for KPIs not to treat (COINr ``indiv_specs`` "none").

    Every parameter broadcasts to ``(..., kpi)``, so each KPI (and each replication) can have
    its own.

    Returns:
        A :class:`TreatResult`.

    Raises:
        ValueError: an unknown method.

    Example:
        >>> x = np.array([*range(1, 18), 100.0, 200.0, 300.0])[:, None]   # 20 members, 1 KPI
        >>> one = treat(x, winmax=1)                      # 300 → 200 is not enough: log_CT of the original
        >>> bool(one.log[0]), int(one.winsorised[0]), round(float(one.values[0, 0]), 6)
        (True, 1, 1.095273)
        >>> five = treat(x, winmax=5)                     # 300 → 200 → 100 passes
        >>> bool(five.log[0]), int(five.winsorised[0]), five.values[-3:, 0].tolist()
        (False, 2, [100.0, 100.0, 100.0])
    """
    x = np.asarray(x, dtype=float)
    rows_shape = x.shape[:-2] + (x.shape[-1],)
    y = np.moveaxis(x, -2, -1).reshape(-1, x.shape[-2])
    skew_limit = _flat(skew, rows_shape, float)
    kurt_limit = _flat(kurt, rows_shape, float)
    s0, k0 = _rows_skew_kurt(y)
    passes, undefined = _test(s0, k0, skew_limit, kurt_limit)
    on = _flat(active, rows_shape, bool)
    fail = on & ~passes & ~undefined
    methods = np.asarray(method)
    unknown = sorted(set(methods[~np.isin(methods, ("winsorise", "boxcox"))].reshape(-1).tolist()))
    if unknown:
        raise ValueError(f"treatment method must be 'winsorise' or 'boxcox', found {unknown}")
    rows = np.flatnonzero(fail)                 # only flagged KPIs are touched: every step below runs on them

    def sub(value: Any, dtype: Any) -> np.ndarray:
        return _flat(value, rows_shape, dtype)[rows]

    part = y[rows]
    use_boxcox = sub(methods == "boxcox", bool)
    win, high_p, low_p, nwin_p, broken = _winsorise(part, ~use_boxcox, sub(winmax, float), skew_limit[rows],
                                                    kurt_limit[rows], sub(force, bool))
    s1, k1 = _rows_skew_kurt(win)
    still, _ = _test(s1, k1, skew_limit[rows], kurt_limit[rows])
    log_p = ~use_boxcox & ~still & ~broken & sub(log, bool)
    treated = win
    if log_p.any():
        base = np.where(sub(combine, bool)[:, None], win, part)
        treated = np.where(log_p[:, None], _log_ct(base), win)
    if use_boxcox.any():
        treated = np.where(use_boxcox[:, None], _boxcox(part, sub(lam, float)), treated)
    treated = np.where(broken[:, None], part, treated)      # COINr returns the untreated KPI when its test breaks
    out = y.copy()
    out[rows] = treated
    high = np.zeros(y.shape, dtype=bool)
    low = np.zeros(y.shape, dtype=bool)
    high[rows] = high_p & ~broken[:, None]
    low[rows] = low_p & ~broken[:, None]
    nwin = np.zeros(len(y), dtype=int)
    nwin[rows] = np.where(broken, 0, nwin_p)
    used_log = np.zeros(len(y), dtype=bool)
    used_log[rows] = log_p
    used_boxcox = np.zeros(len(y), dtype=bool)
    used_boxcox[rows] = use_boxcox
    s2, k2 = s0.copy(), k0.copy()
    s2[rows], k2[rows] = _rows_skew_kurt(treated)
    passed = ~fail
    passed[rows], _ = _test(s2[rows], k2[rows], skew_limit[rows], kurt_limit[rows])

    def shaped(a: np.ndarray) -> np.ndarray:
        return a.reshape(rows_shape)

    def points(a: np.ndarray) -> np.ndarray:
        return np.moveaxis(a.reshape(rows_shape + (x.shape[-2],)), -1, -2)

    return TreatResult(values=points(out), skew=shaped(s0), kurt=shaped(k0), skew_after=shaped(s2),
                       kurt_after=shaped(k2), flagged=shaped(fail), winsorised=shaped(nwin),
                       log=shaped(used_log), boxcox=shaped(used_boxcox), passed=shaped(passed),
                       high=points(high), low=points(low))
