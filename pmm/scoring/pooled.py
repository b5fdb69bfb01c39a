"""Pooled KPI values of groups of members: a regional or programme rate is Σ numerator / Σ denominator.

The mean of the members' rates weighs a small administration like a large one: two offices
releasing 90 % of 10 declarations and 50 % of 1,000 do not release 70 % together, but
(9 + 500)/(10 + 1,000) = 50.4 %. When the values table carries ``numerator`` and ``denominator``
columns for a KPI, :func:`pooled_table` pools them; it also gives the plain mean of the members'
values beside it, and says why there is no pooled value when the inputs do not allow one.

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("rbm-example")
    >>> vals = pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [90.0, 50.0],
    ...                      "numerator": [9, 500], "denominator": [10, 1000]})
    >>> p = pmm.score(vals, cat).pooled()
    >>> p[["kpi", "n_members", "value", "mean_value", "basis"]].round(2).values.tolist()
    [['usefulness', 2, 50.4, 70.0, 'ratio of sums']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError
from pmm.scoring.benchmark import assign_groups

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["POOLED_COLUMNS", "pooled_table"]

POOLED_COLUMNS = ["group", "period", "kpi", "n_members", "n_pooled", "numerator", "denominator", "scale", "value",
                  "mean_value", "basis", "suppressed"]
_RTOL = 1e-6


def pooled_table(levels: pd.DataFrame, goals: pd.DataFrame | None, catalog: Catalog, members: pd.DataFrame | None,
                 *, by: str | None = None, min_group_size: int = 1) -> pd.DataFrame:
    """Per group, period and numeric KPI: the pooled value and the mean of the members' values.

    Args:
        levels: the scorecard's ``levels`` table (values with their status).
        goals: the optional numeric columns of the values table (``numerator``, ``denominator`` …).
        catalog: the catalog (a ``ratio`` definition gives the scale).
        members: member attributes (for ``by``).
        by: a column of ``members`` forming the groups; ``None``: one group "all".
        min_group_size: groups with fewer members with a value are suppressed (value and mean NaN).

    Returns:
        ``group, period, kpi, n_members`` (members with an ``ok`` value), ``n_pooled`` (those with
        a numerator and a denominator), ``numerator``/``denominator`` (their sums), ``scale``,
        ``value`` = Σ numerator / Σ denominator × scale, ``mean_value`` (the plain mean of the
        members' values), ``basis`` ("ratio of sums", or why there is no pooled value: "no
        numerator/denominator", "numerator/denominator for k of n members"), ``suppressed``.
        ``scale`` is the ``ratio`` definition's, else the one the rows imply (value · den / num).

    Raises:
        ScoringError: naming the KPI and rows when numerator/denominator disagree with the value
            (not the same scale on every row), or a denominator is ≤ 0.
    """
    numeric = [k.id for k in catalog.kpis if not k.categorical]
    frame = levels.loc[levels["kpi"].isin(numeric) & (levels["status"] == "ok"), ["member", "period", "kpi", "value"]]
    frame = frame.assign(value=pd.to_numeric(frame["value"], errors="coerce").astype(float))
    if goals is not None and {"numerator", "denominator"} <= set(goals.columns):
        frame = frame.merge(goals[["member", "period", "kpi", "numerator", "denominator"]], how="left",
                            on=["member", "period", "kpi"])
    else:
        frame = frame.assign(numerator=np.nan, denominator=np.nan)
    scales = _scales(catalog, frame)
    frame = assign_groups(frame, members, by, where="pooled values")
    frame["_both"] = frame["numerator"].notna() & frame["denominator"].notna()
    keys = ["group", "period", "kpi"]
    out = frame.groupby(keys, sort=True, dropna=False).agg(
        n_members=("value", "count"), n_pooled=("_both", "sum"), numerator=("numerator", "sum"),
        denominator=("denominator", "sum"), mean_value=("value", "mean")).reset_index()
    out["n_pooled"] = out["n_pooled"].astype(int)
    out["scale"] = out["kpi"].map(scales).astype(float)
    complete = (out["n_pooled"] == out["n_members"]) & (out["n_members"] > 0)
    out["value"] = np.where(complete, out["numerator"] / out["denominator"] * out["scale"], np.nan)
    out["basis"] = np.where(complete, "ratio of sums", np.where(
        out["n_pooled"] == 0, "no numerator/denominator",
        "numerator/denominator for " + out["n_pooled"].astype(str) + " of " + out["n_members"].astype(str) + " members"))
    out.loc[out["n_pooled"] == 0, ["numerator", "denominator"]] = np.nan
    out["suppressed"] = out["n_members"] < min_group_size
    out.loc[out["suppressed"], ["value", "mean_value", "numerator", "denominator"]] = np.nan
    order = {k: i for i, k in enumerate(catalog.kpi_ids)}
    out = out.sort_values(["group", "period", "kpi"], key=lambda c: c.map(order) if c.name == "kpi" else c,
                          kind="stable")
    return out[POOLED_COLUMNS].reset_index(drop=True)


def _scales(catalog: Catalog, frame: pd.DataFrame) -> dict[str, float]:
    """Per KPI, the factor between numerator/denominator and the value, checked on every row with all three.

    A ``ratio`` definition gives it; otherwise the rows imply it (value · denominator / numerator).
    """
    both = frame[frame["numerator"].notna() & frame["denominator"].notna()]
    problems = [Problem(f"denominators ≤ 0 for members {sorted(map(str, rows['member']))[:10]}",
                        where="values column 'denominator'", node=kpi_id, code="denominator",
                        hint="a rate needs a positive denominator; leave both empty when unknown")
                for kpi_id, rows in both[both["denominator"] <= 0].groupby("kpi", sort=True)]
    if problems:
        raise ScoringError(problems)
    usable = both[both["numerator"] != 0]
    implied = usable["value"] * usable["denominator"] / usable["numerator"]
    median = implied.groupby(usable["kpi"]).median()
    known = {k.id: k.definition.scale for k in catalog.kpis if k.definition.type == "ratio"}
    scales = {k: float(known.get(k, median.get(k, 1.0))) for k in frame["kpi"].unique()}
    off = ~np.isclose(implied.to_numpy(float), usable["kpi"].map(scales).to_numpy(float), rtol=_RTOL, atol=0.0)
    wrong = pd.concat([usable.loc[off, ["kpi", "member"]],
                       both.loc[(both["numerator"] == 0) & (both["value"] != 0), ["kpi", "member"]]])
    problems = [Problem(f"value ≠ numerator / denominator × {scales[kpi_id]:g} for members "
                        f"{sorted(map(str, rows['member']))[:10]}", where="values columns 'numerator', 'denominator'",
                        node=kpi_id, code="ratio", hint="give the numerator and denominator the value was computed "
                        "from (the same scale on every row, e.g. 100 for a percentage)")
                for kpi_id, rows in wrong.groupby("kpi", sort=True)]
    if problems:
        raise ScoringError(problems)
    return scales
