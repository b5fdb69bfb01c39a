"""Internal consistency of a group: Cronbach's alpha (COINr ``get_cronbach``) and principal components (``get_PCA``).

Cronbach's alpha is COINr's formula on the pairwise-complete sample covariance matrix C of the
group's k columns: ``alpha = k² · mean(off-diagonal C) / sum(C)``. PCA is ``prcomp(center =
TRUE, scale = TRUE)`` on the members with every column present: the eigenvalues of the
correlation matrix give the variance explained; the first eigenvector gives the PC1 loadings,
oriented so that they sum to a non-negative number (a principal component's sign is arbitrary).

Example:
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0, 2.0], [2.0, 3.0, 4.0], [3.0, 5.0, 5.0], [4.0, 4.0, 7.0]])
    >>> round(cronbach_alpha(x), 4)
    0.9153
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmm.scoring.weights import correlation_eigen

__all__ = ["cronbach_alpha", "pairwise_covariance", "principal_components"]


def pairwise_covariance(x: np.ndarray) -> np.ndarray:
    """Sample covariance (n−1) of every pair of columns over the rows where both are present (R ``cov``, pairwise).

    Example:
        >>> import numpy as np
        >>> pairwise_covariance(np.array([[1.0, 1.0], [2.0, np.nan], [3.0, 3.0], [5.0, 2.0]])).round(4).tolist()
        [[2.9167, 1.0], [1.0, 1.0]]
    """
    x = np.asarray(x, dtype=float)
    k = x.shape[1]
    present = ~np.isnan(x)
    out = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            common = present[:, i] & present[:, j]
            if common.sum() >= 2:
                a, b = x[common, i], x[common, j]
                out[i, j] = out[j, i] = ((a - a.mean()) @ (b - b.mean())) / (common.sum() - 1)
    return out


def cronbach_alpha(x: np.ndarray) -> float:
    """COINr's Cronbach's alpha of the columns of ``x`` (rows = members, NaN = missing).

    NaN covariances (pairs with fewer than two common members) are left out of both sums, as
    COINr's ``na.rm = TRUE``.

    Example:
        >>> import numpy as np
        >>> round(cronbach_alpha(np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])), 4)    # k=2, cov 0.5, var 1, 1
        0.6667
    """
    cov = pairwise_covariance(x)
    k = cov.shape[0]
    total = np.nansum(cov)
    mean_off = (total - np.nansum(np.diag(cov))) / (k * (k - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(k * k * mean_off / total)


def principal_components(table: pd.DataFrame, *, group: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Variance explained by each component and the PC1 loadings of the columns of ``table``.

    Args:
        table: members × columns; members with a missing value are left out (complete cases).
        group: the group's id, for error messages.

    Returns:
        ``(variance, loadings)``: ``component`` (1 = largest), ``eigenvalue``, ``variance_share``,
        ``cumulative_share``, ``n_complete``; and ``node``, ``loading`` (PC1, unit length).

    Raises:
        ScoringError: fewer than 3 complete members, or a constant column.

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 4.5, 5.0, 8.0]})
        >>> variance, loadings = principal_components(t)
        >>> variance["variance_share"].round(3).tolist(), loadings["loading"].round(4).tolist()
        ([0.985, 0.015], [0.7071, 0.7071])
    """
    x = table.to_numpy(dtype=float)
    eigenvalues, vectors, _ = correlation_eigen(x, group=group)
    order = np.argsort(-eigenvalues, kind="stable")
    eigenvalues = np.clip(eigenvalues[order], 0.0, None)
    pc1 = vectors[:, order[0]]
    pc1 = -pc1 if pc1.sum() < 0 else pc1
    share = eigenvalues / eigenvalues.sum()
    variance = pd.DataFrame({"component": np.arange(1, len(eigenvalues) + 1), "eigenvalue": eigenvalues,
                             "variance_share": share, "cumulative_share": np.cumsum(share),
                             "n_complete": int((~np.isnan(x).any(axis=1)).sum())})
    loadings = pd.DataFrame({"node": list(table.columns), "loading": pc1})
    return variance, loadings
