"""Synthetic self-assessment answers for the ``reported`` KPIs of a catalog.

A reported KPI is not computed from raw data: the member answers a question. The answers drawn
here follow the member's latent maturity (see :mod:`pmm.datasets.members`) plus a persistent
member × KPI deviation (nobody is equally good at everything) and a little yearly noise:

- **numeric KPIs with maturity thresholds**: the member's position (0–1) is spread over the
  maturity levels, and the value interpolated between the thresholds of the level it falls in
  (beyond the outer thresholds by one more step), so a member at position 0.9 of a five-level
  KPI answers a value inside level 5. ``direction: lower`` uses the descending thresholds the
  same way; ``direction: target`` draws a distance from the target (or band) and puts the value
  on either side. Percentages stay within 0–100 and non-negative scales stay non-negative.
- **numeric KPIs without thresholds**: between the goalposts when there are some, else on 0–100.
- **categorical KPIs** (``maturity.answers``): the answer whose level is nearest to the
  member's position on the answers' level range.
- **status**: ``ok``; ``not_applicable`` for a few member × KPI pairs (the same in every year,
  as for a national specificity); ``not_reported`` more often for weaker members and for
  KPIs that are hard to measure (each KPI gets its own coverage, as in the PMM's first cycle).
  The value is missing unless the status is ``ok``.

Example:
    >>> import pmm
    >>> from pmm.datasets import synthetic_answers
    >>> cat = pmm.load_catalog("wco-pmm")
    >>> a = synthetic_answers(cat, members=4, years=[2023, 2024])
    >>> list(a.columns)
    ['member', 'period', 'kpi', 'value', 'status']
    >>> reported = [k.id for k in cat.kpis if k.definition.type == "reported"]
    >>> len(a) == 4 * 2 * len(reported)
    True
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pmm.catalog import Catalog, as_catalog
from pmm.catalog.models import Kpi
from pmm.datasets.members import member_profiles, member_rng, normalise_years

__all__ = ["synthetic_answers", "answer_value"]

_NOT_APPLICABLE = 0.03


def _interpolate(position: float, cuts: tuple[float, ...]) -> float:
    """The value at ``position`` (0–1) on the scale split into levels by ``cuts`` (ascending or descending).

    Each level gets an equal share of the position range; the outer levels extend one step
    (the neighbouring gap, or the cut's own size for a single cut) beyond the outer cuts.
    """
    if len(cuts) == 1:
        step = abs(cuts[0]) or 1.0
        edges = [cuts[0] - step, cuts[0], cuts[0] + step]
    else:
        edges = [cuts[0] - (cuts[1] - cuts[0]), *cuts, cuts[-1] + (cuts[-1] - cuts[-2])]
    x = min(max(position, 0.0), 1.0 - 1e-9) * (len(edges) - 1)
    i = int(x)
    return edges[i] + (x - i) * (edges[i + 1] - edges[i])


def _unit_range(kpi: Kpi) -> tuple[float, float]:
    """The values a KPI's unit allows: 0–100 for percentages, non-negative for non-negative scales."""
    if kpi.unit in ("percent", "%"):
        return 0.0, 100.0
    cuts = kpi.maturity.thresholds if kpi.maturity and kpi.maturity.thresholds else ()
    anchors = [*cuts, *(kpi.band or ()), *([kpi.target] if kpi.target is not None else [])]
    return (0.0, math.inf) if all(a >= 0 for a in anchors) else (-math.inf, math.inf)


def answer_value(kpi: Kpi, position: float, rng: np.random.Generator) -> float | str:
    """The answer of a member at ``position`` (0 = weakest, 1 = best) to a reported KPI.

    Example:
        >>> from pmm.catalog.models import Kpi
        >>> k = Kpi(id="k", name="Share of staff trained", unit="percent", direction="higher",
        ...         maturity={"thresholds": [20, 40, 60, 80]})
        >>> v = answer_value(k, 0.9, np.random.default_rng(0))
        >>> round(v, 2), k.level_of(v)
        (90.0, 5)
    """
    maturity = kpi.maturity
    if maturity is not None and maturity.answers:
        levels = np.array(list(maturity.answers.values()), dtype=float)
        wanted = levels.min() + position * (levels.max() - levels.min())
        distance = np.abs(levels - wanted)
        nearest = np.flatnonzero(distance == distance.min())
        return list(maturity.answers)[int(rng.choice(nearest))]
    if maturity is not None and maturity.thresholds:
        if kpi.direction == "target":  # a distance from the target or band, on a side the unit allows
            distance = max(_interpolate(position, maturity.thresholds), 0.0)
            low, high = kpi.band if kpi.band is not None else (kpi.target, kpi.target)
            lowest, highest = _unit_range(kpi)
            sides = [v for v in (low - distance, high + distance) if lowest <= v <= highest] or [low, high]
            value = sides[int(rng.integers(len(sides)))]
        else:
            value = _interpolate(position, maturity.thresholds)
    elif kpi.goalposts is not None:
        low, high = kpi.goalposts.lower, kpi.goalposts.upper
        value = low + (position if kpi.direction != "lower" else 1.0 - position) * (high - low)
    elif kpi.direction == "target":
        centre = kpi.target if kpi.target is not None else sum(kpi.band) / 2
        value = centre + (1.0 - position) * (abs(centre) or 1.0) * 0.5 * rng.choice([-1.0, 1.0])
    else:
        value = 100.0 * (position if kpi.direction == "higher" else 1.0 - position)
    lowest, highest = _unit_range(kpi)
    value = min(max(value, lowest), highest)
    return float(round(value)) if kpi.unit == "count" else round(value, 2)


def synthetic_answers(catalog: Catalog | str | os.PathLike[str], members: int | Iterable[str] = 22,
                      years: int | Iterable[int] = (2022, 2023, 2024), seed: int = 0) -> pd.DataFrame:
    """Self-assessment answers of each member and year to every ``reported`` KPI of a catalog.

    Args:
        catalog: a :class:`pmm.Catalog`, or a path or shipped catalog name for :func:`pmm.load_catalog`.
        members: how many fictitious members, or a list of member codes.
        years: one year, a range or a list of calendar years.
        seed: random seed; a member's answers depend only on the seed, its code, the KPI and the year.

    Returns:
        The KPI-values table: ``member``, ``period`` (the year as a string, ``"2024"``), ``kpi``,
        ``value`` (a number, or the answer for categorical KPIs; missing unless the status is
        ``ok``; ``object`` dtype when the catalog has categorical reported KPIs, else
        ``float64``) and ``status`` (``ok``, ``not_applicable`` or ``not_reported``), one
        row per member, year and reported KPI.

    Example:
        >>> import pmm
        >>> a = synthetic_answers(pmm.load_catalog("wco-pmm"), members=["XMB"], years=2024)
        >>> set(a["status"]) <= {"ok", "not_applicable", "not_reported"}
        True
    """
    catalog = as_catalog(catalog)
    kpis = [k for k in catalog.kpis if k.definition.type == "reported"]
    profiles = member_profiles(members, seed)
    year_list = normalise_years(years)
    rows = []
    for profile in profiles:
        for kpi in kpis:
            pair = member_rng(seed, profile.member, f"answers:{kpi.id}")
            deviation = pair.normal(0.0, 0.08)
            not_applicable = pair.random() < _NOT_APPLICABLE
            coverage = member_rng(seed, "*", f"coverage:{kpi.id}").uniform(0.82, 1.0)
            for year in year_list:
                rng = member_rng(seed, profile.member, f"answers:{kpi.id}:{year}")
                m = float(profile.maturity(year))
                position = min(max(m + deviation + rng.normal(0.0, 0.03), 0.0), 1.0)
                if not_applicable:
                    status, value = "not_applicable", None
                elif rng.random() < (1.0 - coverage) + 0.06 * (1.0 - m):
                    status, value = "not_reported", None
                else:
                    status, value = "ok", answer_value(kpi, position, rng)
                rows.append((profile.member, str(year), kpi.id, value, status))
    table = pd.DataFrame(rows, columns=["member", "period", "kpi", "value", "status"])
    categorical = any(k.categorical for k in kpis)
    values = table["value"]
    table["value"] = values.astype(object).where(values.notna(), None) if categorical else values.astype("float64")
    for name in ("member", "period", "kpi", "status"):
        table[name] = table[name].astype("str")
    return table
