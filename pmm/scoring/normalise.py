"""Normalisation of KPI values onto comparable scores, exactly as COINr's ``Normalise``.

Input arrays have shape ``(..., period, member, kpi)``; leading axes (replications) are free.
Every method sees ``x · direction`` (COINr's rule); goalposts and targets are flipped with it.
Statistics are taken over members per period, or over all periods when ``pooled``.
Formulas, defaults and the constant-KPI rule are in ``docs/scoring.md``.

Example:
    >>> import numpy as np
    >>> from pmm.scoring.method import NormaliseSpec
    >>> x = np.array([[[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]]])        # 1 period, 3 members, 2 KPIs
    >>> scales = [KpiScale(NormaliseSpec(), 1.0), KpiScale(NormaliseSpec(), -1.0)]
    >>> normalise(x, scales, ("a", "b"))[0].round(6).tolist()
    [[0.0, 100.0], [50.0, 0.0], [100.0, 50.0]]
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pmm.errors import Problem, ScoringError
from pmm.scoring.method import NormaliseSpec
from pmm.scoring.notices import ScoringWarning
from pmm.scoring.ranks import min_rank, percentile_rank

__all__ = ["KpiScale", "normalise", "RELATIVE_METHODS", "MIN_RELATIVE_MEMBERS"]

#: Methods whose score of a member depends on the values of the other members.
RELATIVE_METHODS: frozenset[str] = frozenset({"minmax", "zscore", "target", "frontier", "fraction_of_max", "rank",
                                              "percentile_rank", "borda"})
#: Fewer members with a value than this make a relative method meaningless (one warning names the KPIs).
MIN_RELATIVE_MEMBERS = 3


@dataclass(frozen=True)
class KpiScale:
    """The normalisation of one KPI: its spec and the catalog values it needs.

    Attributes:
        spec: the method after per-KPI overrides.
        direction: +1 (higher is better) or −1 (lower is better; also ``target`` KPIs, which
            arrive as distances to their target or band).
        target: the target in value units (``target`` method).
        goalposts: (lower, upper) in value units (``goalposts`` method).
    """

    spec: NormaliseSpec
    direction: float
    target: float | None = None
    goalposts: tuple[float, float] | None = None


def normalise(x: np.ndarray, scales: Sequence[KpiScale], kpi_ids: Sequence[str]) -> np.ndarray:
    """Normalise every KPI column of ``x`` (shape ``(..., period, member, kpi)``).

    Returns:
        Scores of the same shape; NaN stays NaN.

    Raises:
        ScoringError: ``fraction_of_max`` on a KPI whose maximum (after direction) is ≤ 0.

    Warns:
        ScoringWarning: naming KPIs that are constant in a period (see docs for their scores).

    Example:
        >>> x = np.array([[[1.0], [2.0], [4.0]]])
        >>> normalise(x, [KpiScale(NormaliseSpec(method="zscore"), 1.0)], ["k"]).round(4).ravel().tolist()
        [-0.8729, -0.2182, 1.0911]
    """
    out = np.empty_like(x, dtype=float)
    blocks: dict[NormaliseSpec, list[int]] = defaultdict(list)
    for k, scale in enumerate(scales):
        blocks[scale.spec].append(k)
    constant: list[str] = []
    few: dict[str, str] = {}
    for spec, cols in blocks.items():
        block = [scales[k] for k in cols]
        direction = np.array([s.direction for s in block])
        flipped = x[..., cols] * direction
        result, flat = _apply(spec, flipped, block, direction, [kpi_ids[k] for k in cols])
        out[..., cols] = result
        constant += [kpi_ids[cols[j]] for j in np.flatnonzero(flat)]
        if spec.method in RELATIVE_METHODS:
            few.update({kpi_ids[cols[j]]: spec.method for j in np.flatnonzero(_too_few(flipped, spec))})
    message = _relative_notice(few, sorted(set(constant) - set(few)))
    if message:
        warnings.warn(message, ScoringWarning, stacklevel=4)  # the caller of pmm.score
    return out


def _too_few(x: np.ndarray, spec: NormaliseSpec) -> np.ndarray:
    """Per KPI: whether some period (all periods when pooled) has 1 or 2 members with a value."""
    count = (~np.isnan(x)).sum(axis=_members_axes(spec))
    return ((count > 0) & (count < MIN_RELATIVE_MEMBERS)).reshape(-1, x.shape[-1]).any(axis=0)


def _relative_notice(few: dict[str, str], constant: list[str]) -> str:
    """One message on relative normalisations that compare (almost) nobody; ``""`` when all is well."""
    parts = []
    if few:
        methods = sorted(set(few.values()))
        parts.append(f"relative normalisation ({', '.join(methods)}) compares members with each other, but KPI(s) "
                     f"{sorted(few)} have fewer than {MIN_RELATIVE_MEMBERS} members with a value in some period: "
                     "their scores (the centre of the scale for a single value) say nothing about performance "
                     "and change when members join or leave")
    if constant:
        parts.append(f"KPI(s) {constant} have the same value for every member in some period; they get the "
                     "centre of the method's scale there (see docs/scoring.md, 'Constant KPIs')")
    if not parts:
        return ""
    return ("; ".join(parts) + ". Hint: give these KPIs goalposts in the catalog and score with "
            "normalise: {method: goalposts}, so a member's score does not depend on who else is scored")


def _members_axes(spec: NormaliseSpec) -> tuple[int, ...]:
    return (-3, -2) if spec.pooled else (-2,)


def _apply(spec: NormaliseSpec, x: np.ndarray, block: list[KpiScale], direction: np.ndarray,
           ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Scores of one block of KPIs sharing a spec, and a per-KPI flag "constant somewhere"."""
    axes = _members_axes(spec)
    present = ~np.isnan(x)
    any_present = present.any(axis=axes, keepdims=True)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanmin(x, axis=axes, keepdims=True)
        high = np.nanmax(x, axis=axes, keepdims=True)
    flat = any_present & (low == high)
    method = spec.method
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo, hi = spec.range
            y = np.where(flat, (lo + hi) / 2, (x - low) / (high - low) * (hi - lo) + lo)
        elif method == "zscore":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(x, axis=axes, keepdims=True)
                sd = np.nanstd(x, axis=axes, ddof=1, keepdims=True)
            y = np.where(flat, spec.mean, (x - mean) / sd * spec.sd + spec.mean)
        elif method == "goalposts":
            posts = np.array([_goalposts(spec, s, i) for s, i in zip(block, ids)])
            lower = np.where(direction > 0, posts[:, 0], -posts[:, 1])
            upper = np.where(direction > 0, posts[:, 1], -posts[:, 0])
            y = (x - lower) / (upper - lower)
            if spec.truncate:
                y = np.clip(y, 0.0, 1.0)
            y = y * spec.scale
            flat = np.zeros_like(flat)
        elif method == "target":
            target = np.array([_target(s, i) for s, i in zip(block, ids)]) * direction
            reached = target == low
            y = np.where(reached, 1.0, (x - low) / (target - low))
            if spec.cap:
                y = np.minimum(y, 1.0)
            flat = np.zeros_like(flat)
        elif method == "frontier":
            y = np.where(flat, 0.5, 1.0 - (high - x) / (high - low))
        elif method == "fraction_of_max":
            bad = any_present & ~flat & (high <= 0)
            if bad.any():
                names = sorted({ids[j] for j in np.flatnonzero(bad.reshape(-1, len(ids)).any(axis=0))})
                raise ScoringError(Problem(f"fraction_of_max needs a positive maximum after direction; KPI(s) {names} "
                                           "have a maximum ≤ 0 (a 'lower is better' KPI is multiplied by −1 first)",
                                           where="normalise", node=names[0],
                                           hint="use 'frontier' (distance to the best member) or 'minmax' for these KPIs",
                                           code="fraction_of_max"))
            y = np.where(flat, 1.0, x / high)
            flat = np.zeros_like(flat)
        elif method in ("rank", "borda", "percentile_rank"):
            y = _rank_method(method, x, spec.pooled)
            flat = np.zeros_like(flat) if method != "percentile_rank" else flat
        else:  # "none": COINr returns x · direction
            y = x.copy()
            flat = np.zeros_like(flat)
    y = np.where(present, y, np.nan)
    flag = flat.reshape(-1, x.shape[-1]).any(axis=0) & (method in ("minmax", "zscore", "frontier", "percentile_rank"))
    return y, flag


def _rank_method(method: str, x: np.ndarray, pooled: bool) -> np.ndarray:
    if pooled:
        shape = x.shape
        merged = x.reshape(*shape[:-3], shape[-3] * shape[-2], shape[-1])
        return _rank_method(method, merged, False).reshape(shape)
    if method == "percentile_rank":
        return percentile_rank(x, axis=-2)
    ranks = min_rank(x, axis=-2, descending=False)
    return ranks - 1.0 if method == "borda" else ranks


def _goalposts(spec: NormaliseSpec, scale: KpiScale, kpi_id: str) -> tuple[float, float]:
    if spec.lower is not None and spec.upper is not None:
        return spec.lower, spec.upper
    if scale.goalposts is None:
        raise ScoringError(Problem("normalisation 'goalposts' needs lower and upper posts", where="normalise",
                                   node=kpi_id, hint="give 'goalposts: {lower, upper}' on the KPI in the catalog, or "
                                   "'lower'/'upper' in the KPI's normalise override", code="goalposts"))
    return scale.goalposts


def _target(scale: KpiScale, kpi_id: str) -> float:
    if scale.target is None:
        raise ScoringError(Problem("normalisation 'target' needs the KPI's target", where="normalise", node=kpi_id,
                                   hint="give 'target:' on the KPI in the catalog", code="target"))
    return scale.target
