"""Plain-language descriptions of KPI definitions and maturity rules, for forms and reports.

Example:
    >>> from pmm.catalog.models import Kpi
    >>> k = Kpi(id="t", name="Release time", unit="hours", direction="lower",
    ...         maturity={"thresholds": [72, 48, 24, 6]})
    >>> describe_thresholds(k)
    'level 2 at ≤ 72, level 3 at ≤ 48, level 4 at ≤ 24, level 5 at ≤ 6 (lower is better)'
"""

from __future__ import annotations

from pmm.catalog.models import Kpi, Measure

__all__ = ["describe_definition", "describe_thresholds", "plain_definition"]


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
