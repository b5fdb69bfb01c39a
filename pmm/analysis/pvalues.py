"""Two-sided p-values of correlation coefficients, as R's ``cor.test`` computes them (COINr ``get_pvals``).

- Pearson: the t statistic r·√((n−2)/(1−r²)) on n−2 degrees of freedom.
- Spearman, no ties (n ≤ 1290): the statistic S = (n³−n)(1−ρ)/6 and algorithm AS 89 — every
  permutation counted for n ≤ 9, an Edgeworth series above; with ties: the t statistic.
- Kendall, no ties and n < 50: the exact distribution of the number of concordant pairs (permutations
  by number of inversions); otherwise the normal approximation with the variance corrected for ties.

Example:
    >>> round(spearman_p(0.6, 9, ties=False), 4), round(kendall_exact_p(4 / 9, 9), 4)   # R's ?cor.test example
    (0.0968, 0.1194)
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import numpy as np
from scipy import special

__all__ = ["t_p", "spearman_p", "spearman_tail", "kendall_exact_p", "kendall_normal_p"]

#: AS 89 Edgeworth series coefficients.
_EDGEWORTH = (0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4)


def t_p(r: float, n: int) -> float:
    """Two-sided p-value of a correlation r over n pairs by the t statistic (df = n − 2).

    Example:
        >>> round(t_p(0.5, 12), 4)
        0.0979
    """
    if abs(r) >= 1.0:
        return 0.0
    df = n - 2
    t = r * math.sqrt(df / (1.0 - r * r))
    return float(2.0 * special.stdtr(df, -abs(t)))


def spearman_p(rho: float, n: int, *, ties: bool) -> float:
    """Two-sided p-value of Spearman's rho over n pairs (R ``cor.test(method = "spearman")``).

    Example:
        >>> round(spearman_p(0.6, 9, ties=True), 4)    # with ties: the t statistic
        0.0876
    """
    if ties or n > 1290:
        return t_p(rho, n)
    q = (n ** 3 - n) * (1.0 - rho) / 6.0
    if q > (n ** 3 - n) / 6.0:
        p = spearman_tail(n, round(q), lower=False)
    else:
        p = spearman_tail(n, round(q) + 2, lower=True)
    return min(2.0 * p, 1.0)


def spearman_tail(n: int, s: float, *, lower: bool) -> float:
    """AS 89: P[S ≥ s] (``lower=False``) or P[S < s] (``lower=True``) for S = Σ (rank differences)² over n pairs.

    Example:
        >>> spearman_tail(3, 8, lower=False)     # S over the 6 permutations of 3: 0, 2, 2, 6, 6, 8
        0.16666666666666666
    """
    start = 0.0 if lower else 1.0
    if s <= 0:
        return start
    if s > n * (n * n - 1) / 3.0:
        return 1.0 - start
    if n <= 9:
        ranks = np.arange(1, n + 1)
        perms = np.array(list(itertools.permutations(range(1, n + 1))), dtype=np.int64)
        at_least = int((((perms - ranks) ** 2).sum(axis=1) >= s).sum())
        total = math.factorial(n)
        return (total - at_least if lower else at_least) / total
    c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12 = _EDGEWORTH
    b = 1.0 / n
    x = (6.0 * (s - 1) * b / (n * n - 1.0) - 1.0) * math.sqrt(n - 1.0)
    y = x * x
    u = x * b * (c1 + b * (c2 + c3 * b) + y * (-c4 + b * (c5 + c6 * b)
                                             - y * b * (c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))))
    y = u / math.exp(y / 2.0)
    normal = special.ndtr(x) if lower else special.ndtr(-x)
    return float(min(max((-y if lower else y) + normal, 0.0), 1.0))


@lru_cache(maxsize=64)
def _inversion_counts(n: int) -> tuple[int, ...]:
    """Number of permutations of n items with k inversions, k = 0 … n(n−1)/2 (Mahonian numbers)."""
    counts = [1]
    for m in range(2, n + 1):
        grown = [0] * (len(counts) + m - 1)
        window = 0
        for k in range(len(grown)):
            window += counts[k] if k < len(counts) else 0
            window -= counts[k - m] if 0 <= k - m < len(counts) else 0
            grown[k] = window
        counts = grown
    return tuple(counts)


def kendall_exact_p(tau: float, n: int) -> float:
    """Two-sided exact p-value of Kendall's tau over n pairs without ties (R: n < 50).

    Example:
        >>> round(kendall_exact_p(1.0, 5), 6)     # 2 × 1/5!
        0.016667
    """
    counts = _inversion_counts(n)
    total = math.factorial(n)
    q = round((tau + 1.0) * n * (n - 1) / 4.0)

    def cdf(t: int) -> float:
        return sum(counts[: max(min(t, len(counts) - 1), -1) + 1]) / total

    p = 1.0 - cdf(q - 1) if q > n * (n - 1) / 4.0 else cdf(q)
    return min(2.0 * p, 1.0)


def kendall_normal_p(s: float, n: int, ties_a: np.ndarray, ties_b: np.ndarray) -> float:
    """Two-sided p-value of Kendall's S (concordant − discordant pairs) by the tie-corrected normal approximation.

    Args:
        s: the score S.
        n: number of pairs.
        ties_a, ties_b: sizes of the groups of tied values in each variable.

    Example:
        >>> import numpy as np
        >>> round(kendall_normal_p(10.0, 6, np.array([]), np.array([])), 4)
        0.0603
    """
    v0 = n * (n - 1) * (2 * n + 5)
    vt = float((ties_a * (ties_a - 1) * (2 * ties_a + 5)).sum())
    vu = float((ties_b * (ties_b - 1) * (2 * ties_b + 5)).sum())
    v1 = float((ties_a * (ties_a - 1)).sum() * (ties_b * (ties_b - 1)).sum())
    v2 = float((ties_a * (ties_a - 1) * (ties_a - 2)).sum() * (ties_b * (ties_b - 1) * (ties_b - 2)).sum())
    var_s = (v0 - vt - vu) / 18.0 + v1 / (2.0 * n * (n - 1)) + v2 / (9.0 * n * (n - 1) * (n - 2))
    return float(special.erfc(abs(s / math.sqrt(var_s)) / math.sqrt(2.0)))
