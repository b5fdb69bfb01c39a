"""``pmm.sensitivity``: which methodological choice drives the ranks? (COINr ``get_sensitivity``, SA)

A Saltelli design of N·(d + 2) runs (rows A, B and AB₁ … AB_d, COINr ``SA_sample``); the output of each run is
COINr's target, the mean absolute rank change of ``node`` against the nominal ranks (or, with
``target="rank"``, one member's rank). The estimators are COINr's ``SA_estimate``, with V the variance of
y over the A and B rows:

* first order (Saltelli 2010): Sᵢ = mean(y_B · (y_ABᵢ − y_A)) / V
* total (Jansen): STᵢ = Σ (y_A − y_ABᵢ)² / (2N · V)

and bootstrap 5–95 % intervals resampling the N terms of each estimator with replacement (V held fixed).

Example:
    >>> rng = np.random.default_rng(0)
    >>> n, d = 4000, 2
    >>> u = saltelli_design(n, d, rng)
    >>> y = 3 * u[:, 0] + u[:, 1]                       # linear: S = (9, 1) / 10
    >>> saltelli_indices(y, n, d)[0].round(1).tolist()
    [0.9, 0.1]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.method import ScoringMethod
from pmm.scoring.uncertainty import Uncertainty, run_analysis
from pmm.scoring.vary import saltelli_design

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["sensitivity", "Sensitivity", "saltelli_indices", "saltelli_design", "bootstrap_indices"]


def saltelli_indices(y: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray, float]:
    """First-order (Saltelli 2010) and total (Jansen) indices from the outputs of a Saltelli design.

    Args:
        y: outputs of the N·(d + 2) runs: A, B, AB₁ … AB_d.
        n: N.
        d: number of inputs.

    Returns:
        ``(first_order, total, variance)``.

    Example:
        >>> u = saltelli_design(2000, 2, np.random.default_rng(0))
        >>> first, total, variance = saltelli_indices(u[:, 1] ** 2, 2000, 2)    # only the second input matters
        >>> first.round(2).tolist(), total.round(2).tolist(), round(variance, 3)   # exact: (0, 1), (0, 1), 4/45
        ([0.0, 0.99], [0.0, 0.97], 0.088)
    """
    y = np.asarray(y, dtype=float)
    if y.shape != (n * (d + 2),):
        raise ScoringError(Problem(f"expected N·(d + 2) = {n * (d + 2)} outputs, found {y.shape}",
                                   where="sensitivity", code="design"))
    y_a, y_b = y[:n], y[n:2 * n]
    y_ab = y[2 * n:].reshape(d, n)
    variance = float(np.var(y[:2 * n], ddof=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        first = (y_b * (y_ab - y_a)).mean(axis=1) / variance
        total = ((y_a - y_ab) ** 2).sum(axis=1) / (2 * n * variance)
    return first, total, variance


def bootstrap_indices(y: np.ndarray, n: int, d: int, n_boot: int,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap samples of the indices, as COINr: each estimator's N terms resampled with replacement.

    Returns:
        ``(first_order, total)``, each ``(n_boot, d)``; the variance is the full sample's.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> u = saltelli_design(500, 2, rng)
        >>> s1, st = bootstrap_indices(u[:, 0] + 0.1 * u[:, 1], 500, 2, 200, rng)
        >>> s1.shape, bool(np.quantile(s1[:, 0], 0.05) < 0.99 < np.quantile(st[:, 0], 0.95) + 0.02)
        ((200, 2), True)
    """
    y = np.asarray(y, dtype=float)
    y_a, y_b = y[:n], y[n:2 * n]
    y_ab = y[2 * n:].reshape(d, n)
    variance = float(np.var(y[:2 * n], ddof=1))
    first_terms = y_b * (y_ab - y_a)                      # (d, n)
    total_terms = (y_a - y_ab) ** 2
    pick_first = rng.integers(0, n, size=(n_boot, d, n))
    pick_total = rng.integers(0, n, size=(n_boot, d, n))
    rows = np.arange(d)[None, :, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        first = first_terms[rows, pick_first].mean(axis=-1) / variance
        total = total_terms[rows, pick_total].sum(axis=-1) / (2 * n * variance)
    return first, total


@dataclass(frozen=True)
class Sensitivity:
    """The result of a sensitivity analysis (immutable).

    Attributes:
        indices: one row per input: ``input, first_order, total, first_order_q5, first_order_q95, total_q5,
            total_q95`` (the interval columns are NaN without a bootstrap).
        target: the output of every run: ``run, y``.
        variance: the variance of y over the A and B runs.
        node: the node whose ranks are analysed.
        analysis: every run (:class:`~pmm.scoring.uncertainty.Uncertainty`; runs 0 … 2N−1 are A and B).
        uncertainty: the A and B runs only, a plain uniform sample (COINr's ``RankStats`` use these).
    """

    indices: pd.DataFrame
    target: pd.DataFrame
    variance: float
    node: str
    analysis: Uncertainty
    uncertainty: Uncertainty

    def __repr__(self) -> str:
        top = self.indices.sort_values("total", ascending=False)["input"].tolist()
        return (f"Sensitivity(target {self.node!r}, {self.analysis.n_runs} runs, inputs by total index: "
                f"{', '.join(top)})")

    @property
    def runs(self) -> pd.DataFrame:
        """The parameters of every run (see :attr:`Uncertainty.runs`)."""
        return self.analysis.runs

    @property
    def rank_stats(self) -> pd.DataFrame:
        """Rank statistics over the A and B runs (COINr ``RankStats``)."""
        return self.uncertainty.rank_stats


def _target(ua: Uncertainty, target: str, member: Any) -> np.ndarray:
    ranks = ua.ensemble.ranks[..., 0]                     # (run, period, member)
    nominal = ua.ensemble.nominal_ranks[..., 0]
    if target == "mean_abs_rank_change":
        with np.errstate(invalid="ignore"):
            change = np.abs(ranks - nominal)
        present = ~np.isnan(change)
        return np.where(present, change, 0.0).sum(axis=(1, 2)) / present.sum(axis=(1, 2))
    if member not in ua.members:
        raise ScoringError(Problem(f"target 'rank' needs a member that is scored, found {member!r}", where="member",
                                   hint=did_you_mean(str(member), map(str, ua.members)), code="member"))
    return ranks[:, :, ua.members.index(member)].mean(axis=1)


def sensitivity(values: pd.DataFrame, catalog: Catalog,
                method: ScoringMethod | dict[str, Any] | str | Path | None = None, *,
                vary: Mapping[str, Any] | str | Path,
                n: int = 1000, seed: int | None = None, bootstrap: int | None = 100, node: str | None = None,
                target: str = "mean_abs_rank_change", member: Any = None, members: pd.DataFrame | None = None,
                progress: Callable[[int, int], None] | None = None) -> Sensitivity:
    """Variance-based sensitivity analysis of the ranks of ``node`` to each varied input (COINr ``SA_type="SA"``).

    Args:
        values: KPI values, as for :func:`pmm.score`.
        catalog: the framework.
        method: the base method (the nominal result).
        vary: method paths and their alternatives (at least two inputs; see ``docs/uncertainty.md``), or the
            path of a YAML file holding them.
        n: the base sample size N; the analysis scores N·(d + 2) runs for d inputs.
        seed: random seed; the same seed gives identical results.
        bootstrap: number of bootstrap samples for the 5–95 % intervals (``None`` or 0: none).
        node: the node whose ranks are the output (default: the index).
        target: ``"mean_abs_rank_change"`` (COINr's: the mean over members, and periods, of
            |rank − nominal rank|) or ``"rank"`` (the rank of ``member``, averaged over periods).
        member: the member for ``target="rank"``.
        members: member attributes, as for :func:`pmm.score`.
        progress: called with (runs done, runs in all) while scoring.

    Raises:
        ScoringError: as :func:`pmm.uncertainty`; fewer than two inputs; an unknown target or member.

    Example:
        >>> import pandas as pd, pmm
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
        ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
        >>> values = pd.DataFrame({"member": list("XXYYZZ"), "kpi": list("ababab"),
        ...                        "value": [1.0, 9.0, 5.0, 5.0, 9.0, 2.0]})
        >>> sa = pmm.sensitivity(values, pmm.Catalog.from_table(meta), n=100, seed=1, bootstrap=50,
        ...                      vary={"aggregate.method": ["arithmetic", "minimum"], "weights": {"noise": 0.1}})
        >>> sa.indices.columns.tolist()
        ['input', 'first_order', 'total', 'first_order_q5', 'first_order_q95', 'total_q5', 'total_q95']
    """
    if target not in ("mean_abs_rank_change", "rank"):
        raise ScoringError(Problem(f"unknown target {target!r}", where="target",
                                   hint="'mean_abs_rank_change' (COINr's) or 'rank' with member=…", code="target"))
    node = catalog.root if node is None else node
    analysis, rng = run_analysis(values, catalog, method, vary, n, seed, members, [node], "sa", progress)
    d = len(analysis.design.inputs)
    y = _target(analysis, target, member)
    first, total, variance = saltelli_indices(y, int(n), d)
    indices = pd.DataFrame({"input": [spec.path for spec in analysis.design.inputs], "first_order": first,
                            "total": total})
    if bootstrap:
        b_first, b_total = bootstrap_indices(y, int(n), d, int(bootstrap), rng)
        indices["first_order_q5"], indices["first_order_q95"] = np.quantile(b_first, [0.05, 0.95], axis=0)
        indices["total_q5"], indices["total_q95"] = np.quantile(b_total, [0.05, 0.95], axis=0)
    else:
        for column in ("first_order_q5", "first_order_q95", "total_q5", "total_q95"):
            indices[column] = np.nan
    return Sensitivity(indices, pd.DataFrame({"run": np.arange(len(y)), "y": y}), variance, node, analysis,
                       analysis.subset(np.arange(2 * int(n))))

