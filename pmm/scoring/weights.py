"""Weights of the children of every group: from the catalog (or a named set), equal, or PCA.

Weights are relative; within each parent they are rescaled to sum to 1. The effective weight of
a node is the product of its normalised weights up to the index (COINr's ``get_eff_weights``).
PCA weights are the absolute first-principal-component loadings of the children's correlation
matrix over complete cases (COINr ``get_PCA``: ``prcomp(center=TRUE, scale=TRUE)``), normalised
to sum 1; with ``scale`` each loading is first divided by the child's standard deviation — the
World Bank LPI rule.

Example:
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [2.0, 4.5], [3.0, 5.0], [4.0, 8.0]])   # 4 members, 2 children
    >>> pca_weights(x, scale=False).round(6).tolist()
    [0.5, 0.5]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.method import WeightsSpec

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["relative_weights", "pca_weights", "correlation_eigen", "within_parent", "effective_weights"]


def relative_weights(catalog: Catalog, nodes: tuple[str, ...], spec: WeightsSpec) -> np.ndarray:
    """Relative weight of every node (root included, weight 1) for ``catalog``/``equal`` weights.

    Raises:
        ScoringError: unknown weight set (the catalog has already checked each set's nodes and weights).

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> nodes = tuple(cat.walk())
        >>> relative_weights(cat, nodes, WeightsSpec(method="equal")).tolist() == [1.0] * len(nodes)
        True
    """
    if spec.method == "equal":
        return np.ones(len(nodes))
    weights = {n: (1.0 if n == catalog.root else float(catalog.node(n).weight)) for n in nodes}
    if spec.set is not None:
        sets = catalog.framework.weight_sets
        if spec.set not in sets:
            raise ScoringError(Problem(f"unknown weight set {spec.set!r}", where="method.weights.set",
                                       hint=did_you_mean(spec.set, sets) or "the catalog declares no weight_sets",
                                       code="weight_set"))
        weights.update({node: float(w) for node, w in sets[spec.set].items()})  # validated by the catalog
    return np.array([weights[n] for n in nodes])


def within_parent(relative: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Rescale relative weights (last axis = nodes) to sum 1 among siblings; the root (parent −1) gets 1.

    Example:
        >>> within_parent(np.array([1.0, 1.0, 3.0]), np.array([-1, 0, 0])).tolist()
        [1.0, 0.25, 0.75]
    """
    out = np.ones_like(relative, dtype=float)
    has_parent = parent >= 0
    n_nodes = relative.shape[-1]
    membership = np.zeros((n_nodes, n_nodes))
    membership[np.flatnonzero(has_parent), parent[has_parent]] = 1.0
    sibling_total = (relative @ membership) @ membership.T
    out[..., has_parent] = relative[..., has_parent] / sibling_total[..., has_parent]
    return out


def effective_weights(weights: np.ndarray, parent: np.ndarray, top_down: np.ndarray) -> np.ndarray:
    """Products of within-parent weights along each node's path to the root.

    Args:
        weights: within-parent weights, nodes on the last axis.
        parent: index of each node's parent (−1 for the root).
        top_down: node indices with every parent before its children.

    Example:
        >>> effective_weights(np.array([1.0, 0.5, 0.5, 0.4]), np.array([-1, 0, 0, 1]), np.array([0, 1, 2, 3])).tolist()
        [1.0, 0.5, 0.5, 0.2]
    """
    out = weights.astype(float).copy()
    for node in top_down:
        if parent[node] >= 0:
            out[..., node] = weights[..., node] * out[..., parent[node]]
    return out


def pca_weights(values: np.ndarray, *, scale: bool, group: str = "") -> np.ndarray:
    """PCA weights of the children of one group, per leading index (replication, period).

    Args:
        values: children's values, shape ``(..., member, child)``; members with any child
            missing are left out (complete cases).
        scale: divide each |loading| by the child's sample standard deviation before normalising.
        group: the group's id, for error messages.

    Returns:
        Weights, shape ``(..., child)``, non-negative, summing to 1.

    Raises:
        ScoringError: fewer than 3 complete cases, or a child with zero variance.

    Example:
        >>> x = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0], [np.nan, 5.0]])
        >>> pca_weights(x, scale=True).round(4).tolist()    # |loadings| equal; divided by sd 1 and 10
        [0.9091, 0.0909]
    """
    n_children = values.shape[-1]
    if n_children == 1:
        return np.ones(values.shape[:-2] + (1,))
    _, vectors, sd = correlation_eigen(values, group=group)
    loading = np.abs(vectors[..., :, -1])
    if scale:
        loading = loading / sd
    return loading / loading.sum(axis=-1, keepdims=True)


def correlation_eigen(values: np.ndarray, *, group: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eigen-decomposition of the children's correlation matrix over complete cases (``prcomp(scale=TRUE)``).

    Args:
        values: shape ``(..., member, child)``; members with any child missing are left out.
        group: the group's id, for error messages.

    Returns:
        ``(eigenvalues, eigenvectors, sd)``: eigenvalues ascending ``(..., child)``, eigenvectors in
        the columns ``(..., child, component)``, and each child's sample sd ``(..., child)``.

    Raises:
        ScoringError: fewer than 3 complete cases, or a child with zero variance.

    Example:
        >>> x = np.array([[1.0, 2.0], [2.0, 4.5], [3.0, 5.0], [4.0, 8.0]])
        >>> values, vectors, sd = correlation_eigen(x)
        >>> values.round(4).tolist()        # 1 ± r, r = 0.97
        [0.03, 1.97]
    """
    complete = ~np.isnan(values).any(axis=-1)
    n_cases = complete.sum(axis=-1)
    if (n_cases < 3).any():
        raise ScoringError(Problem(f"PCA needs at least 3 members with every child present, found "
                                   f"{int(n_cases.min())}", where="method.weights", node=group,
                                   hint="impute missing values first, or use catalog or equal weights", code="pca_cases"))
    x = np.where(complete[..., None], values, 0.0)
    counts = n_cases[..., None].astype(float)
    mean = x.sum(axis=-2) / counts
    centred = np.where(complete[..., None], values - mean[..., None, :], 0.0)
    cov = np.einsum("...mi,...mj->...ij", centred, centred) / (counts[..., None] - 1.0)
    sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    if (sd <= 1e-15 * (1.0 + np.abs(mean))).any():
        raise ScoringError(Problem("PCA needs children that vary across members; one child is constant",
                                   where="method.weights", node=group, hint="use catalog or equal weights for this "
                                   "framework, or drop the constant KPI", code="pca_constant"))
    corr = cov / (sd[..., :, None] * sd[..., None, :])
    eigenvalues, vectors = np.linalg.eigh(corr)
    return eigenvalues, vectors, sd
