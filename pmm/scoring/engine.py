"""``pmm.score``: KPI values + catalog + method → an immutable :class:`~pmm.scorecard.Scorecard`.

Example:
    >>> import pandas as pd, pmm
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
    ...                      "Direction": [1, -1, None], "Weight": [1, 1, 1],
    ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> values = pd.DataFrame({"member": ["X", "X", "Y", "Y", "Z", "Z"], "kpi": ["a", "b"] * 3,
    ...                        "value": [1.0, 5.0, 3.0, 1.0, 2.0, 3.0]})
    >>> card = pmm.score(values, pmm.Catalog.from_table(meta))
    >>> card.wide()["I"].tolist()
    [0.0, 100.0, 50.0]
"""

from __future__ import annotations

import warnings
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError
from pmm.reproducible import build_time
from pmm.scoring.levels import averaging, kpi_levels, mean_level, score_bands, weakest_link
from pmm.scoring.method import ScoringMethod, default_method, resolve_method
from pmm.scoring.notices import ScoringWarning
from pmm.scoring.pipeline import StageResult, build_context, run_stages
from pmm.scoring.progress import goal_overrides
from pmm.scoring.plan import PlanResult, ScoringPlan, build_plan
from pmm.scoring.tables import grid as _grid
from pmm.scoring.tables import long_column as _long
from pmm.scoring.tables import take_labels as _take
from pmm.scoring.trace import PipelineTrace
from pmm.scoring.values import INSUFFICIENT, NOT_APPLICABLE, OK, STATUSES, KpiData, prepare_values

if TYPE_CHECKING:
    from pmm.catalog import Catalog
    from pmm.scorecard import Scorecard

__all__ = ["score", "run_plan"]


def score(values: pd.DataFrame, catalog: Catalog | str | Path, method: ScoringMethod | dict[str, Any] | str | Path | None = None,
          members: pd.DataFrame | None = None) -> Scorecard:
    """Score KPI values against a catalog: maturity levels, normalised scores, composites, ranks.

    Args:
        values: long table ``member, period (optional), kpi, value`` with optional ``status``
            and ``n`` (see :func:`pmm.values_from_wide` for wide tables).
        catalog: the framework (:func:`pmm.load_catalog`, :meth:`pmm.Catalog.from_table`), or the
            name of a shipped catalog (``"wco-pmm"``) or a catalog path, loaded with :func:`pmm.load_catalog`.
        method: a :class:`ScoringMethod`, a dict, a YAML path, or ``None`` for the catalog's
            ``framework.scoring`` block, else absolute scoring (goalposts, group maturity from KPI
            levels) when every KPI has goalposts, else the library defaults (min-max).
        members: optional member attributes (a ``member`` column plus region, income …) for
            peer-group benchmarks, denominators (``denominate``) and imputation groups
            (``impute.by``); with a ``period`` column, one row per member and period.

    Returns:
        The immutable :class:`~pmm.scorecard.Scorecard`.

    Raises:
        ScoringError: invalid values (every problem listed with row labels), method or members.

    Example:
        >>> import pandas as pd, pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> vals = pd.DataFrame({"member": ["A", "B", "C"], "kpi": "usefulness", "value": [40, 70, 90]})
        >>> card = pmm.score(vals, cat)
        >>> card.levels.query("kpi == 'usefulness'")["level"].tolist()
        [1, 3, 4]
    """
    from pmm import __version__
    from pmm.catalog import as_catalog
    from pmm.scorecard import Scorecard

    catalog = as_catalog(catalog)
    resolved = resolve_method(method, default_method(catalog))
    plan = _plan(catalog, resolved.model_dump_json())
    data = prepare_values(values, catalog)
    _warn_members_without_values(data)
    member_table = _members(members, data.members)
    context = build_context(catalog, resolved, data, member_table)
    stages = run_stages(data.numeric[None], context)
    status, result = run_plan(plan, data, stages)
    insufficient = status == INSUFFICIENT
    lowest = catalog.framework.insufficient_data == "lowest"
    levels = kpi_levels(plan.level_input(data.numeric), catalog)
    if lowest:
        levels = np.where(insufficient, 1.0, levels)
    maturity, plus = _maturity(plan, result, levels)
    flagged = _rests_on(plan, insufficient)
    imputed = _rests_on(plan, stages.imputed_cells[0])
    trace = PipelineTrace.build(stages, context, result, data, plan)
    provenance = {
        "catalog": {"id": catalog.root, "version": catalog.framework.version, "hash": catalog.hash},
        "method": resolved.model_dump(mode="json"),
        "insufficient_data": catalog.framework.insufficient_data,
        "pmm_version": __version__,
        "input_rows": {"values": data.input_rows, "members": 0 if members is None else len(members)},
        "pipeline": _pipeline_counts(resolved, stages, data),
        "created": build_time().isoformat(timespec="seconds"),
    }
    return Scorecard(
        catalog=catalog, method=resolved, members=member_table,
        scores=_scores_frame(plan, data, result, maturity, plus, flagged, imputed),
        levels=_levels_frame(plan, data, result, levels, status, stages.imputed_cells[0]),
        weights=_weights_frame(plan, data, result),
        provenance=provenance, periods=list(data.periods), trace=trace, goals=goal_overrides(values))


def run_plan(plan: ScoringPlan, data: KpiData, stages: StageResult, *,
             excluded: np.ndarray | None = None) -> tuple[np.ndarray, PlanResult]:
    """Normalise, aggregate and rank the treated values of ``stages`` exactly as :func:`score` does.

    Args:
        plan: the compiled method.
        data: the prepared values.
        stages: the pipeline's result (:func:`~pmm.scoring.pipeline.run_stages`), one replication.
        excluded: ``(kpi,)`` mask of KPIs left out of the framework (scored as not applicable).

    Returns:
        The statuses after the stages (a value without its denominator is ``insufficient_data``) and the
        plan's result.

    Example:
        >>> import pandas as pd, pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> data = prepare_values(pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [40, 70]}), cat)
        >>> plan = _plan(cat, ScoringMethod().model_dump_json())
        >>> status, result = run_plan(plan, data, run_stages(data.numeric[None], build_context(cat, plan.method, data)))
        >>> result.scores.shape[:3]
        (1, 1, 2)
    """
    status = np.where(stages.no_denominator[0], INSUFFICIENT, data.status).astype(data.status.dtype)
    not_applicable = data.status == NOT_APPLICABLE
    x = stages.treated
    if excluded is not None:
        not_applicable = not_applicable | excluded
        x = np.where(excluded, np.nan, x)
    lowest = plan.catalog.framework.insufficient_data == "lowest"
    return status, plan.run(x, not_applicable=not_applicable, insufficient=status == INSUFFICIENT if lowest else None,
                            members=data.members, periods=data.periods)


@lru_cache(maxsize=16)
def _plan(catalog: Catalog, method_json: str) -> ScoringPlan:
    """The compiled plan, cached per catalog and method (repeated scoring skips recompiling)."""
    return build_plan(catalog, ScoringMethod.model_validate_json(method_json))


def _warn_members_without_values(data: KpiData) -> None:
    """Warn about members whose every KPI is without a value in a period (a form collected but not filled in)."""
    empty = ~(data.status == OK).any(axis=2)  # (period, member)
    if not empty.any():
        return
    lines = []
    for j, member in enumerate(data.members):
        periods = [p for i, p in enumerate(data.periods) if empty[i, j]]
        if periods:
            when = "" if periods == [None] else f" in {', '.join(map(str, periods))}"
            lines.append(f"{member}{when}")
    warnings.warn(f"{len(lines)} member(s) have no KPI value (nothing reported or computed): {'; '.join(lines[:10])}"
                  f"{' …' if len(lines) > 10 else ''}; they get no scores there, and reports list them without "
                  "charts", ScoringWarning, stacklevel=3)


def _pipeline_counts(method: ScoringMethod, stages: StageResult, data: KpiData) -> dict[str, Any]:
    """What each pre-normalisation stage did, in numbers (the tables are on the Scorecard)."""
    counts: dict[str, Any] = {}
    if method.denominate is not None:
        counts["denominate"] = {"no_denominator": int(stages.no_denominator[0].sum())}
    if method.impute is not None:
        counts["impute"] = {"imputed": int(stages.imputed_cells[0].sum()),
                            "still_missing": int((np.isnan(stages.imputed[0]) & (data.status != NOT_APPLICABLE)).sum())}
    if method.screen is not None:
        dropped = ~stages.included[0]
        counts["screen"] = {"dropped": int(dropped.sum()),
                            "members": sorted({str(data.members[m]) for m in np.nonzero(dropped)[1]})}
    if method.treat is not None:
        t = stages.treatment
        counts["treat"] = {"flagged": int(t.flagged[0].sum()), "winsorised_points": int(t.winsorised[0].sum()),
                           "log": int(t.log[0].sum()), "boxcox": int(t.boxcox[0].sum()),
                           "still_failing": int((~t.passed[0]).sum())}
    return counts


def _members(members: pd.DataFrame | None, present: tuple[Any, ...]) -> pd.DataFrame | None:
    if members is None:
        return None
    if not isinstance(members, pd.DataFrame) or "member" not in members.columns:
        found = list(map(str, members.columns)) if isinstance(members, pd.DataFrame) else type(members).__name__
        raise ScoringError(Problem(f"members must be a DataFrame with a 'member' column, found {found}",
                                   where="members", hint="one row per member: member, region, income, …",
                                   code="members"))
    keys = ["member", "period"] if "period" in members.columns else ["member"]
    dup = members.duplicated(subset=keys, keep=False).to_numpy()
    if dup.any():
        shown = sorted(set(map(str, members.loc[dup, "member"])))[:10]
        raise ScoringError(Problem(f"duplicate members {shown} in rows {list(members.index[dup])[:20]}",
                                   where="members", code="duplicate",
                                   hint="one row per member" + (" and period" if len(keys) == 2 else "")))
    unknown = sorted(set(members["member"]) - set(present), key=str)
    if unknown:
        warnings.warn(f"members {unknown[:10]} have no KPI values and get no scores", ScoringWarning, stacklevel=3)
    return members.reset_index(drop=True).copy()


def _default_bands(method: ScoringMethod, n_levels: int) -> tuple[float, ...] | None:
    span = method.normalise.output_range
    if span is None:
        return None
    lo, hi = span
    return tuple(lo + (hi - lo) * i / n_levels for i in range(1, n_levels))


def _maturity(plan: ScoringPlan, result: PlanResult, kpi_level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maturity level and "+" flag of every node, shape ``(period, member, node)``."""
    scores = result.scores[0]
    n_kpi = plan.n_kpis
    level = np.full(scores.shape, np.nan)
    plus = np.zeros(scores.shape, dtype=bool)
    level[..., :n_kpi] = np.where(result.not_applicable[..., :n_kpi], np.nan, kpi_level)
    n_labels = len(plan.catalog.framework.levels)
    unbanded = []
    for step in plan.steps:
        for g in step.groups:
            spec = plan.maturity_specs[g]
            kids = level[..., plan.children[g]]
            if spec.method == "score_bands":
                bands = spec.bands or _default_bands(plan.method, n_labels)
                if bands is None:
                    unbanded.append(plan.nodes[g])
                    continue
                level[..., g] = score_bands(scores[..., g], bands)
            elif spec.method == "weakest_link":
                level[..., g], plus[..., g] = weakest_link(kids)
            elif spec.method == "averaging":
                _check_pefa_scale(kids, plan.nodes[g])
                level[..., g], plus[..., g] = averaging(kids)
            else:
                level[..., g] = mean_level(kids)
            missing = np.isnan(scores[..., g])
            level[..., g] = np.where(missing, np.nan, level[..., g])
            plus[..., g] &= ~missing
    if unbanded:
        warnings.warn(f"groups {unbanded[:10]} get no maturity level: method 'score_bands' needs 'bands' when the "
                      f"normalisation ({plan.method.normalise.method}) has no bounded range",
                      ScoringWarning, stacklevel=3)
    return level, plus


def _check_pefa_scale(child_levels: np.ndarray, node: str) -> None:
    bad = ~np.isnan(child_levels) & ((child_levels < 1) | (child_levels > 4))
    if bad.any():
        raise ScoringError(Problem(f"maturity 'averaging' (PEFA M2) works on 4 levels (D, C, B, A); a child has level "
                                   f"{int(child_levels[bad][0])}", where="maturity", node=node,
                                   hint="use 4 framework levels for PEFA-style scoring, or weakest_link/mean",
                                   code="averaging_scale"))


def _rests_on(plan: ScoringPlan, kpi_flags: np.ndarray) -> np.ndarray:
    """Whether a node's value rests on at least one flagged KPI cell (``insufficient_data``, imputed), ``(period, member, node)``."""
    flags = np.zeros(kpi_flags.shape[:-1] + (len(plan.nodes),), dtype=bool)
    flags[..., :plan.n_kpis] = kpi_flags
    for step in plan.steps:
        for g in step.groups:
            flags[..., g] = flags[..., plan.children[g]].any(axis=-1)
    return flags


def _integers(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers stored as floats (NaN = missing) as a nullable ``Int64`` column."""
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _labels(plan: ScoringPlan, level: np.ndarray, plus: np.ndarray) -> Any:
    """Maturity labels ("Established", "C+" …) of levels with their "+" flags; NA where no level."""
    names = list(plan.catalog.framework.levels)
    top = int(np.nanmax(level, initial=len(names)))
    text = [*names, *[f"level {i}" for i in range(len(names) + 1, top + 1)]]
    table = [None, *text, None, *[t + "+" for t in text]]
    code = np.where(np.isnan(level), 0, np.nan_to_num(level)).astype(int)
    return _take(table, np.where(plus & (code > 0), code + len(text) + 1, code))


def _order(plan: ScoringPlan) -> np.ndarray:
    index = {n: i for i, n in enumerate(plan.nodes)}
    return np.array([index[n] for n in plan.catalog.walk()])


def _scores_frame(plan: ScoringPlan, data: KpiData, result: PlanResult, maturity: np.ndarray, plus: np.ndarray,
                  flagged: np.ndarray, imputed: np.ndarray) -> pd.DataFrame:
    order = _order(plan)
    catalog = plan.catalog
    nodes = [plan.nodes[i] for i in order]
    t, j, m = _grid(len(data.periods), len(order), len(data.members))

    long = partial(_long, order=order)

    level = long(maturity)
    return pd.DataFrame({
        "member": _take(data.members, m),
        "period": _take(data.periods, t),
        "node": _take(nodes, j),
        "kind": _take([catalog.kind(n) for n in nodes], j),
        "level": plan.level[order][j],
        "parent": _take([catalog.parent(n) for n in nodes], j),
        "score": long(result.scores[0]),
        "rank": _integers(long(result.ranks[0])),
        "maturity": _integers(level),
        "maturity_label": _labels(plan, level, long(plus)),
        "maturity_plus": long(plus),
        "coverage": long(result.coverage[0]),
        "not_applicable": long(result.not_applicable),
        "insufficient_data": long(flagged),
        "imputed": long(imputed),
    })


def _levels_frame(plan: ScoringPlan, data: KpiData, result: PlanResult, levels: np.ndarray, status: np.ndarray,
                  imputed: np.ndarray) -> pd.DataFrame:
    n_kpi = plan.n_kpis
    raw = np.full(data.numeric.shape, np.nan if data.raw.dtype == float else None, dtype=data.raw.dtype)
    raw[data.cells] = data.raw
    kpi_set = set(plan.nodes[:n_kpi])
    order = [plan.nodes.index(k) for k in plan.catalog.walk() if k in kpi_set]
    t, j, m = _grid(len(data.periods), n_kpi, len(data.members))

    long = partial(_long, order=order)

    level = long(levels)
    return pd.DataFrame({
        "member": _take(data.members, m),
        "period": _take(data.periods, t),
        "kpi": _take([plan.nodes[i] for i in order], j),
        "value": long(raw),
        "status": _take(STATUSES, long(status)),
        "n": long(data.n),
        "level": _integers(level),
        "level_label": _labels(plan, level, np.zeros(level.shape, dtype=bool)),
        "score": long(result.scores[0][..., :n_kpi]),
        "imputed": long(imputed),
    })


def _weights_frame(plan: ScoringPlan, data: KpiData, result: PlanResult) -> pd.DataFrame:
    order = _order(plan)
    n_per, n_nodes = len(data.periods), len(order)
    nodes = np.array(plan.nodes, dtype=object)[order]
    return pd.DataFrame({
        "period": np.repeat(np.array(data.periods, dtype=object), n_nodes),
        "node": np.tile(nodes, n_per),
        "parent": np.tile(np.array([plan.catalog.parent(n) for n in nodes], dtype=object), n_per),
        "weight": result.weights[0][:, order].reshape(-1),
        "effective_weight": result.effective_weights[0][:, order].reshape(-1),
    })

