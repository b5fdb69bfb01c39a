"""The scoring method as plain data: pydantic models of ``normalise``, ``weights``, ``aggregate``, ``maturity``.

A :class:`ScoringMethod` is what ``pmm.score(method=...)`` accepts (also as a dict or a YAML
file) and what a :class:`~pmm.Scorecard` records. Per-node overrides from the catalog
(``Kpi.normalise``, ``Group.aggregate``, ``Framework.aggregate``, ``Group.maturity_method``) are
merged over the framework-wide sections by :func:`merge_section`, which names the node when an
override is invalid. Formulas and defaults are documented in ``docs/scoring.md``.

Example:
    >>> from pmm.scoring.method import ScoringMethod
    >>> m = ScoringMethod.model_validate({"normalise": {"method": "minmax", "range": [1, 100]},
    ...                                   "aggregate": {"method": "geometric"}})
    >>> m.normalise.range, m.weights.method, m.aggregate.min_coverage
    ((1.0, 100.0), 'catalog', None)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pmm.catalog.yaml_source import load_yaml
from pmm.errors import CatalogError, Problem, ScoringError

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = [
    "DenominateSpec", "ImputeSpec", "ScreenSpec", "TreatSpec", "STAGES",
    "NormaliseSpec", "WeightsSpec", "AggregateSpec", "MaturitySpec", "ScoringMethod",
    "NORMALISE_METHODS", "AGGREGATE_METHODS", "MATURITY_METHODS", "resolve_method", "merge_section",
    "ABSOLUTE_DEFAULT", "default_method",
]

NormaliseMethod = Literal["minmax", "zscore", "goalposts", "target", "frontier", "fraction_of_max", "rank",
                          "percentile_rank", "borda", "none"]
AggregateMethod = Literal["arithmetic", "geometric", "harmonic", "power", "median", "minimum", "copeland"]
MaturityMethod = Literal["score_bands", "weakest_link", "averaging", "mean"]

NORMALISE_METHODS: tuple[str, ...] = NormaliseMethod.__args__
AGGREGATE_METHODS: tuple[str, ...] = AggregateMethod.__args__
MATURITY_METHODS: tuple[str, ...] = MaturityMethod.__args__


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)  # numbers must be finite


#: The data stages of the pipeline, in order (``card.stage(name)``); the method sections that make them.
STAGES: tuple[str, ...] = ("raw", "denominated", "imputed", "screened", "treated", "normalised", "aggregated")


class DenominateSpec(_Spec):
    """``denominate: {}`` — divide each KPI with a catalog ``denominator`` by that members-table column.

    The value becomes ``x / denominator × denominator_scale`` (COINr ``Denominate``: ``x / (d / ScaleFactor)``).
    """


class ImputeSpec(_Spec):
    """``impute`` — fill missing values (status ``missing``/``not_reported``) of each KPI.

    ``mean``/``median``: the KPI's mean/median over members in the period (COINr ``i_mean``,
    ``i_median``), within groups of the members-table column ``by`` when given (``i_mean_grp``,
    ``i_median_grp``; members without a group are left missing). ``latest``: the member's last
    earlier value, at most ``max_periods`` back (COINr ``impute_panel`` "latest", ``max_time``). ``linear``: linear interpolation over the
    periods, constant beyond the first and last observation (``approx(rule = 2)``); a series
    with one value is constant.
    """

    method: Literal["mean", "median", "latest", "linear"] = "mean"
    by: str | None = Field(None, description="mean/median: a members-table column of groups.")
    max_periods: int | None = Field(None, ge=1, description="latest: look back at most this many periods (COINr max_time).")

    @model_validator(mode="after")
    def _check(self) -> ImputeSpec:
        if self.by is not None and self.method not in ("mean", "median"):
            raise ValueError(f"'by' is only used with method 'mean' or 'median', found method {self.method!r}")
        if self.max_periods is not None and self.method != "latest":
            raise ValueError(f"'max_periods' is only used with method 'latest', found method {self.method!r}")
        return self


class ScreenSpec(_Spec):
    """``screen`` — drop members whose share of present KPI values is below ``min_coverage`` (COINr ``Screen`` byNA).

    ``include`` / ``exclude`` list members kept or dropped whatever their coverage (COINr ``Force``).
    The default threshold is COINr's ``dat_thresh`` default, 2/3.
    """

    min_coverage: float = Field(2 / 3, ge=0, le=1, description="Members with coverage strictly below are dropped.")
    min_nonzero: float | None = Field(None, ge=0, le=1, description=(
        "Also drop members whose share of non-zero values (among present ones) is strictly below this (COINr "
        "byNAandzeros; its nonzero_thresh default is 0.05)."))
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> ScreenSpec:
        both = sorted(set(self.include) & set(self.exclude))
        if both:
            raise ValueError(f"members {both} are both in 'include' and 'exclude'")
        return self


class TreatSpec(_Spec):
    """``treat`` — outlier treatment, COINr's ``Treat`` default (see :mod:`pmm.scoring.treat`).

    A KPI is flagged when ``|skew| ≥ skew`` and ``kurt ≥ kurt``; ``winsorise`` clips it up to
    ``winmax`` points, then applies ``log_CT`` to the original values if it still fails and ``log``
    is true; ``boxcox`` transforms flagged KPIs with ``lambda``. A KPI's catalog ``treat`` overrides
    these keys for that KPI (``treat: none`` leaves it untreated).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True,
                              allow_inf_nan=False)

    method: Literal["winsorise", "boxcox"] = "winsorise"
    winmax: int | None = Field(5, ge=0, description="Stop when the winsorised tie blocks reach this size (null: no limit).")
    skew: float = Field(2.0, gt=0, description="Skewness threshold (|skew| ≥ this fails).")
    kurt: float = Field(3.5, description="Kurtosis threshold (kurt ≥ this fails).")
    log: bool = Field(True, description="winsorise: log_CT of the original values when winsorising is not enough.")
    combine: bool = Field(False, description="winsorise: log_CT of the winsorised values instead (COINr combine_treat).")
    force: bool = Field(False, description="winsorise: go on to winmax even once the test passes (COINr force_win).")
    lambda_: float = Field(1.0, alias="lambda", description="boxcox: the exponent λ (0: log).")


class NormaliseSpec(_Spec):
    """How KPI values become comparable scores (COINr ``Normalise``); one spec per KPI after overrides.

    Every method first multiplies the value by the KPI's direction (+1 higher, −1 lower and
    target; a ``target`` KPI is first turned into its distance to the target or band).
    """

    method: NormaliseMethod = "minmax"
    range: tuple[float, float] = Field((0.0, 100.0), description="minmax output [lower, upper].")
    mean: float = Field(0.0, description="zscore: mean of the output.")
    sd: float = Field(1.0, gt=0, description="zscore: standard deviation of the output.")
    lower: float | None = Field(None, description="goalposts: lower post (default: the KPI's goalposts).")
    upper: float | None = Field(None, description="goalposts: upper post (default: the KPI's goalposts).")
    scale: float = Field(100.0, gt=0, description="goalposts: output for a value at the upper post.")
    truncate: bool = Field(True, description="goalposts: clip values outside the posts.")
    cap: bool = Field(False, description="target: cap scores above the target at 1.")
    pooled: bool = Field(False, description="Normalise over all periods together instead of per period.")

    @model_validator(mode="after")
    def _check(self) -> NormaliseSpec:
        lo, hi = self.range
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"range needs finite lower < upper, found {list(self.range)}")
        if (self.lower is None) != (self.upper is None):
            raise ValueError("goalposts need both 'lower' and 'upper' (or neither, to use the KPI's goalposts)")
        if self.lower is not None and not self.lower < self.upper:
            raise ValueError(f"goalposts need lower < upper, found lower={self.lower}, upper={self.upper}")
        return self

    @property
    def output_range(self) -> tuple[float, float] | None:
        """The bounded output scale of the method, or ``None`` when unbounded (zscore, rank …)."""
        return {"minmax": self.range, "goalposts": (0.0, self.scale), "frontier": (0.0, 1.0),
                "percentile_rank": (0.0, 1.0)}.get(self.method)


class WeightsSpec(_Spec):
    """Where the weights of the children of every group come from."""

    method: Literal["catalog", "equal", "pca"] = "catalog"
    scale: bool = Field(False, description="pca: divide each |loading| by the child's sd (the LPI rule).")
    set: str | None = Field(None, description="catalog: a named weight set of the framework.")

    @model_validator(mode="after")
    def _check(self) -> WeightsSpec:
        if self.set is not None and self.method != "catalog":
            raise ValueError(f"a weight 'set' is only used with method 'catalog', found method {self.method!r}")
        if self.scale and self.method != "pca":
            raise ValueError(f"'scale' is only used with method 'pca', found method {self.method!r}")
        return self


class _AggregateBase(_Spec):
    method: AggregateMethod = "arithmetic"
    p: float = Field(2.0, description="power: the exponent (not 0; use geometric for the limit p → 0).")
    min_coverage: float | None = Field(
        None, ge=0, le=1, description="No score when the share of present children is strictly below this.")

    @model_validator(mode="after")
    def _check_p(self) -> _AggregateBase:
        if self.method == "power" and (self.p == 0 or not math.isfinite(self.p)):
            raise ValueError(f"power mean needs a finite p other than 0, found p={self.p} (hint: use geometric for p → 0)")
        return self


class LevelAggregate(_AggregateBase):
    """The aggregation of one tree level (an entry of ``aggregate.by_level``)."""


class AggregateSpec(_AggregateBase):
    """How the children of a group are combined; ``by_level`` overrides per COINr level (2 = above KPIs)."""

    by_level: dict[int, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_levels(self) -> AggregateSpec:
        for level, spec in self.by_level.items():
            if level < 2:
                raise ValueError(f"by_level keys are group levels (2 and up; KPIs are level 1), found {level}")
            try:
                LevelAggregate.model_validate(spec)
            except ValidationError as exc:
                details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                raise ValueError(f"by_level {level}: {details}") from None
        return self


class MaturitySpec(_Spec):
    """How a group gets a maturity level: from its score (``bands``) or from its children's levels."""

    method: MaturityMethod = "score_bands"
    bands: tuple[float, ...] | None = Field(
        None, description="score_bands: ascending cut points on the group score (default: equal bands of the range).")

    @model_validator(mode="after")
    def _check(self) -> MaturitySpec:
        if self.bands is not None:
            if not self.bands or any(not math.isfinite(b) for b in self.bands):
                raise ValueError(f"bands must be a non-empty list of finite numbers, found {self.bands}")
            if any(a >= b for a, b in zip(self.bands, self.bands[1:])):
                raise ValueError(f"bands must be strictly ascending, found {list(self.bands)}")
        return self


class ScoringMethod(_Spec):
    """The complete scoring method; every section has a documented default.

    Example:
        >>> ScoringMethod().model_dump()["aggregate"]["method"]
        'arithmetic'
    """

    denominate: DenominateSpec | None = None
    impute: ImputeSpec | None = None
    screen: ScreenSpec | None = None
    treat: TreatSpec | None = None
    normalise: NormaliseSpec = Field(default_factory=NormaliseSpec)
    weights: WeightsSpec = Field(default_factory=WeightsSpec)
    aggregate: AggregateSpec = Field(default_factory=AggregateSpec)
    maturity: MaturitySpec = Field(default_factory=MaturitySpec)


def _problems(exc: ValidationError, where: str, node: str = "") -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        hint = ""
        if err["type"] == "extra_forbidden":
            hint = "check the spelling; see docs/scoring.md for the keys of each section"
        elif err["type"] == "literal_error":
            hint = "see docs/scoring.md for the methods"
        out.append(Problem(f"{loc}: {msg}" if loc else msg, where=where, node=node, hint=hint, code=err["type"]))
    return out


#: The default method of a catalog whose every KPI has goalposts: absolute scores (goalposts) and
#: group maturity from the KPIs' threshold levels, so nobody's score depends on who else is scored.
ABSOLUTE_DEFAULT: dict[str, Any] = {"normalise": {"method": "goalposts"}, "maturity": {"method": "mean"}}


def default_method(catalog: Catalog) -> dict[str, Any] | None:
    """The catalog's default method: its ``framework.scoring`` block, else :data:`ABSOLUTE_DEFAULT`
    when every KPI has goalposts (categorical KPIs have them implied: levels 1 to the number of
    framework levels), else ``None`` (the library defaults, min-max).

    Example:
        >>> import pmm
        >>> default_method(pmm.load_catalog("indicators/rbm-example"))["normalise"]
        {'method': 'goalposts'}
    """
    if catalog.framework.scoring is not None:
        return catalog.framework.scoring
    if catalog.kpis and all(k.goalposts is not None or k.categorical for k in catalog.kpis):
        return ABSOLUTE_DEFAULT
    return None


def resolve_method(method: ScoringMethod | dict[str, Any] | str | Path | None,
                   catalog_default: dict[str, Any] | None = None) -> ScoringMethod:
    """The complete :class:`ScoringMethod` from a model, a dict, a YAML path, or ``None``.

    ``None`` takes ``catalog_default`` (see :func:`default_method`: the catalog's
    ``framework.scoring`` block, or absolute scoring when every KPI has goalposts), else the library
    defaults. Sections missing from a dict or YAML file take the library defaults.

    Example:
        >>> resolve_method({"weights": {"method": "equal"}}).weights.method
        'equal'
    """
    where = "method"
    if isinstance(method, ScoringMethod):
        return method
    if method is None:
        data: Any = catalog_default or {}
        where = "catalog framework.scoring"
    elif isinstance(method, (str, Path)):
        path = Path(method)
        if not path.is_file():
            raise ScoringError(Problem(f"method file {str(path)!r} does not exist", where="method",
                                       hint="pass a ScoringMethod, a dict, or the path of a YAML file"))
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), str(path))[0] or {}
        except CatalogError as exc:  # the safe YAML reader reports file:line:column
            raise ScoringError(exc.problems) from None
        except (UnicodeDecodeError, OSError) as exc:
            raise ScoringError(Problem(f"cannot read the method file: {getattr(exc, 'reason', None) or exc}",
                                       where=str(path), hint="save it as UTF-8 YAML")) from None
        where = str(path)
    elif isinstance(method, dict):
        data = method
    else:
        raise ScoringError(Problem(f"expected a ScoringMethod, dict, YAML path or None, found {type(method).__name__}",
                                   where="method"))
    if not isinstance(data, dict):
        raise ScoringError(Problem(f"a method is a mapping of sections, found {type(data).__name__}", where=where,
                                   hint="e.g. {normalise: {method: minmax}, aggregate: {method: arithmetic}}"))
    try:
        return ScoringMethod.model_validate(data)
    except ValidationError as exc:
        raise ScoringError(_problems(exc, where)) from None


def merge_section(base: _Spec, override: dict[str, Any] | None, model: type[_Spec], *, node: str,
                  where: str) -> Any:
    """``base`` with the keys of a per-node ``override`` dict replaced, validated as ``model``.

    Raises:
        ScoringError: naming ``node`` when the merged section is invalid.

    Example:
        >>> merge_section(NormaliseSpec(), {"method": "goalposts", "lower": 0, "upper": 10},
        ...               NormaliseSpec, node="k1", where="kpi normalise").method
        'goalposts'
    """
    data = base.model_dump(exclude={"by_level"}) if isinstance(base, AggregateSpec) else base.model_dump()
    if override:
        data.update(override)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScoringError(_problems(exc, where, node)) from None
