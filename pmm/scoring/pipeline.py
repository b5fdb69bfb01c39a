"""The data stages before normalisation: raw → denominated → imputed → screened → treated.

Each stage is a pure function of the previous stage's array, shape ``(rep, period, member, kpi)``
(NaN = no value), and of its method section; a section the method omits makes the stage the
identity (the same array object). :func:`run_stages` runs the chain; :class:`StageContext`
holds what the stages need beside the values (denominators, groups, periods, per-KPI treatment
parameters), compiled once by :func:`build_context` from the catalog, the method, the members
table and the validated values. The stage functions :func:`denominate`, :func:`impute`,
:func:`screen` and :func:`pmm.scoring.treat.treat` can also be called on their own.

An uncertainty analysis that varies a discrete choice (say ``treat.winmax`` in 1..5) builds one
method per choice, calls ``run_stages`` once per group on the replications of that group (the
leading axis is kept throughout) and passes ``result.treated`` to
:meth:`pmm.scoring.plan.ScoringPlan.run`, which normalises and aggregates.

Example:
    >>> import numpy as np, pandas as pd, pmm
    >>> from pmm.scoring.method import ScoringMethod
    >>> from pmm.scoring.values import prepare_values
    >>> meta = pd.DataFrame({"iCode": ["a", "I"], "Parent": ["I", None], "Level": [1, 2],
    ...                      "Direction": [1, None], "Weight": [1, 1], "Type": ["Indicator", "Aggregate"]})
    >>> cat = pmm.Catalog.from_table(meta)
    >>> data = prepare_values(pd.DataFrame({"member": list("ABCD"), "kpi": "a",
    ...                                     "value": [1.0, None, 3.0, 5.0]}), cat)
    >>> method = ScoringMethod.model_validate({"impute": {"method": "median"}})
    >>> out = run_stages(data.numeric[None], build_context(cat, method, data))
    >>> out.imputed[0, 0, :, 0].tolist(), out.imputed_cells[0, 0, :, 0].tolist()
    ([1.0, 3.0, 3.0, 5.0], [False, True, False, False])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.method import ScoringMethod, TreatSpec, merge_section
from pmm.scoring.notices import ScoringWarning
from pmm.scoring.treat import TreatResult, treat
from pmm.scoring.values import MISSING, NOT_APPLICABLE, NOT_REPORTED, KpiData

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["StageContext", "StageResult", "build_context", "run_stages", "denominate", "impute", "screen", "nonzero_share",
           "treat_arguments"]


@dataclass(frozen=True)
class StageContext:
    """What the stages need beside the values; arrays over ``(period, member, kpi)`` unless said.

    Attributes:
        method: the scoring method (only its ``denominate/impute/screen/treat`` sections are used).
        divisor: ``denominator / denominator_scale`` of each cell of a KPI with a denominator
            (NaN where the members table has none), or ``None`` without ``denominate``.
        fillable: cells imputation may fill (status ``missing`` or ``not_reported``; cells that
            lost their value for lack of a denominator are added by :func:`run_stages`).
        applicable: cells that count for screening coverage (not ``not_applicable``).
        groups: ``(period, member)`` group codes for ``impute.by`` (−1: no group), or ``None``.
        times: ``(period,)`` period positions for ``linear`` imputation (the periods when numeric).
        forced: ``(member,)`` +1 for ``screen.include``, −1 for ``screen.exclude``, else 0.
        treat_args: keyword arguments of :func:`pmm.scoring.treat.treat`, per KPI (``(kpi,)`` arrays).
    """

    method: ScoringMethod
    divisor: np.ndarray | None = None
    fillable: np.ndarray | None = None
    applicable: np.ndarray | None = None
    groups: np.ndarray | None = None
    times: np.ndarray | None = None
    forced: np.ndarray | None = None
    treat_args: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class StageResult:
    """The arrays of every stage, ``(rep, period, member, kpi)``, and what each stage did.

    Attributes:
        raw, denominated, imputed, screened, treated: the data after each stage.
        no_denominator: cells with a value whose denominator is missing or zero (now no value).
        imputed_cells: cells filled by imputation.
        coverage: ``(rep, period, member)`` share of applicable KPIs present when screened.
        included: ``(rep, period, member)`` members kept by screening.
        treatment: the :class:`~pmm.scoring.treat.TreatResult`, or ``None`` without ``treat``.
    """

    raw: np.ndarray
    denominated: np.ndarray
    imputed: np.ndarray
    screened: np.ndarray
    treated: np.ndarray
    no_denominator: np.ndarray
    imputed_cells: np.ndarray
    coverage: np.ndarray | None
    included: np.ndarray | None
    treatment: TreatResult | None


def denominate(x: np.ndarray, divisor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``x / divisor`` where ``divisor`` is given (COINr ``Denominate``); a missing or zero divisor gives no value.

    ``divisor`` broadcasts against ``x``; NaN in it means "this KPI has no denominator" only
    where the caller says so — here NaN and 0 both remove the value. Returns the values and the
    mask of values removed for lack of a denominator.

    Example:
        >>> y, lost = denominate(np.array([[10.0, 4.0, 3.0]]), np.array([[2.0, 0.0, np.nan]]))
        >>> y.tolist(), lost.tolist()
        ([[5.0, nan, nan]], [[False, True, True]])
    """
    bad = np.isnan(divisor) | (divisor == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(bad, np.nan, x / np.where(bad, 1.0, divisor))
    return y, bad & ~np.isnan(x)


def _group_statistic(x: np.ndarray, groups: np.ndarray | None, how: str) -> np.ndarray:
    """Mean/median of every KPI over the members of each member's group (or all members), broadcast to ``x``."""
    reducer = np.nanmean if how == "mean" else np.nanmedian
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if groups is None:
            return np.broadcast_to(reducer(x, axis=-2, keepdims=True), x.shape)
        out = np.full(x.shape, np.nan)
        for g in np.unique(groups[groups >= 0]):
            member_in = (groups == g)[..., None]
            stat = reducer(np.where(member_in, x, np.nan), axis=-2, keepdims=True)
            out = np.where(member_in, stat, out)
        return out


def _latest(x: np.ndarray, max_periods: int | None = None) -> np.ndarray:
    """The last non-missing value at or before each period, at most ``max_periods`` back (NaN before the first)."""
    out = x.copy()
    last = np.full(x.shape[:1] + x.shape[2:], np.nan)
    when = np.full(last.shape, -1)
    for p in range(x.shape[1]):
        seen = ~np.isnan(x[:, p])
        last = np.where(seen, x[:, p], last)
        when = np.where(seen, p, when)
        recent = True if max_periods is None else p - when <= max_periods
        out[:, p] = np.where(recent, last, np.nan)
    return out


def _linear(x: np.ndarray, times: np.ndarray) -> np.ndarray:
    """R ``approx(t, y, xout = t, rule = 2)`` along the period axis: interpolate, constant beyond the ends."""
    n_per = x.shape[1]
    seen = ~np.isnan(x)
    shape = (1, n_per) + (1,) * (x.ndim - 2)
    position = np.broadcast_to(np.arange(n_per).reshape(shape), x.shape)
    before = np.maximum.accumulate(np.where(seen, position, -1), axis=1)
    after = np.flip(np.minimum.accumulate(np.flip(np.where(seen, position, n_per), axis=1), axis=1), axis=1)
    has_before, has_after = before >= 0, after < n_per
    i, j = np.clip(before, 0, n_per - 1), np.clip(after, 0, n_per - 1)
    xi, xj = np.take_along_axis(x, i, axis=1), np.take_along_axis(x, j, axis=1)
    t = times.reshape(shape)
    ti, tj, tv = times[i], times[j], np.broadcast_to(t, x.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        between = xi + (xj - xi) * ((tv - ti) / (tj - ti))
    value = np.where(has_before & has_after, between, np.where(has_before, xi, xj))
    return np.where(seen, x, value)


def impute(x: np.ndarray, method: str, fillable: np.ndarray | None = None, *, groups: np.ndarray | None = None,
           times: np.ndarray | None = None, max_periods: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values of ``x`` (``(rep, period, member, kpi)``); observed values are never changed.

    Args:
        x: values, NaN = missing.
        method: ``mean`` / ``median`` over members per period (COINr ``i_mean``, ``i_median``),
            ``latest`` (last earlier value of the member) or ``linear`` (interpolation over
            periods, constant beyond the ends; a single value is carried to every period).
        fillable: ``(period, member, kpi)`` cells that may be filled (default: every NaN).
        groups: ``(period, member)`` group codes (−1: no group, left missing) for mean/median
            within groups (COINr ``i_mean_grp``, ``i_median_grp``).
        times: ``(period,)`` positions of the periods for ``linear`` (default 0, 1, 2 …).
        max_periods: ``latest`` looks back at most this many periods (COINr ``max_time``).

    Returns:
        The imputed values and the mask of filled cells.

    Example:
        >>> x = np.array([[[[1.0], [np.nan], [3.0]], [[np.nan], [np.nan], [5.0]]]])   # 2 periods, 3 members
        >>> y, filled = impute(x, "linear")
        >>> y[0, :, :, 0].tolist()
        [[1.0, nan, 3.0], [1.0, nan, 5.0]]
        >>> impute(x, "mean")[0][0, 1, :, 0].tolist()
        [5.0, 5.0, 5.0]
    """
    if method in ("mean", "median"):
        candidate = _group_statistic(x, groups, method)
    elif method == "latest":
        candidate = _latest(x, max_periods)
    elif method == "linear":
        candidate = _linear(x, np.arange(x.shape[1], dtype=float) if times is None else np.asarray(times, dtype=float))
    else:
        raise ValueError(f"imputation method must be mean, median, latest or linear, found {method!r}")
    target = np.isnan(x) if fillable is None else np.isnan(x) & fillable
    filled = target & ~np.isnan(candidate)
    return np.where(filled, candidate, x), filled


def nonzero_share(x: np.ndarray) -> np.ndarray:
    """Share of a member's present values that are not zero, ``(..., member)`` (COINr ``Non_Zero``; 0 with no value).

    Example:
        >>> nonzero_share(np.array([[0.0, 2.0, np.nan, 3.0], [np.nan, np.nan, np.nan, np.nan]])).round(3).tolist()
        [0.667, 0.0]
    """
    present = ~np.isnan(x)
    n_present = present.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (present & (x != 0)).sum(axis=-1) / n_present
    return np.where(n_present > 0, share, 0.0)


def screen(x: np.ndarray, min_coverage: float, applicable: np.ndarray | None = None,
           forced: np.ndarray | None = None, min_nonzero: float | None = None) -> tuple[np.ndarray, np.ndarray,
                                                                                    np.ndarray]:
    """Drop members whose share of present applicable KPIs is strictly below ``min_coverage`` (COINr ``Screen`` byNA).

    With ``min_nonzero``, members whose share of non-zero values among their present ones is
    strictly below it are dropped too (COINr ``byNAandzeros`` with ``nonzero_thresh``). A dropped
    member's values become NaN (it keeps its place on the member axis, so shapes never change).
    ``forced`` (``(member,)``: +1 keep, −1 drop, 0 by rule) overrides the rules.

    Returns:
        The screened values, the coverage ``(..., member)`` and the kept mask ``(..., member)``.

    Example:
        >>> x = np.array([[1.0, 2.0, 3.0], [1.0, np.nan, np.nan]])       # 2 members × 3 KPIs
        >>> y, coverage, kept = screen(x, 0.5)
        >>> coverage.round(3).tolist(), kept.tolist(), y[1].tolist()
        ([1.0, 0.333], [True, False], [nan, nan, nan])
    """
    present = ~np.isnan(x)
    if applicable is None:
        applicable = np.ones(x.shape[-1], dtype=bool)
    n_applicable = applicable.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = (present & applicable).sum(axis=-1) / n_applicable
    coverage = np.where(n_applicable > 0, coverage, 0.0)
    kept = coverage >= min_coverage
    if min_nonzero is not None:
        kept &= nonzero_share(x) >= min_nonzero
    if forced is not None:
        kept = np.where(forced > 0, True, np.where(forced < 0, False, kept))
    return np.where(kept[..., None], x, np.nan), coverage, kept


def treat_arguments(catalog: Catalog, method: ScoringMethod) -> dict[str, np.ndarray]:
    """Per-KPI keyword arguments of :func:`~pmm.scoring.treat.treat` from ``method.treat`` and KPI overrides.

    A KPI's ``treat`` dict replaces keys of the method's section (validated, naming the KPI);
    ``treat: none`` and categorical KPIs are left untreated (``active`` false).

    Raises:
        ScoringError: an invalid per-KPI override.

    Example:
        >>> import pandas as pd, pmm
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
        ...                      "Direction": [1, 1, None], "Weight": [1, 1, 1],
        ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
        >>> args = treat_arguments(pmm.Catalog.from_table(meta), ScoringMethod.model_validate({"treat": {"winmax": 3}}))
        >>> args["winmax"].tolist(), args["active"].tolist()
        ([3.0, 3.0], [True, True])
    """
    base = method.treat or TreatSpec()
    specs: list[TreatSpec] = []
    active: list[bool] = []
    for kpi in catalog.kpis:
        override = kpi.treat
        if isinstance(override, dict):
            specs.append(merge_section(base, override, TreatSpec, node=kpi.id, where="kpi treat"))
        else:
            specs.append(base)
        active.append(override != "none" and not kpi.categorical)
    return {
        "method": np.array([s.method for s in specs]),
        "winmax": np.array([np.inf if s.winmax is None else float(s.winmax) for s in specs]),
        "skew": np.array([s.skew for s in specs]),
        "kurt": np.array([s.kurt for s in specs]),
        "log": np.array([s.log for s in specs]),
        "combine": np.array([s.combine for s in specs]),
        "force": np.array([s.force for s in specs]),
        "lam": np.array([s.lambda_ for s in specs]),
        "active": np.array(active),
    }


def _member_rows(members: pd.DataFrame, data: KpiData, column: str) -> np.ndarray:
    """``members[column]`` as a ``(period, member)`` object array (NaN where a member/period has no row)."""
    n_per, n_mem = len(data.periods), len(data.members)
    out = np.full((n_per, n_mem), np.nan, dtype=object)
    member_index = pd.Index(data.members).get_indexer(members["member"])
    if "period" in members.columns and data.periods != (None,):
        period_index = pd.Index(data.periods).get_indexer(members["period"])
        ok = (member_index >= 0) & (period_index >= 0)
        out[period_index[ok], member_index[ok]] = members[column].to_numpy(dtype=object)[ok]
    else:
        ok = member_index >= 0
        out[:, member_index[ok]] = members[column].to_numpy(dtype=object)[ok]
    return out


def _need_members(members: pd.DataFrame | None, section: str, column: str, node: str = "") -> None:
    if members is None:
        raise ScoringError(Problem(f"method section '{section}' needs the members table (column {column!r})",
                                   where=f"method.{section}", node=node, code="members",
                                   hint="pass members=DataFrame(member, [period,] …) to pmm.score"))
    if column not in members.columns:
        raise ScoringError(Problem(f"the members table has no column {column!r} (needed by '{section}')",
                                   where="members", node=node, code="missing_column",
                                   hint=did_you_mean(column, [str(c) for c in members.columns])))


def _divisor(catalog: Catalog, data: KpiData, members: pd.DataFrame | None) -> np.ndarray:
    n_per, n_mem = len(data.periods), len(data.members)
    divisor = np.ones((n_per, n_mem, len(catalog.kpis)))
    for k, kpi in enumerate(catalog.kpis):
        if kpi.denominator is None or np.isnan(data.numeric[..., k]).all():
            continue
        _need_members(members, "denominate", kpi.denominator, kpi.id)
        column = _member_rows(members, data, kpi.denominator)
        numbers = pd.to_numeric(pd.Series(column.reshape(-1)), errors="coerce").to_numpy(dtype=float)
        text = pd.Series(column.reshape(-1)).notna().to_numpy() & np.isnan(numbers)
        if text.any():
            raise ScoringError(Problem(f"denominator column {kpi.denominator!r} holds non-numeric values such as "
                                       f"{pd.Series(column.reshape(-1))[text].head(3).tolist()}", where="members",
                                       node=kpi.id, code="not_numeric", hint="give numbers, or leave the cell empty"))
        divisor[..., k] = numbers.reshape(n_per, n_mem) / kpi.denominator_scale
    return divisor


def build_context(catalog: Catalog, method: ScoringMethod, data: KpiData,
                  members: pd.DataFrame | None = None) -> StageContext:
    """Compile what the stages need: denominators, imputation groups, periods, screening lists, treatment parameters.

    Raises:
        ScoringError: a denominator or ``impute.by`` column missing from the members table (or
            no members table), non-numeric denominators, ``screen`` naming unknown members, an
            invalid per-KPI ``treat`` override.

    Warns:
        ScoringWarning: KPIs with a ``treat`` override while the method has no ``treat`` section.
    """
    status = data.status
    divisor = _divisor(catalog, data, members) if method.denominate is not None else None
    if method.treat is None:
        named = [k.id for k in catalog.kpis if k.treat is not None]
        if named:
            warnings.warn(f"KPIs {named[:10]} have a 'treat' override, but the method has no 'treat' section, so no "
                          f"KPI is treated", ScoringWarning, stacklevel=3)
    groups = None
    if method.impute is not None and method.impute.by is not None:
        _need_members(members, "impute", method.impute.by)
        labels = _member_rows(members, data, method.impute.by)
        codes, _ = pd.factorize(pd.Series(labels.reshape(-1)), sort=True)
        groups = codes.reshape(labels.shape)
    forced = None
    if method.screen is not None:
        forced = np.zeros(len(data.members), dtype=np.int8)
        known = {str(m): i for i, m in enumerate(data.members)}
        for sign, names in ((1, method.screen.include), (-1, method.screen.exclude)):
            unknown = [n for n in names if n not in known]
            if unknown:
                raise ScoringError(Problem(f"screen names unknown members {unknown}", where="method.screen",
                                           hint=did_you_mean(unknown[0], known), code="unknown_member"))
            forced[[known[n] for n in names]] = sign
    periods = data.periods
    numeric = all(isinstance(p, (int, float, np.integer, np.floating)) for p in periods)
    times = np.asarray(periods, dtype=float) if numeric else np.arange(len(periods), dtype=float)
    return StageContext(method=method, divisor=divisor, fillable=(status == MISSING) | (status == NOT_REPORTED),
                        applicable=status != NOT_APPLICABLE, groups=groups, times=times, forced=forced,
                        treat_args=treat_arguments(catalog, method) if method.treat is not None else {})


def run_stages(x: np.ndarray, context: StageContext) -> StageResult:
    """Run raw → denominated → imputed → screened → treated on ``x`` of shape ``(rep, period, member, kpi)``.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> method = ScoringMethod.model_validate({"treat": {"winmax": 1}})
        >>> ctx = StageContext(method=method, treat_args=treat_arguments(cat, method))
        >>> x = np.random.default_rng(0).lognormal(0, 2, size=(100, 1, 30, len(cat.kpis)))   # 100 replications
        >>> out = run_stages(x, ctx)
        >>> out.treated.shape == x.shape and out.imputed is x and bool(out.treatment.log.any())
        True
    """
    method = context.method
    lost = np.zeros(x.shape, dtype=bool)
    denominated = x
    if method.denominate is not None and context.divisor is not None:
        denominated, lost = denominate(x, context.divisor)
    imputed, filled = denominated, np.zeros(x.shape, dtype=bool)
    if method.impute is not None:
        fillable = lost if context.fillable is None else context.fillable | lost
        imputed, filled = impute(denominated, method.impute.method, fillable, groups=context.groups,
                                 times=context.times, max_periods=method.impute.max_periods)
    screened, coverage, included = imputed, None, None
    if method.screen is not None:
        screened, coverage, included = screen(imputed, method.screen.min_coverage, context.applicable,
                                              context.forced, method.screen.min_nonzero)
    treated, treatment = screened, None
    if method.treat is not None:
        treatment = treat(screened, **context.treat_args)
        treated = treatment.values
    return StageResult(raw=x, denominated=denominated, imputed=imputed, screened=screened, treated=treated,
                       no_denominator=lost, imputed_cells=filled & (included[..., None] if included is not None
                                                                    else True),
                       coverage=coverage, included=included, treatment=treatment)
