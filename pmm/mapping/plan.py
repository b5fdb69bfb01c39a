"""KPI definitions → per-source plans of masked columns and simple aggregations.

Every measure (``agg`` of ``expr`` over rows passing ``filter``) becomes one derived column in
``with_columns`` — the expression where the row is usable and passes the filter, missing
elsewhere — and then only simple aggregations (``sum``, ``mean``, ``median``, ``quantile``,
``min``, ``max``, ``n_unique``, ``count``) in ``group_by().agg()``: the two-step lowering that
is fast on pandas and supported by every backend. Booleans are cast to floats before ``mean``.
Identical measures of several KPIs share one column.

Example:
    >>> import pmm
    >>> plans = plan_kpis(pmm.load_catalog("indicators/rbm-example"))
    >>> [(p.kpi.id, sorted(p.measures)) for p in plans][:2]
    [('participants', ['value']), ('women_share', ['everyone', 'women'])]
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import narwhals as nw
import numpy as np
import pandas as pd

from pmm.catalog.catalog import Catalog
from pmm.catalog.models import Kpi, Measure
from pmm.errors import MappingError, Problem, did_you_mean
from pmm.expr import Expression, parse_expression
from pmm.mapping.compile import compile_expression, datetime_fields, field_pair, known_expression
from pmm.mapping.exactsum import exact_total, limb_columns, limb_names

__all__ = ["MeasurePlan", "KpiPlan", "plan_kpis", "LEN", "duration_pairs", "duration_fields"]

#: Name of the per-group row count in aggregated tables.
LEN = "__pmm_len"


@dataclass(frozen=True)
class MeasurePlan:
    """One simple aggregation of one source, lowered to a masked column plus aggregations.

    Attributes:
        source: the canonical source.
        agg: ``count``, ``sum``, ``mean``, ``median``, ``quantile``, ``min``, ``max``,
            ``count_distinct`` or ``share``.
        expr: the aggregated expression (``None`` for ``count``).
        filter: the row condition, if any.
        q: the quantile for ``quantile``.
        column: the name of its masked column (``__pmm_m0`` …).
    """

    source: str
    agg: str
    expr: Expression | None
    filter: Expression | None
    q: float | None
    column: str

    @property
    def signature(self) -> tuple:
        """What makes two measures the same computation."""
        return (self.source, self.agg, self.expr.text if self.expr else None,
                self.filter.text if self.filter else None, self.q)

    def fields(self) -> set[str]:
        """Canonical fields the measure reads."""
        return set(self.expr.names if self.expr else ()) | set(self.filter.names if self.filter else ())

    def masked_column(self, backend: str, usable: nw.Expr, epoch: Mapping[str, nw.Expr] | None = None,
                      seconds: Mapping[tuple[str, str], nw.Expr] | None = None) -> nw.Expr:
        """Step 1: the column aggregated in step 2 (missing where a row does not count).

        ``epoch`` and ``seconds``: precomputed columns (see :func:`compile_expression`).
        """
        mask = usable
        if self.filter is not None:
            mask = mask & compile_expression(self.filter, backend, epoch, seconds).fill_null(False)
        if self.agg == "count":
            return nw.when(mask).then(nw.lit(1)).otherwise(nw.lit(0)).alias(self.column)
        value = compile_expression(self.expr, backend, epoch, seconds)  # type: ignore[arg-type]
        if self.agg == "share":
            mask = mask & known_expression(self.expr, backend)  # type: ignore[arg-type]
        if self.agg == "count_distinct":
            return nw.when(mask).then(value).alias(self.column)
        return nw.when(mask).then(value.cast(nw.Float64)).alias(self.column)

    @property
    def exact(self) -> bool:
        """Whether the value is an order-independent exact sum (``sum`` and ``mean``, see :mod:`pmm.mapping.exactsum`)."""
        return self.agg in ("sum", "mean")

    def limb_columns(self) -> list[list[nw.Expr]]:
        """Step 1b: stages adding the limbs of the masked column, for exact sums (none for other aggregations)."""
        return limb_columns(nw.col(self.column), self.column) if self.exact else []

    def aggregations(self) -> list[nw.Expr]:
        """Step 2: simple aggregations of the masked column (value, its non-missing count, limb sums)."""
        col = nw.col(self.column)
        if self.agg == "count":
            return [col.sum().alias(self.column)]
        limbs = [nw.col(c).sum() for c in limb_names(self.column)] if self.exact else []
        main = {"sum": col.sum(), "mean": col.mean(), "share": col.mean(), "median": col.median(),
                "min": col.min(), "max": col.max(), "count_distinct": col.n_unique(),
                "quantile": col.quantile(self.q or 0.5, interpolation="linear")}[self.agg]
        return [main.alias(self.column), col.count().alias(self.column + "_n"), *limbs]

    def finish(self, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``(value, n)`` per row of the aggregated table; value is NaN where no row counts.

        ``sum`` of no rows is 0 (engines disagree: some give null); ``count_distinct`` does not
        count the missing marker (``n_unique`` counts it on every narwhals backend).
        """
        value = pd.to_numeric(table[self.column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        if self.agg == "count":
            return value, value
        n = pd.to_numeric(table[self.column + "_n"]).to_numpy(dtype=float, na_value=np.nan)
        if self.exact:  # the exact, order-independent sum where the engine's float sum is finite
            limbs = table[limb_names(self.column)].astype(object).to_numpy()
            divisor = n if self.agg == "mean" else np.ones(len(n))
            value = np.array([exact_total(row, int(d)) if np.isfinite(v) and d > 0 else v
                              for row, v, d in zip(limbs, value, divisor)], dtype=float)
        if self.agg == "sum":
            return np.where(n > 0, value, 0.0), n
        if self.agg == "count_distinct":
            has_missing = n < table[LEN].to_numpy(dtype=float)
            return value - has_missing, n
        return np.where(n > 0, value, np.nan), n


@dataclass
class KpiPlan:
    """The measures of one computed KPI by role.

    Roles: ``value`` (simple), ``numerator``/``denominator`` (ratio), the measure names
    (derived), ``measure`` (variation).
    """

    kpi: Kpi
    measures: dict[str, MeasurePlan] = field(default_factory=dict)

    @property
    def sources(self) -> set[str]:
        """Sources the KPI reads."""
        return {m.source for m in self.measures.values()}

    def fields(self) -> dict[str, set[str]]:
        """Fields read, by source."""
        out: dict[str, set[str]] = {}
        for m in self.measures.values():
            out.setdefault(m.source, set()).update(m.fields())
        return out


def plan_kpis(catalog: Catalog, kpis: Sequence[str] | None = None) -> list[KpiPlan]:
    """Plans of the computed KPIs of a catalog (all, or those named in ``kpis``).

    Raises:
        MappingError: a name in ``kpis`` is not a KPI of the catalog.
    """
    if kpis is not None:
        unknown = [k for k in kpis if k not in catalog.kpi_ids]
        if unknown:
            raise MappingError([Problem(f"unknown KPI {k!r}", hint=did_you_mean(k, catalog.kpi_ids), code="unknown_kpi")
                                for k in unknown])
    wanted = [catalog.kpi(k) for k in (kpis if kpis is not None else catalog.kpi_ids)]
    shared: dict[tuple, MeasurePlan] = {}
    plans = []
    for kpi in wanted:
        if not kpi.computed:
            continue
        plan = KpiPlan(kpi)
        for role, measure in _roles(kpi):
            fields = {n: f.type for n, f in catalog.sources[measure.source].fields.items()}
            expect = {"share": "boolean", "count_distinct": None}.get(measure.agg, "number")
            expr = parse_expression(measure.expr, fields, expect=expect, node=kpi.id) if measure.expr else None
            filt = parse_expression(measure.filter, fields, expect="boolean", node=kpi.id) if measure.filter else None
            if measure.agg == "count":
                expr = None
            candidate = MeasurePlan(measure.source, measure.agg, expr, filt, measure.q, f"__pmm_m{len(shared)}")
            plan.measures[role] = shared.setdefault(candidate.signature, candidate)
        plans.append(plan)
    return plans


def duration_fields(measures: Sequence[MeasurePlan]) -> set[str]:
    """Fields read inside ``hours()``/``days()`` by any of the measures.

    Example:
        >>> e = parse_expression("days(release_ts - arrival_ts) > 1", ["release_ts", "arrival_ts"])
        >>> sorted(duration_fields([MeasurePlan("d", "share", e, None, None, "m")]))
        ['arrival_ts', 'release_ts']
    """
    found: set[str] = set()
    for m in measures:
        for expr in (m.expr, m.filter):
            for node in ast.walk(expr.tree) if expr is not None else ():
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hours", "days"):
                    found |= datetime_fields(node.args[0])
    return found


def duration_pairs(measures: Sequence[MeasurePlan]) -> set[tuple[str, str]]:
    """``(later, earlier)`` field pairs of the durations ``hours(a - b)``/``days(a - b)`` measures use.

    Example:
        >>> e = parse_expression("hours(release_ts - arrival_ts)", ["release_ts", "arrival_ts"])
        >>> duration_pairs([MeasurePlan("d", "median", e, None, None, "m")])
        {('release_ts', 'arrival_ts')}
    """
    pairs = set()
    for m in measures:
        for expr in (m.expr, m.filter):
            for node in ast.walk(expr.tree) if expr is not None else ():
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hours", "days"):
                    pair = field_pair(node.args[0])
                    if pair is not None:
                        pairs.add(pair)
    return pairs


def _roles(kpi: Kpi) -> list[tuple[str, Measure]]:
    d = kpi.definition
    if d.type == "simple":
        return [("value", d)]
    if d.type == "ratio":
        return [("numerator", d.numerator), ("denominator", d.denominator)]
    if d.type == "derived":
        return list(d.measures.items())
    return [("measure", d.measure)]
