"""Ranks with ties sharing the lowest rank ("min", sport ranking) over one axis of an array.

Vectorised over every other axis (replications, periods, nodes); missing values stay missing.

Example:
    >>> import numpy as np
    >>> min_rank(np.array([3.0, 1.0, 3.0, np.nan, 2.0]), descending=True)
    array([ 1.,  4.,  1., nan,  3.])
"""

from __future__ import annotations

import numpy as np

__all__ = ["min_rank", "percentile_rank"]


def min_rank(x: np.ndarray, axis: int = -1, *, descending: bool = False) -> np.ndarray:
    """Ranks along ``axis`` with ties "min" and NaN kept (R's ``rank(ties="min", na.last="keep")``).

    Args:
        x: values; NaN marks a missing value.
        axis: the axis ranked over (members).
        descending: ``True`` ranks the largest value 1 (scores → ranks, 1 = best); ``False`` ranks
            the smallest value 1 (COINr's ``n_rank``: a larger value gets a larger rank).

    Returns:
        Float array of ranks (1 … number of present values), NaN where ``x`` is NaN.

    Example:
        >>> min_rank(np.array([[5.0, 5.0, 1.0]]), axis=1)
        array([[2., 2., 1.]])
    """
    x = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    missing = np.isnan(x)
    keyed = np.where(missing, np.inf, -x if descending else x)
    order = np.argsort(keyed, axis=-1)  # tied values share their block's first position, so sort stability is moot
    ordered = np.take_along_axis(keyed, order, axis=-1)
    n = x.shape[-1]
    position = np.broadcast_to(np.arange(n), ordered.shape)
    starts_block = np.ones(ordered.shape, dtype=bool)
    starts_block[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    block_start = np.maximum.accumulate(np.where(starts_block, position, 0), axis=-1)
    ranks = np.empty(x.shape)
    np.put_along_axis(ranks, order, block_start + 1.0, axis=-1)
    ranks[missing] = np.nan
    return np.moveaxis(ranks, -1, axis)


def percentile_rank(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """COINr's ``n_prank``: (rank − 1)/(n − 1) with ascending "min" ranks, n = present values.

    With a single present value (n = 1) the result is 0.5, the centre of the scale.

    Example:
        >>> percentile_rank(np.array([10.0, 30.0, 20.0, np.nan]))
        array([0. , 1. , 0.5, nan])
    """
    ranks = min_rank(x, axis, descending=False)
    n = np.sum(~np.isnan(x), axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (ranks - 1.0) / (n - 1.0)
    return np.where(n == 1, np.where(np.isnan(ranks), np.nan, 0.5), out)
