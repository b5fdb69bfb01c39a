"""Pydantic models of the catalog format: a framework tree of groups with KPIs as leaves.

The YAML format is documented in ``docs/catalog.md``; its JSON Schema is
``indicators/pmm-catalog.schema.json`` (see :func:`pmm.json_schema`).

Example:
    >>> from pmm.catalog.models import Kpi
    >>> k = Kpi(id="e_decl", name="Rate of electronic declarations", unit="percent",
    ...         direction="higher", parent="paperless",
    ...         maturity={"thresholds": [60, 80, 90, 98], "rationale": "PMM cycle 1 mean 98.1%"})
    >>> k.level_of(95.0)
    4
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

__all__ = [
    "Direction", "Disclosure", "FieldType", "Agg", "DISCLOSURE_ORDER", "DEFAULT_LEVEL_LABELS",
    "SourceField", "Source", "Measure", "SimpleDefinition", "RatioDefinition", "DerivedDefinition",
    "VariationDefinition", "ReportedDefinition", "Definition", "Goalposts", "Maturity", "Progress", "Group", "Kpi",
    "Framework", "CatalogFile", "Period", "Number", "WholeNumber",
]

Direction = Literal["higher", "lower", "target"]
Disclosure = Literal["public", "wco", "restricted", "confidential"]
#: A period label: a year (2023) or a text label ("2023-Q1").
Period = Union[int, str]
FieldType = Literal["string", "integer", "float", "boolean", "date", "datetime", "category"]
Agg = Literal["count", "sum", "mean", "median", "quantile", "min", "max", "count_distinct", "share"]

#: A number written in a catalog: an integer or decimal (not text, not true/false), finite (no .inf or .nan).
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
#: A whole number written as a number (not text, not true/false).
WholeNumber = Annotated[int, Field(strict=True)]

#: Disclosure levels from the most open to the most closed.
DISCLOSURE_ORDER: tuple[str, ...] = ("public", "wco", "restricted", "confidential")
#: The framework-wide maturity labels used when a framework names none.
DEFAULT_LEVEL_LABELS: tuple[str, ...] = ("Emerging", "Developing", "Established", "Advanced", "Leading")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --- canonical sources ----------------------------------------------------------------------------
class SourceField(_Model):
    """One canonical field of a source contract."""

    type: FieldType = Field(description="Value type of the field.")
    required: bool = Field(False, description="Rows missing this field are excluded (and counted).")
    codes: tuple[str, ...] | None = Field(None, description="Allowed codes of a category field.")
    description: str = ""

    @model_validator(mode="after")
    def _codes_only_for_categories(self) -> SourceField:
        if self.codes is not None and self.type != "category":
            raise ValueError(f"'codes' is only allowed for type 'category', found type {self.type!r}")
        if self.type == "category" and not self.codes:
            raise ValueError("a 'category' field needs a non-empty list of 'codes'")
        return self


class Source(_Model):
    """A canonical raw source (``declarations``, ``seizures`` …): a contract of fields."""

    description: str = ""
    member: str = Field("member", description="Field holding the member administration code.")
    time: str | None = Field(None, description="Date/datetime field that assigns rows to periods.")
    key: tuple[str, ...] = Field((), description="Fields that identify a row uniquely (e.g. declaration_id).")
    fields: dict[str, SourceField] = Field(description="Canonical fields by name.")

    @model_validator(mode="after")
    def _refs_are_fields(self) -> Source:
        names = set(self.fields)
        for role, ref in [("member", self.member), ("time", self.time), *[("key", k) for k in self.key]]:
            if ref is not None and ref not in names:
                raise ValueError(f"{role} field {ref!r} is not among the declared fields {sorted(names)}")
        if self.time is not None and self.fields[self.time].type not in ("date", "datetime"):
            raise ValueError(f"time field {self.time!r} must be a date or datetime, found {self.fields[self.time].type!r}")
        return self


# --- computed definitions ---------------------------------------------------------------------------
class Measure(_Model):
    """A simple aggregation of one source: ``agg`` of ``expr`` over rows passing ``filter``.

    ``count`` counts rows (``expr`` not needed); ``share`` is the fraction (0–1) of rows where the
    boolean ``expr`` holds; ``quantile`` needs ``q``.
    """

    source: str = Field(description="Canonical source the measure reads.")
    agg: Agg
    expr: str | None = Field(None, description="Expression aggregated (a field or a formula).")
    filter: str | None = Field(None, description="Condition selecting the rows.")
    q: Number | None = Field(None, gt=0, lt=1, description="Quantile for agg 'quantile' (0-1).")

    @model_validator(mode="after")
    def _agg_arguments(self) -> Measure:
        if self.agg == "quantile" and self.q is None:
            raise ValueError("agg 'quantile' needs 'q' (e.g. q: 0.9)")
        if self.agg != "quantile" and self.q is not None:
            raise ValueError(f"'q' is only used with agg 'quantile', found agg {self.agg!r}")
        if self.agg not in ("count",) and self.expr is None:
            raise ValueError(f"agg {self.agg!r} needs an 'expr' (the field or formula to aggregate)")
        return self


def _inherit_source(data: Any, keys: tuple[str, ...]) -> Any:
    """Let measures inside a definition inherit the definition's ``source``."""
    if isinstance(data, dict) and "source" in data:
        data = dict(data)
        for key in keys:
            sub = data.get(key)
            if isinstance(sub, dict) and "source" not in sub:
                data[key] = {"source": data["source"], **sub}
            if key == "measures" and isinstance(sub, dict):
                data[key] = {n: ({"source": data["source"], **m} if isinstance(m, dict) and "source" not in m else m)
                             for n, m in sub.items()}
    return data


class SimpleDefinition(Measure):
    """``type: simple`` — one measure, optionally multiplied by ``scale``."""

    type: Literal["simple"]
    scale: Number = Field(1.0, description="Factor applied to the result (100 for a percentage share).")


class RatioDefinition(_Model):
    """``type: ratio`` — numerator / denominator × scale (no value when the denominator is 0)."""

    type: Literal["ratio"]
    source: str | None = Field(None, description="Default source of both measures.")
    numerator: Measure
    denominator: Measure
    scale: Number = Field(1.0, description="Factor applied to the ratio (100 for percent).")

    _fill = model_validator(mode="before")(lambda data: _inherit_source(data, ("numerator", "denominator")))


class DerivedDefinition(_Model):
    """``type: derived`` — arithmetic ``expr`` over named measures."""

    type: Literal["derived"]
    source: str | None = Field(None, description="Default source of the measures.")
    measures: dict[str, Measure] = Field(min_length=1)
    expr: str = Field(description="Arithmetic over the measure names, e.g. 'collected / target * 100'.")
    scale: Number = 1.0

    _fill = model_validator(mode="before")(lambda data: _inherit_source(data, ("measures",)))


class VariationDefinition(_Model):
    """``type: variation`` — relative change of a measure from period T−lag to T, × scale.

    The value is ``(X_T − X_{T−lag}) / X_{T−lag} × scale``; it needs the previous period and
    is ``insufficient_data`` when that value is missing or zero.
    """

    type: Literal["variation"]
    source: str | None = None
    measure: Measure
    lag: WholeNumber = Field(1, ge=1, description="How many periods back the comparison period is.")
    scale: Number = Field(100.0, description="Factor applied to the relative change (100 for percent).")

    _fill = model_validator(mode="before")(lambda data: _inherit_source(data, ("measure",)))


class ReportedDefinition(_Model):
    """``type: reported`` — the member reports the value (self-assessment, questionnaire)."""

    type: Literal["reported"]
    question: str = Field("", description="The question asked of the member, if any.")


Definition = Annotated[
    Union[SimpleDefinition, RatioDefinition, DerivedDefinition, VariationDefinition, ReportedDefinition],
    Field(discriminator="type"),
]


# --- framework tree ---------------------------------------------------------------------------------
class Goalposts(_Model):
    """Fixed lower/upper goalposts for normalisation (in the KPI's unit).

    A value at ``lower`` scores 0 and a value at ``upper`` the full scale (reversed for
    ``direction: lower``); they make a KPI's score independent of the other members scored.
    """

    lower: Number
    upper: Number
    rationale: str = Field("", description="One line on why these goalposts.")

    @model_validator(mode="after")
    def _ordered(self) -> Goalposts:
        if not self.lower < self.upper:
            raise ValueError(f"goalposts need lower < upper, found lower={self.lower}, upper={self.upper}")
        return self


class Maturity(_Model):
    """How a KPI value becomes a maturity level (1 = lowest).

    Numeric KPIs give ``thresholds``: cut points between consecutive levels, ascending for
    ``direction: higher`` and descending for ``lower``; for ``target`` they apply to the distance
    from the target (or band) and are descending. A value equal to a cut point reaches the higher
    level unless ``inclusive`` is false. Categorical KPIs give ``answers`` (answer → level).
    """

    thresholds: tuple[Number, ...] | None = None
    inclusive: bool = True
    answers: dict[str, WholeNumber] | None = None
    rationale: str = Field("", description="One line on why these cut points.")

    @model_validator(mode="after")
    def _one_kind(self) -> Maturity:
        if (self.thresholds is None) == (self.answers is None):
            raise ValueError("maturity needs either 'thresholds' (numeric KPI) or 'answers' (categorical KPI)")
        if self.thresholds is not None:
            if len(self.thresholds) < 1:
                raise ValueError("maturity 'thresholds' needs at least one cut point")
            if any(not math.isfinite(t) for t in self.thresholds):
                raise ValueError("maturity 'thresholds' must be finite numbers")
        if self.answers is not None and any(level < 1 for level in self.answers.values()):
            raise ValueError("maturity 'answers' map to levels 1 and up")
        return self


class Progress(_Model):
    """How an achievement ``a = (value − baseline) / (target − baseline)`` becomes a status.

    ``cuts`` are ascending cut points between consecutive ``labels`` (lowest first); a value
    reaches a cut when ``a ≥ cut`` (``inclusive``) or ``a > cut``. The default reads
    "not achieved" (a ≤ 0), "partly achieved" (0 < a < 1), "achieved" (a ≥ 1). When ``cuts`` are
    given without ``inclusive``, every cut is inclusive. The last label means "achieved" when
    groups roll progress up.

    Example:
        >>> Progress().status_of(0.0), Progress().status_of(0.4), Progress().status_of(1.0)
        ('not achieved', 'partly achieved', 'achieved')
        >>> Progress(cuts=[0.5, 0.9], labels=["red", "amber", "green"]).status_of(0.9)
        'green'
    """

    cuts: tuple[Number, ...] = Field((0.0, 1.0), description="Ascending cut points on the achievement.")
    labels: tuple[str, ...] = Field(("not achieved", "partly achieved", "achieved"),
                                    description="Status labels, lowest first (one more than cuts).")
    inclusive: tuple[bool, ...] = Field(description="Per cut: reached when a ≥ cut (true) or a > cut (false).")

    @model_validator(mode="before")
    @classmethod
    def _default_inclusive(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("inclusive") is None:
            data = {**data, "inclusive": ([True] * len(data["cuts"]) if isinstance(data.get("cuts"), (list, tuple))
                                          else (False, True))}
        elif isinstance(data, dict) and isinstance(data["inclusive"], bool):
            cuts = data.get("cuts", (0.0, 1.0))
            data = {**data, "inclusive": [data["inclusive"]] * (len(cuts) if isinstance(cuts, (list, tuple)) else 1)}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Progress:
        if not self.cuts or any(not math.isfinite(c) for c in self.cuts):
            raise ValueError(f"progress 'cuts' must be a non-empty list of finite numbers, found {list(self.cuts)}")
        if any(a >= b for a, b in zip(self.cuts, self.cuts[1:])):
            raise ValueError(f"progress 'cuts' must be strictly ascending, found {list(self.cuts)}")
        if len(self.labels) != len(self.cuts) + 1:
            raise ValueError(f"progress needs one label more than cuts: {len(self.cuts)} cuts, "
                             f"{len(self.labels)} labels {list(self.labels)}")
        if len(set(self.labels)) != len(self.labels):
            raise ValueError(f"progress 'labels' must be distinct, found {list(self.labels)}")
        if len(self.inclusive) != len(self.cuts):
            raise ValueError(f"progress 'inclusive' needs one flag per cut ({len(self.cuts)}), "
                             f"found {list(self.inclusive)}")
        return self

    def status_of(self, achievement: float | None) -> str | None:
        """The status label of one achievement (``None`` when there is none)."""
        if achievement is None or math.isnan(achievement):
            return None
        position = sum(achievement >= c if inc else achievement > c for c, inc in zip(self.cuts, self.inclusive))
        return self.labels[position]


class _Node(_Model):
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$", description="Stable unique id.")
    name: str = Field(min_length=1)
    description: str = ""
    parent: str | None = Field(None, description="Id of the parent group (default: the framework root).")
    weight: Number = Field(1.0, gt=0, description="Relative weight among siblings.")
    aggregate: dict[str, Any] | None = Field(None, description="Aggregation override for this node's children.")


class Group(_Node):
    """An inner node: a dimension, an expected outcome, a sub-index…"""

    kind: str = Field("group", description="Label of the tier, e.g. 'dimension' or 'outcome'.")
    maturity_method: dict[str, Any] | None = Field(
        None, description="Group maturity override, e.g. {method: weakest_link}.")


class Kpi(_Node):
    """A leaf of the framework: a key performance indicator."""

    unit: str = Field(min_length=1, description="percent, hours, days, count, ratio, currency, score, …")
    direction: Direction
    target: Number | None = Field(None, description="Target value (required for direction 'target').")
    band: tuple[Number, Number] | None = Field(None, description="Target band [low, high] for direction 'target'.")
    baseline: Number | None = Field(None, description="Value at the start (the baseline period), for progress.")
    baseline_period: Period | None = Field(
        None, description="Period of the baseline; a cumulative KPI totals the periods after it.")
    targets: dict[Period, Number] = Field(
        default_factory=dict, description="Targets (milestones) per period; 'target' applies to other periods.")
    cumulative: bool = Field(False, description="Progress is measured on the running total of the values.")
    goalposts: Goalposts | None = None
    definition: Definition = Field(default_factory=lambda: ReportedDefinition(type="reported"))
    data_source: str = Field("", description="Where the value comes from (means of verification): a survey, "
                                             "a register, a report.")
    maturity: Maturity | None = None
    normalise: dict[str, Any] | None = Field(None, description="Normalisation override for this KPI.")
    denominator: str | None = Field(None, min_length=1, description=(
        "Members-table column this KPI is divided by when the method has a 'denominate' section (COINr Denominator)."))
    denominator_scale: float = Field(1.0, gt=0, description="Factor applied after dividing by the denominator.")
    treat: dict[str, Any] | Literal["none"] | None = Field(
        None, description="Outlier-treatment override for this KPI: keys of the method's 'treat' section, or 'none'.")
    disclosure: Disclosure = "public"
    tags: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _reported_shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("definition") == "reported":
            data = {**data, "definition": {"type": "reported"}}
        return data

    @model_validator(mode="after")
    def _direction_needs(self) -> Kpi:
        if self.direction == "target" and self.target is None and self.band is None:
            raise ValueError("direction 'target' needs a 'target' value or a 'band'")
        if self.band is not None and not self.band[0] <= self.band[1]:
            raise ValueError(f"band needs low <= high, found {list(self.band)}")
        if self.categorical and (self.denominator is not None or self.treat not in (None, "none")):
            raise ValueError("a categorical KPI (maturity 'answers') cannot have a 'denominator' or a 'treat' override")
        if self.cumulative and self.categorical:
            raise ValueError("'cumulative: true' needs a numeric KPI (running totals of answers mean nothing)")
        return self

    @field_validator("maturity")
    @classmethod
    def _thresholds_monotone(cls, maturity: Maturity | None, info: ValidationInfo) -> Maturity | None:
        direction = info.data.get("direction")
        th = maturity.thresholds if maturity else None
        if th is None or len(th) < 2 or direction is None:
            return maturity
        steps = list(zip(th, th[1:]))
        if direction == "higher" and not all(a < b for a, b in steps):
            raise ValueError(f"thresholds must be strictly ascending for direction 'higher', found {list(th)}")
        if direction != "higher" and not all(a > b for a, b in steps):
            raise ValueError(f"thresholds must be strictly descending for direction {direction!r} "
                             f"(for 'target' they apply to the distance from the target), found {list(th)}")
        return maturity

    @property
    def categorical(self) -> bool:
        """Whether values are answers (mapped to levels) rather than numbers."""
        return self.maturity is not None and self.maturity.answers is not None

    @property
    def computed(self) -> bool:
        """Whether the value is computed from raw sources (not reported)."""
        return self.definition.type != "reported"

    @property
    def requires_previous_period(self) -> bool:
        """Whether computing the value needs the previous period's data (variation KPIs)."""
        return self.definition.type == "variation"

    def level_of(self, value: float | str | None) -> int | None:
        """The maturity level of one value (1 = lowest), or ``None`` when there is none.

        Example:
            >>> k = Kpi(id="t", name="Release time", unit="hours", direction="lower",
            ...         maturity={"thresholds": [72, 48, 24, 6]})
            >>> k.level_of(24), k.level_of(24.5), k.level_of(100)
            (4, 3, 1)
        """
        if self.maturity is None or value is None:
            return None
        if self.maturity.answers is not None:
            return self.maturity.answers.get(str(value))
        x = float(value)
        if math.isnan(x):
            return None
        if self.direction == "target":
            lo, hi = self.band if self.band is not None else (self.target, self.target)
            x = max(lo - x, x - hi, 0.0)
        sign = 1.0 if self.direction == "higher" else -1.0
        level = 1
        for cut in self.maturity.thresholds or ():
            reached = sign * x >= sign * cut if self.maturity.inclusive else sign * x > sign * cut
            level += reached
        return level


class Framework(_Model):
    """The root of a catalog: the overall index, its metadata and framework-wide settings."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$")
    name: str = Field(min_length=1)
    description: str = ""
    version: str = "1"
    notice: str = Field("", description="Provenance or disclaimer shown with every output.")
    levels: tuple[str, ...] = Field(DEFAULT_LEVEL_LABELS, min_length=2, description="Maturity labels, lowest first.")
    aggregate: dict[str, Any] | None = Field(None, description="Aggregation override for the root's children.")
    scoring: dict[str, Any] | None = Field(None, description="Default scoring method (see docs/scoring.md).")
    weight_sets: dict[str, dict[str, Number]] = Field(
        default_factory=dict, description="Named alternative weights: set name → {node id: weight}.")
    progress: Progress = Field(default_factory=Progress,
                               description="Achievement cut points and status labels (see docs/scoring.md).")
    insufficient_data: Literal["exclude", "lowest"] = Field(
        "exclude", description="How 'insufficient_data' KPIs are scored: excluded, or at the lowest level (PEFA D*).")

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, levels: tuple[str, ...]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for label in levels:
            key = label.strip().casefold()
            if not key:
                raise ValueError("maturity level labels must not be empty")
            if key in seen:
                raise ValueError(f"maturity level labels must be distinct, found {seen[key]!r} and {label!r}")
            seen[key] = label
        return levels


class CatalogFile(_Model):
    """One YAML file of a catalog. A catalog is one file or a directory of them.

    Exactly one file of a catalog has ``framework``; ``sources``, ``groups`` and ``kpis`` may be
    spread over any number of files.
    """

    schema_: str | None = Field(None, alias="$schema", description="Path or URL of the JSON Schema (ignored).")
    framework: Framework | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    groups: tuple[Group, ...] = ()
    kpis: tuple[Kpi, ...] = ()
