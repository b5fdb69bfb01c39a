"""Plain-language descriptions of KPI definitions and maturity rules, for forms and reports.

Example:
    >>> from pmm.catalog.models import Kpi
    >>> k = Kpi(id="t", name="Release time", unit="hours", direction="lower",
    ...         maturity={"thresholds": [72, 48, 24, 6]})
    >>> describe_thresholds(k)
    'level 2 at ≤ 72, level 3 at ≤ 48, level 4 at ≤ 24, level 5 at ≤ 6 (lower is better)'
"""

from __future__ import annotations

from typing import Any

from pmm.catalog.models import Kpi, Measure

__all__ = ["describe_definition", "describe_method", "describe_thresholds", "plain_definition"]


def _measure(m: Measure) -> str:
    what = "number of rows" if m.agg == "count" else f"{m.agg}{f' (q={m.q:g})' if m.q else ''} of {m.expr}"
    where = f" where {m.filter}" if m.filter else ""
    return f"{what} in {m.source}{where}"


def _scaled(text: str, scale: float) -> str:
    return text if scale == 1 else f"{text} × {scale:g}"


def describe_definition(kpi: Kpi) -> str:
    """How a KPI's value is obtained, in one line (the question for reported KPIs).

    Example:
        >>> from pmm.catalog.models import Kpi
        >>> k = Kpi(id="e", name="Electronic declarations", unit="percent", direction="higher",
        ...         definition={"type": "ratio", "source": "declarations", "scale": 100,
        ...                     "numerator": {"agg": "count", "filter": "electronic"},
        ...                     "denominator": {"agg": "count"}})
        >>> describe_definition(k)
        '(number of rows in declarations where electronic) / (number of rows in declarations) × 100'
    """
    d = kpi.definition
    if d.type == "reported":
        return d.question or kpi.description or f"Reported by the member ({kpi.unit})."
    if d.type == "simple":
        return _scaled(_measure(d), d.scale)
    if d.type == "ratio":
        return _scaled(f"({_measure(d.numerator)}) / ({_measure(d.denominator)})", d.scale)
    if d.type == "derived":
        parts = "; ".join(f"{name} = {_measure(m)}" for name, m in d.measures.items())
        return _scaled(f"{d.expr}, with {parts}", d.scale)
    return _scaled(f"relative change of ({_measure(d.measure)}) from period T−{d.lag} to T", d.scale)


def plain_definition(kpi: Kpi) -> str | None:
    """What a respondent reads on a form: the question of a reported KPI, else the KPI's ``description``.

    The catalog's ``description`` is the plain-language definition (what is counted, over what, in
    words); the formula stays in the report's methodology (:func:`describe_definition`). ``None``
    when the catalog gives neither.

    Example:
        >>> from pmm.catalog.models import Kpi
        >>> k = Kpi(id="e", name="Electronic declarations", unit="percent", direction="higher",
        ...         description="Share of declarations lodged electronically.",
        ...         definition={"type": "simple", "source": "declarations", "agg": "share", "expr": "electronic"})
        >>> plain_definition(k)
        'Share of declarations lodged electronically.'
    """
    d = kpi.definition
    text = (d.question if d.type == "reported" else "") or kpi.description
    return text.strip() or None


def describe_thresholds(kpi: Kpi) -> str:
    """The maturity rule of a KPI in one line (cut points or answer → level).

    Example:
        >>> from pmm.catalog.models import Kpi
        >>> k = Kpi(id="a", name="Risk management", unit="answer", direction="higher",
        ...         maturity={"answers": {"none": 1, "partial": 3, "full": 5}})
        >>> describe_thresholds(k)
        'none → 1, partial → 3, full → 5'
    """
    m = kpi.maturity
    if m is None:
        return "no maturity levels"
    if m.answers is not None:
        return ", ".join(f"{answer} → {level}" for answer, level in m.answers.items())
    sign = "≥" if kpi.direction == "higher" else "≤"
    if not m.inclusive:
        sign = sign.replace("≥", ">").replace("≤", "<")
    cuts = ", ".join(f"level {i + 2} at {sign} {t:g}" for i, t in enumerate(m.thresholds or ()))
    if kpi.direction == "target":
        where = f"band {kpi.band[0]:g}–{kpi.band[1]:g}" if kpi.band else f"target {kpi.target:g}"
        return f"{cuts} (distance from the {where})"
    return f"{cuts} ({kpi.direction} is better)"


_AGGREGATES = {"arithmetic": "the weighted arithmetic mean", "geometric": "the weighted geometric mean",
               "harmonic": "the weighted harmonic mean", "median": "the median", "minimum": "the lowest score",
               "copeland": "Copeland's pairwise-majority count"}
_MATURITY = {"mean": "the weighted mean of its KPIs' maturity levels",
             "averaging": "the average of its children's maturity levels",
             "weakest_link": "the lowest maturity level among its children (weakest link)",
             "score_bands": "read from its score, by bands"}


def _settings(spec: Any, skip: tuple[str, ...] = ("method",)) -> str:
    """The settings of a stage that differ from their defaults and apply to its method, as ``name value``."""
    method = getattr(spec, "method", None)
    out = []
    for name, info in type(spec).model_fields.items():
        value = getattr(spec, name)
        doc = info.description or ""
        applies = ":" not in doc.split(" ")[0] or doc.split(":")[0] == method
        if name in skip or not applies or value == info.default or value in (None, {}, ()):
            continue
        out.append(f"{info.alias or name} {value}")
    return f" ({', '.join(out)})" if out else ""


def describe_method(method: Any) -> list[tuple[str, str]]:
    """The scoring method in sentences, one per step in use (``(step, sentence)``), for the report.

    Steps left out of the method (no imputation, no treatment …) are not listed; settings are
    named only when they differ from their defaults.

    Example:
        >>> from pmm.scoring.method import ScoringMethod
        >>> for step, text in describe_method(ScoringMethod()):
        ...     print(f"{step}: {text}")
        Normalisation: Each KPI is rescaled from its lowest to its highest member's value onto 0–100, period by period.
        Weights: The catalog's weights, relative among siblings.
        Aggregation: A group's score is the weighted arithmetic mean of its children's scores.
        Maturity levels: A KPI's level comes from its thresholds; a group's level is read from its score, by bands.
    """
    steps: list[tuple[str, str]] = []
    for stage, label in (("denominate", "Denomination"), ("impute", "Imputation"), ("screen", "Screening"),
                         ("treat", "Outlier treatment")):
        spec = getattr(method, stage, None)
        if spec is not None:
            kind = getattr(spec, "method", None)
            steps.append((label, f"{kind + ' method' if kind else 'on'}{_settings(spec)}."))
    n = method.normalise
    per = "all periods pooled" if n.pooled else "period by period"
    if n.method == "minmax":
        text = f"each KPI is rescaled from its lowest to its highest member's value onto {n.range[0]:g}–{n.range[1]:g}"
    elif n.method == "goalposts":
        posts = "" if n.lower is None and n.upper is None else f" ({n.lower:g} to {n.upper:g})"
        text = (f"each KPI is scored between its goalposts{posts}: the lower post scores 0, the upper {n.scale:g}"
                + ("; values beyond the posts are clipped" if n.truncate else ""))
    elif n.method == "zscore":
        text = f"each KPI is standardised to z-scores with mean {n.mean:g} and standard deviation {n.sd:g}"
    else:
        text = f"each KPI is normalised by the {n.method.replace('_', ' ')} method{_settings(n, ('method', 'pooled'))}"
    steps.append(("Normalisation", f"{text}, {per}."))
    w = method.weights
    weights = {"catalog": "the catalog's weights" + (f" (weight set {w.set!r})" if w.set else "") + ", relative among siblings",
               "equal": "equal weights among siblings",
               "pca": "weights from the first principal component of each group's children"
                      + (", divided by each child's standard deviation" if w.scale else "")}[w.method]
    steps.append(("Weights", f"{weights}."))
    a = method.aggregate
    how = _AGGREGATES.get(a.method, f"the power mean with p = {a.p:g}")
    coverage = "" if a.min_coverage is None else \
        f", when children holding at least {a.min_coverage:.0%} of the weight have a score".replace("%", " %")
    levels = "".join(f"; at level {level}: {_AGGREGATES.get(spec.get('method', 'arithmetic'), spec.get('method'))}"
                     for level, spec in sorted(a.by_level.items()))
    steps.append(("Aggregation", f"a group's score is {how} of its children's scores{coverage}{levels}."))
    m = method.maturity
    bands = f" ({', '.join(f'{b:g}' for b in m.bands)})" if getattr(m, "bands", None) else ""
    steps.append(("Maturity levels", "a KPI's level comes from its thresholds; a group's level is "
                  f"{_MATURITY.get(m.method, m.method)}{bands}."))
    return [(step, text[0].upper() + text[1:]) for step, text in steps]
