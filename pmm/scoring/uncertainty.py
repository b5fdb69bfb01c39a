"""``pmm.uncertainty``: how much do the ranks depend on the methodological choices? (COINr ``get_sensitivity``, UA)

N runs sample the inputs named in ``vary`` uniformly (see :mod:`pmm.scoring.vary`); each run scores the whole
framework with its method variant; :class:`Uncertainty` holds every run's scores and ranks of the nodes asked for
and their statistics against the nominal (base-method) result.

Example:
    >>> import pandas as pd, pmm
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
    ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> values = pd.DataFrame({"member": list("XXYYZZ"), "kpi": list("ababab"),
    ...                        "value": [1.0, 9.0, 5.0, 5.0, 9.0, 2.0]})
    >>> ua = pmm.uncertainty(values, pmm.Catalog.from_table(meta), vary={"aggregate.method": ["arithmetic", "minimum"]},
    ...                      n=20, seed=1)
    >>> ua.rank_stats[["member", "nominal", "q5", "q95"]].to_dict("list")   # Y is last by mean, first by minimum
    {'member': ['X', 'Y', 'Z'], 'nominal': [1, 3, 1], 'q5': [1.0, 1.0, 1.0], 'q95': [2.0, 3.0, 2.0]}
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.engine import _integers, _members, _take
from pmm.scoring.ensemble import EnsembleResult, run_ensemble
from pmm.scoring.method import ScoringMethod, default_method, resolve_method
from pmm.scoring.plan import build_plan
from pmm.scoring.values import KpiData, prepare_values
from pmm.scoring.vary import Design, Discrete, load_vary, parse_vary, sample_design

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["uncertainty", "Uncertainty", "run_analysis"]


@dataclass(frozen=True)
class Uncertainty:
    """The runs of an uncertainty analysis and their results (immutable).

    Attributes:
        method: the base method.
        vary: the ``vary`` mapping as given.
        design: the sampled runs.
        members: member codes (the member axis of the arrays).
        periods: periods (``[None]`` without a period column).
        ensemble: every run's scores and ranks (arrays ``(run, period, member, node)``).
    """

    method: ScoringMethod
    vary: Mapping[str, Any]
    design: Design
    members: tuple[Any, ...]
    periods: tuple[Any, ...]
    ensemble: EnsembleResult = field(repr=False)

    def __repr__(self) -> str:
        inputs = ", ".join(spec.path for spec in self.design.inputs)
        return (f"Uncertainty({self.n_runs} runs varying {inputs}; nodes {list(self.nodes)}; "
                f"{len(self.members)} members × {len(self.periods)} period(s); {len(self.ensemble.failures)} failed)")

    @property
    def nodes(self) -> tuple[str, ...]:
        """The nodes whose scores and ranks were kept."""
        return self.ensemble.nodes

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        return int(self.design.choice.shape[0])

    def subset(self, runs: np.ndarray) -> Uncertainty:
        """The analysis restricted to some runs (renumbered from 0).

        Example:
            >>> import pandas as pd, pmm
            >>> meta = pd.DataFrame({"iCode": ["a", "I"], "Parent": ["I", None], "Level": [1, 2],
            ...     "Direction": [1, None], "Weight": [1, 1], "Type": ["Indicator", "Aggregate"]})
            >>> values = pd.DataFrame({"member": ["X", "Y"], "kpi": "a", "value": [1.0, 2.0]})
            >>> ua = pmm.uncertainty(values, pmm.Catalog.from_table(meta), n=10, seed=1,
            ...                      vary={"normalise.method": ["minmax", "rank"]})
            >>> ua.subset(np.arange(3)).n_runs
            3
        """
        e = self.ensemble
        position = {int(r): i for i, r in enumerate(runs)}
        ensemble = replace(e, scores=e.scores[runs], ranks=e.ranks[runs],
                           relative_weights=None if e.relative_weights is None else e.relative_weights[runs],
                           failures=tuple((position[r], why) for r, why in e.failures if r in position))
        return replace(self, design=replace(self.design, choice=self.design.choice[runs]), ensemble=ensemble)

    @cached_property
    def runs(self) -> pd.DataFrame:
        """The parameters of every run: ``run`` and one column per ``vary`` path.

        A discrete path holds the chosen alternative; ``weights`` holds the number of the weight draw (its
        weights are in :attr:`weights`).
        """
        out = {"run": np.arange(self.n_runs)}
        for j, spec in enumerate(self.design.inputs):
            chosen = self.design.choice[:, j]
            if isinstance(spec, Discrete):
                column = np.empty(self.n_runs, dtype=object)
                column[:] = [spec.alternatives[c] for c in chosen]
                out[spec.path] = pd.Series(column, dtype=object)  # alternatives as given (None stays None)
            else:
                out[spec.path] = chosen
        return pd.DataFrame(out)

    @property
    def failures(self) -> pd.DataFrame:
        """Runs that could not be scored (they have no scores or ranks): ``run, reason``."""
        return pd.DataFrame(list(self.ensemble.failures), columns=["run", "reason"])

    @cached_property
    def weights(self) -> pd.DataFrame | None:
        """Relative weights of every run when weights are perturbed: ``run, node, weight``; else ``None``.

        These are the catalog weights (or the chosen weight set) times the run's noise factors, the weights
        a catalog would need to reproduce the run with :func:`pmm.score`.
        """
        w = self.ensemble.relative_weights
        if w is None:
            return None
        nodes = self.ensemble.plan_nodes
        return pd.DataFrame({"run": np.repeat(np.arange(self.n_runs), len(nodes)),
                             "node": np.tile(np.array(nodes, dtype=object), self.n_runs), "weight": w.reshape(-1)})

    def _long(self, array: np.ndarray, name: str) -> pd.DataFrame:
        n_run, n_per, n_mem, n_node = array.shape
        r, t, m, j = np.unravel_index(np.arange(array.size), array.shape)
        frame = {"run": r, "member": _take(self.members, m), "node": _take(self.nodes, j), name: array.reshape(-1)}
        if self.periods != (None,):
            frame["period"] = _take(self.periods, t)
        return pd.DataFrame(frame)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Every run's scores, long: ``run, member, node, score`` (and ``period`` for panels)."""
        return self._long(self.ensemble.scores, "score")

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Every run's ranks, long: ``run, member, node, rank`` (1 = best; and ``period`` for panels)."""
        return self._long(self.ensemble.ranks, "rank")

    def _stats(self, runs: np.ndarray, nominal: np.ndarray, integer: bool) -> pd.DataFrame:
        """Rows ordered node, period, member; statistics over the run axis ignoring missing values."""
        n_per, n_mem, n_node = nominal.shape
        j, t, m = np.unravel_index(np.arange(nominal.size), (n_node, n_per, n_mem))

        def flat(a: np.ndarray) -> np.ndarray:
            return a.transpose(2, 0, 1).reshape(-1)

        frame: dict[str, Any] = {"member": _take(self.members, m), "node": _take(self.nodes, j)}
        if self.periods != (None,):
            frame["period"] = _take(self.periods, t)
        frame["nominal"] = _integers(flat(nominal)) if integer else flat(nominal)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a member without any score in every run
            frame["mean"] = flat(np.nanmean(runs, axis=0))
            frame["median"] = flat(np.nanmedian(runs, axis=0))
            frame["q5"], frame["q95"] = (flat(q) for q in np.nanquantile(runs, [0.05, 0.95], axis=0))
        return pd.DataFrame(frame)

    @cached_property
    def rank_stats(self) -> pd.DataFrame:
        """Per member and node: ``nominal`` rank, and ``mean, median, q5, q95`` of the runs' ranks.

        Quantiles are R's default (type 7, linear), as COINr's ``RankStats``.
        """
        return self._stats(self.ensemble.ranks, self.ensemble.nominal_ranks, integer=True)

    @cached_property
    def score_stats(self) -> pd.DataFrame:
        """Per member and node: ``nominal`` score, and ``mean, median, q5, q95`` of the runs' scores."""
        return self._stats(self.ensemble.scores, self.ensemble.nominal_scores, integer=False)


def _nodes(catalog: Catalog, nodes: str | Sequence[str] | None) -> tuple[str, ...]:
    if nodes is None:
        return (catalog.root,)
    chosen = [nodes] if isinstance(nodes, str) else list(nodes)
    known = set(catalog.walk())
    for node in chosen:
        if node not in known:
            raise ScoringError(Problem(f"unknown node {node!r}", where="nodes", hint=did_you_mean(str(node), known),
                                       code="unknown_node"))
    return tuple(dict.fromkeys(chosen))


def run_analysis(values: pd.DataFrame, catalog: Catalog, method: ScoringMethod | dict[str, Any] | str | Path | None,
                 vary: Mapping[str, Any] | str | Path, n: int, seed: int | None, members: pd.DataFrame | None,
                 nodes: str | Sequence[str] | None, kind: str,
                 progress: Callable[[int, int], None] | None) -> tuple[Uncertainty, np.random.Generator]:
    """Validate the inputs, sample the design (``kind`` ``"ua"`` or ``"sa"``) and score every run.

    Returns the analysis and the random generator (the sensitivity bootstrap continues its stream).

    Example:
        >>> import pandas as pd, pmm
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
        ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
        >>> values = pd.DataFrame({"member": list("XXYY"), "kpi": list("abab"), "value": [1.0, 0.0, 0.0, 2.0]})
        >>> ua, _ = run_analysis(values, pmm.Catalog.from_table(meta), None, {"weights": {"noise": 0.1}}, 8, 1,
        ...                      None, None, "ua", None)
        >>> ua.n_runs
        8
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ScoringError(Problem(f"n must be an integer ≥ 2, found {n!r}", where="n",
                                   hint="the number of sampled points, e.g. 1000", code="n"))
    base = resolve_method(method, default_method(catalog))
    vary = load_vary(vary)
    inputs = parse_vary(vary, base, catalog)
    if kind == "sa" and len(inputs) < 2:
        raise ScoringError(Problem(f"a sensitivity analysis needs at least 2 varied inputs, found {len(inputs)}",
                                   where="vary", hint="use pmm.uncertainty for one input", code="vary"))
    data: KpiData = prepare_values(values, catalog)
    member_table = _members(members, data.members)
    chosen = _nodes(catalog, nodes)
    rng = np.random.default_rng(seed)
    levels = build_plan(catalog, base).level
    design = sample_design(inputs, levels, int(n), kind=kind, rng=rng)
    ensemble = run_ensemble(data, catalog, base, design, chosen, members=member_table, progress=progress)
    return Uncertainty(base, dict(vary), design, data.members, data.periods, ensemble), rng


def uncertainty(values: pd.DataFrame, catalog: Catalog,
                method: ScoringMethod | dict[str, Any] | str | Path | None = None, *,
                vary: Mapping[str, Any] | str | Path,
                n: int = 1000, seed: int | None = None, members: pd.DataFrame | None = None,
                nodes: str | Sequence[str] | None = None,
                progress: Callable[[int, int], None] | None = None) -> Uncertainty:
    """Uncertainty analysis: score ``n`` method variants sampled uniformly from ``vary`` (COINr ``SA_type="UA"``).

    Args:
        values: KPI values, as for :func:`pmm.score`.
        catalog: the framework.
        method: the base method (the nominal result), as for :func:`pmm.score`.
        vary: method paths and their alternatives (see :mod:`pmm.scoring.vary` and ``docs/uncertainty.md``),
            or the path of a YAML file holding them.
        n: number of runs.
        seed: random seed; the same seed gives identical results.
        members: member attributes, as for :func:`pmm.score`.
        nodes: node id(s) whose scores and ranks are kept (default: the index).
        progress: called with (runs done, runs in all) while scoring.

    Returns:
        The :class:`Uncertainty` (``rank_stats``, ``score_stats``, ``runs``, ``scores``, ``ranks``).

    Raises:
        ScoringError: a ``vary`` path that is not in the method or a step the base method does not run (naming
            the path), an invalid alternative, bad values, or any error :func:`pmm.score` raises for a variant.

    Example:
        >>> import pandas as pd, pmm
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
        ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
        >>> values = pd.DataFrame({"member": list("XXYY"), "kpi": list("abab"), "value": [3.0, 1.0, 1.0, 2.0]})
        >>> ua = pmm.uncertainty(values, pmm.Catalog.from_table(meta), vary={"weights": {"noise": 0.5}}, n=50, seed=1)
        >>> ua.rank_stats.columns.tolist()
        ['member', 'node', 'nominal', 'mean', 'median', 'q5', 'q95']
    """
    return run_analysis(values, catalog, method, vary, n, seed, members, nodes, "ua", progress)[0]

