"""Maturity levels: of KPIs (catalog thresholds or answers) and of groups (four methods).

KPI levels follow :meth:`pmm.catalog.models.Kpi.level_of`, vectorised: level = 1 + the number of
cut points reached (``inclusive``: a value on a cut point reaches it). Group methods:

- ``score_bands``: 1 + the number of ascending ``bands`` the group score reaches (≥);
- ``weakest_link`` (PEFA M1): the lowest child level, "+" when any other child is higher;
- ``averaging`` (PEFA M2): the conversion table in ``pefa_m2.yaml`` for 2, 3 or 4 children;
- ``mean``: the mean of the child levels rounded half up.

Example:
    >>> import numpy as np
    >>> weakest_link(np.array([[3.0, 2.0, 4.0], [2.0, 2.0, np.nan]]))
    (array([2., 2.]), array([ True, False]))
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np
import yaml

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["kpi_levels", "score_bands", "weakest_link", "averaging", "mean_level", "pefa_m2_table"]


def kpi_levels(level_input: np.ndarray, catalog: Catalog) -> np.ndarray:
    """Maturity level of every KPI value (NaN where the value or the KPI's thresholds are absent).

    Args:
        level_input: shape ``(..., kpi)`` in catalog KPI order; numeric values, levels for
            categorical KPIs, and distances to the target or band for ``direction: target``.
        catalog: the catalog giving thresholds and directions.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> x = np.full(len(cat.kpi_ids), np.nan); x[cat.kpi_ids.index("participants")] = 250
        >>> int(kpi_levels(x, cat)[cat.kpi_ids.index("participants")])
        3
    """
    kpis = catalog.kpis
    width = max([len(k.maturity.thresholds) for k in kpis if k.maturity and k.maturity.thresholds] or [0])
    cuts = np.full((len(kpis), max(width, 1)), np.nan)
    sign = np.ones(len(kpis))
    inclusive = np.ones(len(kpis), dtype=bool)
    has_cuts = np.zeros(len(kpis), dtype=bool)
    categorical = np.zeros(len(kpis), dtype=bool)
    for i, kpi in enumerate(kpis):
        if kpi.maturity is None:
            continue
        if kpi.categorical:
            categorical[i] = True
            continue
        th = kpi.maturity.thresholds
        cuts[i, :len(th)] = th
        sign[i] = 1.0 if kpi.direction == "higher" else -1.0
        inclusive[i] = kpi.maturity.inclusive
        has_cuts[i] = True
    x = (level_input * sign)[..., None]
    c = cuts * sign[:, None]
    with np.errstate(invalid="ignore"):
        reached = np.where(inclusive[:, None], x >= c, x > c)
    levels = 1.0 + reached.sum(axis=-1)
    levels = np.where(has_cuts & ~np.isnan(level_input), levels, np.nan)
    return np.where(categorical, level_input, levels)


def score_bands(score: np.ndarray, bands: tuple[float, ...]) -> np.ndarray:
    """1 + the number of ascending cut points the score reaches; NaN where the score is NaN.

    Example:
        >>> score_bands(np.array([10.0, 20.0, 99.0, np.nan]), (20.0, 40.0, 60.0, 80.0)).tolist()
        [1.0, 2.0, 5.0, nan]
    """
    with np.errstate(invalid="ignore"):
        level = 1.0 + (score[..., None] >= np.asarray(bands)).sum(axis=-1)
    return np.where(np.isnan(score), np.nan, level)


def weakest_link(child_levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PEFA M1: the lowest present child level, and "+" where any other present child is higher.

    Args:
        child_levels: shape ``(..., child)``; NaN children (missing, not applicable) are skipped.

    Returns:
        (level, plus) with NaN level where no child has a level.

    Example:
        >>> weakest_link(np.array([[1.0, 4.0]]))     # (D, A) → D+
        (array([1.]), array([ True]))
    """
    present = ~np.isnan(child_levels)
    low = np.where(present, child_levels, np.inf).min(axis=-1)
    high = np.where(present, child_levels, -np.inf).max(axis=-1)
    any_present = present.any(axis=-1)
    return np.where(any_present, low, np.nan), any_present & (high > low)


def mean_level(child_levels: np.ndarray) -> np.ndarray:
    """The mean of the present child levels rounded half up (2.5 → 3).

    Example:
        >>> mean_level(np.array([[1.0, 2.0], [1.0, 1.0], [np.nan, np.nan]])).tolist()
        [2.0, 1.0, nan]
    """
    present = ~np.isnan(child_levels)
    count = present.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, child_levels, 0.0).sum(axis=-1) / count
    return np.where(count > 0, np.floor(mean + 0.5), np.nan)


@cache
def pefa_m2_table() -> dict[str, object]:
    """The PEFA M2 conversion table from ``pefa_m2.yaml``: ``scale``, ``table`` {n: {combo: grade}}, ``unverified``.

    Example:
        >>> pefa_m2_table()["table"][2]["DA"]
        'C+'
    """
    return yaml.safe_load(files("pmm.scoring").joinpath("pefa_m2.yaml").read_text(encoding="utf-8"))


def averaging(child_levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PEFA M2: the conversion-table grade of the present children (levels 1–4 = D–A).

    One present child keeps its own level. More than four present children, or a level outside
    1–4, give NaN here; :func:`pmm.scoring.engine.score` rejects such groups before scoring.

    Returns:
        (level, plus): the grade's letter as a level and whether it carries a "+".

    Example:
        >>> averaging(np.array([[1.0, 4.0], [2.0, 2.0]]))
        (array([2., 2.]), array([ True, False]))
    """
    data = pefa_m2_table()
    letters = data["scale"]
    level_of = {letter: i + 1 for i, letter in enumerate(letters)}
    flat = child_levels.reshape(-1, child_levels.shape[-1])
    level = np.full(len(flat), np.nan)
    plus = np.zeros(len(flat), dtype=bool)
    codes = np.where(np.isnan(flat), 0, flat).astype(int)
    for row, (values, code) in enumerate(zip(flat, codes)):
        present = sorted(code[~np.isnan(values)])
        if len(present) == 1 and 1 <= present[0] <= len(letters):
            level[row] = present[0]
        elif 2 <= len(present) <= 4 and all(1 <= c <= len(letters) for c in present):
            grade = data["table"][len(present)]["".join(letters[c - 1] for c in present)]
            level[row] = level_of[grade.rstrip("+")]
            plus[row] = grade.endswith("+")
    shape = child_levels.shape[:-1]
    return level.reshape(shape), plus.reshape(shape)
