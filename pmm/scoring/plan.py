"""The numeric core of scoring: a catalog and a method compiled into a plan run on dense arrays.

A :class:`ScoringPlan` turns KPI values of shape ``(replication, period, member, kpi)`` into the
scores of every node of the tree, shape ``(replication, period, member, node)``, in one
vectorised pass: normalise → weights → aggregate level by level (one matrix product per level
and method) → ranks. The leading replication axis is free, so an uncertainty analysis can score
thousands of perturbed data sets at once.

Example:
    >>> import numpy as np, pmm
    >>> from pmm.scoring.method import ScoringMethod
    >>> meta = __import__("pandas").DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None],
    ...     "Level": [1, 1, 2], "Direction": [1, -1, None], "Weight": [1, 1, 1],
    ...     "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> plan = build_plan(pmm.Catalog.from_table(meta), ScoringMethod())
    >>> x = np.array([[[[0.0, 5.0], [10.0, 0.0]]]])                      # 1 rep, 1 period, 2 members
    >>> plan.run(x).scores[0, 0].tolist()                                 # columns: a, b, I
    [[0.0, 0.0, 0.0], [100.0, 100.0, 100.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pmm.errors import Problem, ScoringError
from pmm.scoring.aggregate import QUASI_MEANS, copeland, domain_violations, minimum, quasi_mean_matrix, weighted_median
from pmm.scoring.method import (AggregateSpec, LevelAggregate, MaturitySpec, NormaliseSpec, ScoringMethod,
                                merge_section)
from pmm.scoring.normalise import KpiScale, normalise
from pmm.scoring.ranks import min_rank
from pmm.scoring.weights import effective_weights, pca_weights, relative_weights, within_parent

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["ScoringPlan", "PlanResult", "build_plan"]


@dataclass(frozen=True)
class PlanResult:
    """Arrays produced by :meth:`ScoringPlan.run`; nodes follow :attr:`ScoringPlan.nodes`.

    Attributes:
        scores: ``(rep, period, member, node)`` — KPI columns hold normalised scores.
        ranks: same shape; 1 = best, ties "min", NaN where the score is missing.
        coverage: same shape; share of applicable children present (KPIs: 1 present, 0 absent).
        not_applicable: same shape without the replication axis; node is not applicable.
        weights: ``(rep, period, node)`` weight within the parent (root 1).
        effective_weights: ``(rep, period, node)`` weight in the overall index.
    """

    scores: np.ndarray
    ranks: np.ndarray
    coverage: np.ndarray
    not_applicable: np.ndarray
    weights: np.ndarray
    effective_weights: np.ndarray


@dataclass(frozen=True)
class _Step:
    """Groups of one tree level sharing one aggregation spec."""

    spec: LevelAggregate
    groups: np.ndarray


@dataclass(frozen=True)
class ScoringPlan:
    """A compiled scoring method for one catalog (see the module docstring).

    Attributes:
        catalog: the framework.
        method: the complete method.
        nodes: node ids: KPIs in catalog order, then groups by level, the root last.
        parent: index of each node's parent (−1 for the root).
        level: COINr level of each node.
        children: child indices of each node (empty for KPIs).
        scales: per-KPI normalisation.
        distance_kpis: KPI columns with ``direction: target`` and their (low, high) band.
        steps: aggregation steps, bottom-up.
        aggregate_specs: the resolved aggregation spec of every group (by node index).
        maturity_specs: the resolved maturity spec of every group (by node index).
        relative: relative weights (catalog / set / equal) of every node.
    """

    catalog: Any
    method: ScoringMethod
    nodes: tuple[str, ...]
    parent: np.ndarray
    level: np.ndarray
    children: tuple[np.ndarray, ...]
    scales: tuple[KpiScale, ...]
    distance_kpis: tuple[tuple[int, float, float], ...]
    steps: tuple[_Step, ...]
    aggregate_specs: dict[int, LevelAggregate]
    maturity_specs: dict[int, MaturitySpec]
    relative: np.ndarray

    @property
    def n_kpis(self) -> int:
        """Number of KPI columns (the first nodes)."""
        return len(self.scales)

    def level_input(self, x: np.ndarray) -> np.ndarray:
        """KPI values with ``direction: target`` KPIs replaced by their distance to the target or band.

        Example:
            >>> import pmm
            >>> plan = build_plan(pmm.load_catalog("indicators/rbm-example"), ScoringMethod())
            >>> k = plan.nodes.index("women_share")                        # band [40, 60]
            >>> x = np.full((3, plan.n_kpis), np.nan); x[:, k] = [30.0, 50.0, 75.0]
            >>> plan.level_input(x)[:, k].tolist()
            [10.0, 0.0, 15.0]
        """
        if not self.distance_kpis:
            return x
        out = x.copy()
        for k, low, high in self.distance_kpis:
            col = x[..., k]
            with np.errstate(invalid="ignore"):
                out[..., k] = np.maximum(np.maximum(low - col, col - high), 0.0)
        return np.where(np.isnan(x), np.nan, out)

    def run(self, x: np.ndarray, *, not_applicable: np.ndarray | None = None,
            insufficient: np.ndarray | None = None, relative_weights: np.ndarray | None = None,
            members: Sequence[Any] | None = None, periods: Sequence[Any] | None = None) -> PlanResult:
        """Score KPI values ``x`` of shape ``(rep, period, member, kpi)`` (NaN = missing).

        Args:
            x: KPI values (categorical KPIs as levels).
            not_applicable: ``(period, member, kpi)`` mask of values the member opted out of;
                they are excluded and not counted against coverage.
            insufficient: ``(period, member, kpi)`` mask of values scored at the lowest level
                (PEFA D*): the lowest normalised score of the KPI among members (per period,
                or over all periods when pooled).
            relative_weights: relative weights of the nodes (in :attr:`nodes` order), shape
                ``(node,)`` or ``(rep, node)`` — one weight set per replication, e.g. for an
                uncertainty analysis; default :attr:`relative`. Ignored with ``pca`` weights.
            members, periods: labels used in error messages.

        Raises:
            ScoringError: a geometric/harmonic/power mean meets a value outside its domain,
                PCA weights cannot be computed, or a normalisation lacks its parameters.

        Example:
            >>> import pmm
            >>> plan = build_plan(pmm.load_catalog("indicators/rbm-example"), ScoringMethod())
            >>> x = np.random.default_rng(0).uniform(0, 100, size=(1000, 1, 8, plan.n_kpis))  # 1000 replications
            >>> plan.run(x).scores.shape == (1000, 1, 8, len(plan.nodes))
            True
        """
        n_rep, n_per, n_mem, n_kpi = x.shape
        members = list(members) if members is not None else list(range(n_mem))
        periods = list(periods) if periods is not None else list(range(n_per))
        kpi_ids = self.nodes[:n_kpi]
        y = normalise(self.level_input(x), self.scales, kpi_ids)
        if insufficient is not None and insufficient.any():
            y = self._fill_lowest(y, insufficient)
        n_nodes = len(self.nodes)
        values = np.full((n_rep, n_per, n_mem, n_nodes), np.nan)
        values[..., :n_kpi] = y
        na = np.zeros((n_per, n_mem, n_nodes), dtype=bool)
        if not_applicable is not None:
            na[..., :n_kpi] = not_applicable
        coverage = np.full(values.shape, np.nan)
        coverage[..., :n_kpi] = np.where(na[..., :n_kpi], np.nan, (~np.isnan(y)).astype(float))
        pca = self.method.weights.method == "pca"
        relative = self.relative if relative_weights is None or pca else np.asarray(relative_weights, dtype=float)
        per_rep = relative[:, None, :] if relative.ndim == 2 else relative
        weights = np.broadcast_to(within_parent(per_rep, self.parent), (n_rep, n_per, n_nodes)).copy()
        varying = pca or relative.ndim == 2
        for step in self.steps:
            self._aggregate(step, values, na, coverage, weights, pca, varying, relative, members, periods)
        ranks = min_rank(values, axis=-2, descending=True)
        return PlanResult(values, ranks, coverage, na, weights, effective_weights(weights, self.parent, self._top_down))

    @property
    def _top_down(self) -> np.ndarray:
        return np.argsort(-self.level, kind="stable")

    def _fill_lowest(self, y: np.ndarray, insufficient: np.ndarray) -> np.ndarray:
        out = y.copy()
        for k, scale in enumerate(self.scales):
            mask = insufficient[..., k]
            if not mask.any():
                continue
            col = y[..., k]
            axes = (-2, -1) if scale.spec.pooled else (-1,)
            present = ~np.isnan(col)
            lowest = np.where(present, col, np.inf).min(axis=axes, keepdims=True)
            lowest = np.where(np.isinf(lowest), np.nan, lowest)
            out[..., k] = np.where(mask, lowest, col)
        return out

    def _aggregate(self, step: _Step, values: np.ndarray, na: np.ndarray, coverage: np.ndarray,
                   weights: np.ndarray, pca: bool, varying: bool, relative: np.ndarray, members: list[Any],
                   periods: list[Any]) -> None:
        spec = step.spec
        for g in step.groups:
            kids = self.children[g]
            if pca:
                weights[..., kids] = pca_weights(values[..., kids], scale=self.method.weights.scale, group=self.nodes[g])
            applicable = (~na[..., kids]).sum(axis=-1)
            present = (~np.isnan(values[..., kids])).sum(axis=-1)
            na[..., g] = applicable == 0
            with np.errstate(invalid="ignore", divide="ignore"):
                coverage[..., g] = np.where(applicable > 0, present / applicable, np.nan)
            if spec.method in QUASI_MEANS:
                self._check_domain(spec, g, values[..., kids], members, periods)
        if spec.method in QUASI_MEANS:
            self._quasi_means(step, values, weights if varying else relative)
        else:
            for g in step.groups:
                kids = self.children[g]
                child_values = values[..., kids]
                if spec.method == "median":
                    values[..., g] = weighted_median(child_values, weights[..., kids])
                elif spec.method == "minimum":
                    values[..., g] = minimum(child_values)
                else:
                    score = copeland(child_values, weights[..., kids])
                    values[..., g] = np.where(np.isnan(child_values).all(axis=-1), np.nan, score)
        if spec.min_coverage is not None:
            for g in step.groups:
                values[..., g] = np.where(coverage[..., g] < spec.min_coverage, np.nan, values[..., g])

    def _quasi_means(self, step: _Step, values: np.ndarray, weights: np.ndarray) -> None:
        """All groups of a step in one matrix product; ``weights`` is ``(node,)`` or ``(rep, period, node)``."""
        lower = int(min(self.children[g].min() for g in step.groups))
        upper = int(max(self.children[g].max() for g in step.groups)) + 1
        matrix = np.zeros(weights.shape[:-1] + (upper - lower, len(step.groups)))
        for j, g in enumerate(step.groups):
            matrix[..., self.children[g] - lower, j] = weights[..., self.children[g]]
        spec = step.spec
        values[..., step.groups] = quasi_mean_matrix(values[..., lower:upper], matrix, spec.method, spec.p)

    def _check_domain(self, spec: LevelAggregate, g: int, child_values: np.ndarray, members: list[Any],
                      periods: list[Any]) -> None:
        bad = domain_violations(child_values, spec.method, spec.p)
        if not bad.any():
            return
        r, t, m, c = (int(i[0]) for i in np.nonzero(bad))
        child = self.nodes[self.children[g][c]]
        value = float(child_values[r, t, m, c])
        need = {"geometric": "> 0", "harmonic": "> 0", "power": "≥ 0 (> 0 when p < 0)"}[spec.method]
        raise ScoringError(Problem(
            f"the {spec.method} mean needs child scores {need}, but member {members[m]!r} in period {periods[t]!r} has "
            f"{child!r} = {value:g} ({int(bad.sum())} such value(s) in all)", where="aggregate", node=self.nodes[g],
            hint="normalise onto a positive range, e.g. normalise: {method: minmax, range: [1, 100]}", code="domain"))


def _tree(catalog: Catalog) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    groups = [n for n in catalog.walk() if catalog.kind(n) != "kpi"]
    groups.sort(key=catalog.level)
    nodes = (*catalog.kpi_ids, *groups)
    index = {n: i for i, n in enumerate(nodes)}
    parent = np.array([-1 if catalog.parent(n) is None else index[catalog.parent(n)] for n in nodes])
    level = np.array([catalog.level(n) for n in nodes])
    children = tuple(np.array(sorted(index[c] for c in catalog.children(n)), dtype=np.intp)
                     if catalog.kind(n) != "kpi" else np.array([], dtype=np.intp) for n in nodes)
    return nodes, parent, level, children


def _kpi_scale(kpi: Any, base: NormaliseSpec, n_levels: int) -> KpiScale:
    """How one KPI is normalised.

    Categorical KPIs arrive as level numbers, so their goalposts default to (1, number of
    levels). ``target`` KPIs arrive as distances to their target or band; their goalposts, given
    in the KPI's unit, become distance goalposts (0, the largest distance the value goalposts allow).
    """
    spec = merge_section(base, kpi.normalise, NormaliseSpec, node=kpi.id, where="kpi normalise") if kpi.normalise else base
    if kpi.categorical:
        posts = (kpi.goalposts.lower, kpi.goalposts.upper) if kpi.goalposts else (1.0, float(n_levels))
        return KpiScale(spec, 1.0, goalposts=posts)
    if kpi.direction == "target":
        low, high = kpi.band if kpi.band is not None else (kpi.target, kpi.target)
        posts = (0.0, max(low - kpi.goalposts.lower, kpi.goalposts.upper - high)) if kpi.goalposts else None
        return KpiScale(spec, -1.0, target=0.0, goalposts=posts)
    direction = 1.0 if kpi.direction == "higher" else -1.0
    return KpiScale(spec, direction, kpi.target, (kpi.goalposts.lower, kpi.goalposts.upper) if kpi.goalposts else None)


def build_plan(catalog: Catalog, method: ScoringMethod) -> ScoringPlan:
    """Compile ``method`` for ``catalog``: resolve every per-node override once.

    Raises:
        ScoringError: an invalid per-node override (naming the node), ``by_level`` naming a
            level the tree lacks, an unknown weight set, or ``averaging`` on a group with more
            than four children.

    Example:
        >>> import pmm
        >>> plan = build_plan(pmm.load_catalog("indicators/rbm-example"), ScoringMethod())
        >>> plan.nodes[-1], len(plan.steps) >= 1
        ('rbm', True)
    """
    nodes, parent, level, children = _tree(catalog)
    scales = tuple(_kpi_scale(k, method.normalise, len(catalog.framework.levels)) for k in catalog.kpis)
    distance = tuple((i, *(k.band if k.band is not None else (k.target, k.target)))
                     for i, k in enumerate(catalog.kpis) if k.direction == "target" and not k.categorical)
    base: AggregateSpec = method.aggregate
    problems = [Problem(f"aggregate.by_level names level {lv}, but the tree's group levels are "
                        f"{sorted(set(level[level > 1].tolist()))}", where="method.aggregate.by_level", code="level")
                for lv in base.by_level if lv not in set(level.tolist()) or lv < 2]
    if problems:
        raise ScoringError(problems)
    aggregate_specs: dict[int, LevelAggregate] = {}
    maturity_specs: dict[int, MaturitySpec] = {}
    per_level = {lv: merge_section(base, base.by_level.get(lv), LevelAggregate, node="",
                                   where=f"method.aggregate.by_level.{lv}") for lv in set(level.tolist()) if lv > 1}
    for g in range(len(scales), len(nodes)):
        node = catalog.node(nodes[g])
        at_level = per_level[int(level[g])]
        aggregate_specs[g] = (merge_section(at_level, node.aggregate, LevelAggregate, node=nodes[g],
                                            where="node aggregate") if node.aggregate else at_level)
        override = getattr(node, "maturity_method", None)
        maturity_specs[g] = (merge_section(method.maturity, override, MaturitySpec, node=nodes[g],
                                           where="node maturity_method") if override else method.maturity)
        if maturity_specs[g].method == "averaging" and len(children[g]) > 4:
            raise ScoringError(Problem(f"maturity 'averaging' (PEFA M2) has conversion tables for 2 to 4 children; "
                                       f"this group has {len(children[g])}", where="maturity", node=nodes[g],
                                       hint="use weakest_link or mean for this group", code="averaging"))
    steps = []
    for lv in sorted(set(level[len(scales):].tolist())):
        at = [g for g in range(len(scales), len(nodes)) if level[g] == lv]
        for spec in dict.fromkeys(aggregate_specs[g] for g in at):
            steps.append(_Step(spec, np.array([g for g in at if aggregate_specs[g] == spec], dtype=np.intp)))
    relative = relative_weights(catalog, nodes, method.weights)
    return ScoringPlan(catalog, method, nodes, parent, level, children, scales, distance, tuple(steps),
                       aggregate_specs, maturity_specs, relative)
