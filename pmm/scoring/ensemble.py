"""Many method variants scored in one vectorised pass: the engine behind uncertainty and sensitivity analysis.

Runs are grouped by their discrete choices. Each group is scored once by the ordinary engine
(:func:`~pmm.scoring.engine.run_plan`), which also gives every rep-invariant part of the result: the normalised
KPI scores, which node scores exist (coverage, ``min_coverage``, not-applicable nodes) and the domain checks.
When weights are perturbed, the runs of a group then ride the replication axis in chunks: the group scores are
recomputed level by level with each run's weights (quasi-means as matrix products, the KPI level as one matrix
product shared by the whole chunk), and ranks are taken only for the nodes asked for.

Example:
    >>> import pandas as pd, pmm
    >>> from pmm.scoring.vary import parse_vary, sample_design
    >>> from pmm.scoring.values import prepare_values
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
    ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> cat = pmm.Catalog.from_table(meta)
    >>> data = prepare_values(pd.DataFrame({"member": list("XXYY"), "kpi": list("abab"),
    ...                                     "value": [1.0, 0.0, 0.0, 1.0]}), cat)
    >>> m = pmm.ScoringMethod()
    >>> design = sample_design(parse_vary({"weights": {"noise": 0.5}}, m, cat), np.array([1, 1, 2]), 4,
    ...                        kind="ua", rng=np.random.default_rng(3))
    >>> out = run_ensemble(data, cat, m, design, ["I"])
    >>> out.scores.shape, sorted(set(out.ranks[:, 0, :, 0].sum(axis=1).tolist()))    # the two swap places
    ((4, 1, 2, 1), [3.0])
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from pmm.errors import ScoringError
from pmm.scoring.aggregate import QUASI_MEANS, copeland, minimum, quasi_finish, quasi_terms, weighted_median
from pmm.scoring.engine import _plan, run_plan
from pmm.scoring.method import ScoringMethod
from pmm.scoring.notices import ScoringWarning
from pmm.scoring.pipeline import StageResult, build_context, run_stages
from pmm.scoring.plan import PlanResult, ScoringPlan
from pmm.scoring.ranks import min_rank
from pmm.scoring.values import KpiData
from pmm.scoring.vary import EXCLUDE, Design, Discrete, variant_method, vary_error
from pmm.scoring.weights import within_parent

if TYPE_CHECKING:
    import pandas as pd

    from pmm.catalog import Catalog

__all__ = ["EnsembleResult", "run_ensemble", "CHUNK", "STAGE_SECTIONS"]

#: Replications per vectorised call (the core is fastest at about 50–100).
CHUNK = 64
#: Method sections of the pipeline stages before normalisation; variants equal in these share their stages.
STAGE_SECTIONS: tuple[str, ...] = ("denominate", "impute", "screen", "treat")


@dataclass(frozen=True)
class EnsembleResult:
    """Scores and ranks of every run for the nodes asked for.

    Attributes:
        nodes: the node ids, in the order of the last axis.
        scores: ``(run, period, member, node)``.
        ranks: same shape; 1 = best, ties "min", NaN where the score is missing.
        nominal_scores: ``(period, member, node)`` of the base method (exactly :func:`pmm.score`'s).
        nominal_ranks: same shape.
        relative_weights: ``(run, node)`` relative weights of every node of the plan (all nodes, plan order)
            when weights were perturbed, else ``None``.
        plan_nodes: the plan's node order (for ``relative_weights``).
        failures: ``(run, reason)`` of the runs whose variant could not be scored (e.g. a geometric mean
            meeting a negative z-score); their scores and ranks are NaN, as COINr's failed regenerations.
    """

    nodes: tuple[str, ...]
    scores: np.ndarray
    ranks: np.ndarray
    nominal_scores: np.ndarray
    nominal_ranks: np.ndarray
    relative_weights: np.ndarray | None
    plan_nodes: tuple[str, ...]
    failures: tuple[tuple[int, str], ...] = ()


def _excluded(catalog: Catalog, kpi_ids: Sequence[str], nodes: Sequence[str]) -> np.ndarray:
    """``(kpi,)`` mask of the KPIs under the excluded nodes."""
    gone = {k for node in nodes for k in catalog.walk(node)}
    return np.array([k in gone for k in kpi_ids])


def run_ensemble(data: KpiData, catalog: Catalog, base: ScoringMethod, design: Design, nodes: Sequence[str], *,
                 members: pd.DataFrame | None = None,
                 progress: Callable[[int, int], None] | None = None) -> EnsembleResult:
    """Score every run of ``design`` and rank the ``nodes`` asked for.

    Args:
        data: prepared KPI values.
        catalog: the framework.
        base: the base (nominal) method.
        design: the sampled runs (:func:`~pmm.scoring.vary.sample_design`).
        nodes: node ids whose scores and ranks are kept.
        members: the validated members table (denominators, imputation groups), as for :func:`pmm.score`.
        progress: called with (runs done, runs in all) after each chunk.

    Raises:
        ScoringError: weight noise on a variant with PCA weights.
    """
    discrete = [j for j, spec in enumerate(design.inputs) if isinstance(spec, Discrete)]
    keys, group_of = np.unique(design.choice[:, discrete], axis=0, return_inverse=True)
    groups = [_Group(np.flatnonzero(group_of.reshape(-1) == g),
                     variant_method(base, [design.inputs[j] for j in discrete], key.tolist()),
                     next((design.inputs[j].alternatives[c] for j, c in zip(discrete, key.tolist())
                           if design.inputs[j].path == EXCLUDE), ()))
              for g, key in enumerate(keys)]
    stages = _stage_results([base, *(group.method for group in groups)], data, catalog, members)
    with _one_blas_thread():
        return _run(data, catalog, base, design, nodes, groups, stages, progress)


@dataclass(frozen=True)
class _Group:
    """The runs sharing one choice of every discrete input: their method and the nodes they leave out."""

    runs: np.ndarray
    method: ScoringMethod
    exclude: tuple[str, ...]


def _stage_key(method: ScoringMethod) -> str:
    return method.model_dump_json(include=set(STAGE_SECTIONS))


def _stage_results(methods: Sequence[ScoringMethod], data: KpiData, catalog: Catalog,
                   members: pd.DataFrame | None) -> dict[str, StageResult]:
    """The pipeline stages of every distinct variant (by its stage sections).

    Variants that differ only in their ``treat`` parameters share one run of the stages: their treatments
    ride the replication axis (``winmax`` … of shape ``(rep, 1, kpi)``), one replication per variant.
    """
    batches: dict[str, dict[str, ScoringMethod]] = {}
    for method in methods:
        shared = method.model_dump_json(include=set(STAGE_SECTIONS) - {"treat"}) + str(method.treat is None)
        batches.setdefault(shared, {}).setdefault(_stage_key(method), method)
    out: dict[str, StageResult] = {}
    for batch in batches.values():
        contexts = [build_context(catalog, method, data, members) for method in batch.values()]
        context = contexts[0]
        if len(contexts) > 1:  # all run 'treat' (the batch key says so) and differ only there
            context = replace(context, treat_args={name: np.stack([c.treat_args[name] for c in contexts])[:, None, :]
                                                   for name in context.treat_args})
        result = run_stages(np.repeat(data.numeric[None], len(contexts), axis=0), context)
        for r, key in enumerate(batch):
            out[key] = _replication(result, r)
    return out


def _replication(result: Any, r: int) -> Any:
    """Replication ``r`` of a stage result: every array (also of the nested treatment result) cut to ``[r:r+1]``."""
    if isinstance(result, np.ndarray):
        return result[r:r + 1]
    if is_dataclass(result):
        return replace(result, **{f.name: _replication(getattr(result, f.name), r) for f in fields(result)
                                  if f.init})
    return result


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """One BLAS thread while the ensemble runs, when ``threadpoolctl`` is installed (the ``all`` extra).

    The products here are small (KPIs × chunk·groups); BLAS threads bring nothing to them and, on a busy
    machine, make them several times slower (measured in benchmarks/bench_uncertainty.py).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _run(data: KpiData, catalog: Catalog, base: ScoringMethod, design: Design, nodes: Sequence[str],
         groups: Sequence[_Group], stages: dict[str, StageResult],
         progress: Callable[[int, int], None] | None) -> EnsembleResult:
    """Score the nominal method and every group (see :func:`run_ensemble`)."""
    base_plan = _plan(catalog, base.model_dump_json())
    plan_nodes = base_plan.nodes
    index = {n: i for i, n in enumerate(plan_nodes)}
    keep = np.array([index[n] for n in nodes], dtype=np.intp)
    n_runs = design.choice.shape[0]
    n_per, n_mem = data.numeric.shape[:2]
    scores = np.full((n_runs, n_per, n_mem, len(keep)), np.nan)
    ranks = np.full(scores.shape, np.nan)
    nominal = run_plan(base_plan, data, stages[_stage_key(base)])[1]
    noise_col = next((j for j, spec in enumerate(design.inputs) if not isinstance(spec, Discrete)), None)
    relative = np.full((n_runs, len(plan_nodes)), np.nan) if noise_col is not None else None
    failures: list[tuple[int, str]] = []
    plans: dict[str, ScoringPlan] = {}
    done = 0
    for group in groups:
        runs, method = group.runs, group.method
        plan_key = method.model_dump_json(exclude=set(STAGE_SECTIONS))  # the stages do not change the plan
        if plan_key not in plans:
            plans[plan_key] = _plan(catalog, method.model_dump_json())
        plan = plans[plan_key]
        excluded = _excluded(catalog, plan.nodes[:plan.n_kpis], group.exclude) if group.exclude else None
        if noise_col is not None:
            if method.weights.method == "pca":
                raise vary_error("weights", "an alternative uses PCA weights, which come from the data and take no "
                                 "noise", code="vary_noise")
            relative[runs] = plan.relative * design.noise[design.choice[runs, noise_col]]
        try:
            result = run_plan(plan, data, stages[_stage_key(method)], excluded=excluded)[1]
        except ScoringError as exc:  # like a failed COINr regen: the runs get no result, and are listed
            failures.extend((int(r), str(exc.problems[0])) for r in runs)
            result = None
        if result is None or noise_col is None:
            if result is not None:
                scores[runs] = result.scores[0][..., keep]
                ranks[runs] = result.ranks[0][..., keep]
            done += len(runs)
            if progress is not None:
                progress(done, n_runs)
            continue
        rescore = _Rescorer(plan, result)
        for start in range(0, len(runs), CHUNK):
            part = runs[start:start + CHUNK]
            chosen = rescore(relative[part], keep)
            scores[part] = chosen
            ranks[part] = min_rank(chosen, axis=-2, descending=True)
            done += len(part)
            if progress is not None:
                progress(done, n_runs)
    if failures:
        warnings.warn(f"{len(failures)} of {n_runs} runs could not be scored and have no result (see .failures); "
                      f"first: {failures[0][1]}", ScoringWarning, stacklevel=4)
    return EnsembleResult(tuple(nodes), scores, ranks, nominal.scores[0][..., keep], nominal.ranks[0][..., keep],
                          relative, tuple(plan_nodes), tuple(failures))


class _Rescorer:
    """Scores of one group's plan with one relative weight set per replication.

    ``result`` is the plan's own run of the same data: its KPI scores are shared by every replication, and a
    group score that is missing there (no present child, ``min_coverage``, not applicable) is missing in every
    replication. Group scores are kept as ``(rep, group, cell)`` with cell = (period, member), so that a weighted
    sum over children is a matrix product per replication: ``(group × child) @ (child × cell)``; for KPI
    children, shared by every replication, one product serves the whole chunk and their terms are computed once.
    """

    def __init__(self, plan: ScoringPlan, result: PlanResult):
        self.plan = plan
        base = result.scores[0]
        self.shape = base.shape[:2]
        cells = base.shape[0] * base.shape[1]
        self.kpi_scores = np.ascontiguousarray(base[..., :plan.n_kpis].reshape(cells, plan.n_kpis).T)
        self.missing = np.isnan(base[..., plan.n_kpis:]).reshape(cells, -1).T
        self._terms: dict[tuple[str, float], tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, relative: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """Scores ``(rep, period, member, node)`` of the nodes ``keep`` for relative weights ``(rep, node)``."""
        plan, n_kpi = self.plan, self.plan.n_kpis
        n_rep = relative.shape[0]
        weights = within_parent(relative, plan.parent)
        groups_values = np.full((n_rep, len(plan.nodes) - n_kpi, self.kpi_scores.shape[1]), np.nan)
        for step in plan.steps:
            spec, groups = step.spec, step.groups
            if spec.method in QUASI_MEANS:
                out = self._quasi(groups, groups_values, weights, spec.method, spec.p)
            else:
                out = np.stack([self._other(spec.method, plan.children[g], groups_values, weights)
                                for g in groups], axis=1)
            groups_values[:, groups - n_kpi] = np.where(self.missing[groups - n_kpi], np.nan, out)
        chosen = np.stack([np.broadcast_to(self.kpi_scores[node], groups_values[:, 0].shape) if node < n_kpi
                           else groups_values[:, node - n_kpi] for node in keep], axis=-1)
        return chosen.reshape(n_rep, *self.shape, len(keep))

    def _children(self, kids: np.ndarray, groups_values: np.ndarray) -> np.ndarray:
        """Child values ``(rep, child, cell)`` in ``kids`` order (KPIs come first: lower indices)."""
        n_kpi = self.plan.n_kpis
        shared = self.kpi_scores[kids[kids < n_kpi]]
        shared = np.broadcast_to(shared, (groups_values.shape[0], *shared.shape))
        return np.concatenate([shared, groups_values[:, kids[kids >= n_kpi] - n_kpi]], axis=1)

    def _other(self, method: str, kids: np.ndarray, groups_values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Weighted median, minimum or Copeland of one group, ``(rep, cell)``."""
        n_rep = groups_values.shape[0]
        child_values = np.moveaxis(self._children(kids, groups_values), 1, -1).reshape(n_rep, *self.shape, len(kids))
        w = weights[:, None, kids]
        if method == "median":
            out = weighted_median(child_values, w)
        elif method == "minimum":
            out = minimum(child_values)
        else:
            out = copeland(child_values, w)
        return out.reshape(n_rep, -1)

    def _quasi(self, groups: np.ndarray, groups_values: np.ndarray, weights: np.ndarray, method: str,
               p: float) -> np.ndarray:
        """One step of quasi-means ``(rep, group, cell)``: Σ w·f(x) and Σ w·present as matrix products."""
        plan, n_kpi = self.plan, self.plan.n_kpis
        n_rep, _, n_cells = groups_values.shape
        kids = [plan.children[g] for g in groups]
        kpi_kids = [k[k < n_kpi] for k in kids]
        weighted = np.zeros((n_rep, len(groups), n_cells))
        total = np.zeros(weighted.shape)
        if any(len(k) for k in kpi_kids):
            key = (method, p)
            if key not in self._terms:
                self._terms[key] = quasi_terms(self.kpi_scores, method, p)
            transformed, present = self._terms[key]
            matrix = np.zeros((n_rep, len(groups), n_kpi))
            for j, k in enumerate(kpi_kids):
                matrix[:, j, k] = weights[:, k]
            matrix = matrix.reshape(n_rep * len(groups), n_kpi)
            weighted += (matrix @ transformed).reshape(weighted.shape)
            total += (matrix @ present).reshape(weighted.shape)
        group_kids = [k[k >= n_kpi] - n_kpi for k in kids]
        if any(len(k) for k in group_kids):
            lower = int(min(k.min() for k in group_kids if len(k)))
            upper = int(max(k.max() for k in group_kids if len(k))) + 1
            matrix = np.zeros((n_rep, len(groups), upper - lower))
            for j, k in enumerate(group_kids):
                matrix[:, j, k - lower] = weights[:, k + n_kpi]
            transformed, present = quasi_terms(groups_values[:, lower:upper], method, p)
            weighted += matrix @ transformed
            total += matrix @ present
        return quasi_finish(weighted, total, method, p)
