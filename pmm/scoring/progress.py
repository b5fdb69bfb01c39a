"""Progress against baselines and targets: achievement and status per KPI, rolled up the tree.

``achievement = (value − baseline) / (target − baseline)``: 0 at the baseline, 1 on the target,
whichever way the KPI improves. The framework's ``progress`` block turns it into a status
("not achieved" a ≤ 0, "partly achieved" 0 < a < 1, "achieved" a ≥ 1 by default). Baselines and
targets come from the values table (``baseline``/``target`` columns, per member, period and KPI),
else the KPI's ``targets`` for the period (milestones), else its ``target``/``baseline``. A
``cumulative`` KPI is compared on the running total of its values since ``baseline_period``.
Groups: the weighted share of their KPIs achieved, and a status that is the top one only when every
child has it (never "achieved" while none of its KPIs is). Formulas: ``docs/scoring.md``, "Progress".

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("rbm-example")                    # participants: baseline 0, target 400
    >>> card = pmm.score(pd.DataFrame({"member": ["A", "B"], "kpi": "participants", "value": [100, 400]}), cat)
    >>> card.progress[["member", "achievement", "status"]].values.tolist()
    [['A', 0.25, 'partly achieved'], ['B', 1.0, 'achieved']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError
from pmm.scoring.values import year_periods

if TYPE_CHECKING:
    from pmm.catalog import Catalog
    from pmm.catalog.models import Progress

__all__ = ["GOAL_COLUMNS", "PROGRESS_COLUMNS", "GROUP_PROGRESS_COLUMNS", "goal_overrides", "progress_table",
           "group_progress_table", "status_positions"]

#: Optional numeric columns of the values table read for progress and pooled rates.
GOAL_COLUMNS: tuple[str, ...] = ("baseline", "target", "numerator", "denominator")
PROGRESS_COLUMNS = ["member", "period", "kpi", "value", "baseline", "target", "achievement", "status"]
GROUP_PROGRESS_COLUMNS = ["member", "period", "node", "kind", "n_kpis", "n_achieved", "achievement", "status"]


def goal_overrides(values: pd.DataFrame) -> pd.DataFrame | None:
    """The ``member, period, kpi`` rows of the values table with its optional numeric goal columns.

    Returns ``None`` when the table has none of :data:`GOAL_COLUMNS`.

    Raises:
        ScoringError: naming the column and rows holding something other than a number.

    Example:
        >>> v = pd.DataFrame({"member": ["A"], "period": [2024], "kpi": ["k"], "value": [3.0], "target": [5]})
        >>> goal_overrides(v).to_dict("records")
        [{'member': 'A', 'period': 2024, 'kpi': 'k', 'target': 5.0}]
    """
    present = [c for c in GOAL_COLUMNS if c in values.columns]
    if not present:
        return None
    keys = ["member", "period", "kpi"] if "period" in values.columns else ["member", "kpi"]
    out = values[keys].copy()
    if "period" not in out.columns:
        out.insert(1, "period", None)
    else:
        out["period"] = year_periods(out["period"])          # the periods pmm.score uses ("2024" → 2024)
    problems = []
    for column in present:
        number = pd.to_numeric(values[column], errors="coerce").astype(float)
        bad = number.isna() & values[column].notna()
        bad |= ~np.isfinite(number.fillna(0.0))
        if bad.any():
            rows = list(values.index[bad.to_numpy()])[:20]
            problems.append(Problem(f"column {column!r} holds non-numeric or infinite values in rows {rows}",
                                    where=f"values column {column!r}", code="not_numeric",
                                    hint="give numbers, or leave the cell empty to use the catalog's value"))
        out[column] = number.to_numpy()
    if problems:
        raise ScoringError(problems)
    return out.reset_index(drop=True)


def status_positions(achievement: np.ndarray, progress: Progress) -> np.ndarray:
    """Position of each achievement's status among ``progress.labels`` (NaN where no achievement).

    Example:
        >>> from pmm.catalog.models import Progress
        >>> status_positions(np.array([-1.0, 0.0, 0.5, 1.0, np.nan]), Progress()).tolist()
        [0.0, 0.0, 1.0, 2.0, nan]
    """
    a = np.asarray(achievement, dtype=float)[..., None]
    cuts = np.asarray(progress.cuts)
    with np.errstate(invalid="ignore"):
        reached = np.where(np.asarray(progress.inclusive), a >= cuts, a > cuts)
    return np.where(np.isnan(a[..., 0]), np.nan, reached.sum(axis=-1).astype(float))


def _labels(position: np.ndarray, progress: Progress) -> pd.Series:
    labels = np.array([*progress.labels, None], dtype=object)
    return pd.Series(labels[np.where(np.isnan(position), len(progress.labels), position).astype(int)], dtype=object)


def _catalog_goals(catalog: Catalog, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Catalog baseline and target (period milestone first) for every row of ``frame``."""
    kpis = {k.id: k for k in catalog.kpis}
    baseline = frame["kpi"].map({k: (np.nan if v.baseline is None else v.baseline) for k, v in kpis.items()})
    target = [kpis[k].targets.get(p, kpis[k].target) if kpis[k].targets else kpis[k].target
              for k, p in zip(frame["kpi"], frame["period"])]
    return baseline.to_numpy(dtype=float), np.array([np.nan if t is None else t for t in target], dtype=float)


def _running_totals(frame: pd.DataFrame, catalog: Catalog, periods: list[Any]) -> pd.Series:
    """The value of each row, replaced by the running total since the baseline period for cumulative KPIs."""
    value = frame["value"].astype(float)
    cumulative = [k.id for k in catalog.kpis if k.cumulative]
    if not cumulative:
        return value
    order = {p: i for i, p in enumerate(periods)}
    out = value.copy()
    for kpi_id in cumulative:
        start = catalog.kpi(kpi_id).baseline_period
        rows = frame.index[frame["kpi"] == kpi_id]
        sub = frame.loc[rows].assign(_t=frame.loc[rows, "period"].map(order), _v=value[rows])
        if start is not None:
            try:
                after = np.array([p > start for p in sub["period"]], dtype=bool)
            except TypeError:
                raise ScoringError(Problem(f"baseline_period {start!r} cannot be compared with the periods "
                                           f"{periods[:5]}", where="catalog", node=kpi_id, code="baseline_period",
                                           hint="write baseline_period like the values' periods (2022 or '2022-Q4')"))
            sub.loc[~after, "_v"] = np.nan
        sub = sub.sort_values(["member", "_t"], kind="stable")
        total = sub.groupby("member", sort=False)["_v"].cumsum()            # NaN periods add nothing
        total = total.where(sub["_v"].notna())                               # no value now → no total now
        out[sub.index] = total
    return out


def progress_table(levels: pd.DataFrame, catalog: Catalog, goals: pd.DataFrame | None,
                   periods: list[Any]) -> pd.DataFrame:
    """Achievement and status of every (member, period, KPI) with a baseline and a target.

    Args:
        levels: the scorecard's ``levels`` table (``member, period, kpi, value, status``).
        catalog: gives baselines, targets, milestones, ``cumulative`` and the ``progress`` block.
        goals: :func:`goal_overrides` of the values table, or ``None``.
        periods: the sorted periods.

    Returns:
        ``member, period, kpi, value, baseline, target, achievement, status`` for every input row
        (not the cells without one); ``value`` is the running total for cumulative KPIs;
        ``achievement`` is NaN (status NA) without a value or when the target equals the
        baseline. Categorical KPIs have no progress.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("rbm-example")
        >>> card = pmm.score(pd.DataFrame({"member": ["A"], "kpi": "objectives_achieved", "value": [30.0]}), cat)
        >>> progress_table(card.levels, cat, None, card.periods)["achievement"].item()   # (30 − 0)/(75 − 0)
        0.4
    """
    numeric = [k.id for k in catalog.kpis if not k.categorical]
    given = levels["kpi"].isin(numeric) & (levels["status"] != "missing")
    frame = levels.loc[given, ["member", "period", "kpi", "value", "status"]].reset_index(drop=True)
    frame["value"] = pd.to_numeric(frame["value"].where(frame["status"] == "ok"), errors="coerce").astype(float)
    baseline, target = _catalog_goals(catalog, frame)
    if goals is not None:
        keyed = frame[["member", "period", "kpi"]].merge(goals, on=["member", "period", "kpi"], how="left")
        if "baseline" in keyed:
            baseline = np.where(keyed["baseline"].notna(), keyed["baseline"], baseline)
        if "target" in keyed:
            target = np.where(keyed["target"].notna(), keyed["target"], target)
    frame["baseline"], frame["target"] = baseline, target
    frame = frame[frame["baseline"].notna() & frame["target"].notna()].reset_index(drop=True)
    frame["value"] = _running_totals(frame, catalog, periods).to_numpy()
    span = frame["target"] - frame["baseline"]
    frame["achievement"] = ((frame["value"] - frame["baseline"]) / span.where(span != 0)).astype(float)
    frame["status"] = _labels(status_positions(frame["achievement"].to_numpy(), catalog.framework.progress),
                              catalog.framework.progress)
    return frame[PROGRESS_COLUMNS]


def group_progress_table(progress: pd.DataFrame, catalog: Catalog, weights: pd.DataFrame) -> pd.DataFrame:
    """Progress of every group and the index, rolled up from the KPIs with a status.

    ``achievement`` = the weighted share of the group's KPIs achieved (top status), with the
    scoring weights along the tree (children without a status are left out, the others'
    weights renormalised); ``n_kpis``/``n_achieved`` count the KPIs with a status and those
    achieved. ``status``: the top label only when every child has it, the lowest only when every
    child has it, otherwise the weighted mean of the children's status positions rounded half up
    and kept strictly between the two.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("rbm-example")
        >>> vals = pd.DataFrame({"member": "A", "kpi": ["usefulness", "objectives_achieved"], "value": [60.0, 80.0]})
        >>> card = pmm.score(vals.assign(baseline=[40.0, 0.0]), cat)
        >>> card.group_progress.query("node == 'outcomes'")[["achievement", "status"]].values.tolist()
        [[0.5, 'partly achieved']]
    """
    top = len(catalog.framework.progress.labels) - 1
    positions = pd.Series({label: i for i, label in enumerate(catalog.framework.progress.labels)})
    rated = progress[progress["status"].notna()]
    units: dict[str, pd.DataFrame] = {}
    for kpi_id, rows in rated.groupby("kpi", sort=False):
        pos = rows["status"].map(positions).to_numpy(dtype=float)
        units[kpi_id] = pd.DataFrame({"member": rows["member"].to_numpy(), "period": rows["period"].to_numpy(),
                                      "pos": pos, "share": (pos == top).astype(float), "n_kpis": 1.0,
                                      "n_achieved": (pos == top).astype(float)})
    weight = weights.set_index(["period", "node"])["weight"]
    rows_out = []
    for node in _bottom_up(catalog):
        parts = [units[c].assign(_w=_weight_of(weight, units[c]["period"], c)) for c in catalog.children(node)
                 if c in units]
        if not parts:
            continue
        kids = pd.concat(parts, ignore_index=True)
        kids["_wp"], kids["_ws"] = kids["_w"] * kids["pos"], kids["_w"] * kids["share"]
        g = kids.groupby(["member", "period"], sort=False, dropna=False).agg(
            w=("_w", "sum"), wp=("_wp", "sum"), ws=("_ws", "sum"), lo=("pos", "min"), hi=("pos", "max"),
            n_kpis=("n_kpis", "sum"), n_achieved=("n_achieved", "sum")).reset_index()
        mean = np.floor(g["wp"] / g["w"] + 0.5)
        mixed = np.clip(mean, 1, max(top - 1, 0)) if top >= 2 else np.zeros(len(g))
        g["pos"] = np.where(g["lo"] == g["hi"], g["lo"], mixed)
        g["share"] = g["ws"] / g["w"]
        units[node] = g[["member", "period", "pos", "share", "n_kpis", "n_achieved"]]
        rows_out.append(units[node].assign(node=node, kind=catalog.kind(node)))
    if not rows_out:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "achievement" else object) for c in GROUP_PROGRESS_COLUMNS})
    out = pd.concat(rows_out, ignore_index=True)
    out["n_kpis"] = out["n_kpis"].astype(int)
    out["n_achieved"] = out["n_achieved"].astype(int)
    out["achievement"] = out.pop("share")
    out["status"] = _labels(out.pop("pos").to_numpy(dtype=float), catalog.framework.progress)
    return out[GROUP_PROGRESS_COLUMNS]


def _bottom_up(catalog: Catalog) -> list[str]:
    groups = [n for n in catalog.walk() if catalog.kind(n) != "kpi"]
    return sorted(groups, key=catalog.level)


def _weight_of(weight: pd.Series, periods: pd.Series, node: str) -> np.ndarray:
    """The scoring weight of ``node`` within its parent in each row's period."""
    index = pd.MultiIndex.from_arrays([periods.to_numpy(), np.full(len(periods), node, dtype=object)])
    return weight.reindex(index).to_numpy(dtype=float)
