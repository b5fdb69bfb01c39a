"""Aggregation of children's scores into a group score, exactly as COINr's ``a_*`` functions.

Arrays have shape ``(..., member, child)`` with free leading axes (replications, periods);
weights have shape ``(..., child)`` broadcastable to the leading axes. Missing children (NaN) are
skipped and the weights of the present ones renormalised. Formulas are in ``docs/scoring.md``.

Example:
    >>> import numpy as np
    >>> x = np.array([[60.0, 80.0, np.nan], [10.0, 20.0, 30.0]])
    >>> quasi_mean(x, np.array([1.0, 3.0, 1.0]), "arithmetic").tolist()
    [75.0, 20.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["QUASI_MEANS", "quasi_mean", "quasi_terms", "quasi_finish", "weighted_median", "minimum", "copeland",
           "domain_violations"]

#: Means of the form f⁻¹(Σ w f(x) / Σ w); they run as one matrix product per tree level.
QUASI_MEANS: tuple[str, ...] = ("arithmetic", "geometric", "harmonic", "power")


def domain_violations(x: np.ndarray, method: str, p: float = 2.0) -> np.ndarray:
    """Boolean mask of present values outside a mean's domain (geometric, harmonic: ≤ 0; power: < 0, or 0 when p < 0).

    Example:
        >>> domain_violations(np.array([1.0, 0.0, np.nan]), "geometric").tolist()
        [False, True, False]
    """
    with np.errstate(invalid="ignore"):
        if method in ("geometric", "harmonic"):
            return x <= 0
        if method == "power":
            return (x < 0) | ((x == 0) & (p < 0))
    return np.zeros(x.shape, dtype=bool)


def _forward(x: np.ndarray, method: str, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "geometric":
            return np.log(x)
        if method == "harmonic":
            return 1.0 / x
        if method == "power":
            return x ** p
    return x


def _inverse(y: np.ndarray, method: str, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if method == "geometric":
            return np.exp(y)
        if method == "harmonic":
            return 1.0 / y
        if method == "power":
            return y ** (1.0 / p)
    return y


def quasi_mean(x: np.ndarray, weights: np.ndarray, method: str, p: float = 2.0) -> np.ndarray:
    """Weighted arithmetic/geometric/harmonic/power mean of the present children of one group.

    ``arithmetic`` Σwx/Σw · ``geometric`` exp(Σw·ln x/Σw) · ``harmonic`` Σw/Σ(w/x) ·
    ``power`` (Σw·xᵖ/Σw)^(1/p), each over present children only. Domain checks are the caller's
    job (:func:`domain_violations`). No present child gives NaN.

    Example:
        >>> quasi_mean(np.array([[2.0, 8.0]]), np.ones(2), "geometric").tolist()
        [4.0]
    """
    return quasi_mean_matrix(x, weights[..., :, None], method, p)[..., 0]


def quasi_mean_matrix(values: np.ndarray, weight_matrix: np.ndarray, method: str, p: float = 2.0) -> np.ndarray:
    """Quasi-means of many groups at once: ``values (..., member, node) @ weight_matrix (..., node, group)``.

    Column g of ``weight_matrix`` holds group g's relative weights on its children and 0 elsewhere.

    Example:
        >>> v = np.array([[1.0, 4.0, 16.0]])
        >>> quasi_mean_matrix(v, np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]), "geometric").round(9).tolist()
        [[2.0, 8.0]]
    """
    transformed, present = quasi_terms(values, method, p)
    return quasi_finish(transformed @ weight_matrix, present @ weight_matrix, method, p)


def quasi_terms(values: np.ndarray, method: str, p: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """The two operands of a quasi-mean: f(x) with 0 where missing, and the presence mask as floats.

    A weighted quasi-mean is ``quasi_finish(f(x) @ W, present @ W)``; splitting it lets callers share the terms
    of fixed values across many weight matrices.

    Example:
        >>> [a.tolist() for a in quasi_terms(np.array([1.0, np.nan]), "geometric")]
        [[0.0, 0.0], [1.0, 0.0]]
    """
    present = ~np.isnan(values)
    transformed = np.where(present, _forward(np.where(present, values, 1.0), method, p), 0.0)
    return transformed, present.astype(float)


def quasi_finish(weighted_sum: np.ndarray, weight_total: np.ndarray, method: str, p: float = 2.0) -> np.ndarray:
    """f⁻¹(Σ w f(x) / Σ w) over present children; NaN where no child is present.

    Example:
        >>> quasi_finish(np.array([np.log(2) + np.log(8)]), np.array([2.0]), "geometric").round(9).tolist()
        [4.0]
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = weighted_sum / weight_total
    return np.where(weight_total > 0, _inverse(mean, method, p), np.nan)


def weighted_median(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted median of the present children: the value where the cumulative weight share passes 1/2.

    Children are sorted by value; the median is the first value whose cumulative share of the
    present weight exceeds 0.5; when a share equals 0.5 exactly the two neighbouring values are
    averaged, so equal weights give the ordinary median.

    Example:
        >>> weighted_median(np.array([[4.0, 1.0, 3.0, 2.0], [1.0, 2.0, 9.0, np.nan]]), np.ones(4)).tolist()
        [2.5, 2.0]
    """
    w = np.broadcast_to(weights[..., None, :], x.shape)
    present = ~np.isnan(x)
    order = np.argsort(np.where(present, x, np.inf), axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    ws = np.take_along_axis(np.where(present, w, 0.0), order, axis=-1)
    total = ws.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.cumsum(ws, axis=-1) / total
    tol = 1e-12
    index = np.argmax(share > 0.5 + tol, axis=-1)[..., None]
    value = np.take_along_axis(xs, index, axis=-1)[..., 0]
    previous_index = np.maximum(index - 1, 0)
    at_half = (index > 0) & (np.abs(np.take_along_axis(share, previous_index, axis=-1) - 0.5) <= tol)
    previous = np.take_along_axis(xs, previous_index, axis=-1)[..., 0]
    value = np.where(at_half[..., 0], (value + previous) / 2.0, value)
    return np.where(total[..., 0] > 0, value, np.nan)


def minimum(x: np.ndarray) -> np.ndarray:
    """The lowest present child (non-compensatory; weights play no part).

    Example:
        >>> minimum(np.array([[3.0, np.nan, 1.0], [np.nan, np.nan, np.nan]])).tolist()
        [1.0, nan]
    """
    present = ~np.isnan(x)
    low = np.where(present, x, np.inf).min(axis=-1)
    return np.where(present.any(axis=-1), low, np.nan)


def copeland(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """COINr's ``a_copeland``: wins minus losses in the weighted outranking matrix of the members.

    Weights are rescaled to sum 1 over all children. For members i < j (in member order),
    ``O[i, j] = Σ w·[xᵢ > xⱼ] + ½ Σ w·[xᵢ = xⱼ]`` over children where both are present, and
    ``O[j, i] = 1 − O[i, j]`` (COINr's ``outrankMatrix``). A member's score is
    ``Σ_{j ≠ i} sign(O[i, j] − ½)``: +1 for each member it outranks, −1 for each that outranks
    it, 0 for a tie — an integer. Like COINr, with missing values the result depends on member
    order (pmm orders members by code, as COINr does).

    Example:
        >>> copeland(np.array([[3.0, 1.0], [2.0, 2.0], [1.0, 0.0]]), np.ones(2)).tolist()
        [1.0, 1.0, -2.0]
    """
    w = weights / np.nansum(weights, axis=-1, keepdims=True)
    a = x[..., :, None, :]
    b = x[..., None, :, :]
    wb = w[..., None, None, :]
    with np.errstate(invalid="ignore"):
        upper = ((a > b) * wb).sum(axis=-1) + ((a == b) * wb).sum(axis=-1) / 2
    n = x.shape[-2]
    above = np.triu(np.ones((n, n), dtype=bool), k=1)
    outrank = np.where(above, upper, 1.0 - np.swapaxes(np.where(above, upper, 0.0), -1, -2))
    votes = np.sign(outrank - 0.5)
    return np.where(np.eye(n, dtype=bool), 0.0, votes).sum(axis=-1)
