"""Comparisons on a scores table: peer-group benchmarks, period-over-period changes, member profiles.

These functions read the long scores table of a :class:`~pmm.scorecard.Scorecard` (``member,
period, node, kind, score, rank, maturity …``) and return tidy DataFrames; the Scorecard methods
``benchmark``, ``changes`` and ``profile`` call them.

Example:
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"member": list("ABCD"), "period": None, "node": "I", "kind": "index",
    ...                        "score": [10.0, 20.0, 30.0, 40.0], "rank": [4, 3, 2, 1], "maturity": 1,
    ...                        "insufficient_data": False})
    >>> b = benchmark_table(scores, None, None, by=None)
    >>> b.loc[b.member == "B", ["n", "median", "percentile", "gap_to_best", "group_rank"]].round(2).to_dict("records")
    [{'n': 4, 'median': 25.0, 'percentile': 33.33, 'gap_to_best': -20.0, 'group_rank': 3}]
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.disclosure import visible_kpi_ids
from pmm.scoring.notices import ScoringWarning

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["DOMINANCE", "assign_groups", "benchmark_table", "changes_table", "profile_table", "unknown_member"]

_STATS = ["n", "mean", "median", "q1", "q3", "min", "max", "best_member"]
#: A peer group's statistics are suppressed when one member holds this share of its total (the dominance rule).
DOMINANCE = 0.85


def unknown_member(member: Any, members: Any) -> ScoringError:
    """The error for a member without scores, with a did-you-mean hint.

    Example:
        >>> str(unknown_member("AUS", ["AUT", "BEL"]))
        "1 problem in the scoring input:\\n  member: unknown member 'AUS' (hint: did you mean 'AUT'?)"
    """
    return ScoringError(Problem(f"unknown member {member!r}", where="member",
                                hint=did_you_mean(str(member), [str(m) for m in members]), code="unknown_member"))


def _disclosed_nodes(catalog: Catalog, disclosure: str) -> set[str]:
    shown = set(visible_kpi_ids(catalog, disclosure))
    return {n for n in catalog.walk() if catalog.kind(n) != "kpi" or n in shown}


def assign_groups(frame: pd.DataFrame, members: pd.DataFrame | None, by: str | None, *,
                  where: str) -> pd.DataFrame:
    """``frame`` with a ``group`` column: the members' ``by`` attribute, or "all" when ``by`` is ``None``.

    Members without a value in ``by`` are left out with a ``ScoringWarning``.

    Raises:
        ScoringError: ``by`` without member attributes, or not one of their columns.

    Example:
        >>> f = pd.DataFrame({"member": ["A", "B"]})
        >>> assign_groups(f, pd.DataFrame({"member": ["A", "B"], "region": ["EU", "AF"]}), "region",
        ...               where="benchmark")["group"].tolist()
        ['EU', 'AF']
    """
    if by is None:
        return frame.assign(group="all")
    if members is None:
        raise ScoringError(Problem(f"{where} by {by!r} needs member attributes", where=where,
                                   hint="pass members=DataFrame(member, region, …) to pmm.score", code="members"))
    if by not in members.columns or by == "member":
        raise ScoringError(Problem(f"members have no column {by!r}", where=where,
                                   hint=did_you_mean(by, [c for c in members.columns if c != "member"]),
                                   code="unknown_column"))
    groups = dict(zip(members["member"], members[by]))
    label = frame["member"].map(groups)
    unassigned = sorted(set(frame.loc[label.isna(), "member"]), key=str)
    if unassigned:
        warnings.warn(f"members {unassigned[:10]} have no {by!r} and are left out of the {where}",
                      ScoringWarning, stacklevel=4)
    return frame.assign(group=label)[label.notna()]


def benchmark_table(scores: pd.DataFrame, members: pd.DataFrame | None, catalog: Catalog | None, *,
                    by: str | None = None, min_group_size: int = 3, disclosure: str | None = None,
                    dominance: float = DOMINANCE) -> pd.DataFrame:
    """Per peer group, period and node: group statistics, and each member's place in its group.

    Args:
        scores: the long scores table.
        members: member attributes (needed when ``by`` is given).
        catalog: the catalog (needed for ``disclosure``).
        by: a column of ``members`` defining peer groups; ``None`` puts every member in group "all".
        min_group_size: groups with fewer members with a score have their statistics suppressed.
        dominance: groups where one member's score is at least this share of the group's total
            (of absolute scores) have their statistics suppressed too: its statistics would
            nearly be that member's score. A group suppressed in one period is suppressed in
            every period (comparing periods would otherwise reveal it). Statistics use only the
            scores given: pass the scores of :meth:`Scorecard.disclosed` (as
            ``Scorecard.benchmark(disclosure=…)`` does) and suppressed cells stay out of them.
        disclosure: keep only KPIs at or below this disclosure level (public < wco < restricted <
            confidential); groups and the index are always kept.

    Returns:
        One row per (group, period, node, member): ``group, period, node, kind, member, score,
        n, mean, median, q1, q3, min, max, best_member, group_rank, percentile, gap_to_median,
        gap_to_best, suppressed, insufficient_data``. Quartiles interpolate linearly (R type 7);
        ``percentile`` = 100·(ascending min-rank − 1)/(n − 1); ``group_rank`` 1 = best;
        ``best_member`` is the first member (by code) with the group's highest score.
    """
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)) or min_group_size < 1:
        raise ScoringError(Problem(f"min_group_size must be a whole number of at least 1, found {min_group_size!r}",
                                   where="benchmark", hint="e.g. min_group_size=3", code="min_group_size"))
    if not 0 < dominance <= 1:
        raise ScoringError(Problem(f"dominance must be a share in (0, 1], found {dominance!r}", where="benchmark",
                                   hint="e.g. dominance=0.85 (one member with 85 % of the group total)",
                                   code="dominance"))
    frame = scores[["member", "period", "node", "kind", "score", "insufficient_data"]]
    if disclosure is not None:
        if catalog is None:
            raise ScoringError(Problem("disclosure filtering needs the catalog", where="disclosure"))
        frame = frame[frame["node"].isin(_disclosed_nodes(catalog, disclosure))]
    frame = assign_groups(frame, members, by, where="benchmark")
    frame = frame.assign(_period=pd.factorize(frame["period"], use_na_sentinel=False)[0])
    keys = ["group", "_period", "node"]
    grouped = frame.groupby(keys, sort=False, dropna=False)["score"]
    stats = grouped.agg(["count", "mean", "median", "min", "max"]).rename(columns={"count": "n"})
    stats["q1"] = grouped.quantile(0.25)
    stats["q3"] = grouped.quantile(0.75)
    best = frame.dropna(subset=["score"]).sort_values(keys + ["score", "member"], ascending=[True] * 3 + [False, True],
                                                      kind="stable")
    stats["best_member"] = best.drop_duplicates(keys).set_index(keys)["member"]
    out = frame.assign(group_rank=grouped.rank(method="min", ascending=False),
                       _up=grouped.rank(method="min", ascending=True)).join(stats, on=keys)
    out["n"] = out["n"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["percentile"] = 100.0 * (out.pop("_up") - 1.0) / (out["n"] - 1.0)
    out["gap_to_median"] = out["score"] - out["median"]
    out["gap_to_best"] = out["score"] - out["max"]
    absolute = frame["score"].abs().groupby([frame[k] for k in keys], sort=False, dropna=False)
    share = (absolute.max() / absolute.sum()).rename("_top")
    out = out.join(share, on=keys)
    small, dominated = out["n"] < min_group_size, out.pop("_top").fillna(0.0) >= dominance
    out["suppressed"] = (small | dominated).groupby([out["group"], out["node"]], dropna=False).transform("any")
    shown = ~out["suppressed"]
    for column in ["mean", "median", "q1", "q3", "min", "max", "group_rank", "percentile", "gap_to_median",
                   "gap_to_best"]:
        out[column] = out[column].where(shown)
    out["best_member"] = out["best_member"].astype(object).where(shown & out["best_member"].notna(), None)
    out["group_rank"] = out["group_rank"].astype("Int64")
    columns = ["group", "period", "node", "kind", "member", "score", *_STATS, "group_rank", "percentile",
               "gap_to_median", "gap_to_best", "suppressed", "insufficient_data"]
    return out[columns].reset_index(drop=True)


def changes_table(scores: pd.DataFrame, periods: list[Any], levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change of raw value, score, maturity level and rank from each period to the next, per member and node.

    ``value_previous`` and ``value`` are the KPI's raw values (from ``levels``; NaN for groups,
    categorical KPIs and values not ``ok``); ``value_change`` = value − previous value;
    ``value_change_pct`` = 100·value_change/|previous value| (NaN when the previous value is 0),
    the year-on-year variation reports quote ("+32 % participants"). ``score_change`` = score −
    previous score; ``level_change`` = maturity − previous maturity; ``rank_change`` = previous
    rank − rank (positive = moved up); ``insufficient_data`` flags a current value resting on an
    ``insufficient_data`` KPI. Periods follow the sorted ``periods``; the first period has no row.

    Example:
        >>> s = pd.DataFrame({"member": ["A", "A"], "period": [2021, 2022], "node": "I", "score": [50.0, 60.0],
        ...                   "maturity": [3, 4], "rank": [2, 1], "insufficient_data": False})
        >>> changes_table(s, [2021, 2022])[["period", "previous_period", "score_change", "rank_change"]].to_dict("records")
        [{'period': 2022, 'previous_period': 2021, 'score_change': 10.0, 'rank_change': 1}]
        >>> lv = pd.DataFrame({"member": "A", "period": [2021, 2022], "kpi": "I", "value": [25.0, 33.0], "status": "ok"})
        >>> changes_table(s, [2021, 2022], lv)[["value_previous", "value", "value_change", "value_change_pct"]].values.tolist()
        [[25.0, 33.0, 8.0, 32.0]]
    """
    columns = ["member", "node", "period", "previous_period", "value_previous", "value", "value_change",
               "value_change_pct", "score_change", "level_change", "rank_change", "insufficient_data"]
    if len(periods) < 2:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("member", "node", "period", "previous_period")
                                          else bool if c == "insufficient_data" else float) for c in columns})
    position = {p: i for i, p in enumerate(periods)}
    current = scores[["member", "node", "period", "score", "maturity", "rank", "insufficient_data"]].assign(
        _t=scores["period"].map(position))
    if levels is not None:
        raw = levels[["member", "period", "kpi", "value", "status"]].rename(columns={"kpi": "node"})
        number = pd.to_numeric(raw["value"].where(raw["status"] == "ok"), errors="coerce").astype(float)
        current = current.merge(raw[["member", "period", "node"]].assign(value=number), how="left",
                                on=["member", "period", "node"])
    else:
        current = current.assign(value=np.nan)
    previous = current.drop(columns="insufficient_data").assign(_t=current["_t"] + 1).rename(
        columns={"period": "previous_period", "score": "_s", "maturity": "_m", "rank": "_r", "value": "value_previous"})
    merged = current[current["_t"] > 0].merge(previous, on=["member", "node", "_t"], how="left")
    merged["value_change"] = merged["value"] - merged["value_previous"]
    base = merged["value_previous"].abs()
    merged["value_change_pct"] = 100.0 * merged["value_change"] / base.where(base != 0)
    merged["score_change"] = merged["score"] - merged["_s"]
    merged["level_change"] = (merged["maturity"] - merged["_m"]).astype("Int64")
    merged["rank_change"] = (merged["_r"] - merged["rank"]).astype("Int64")
    return merged[columns].reset_index(drop=True)


def profile_table(scores: pd.DataFrame, levels: pd.DataFrame, catalog: Catalog, member: Any, period: Any,
                  top: int = 5) -> pd.DataFrame:
    """Strengths and weaknesses of one member: its best- and worst-ranked KPIs (COINr ``get_str_weak``).

    Returns:
        ``type`` (strength/weakness), ``kpi, name, parent, value, score, rank, n_ranked, level,
        insufficient_data``;
        strengths by rank ascending, weaknesses by rank descending (ties by KPI id), at most
        ``top`` each, a KPI appearing at most once.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> vals = pd.DataFrame({"member": ["A", "B"] * 2, "kpi": ["usefulness"] * 2 + ["participants"] * 2,
        ...                      "value": [40, 90, 300, 100]})
        >>> card = pmm.score(vals, cat)
        >>> profile_table(card.scores, card.levels, cat, "A", None, top=1)[["type", "kpi"]].values.tolist()
        [['strength', 'participants'], ['weakness', 'usefulness']]
    """
    kpis = scores[(scores["kind"] == "kpi") & (scores["period"].isna() if period is None else scores["period"] == period)]
    ranked = kpis.groupby("node", sort=False)["rank"].count().rename("n_ranked")
    mine = kpis[(kpis["member"] == member) & kpis["rank"].notna()].merge(ranked, left_on="node", right_index=True)
    raw = levels[(levels["member"] == member) & (levels["period"].isna() if period is None
                                                  else levels["period"] == period)].set_index("kpi")
    strengths = mine.sort_values(["rank", "node"], kind="stable").head(top)
    weaknesses = mine[~mine["node"].isin(strengths["node"])].sort_values(["rank", "node"], ascending=[False, True],
                                                                         kind="stable").head(top)
    parts = [strengths.assign(type="strength"), weaknesses.assign(type="weakness")]
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(kpi=out["node"], name=out["node"].map(catalog.name), value=out["node"].map(raw["value"]),
                     level=out["node"].map(raw["level"]).astype("Int64"))
    return out[["type", "kpi", "name", "parent", "value", "score", "rank", "n_ranked", "level", "insufficient_data"]]
