"""Benchmark of ``pmm.score`` against a straightforward pandas implementation, in one process.

Cases (synthetic data, 10 % of values missing):

A. 200 members × 60 KPIs, tree KPIs → 12 pillars → 3 sub-indices → index (three aggregation
   levels): min-max normalisation, arithmetic aggregation, ranks. Timed three ways: the numeric
   core (``ScoringPlan.run`` on the dense array), the full ``pmm.score`` (validation, arrays,
   Scorecard tables), and the pandas baseline. COINr 1.1.14 needs 66 ms for Normalise + Aggregate.
B. 183 members × 51 KPIs × 10 periods, then benchmarks by region: ``pmm.score`` +
   ``card.benchmark(by="region")`` against the pandas baseline plus a groupby of the statistics.
C. The replication axis: 1000 perturbed copies of case A scored in one ``ScoringPlan.run`` call.
D. 200 members × 60 KPIs × 3 periods with outlier treatment (COINr's default two-stage rule) +
   min-max + arithmetic aggregation: the numeric core (``run_stages`` + ``ScoringPlan.run``), the
   full ``pmm.score``, and a pandas baseline (COINr's winsorise/log_CT written per column with
   ``Series.skew``/``kurt``, then case A's baseline). COINr 1.1.14's full build takes 364 ms.

Run: ``.venv/bin/python benchmarks/bench_score.py`` (prints medians of repeated runs).

Example:
    >>> catalog, values, members = synthetic(5, 6, 1)
    >>> len(values) == 5 * 6 and members["region"].nunique() > 1
    True
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

import pmm
from pmm.catalog.models import Framework, Group, Kpi
from pmm.scoring.method import ScoringMethod
from pmm.scoring.pipeline import build_context, run_stages
from pmm.scoring.plan import build_plan
from pmm.scoring.values import prepare_values

METHOD = {"normalise": {"method": "minmax", "range": [0, 100]}, "aggregate": {"method": "arithmetic"}}
TREATED = {"treat": {"winmax": 5}, **METHOD}
REGIONS = ["AF", "AM", "AP", "EU", "ME", "WC"]


def synthetic(n_members: int, n_kpis: int, n_periods: int, seed: int = 1) -> tuple[pmm.Catalog, pd.DataFrame,
                                                                                      pd.DataFrame]:
    """A catalog (KPIs → pillars of ≤5 → sub-indices of ≤4 → index) and long values with 10 % missing."""
    rng = np.random.default_rng(seed)
    n_pillars = -(-n_kpis // 5)
    n_subs = -(-n_pillars // 4)
    groups = [Group(id=f"S{s}", name=f"Sub-index {s}") for s in range(n_subs)]
    groups += [Group(id=f"P{p}", name=f"Pillar {p}", parent=f"S{p // 4}") for p in range(n_pillars)]
    kpis = [Kpi(id=f"k{k}", name=f"KPI {k}", unit="x", direction="lower" if k % 4 == 0 else "higher",
                parent=f"P{k // 5}", weight=1 + k % 3) for k in range(n_kpis)]
    catalog = pmm.Catalog(Framework(id="Index", name="Index"), {}, groups, kpis)
    members = [f"M{i:03d}" for i in range(n_members)]
    grid = pd.MultiIndex.from_product([range(2014, 2014 + n_periods), members, [k.id for k in kpis]],
                                      names=["period", "member", "kpi"]).to_frame(index=False)
    value = rng.lognormal(3, 0.6, len(grid))
    value[rng.random(len(grid)) < 0.1] = np.nan
    values = grid.assign(value=value)
    if n_periods == 1:
        values = values.drop(columns="period")
    attributes = pd.DataFrame({"member": members, "region": [REGIONS[i % len(REGIONS)] for i in range(n_members)]})
    return catalog, values, attributes


def pandas_baseline(values: pd.DataFrame, catalog: pmm.Catalog) -> pd.DataFrame:
    """The straightforward pandas way: pivot, min-max per column, weighted means parent by parent, ranks."""
    periods = values["period"] if "period" in values else pd.Series(0, index=values.index)
    out = []
    for period, chunk in values.assign(period=periods).groupby("period"):
        wide = chunk.pivot(index="member", columns="kpi", values="value")
        scores = pd.DataFrame(index=wide.index)
        for kpi in catalog.kpis:
            x = wide[kpi.id] * (1 if kpi.direction == "higher" else -1)
            scores[kpi.id] = (x - x.min()) / (x.max() - x.min()) * 100
        for level in range(2, catalog.max_level + 1):
            for node in [n for n in catalog.walk() if catalog.kind(n) != "kpi" and catalog.level(n) == level]:
                kids = list(catalog.children(node))
                w = pd.Series([catalog.node(c).weight for c in kids], index=kids)
                x = scores[kids]
                scores[node] = (x * w).sum(axis=1, min_count=1) / x.notna().mul(w).sum(axis=1)
        ranks = scores.rank(ascending=False, method="min")
        long = scores.stack().rename("score").to_frame().join(ranks.stack().rename("rank"))
        out.append(long.assign(period=period))
    return pd.concat(out).reset_index().rename(columns={"level_1": "node"})


def _fails(x: pd.Series) -> bool:
    return bool(abs(x.skew()) >= 2 and x.kurt() >= 3.5)


def pandas_treat_column(x: pd.Series, winmax: int = 5) -> pd.Series:
    """COINr's default treatment of one column the pandas way: winsorise one end at a time, else log_CT."""
    if not _fails(x):
        return x
    w = x.copy()
    nwin, high, low = 0, 0, 0
    while _fails(w) and nwin < winmax:
        if w.skew() >= 0:
            top = w == w.max()
            w[top] = w[~top].max()
            high = int(top.sum())
        else:
            bottom = w == w.min()
            w[bottom] = w[~bottom].min()
            low = int(bottom.sum())
        nwin = high + low
    if _fails(w):
        return np.log(x - x.min() + 0.01 * (x.max() - x.min()))
    return w


def pandas_treated(values: pd.DataFrame) -> pd.DataFrame:
    """Treat every KPI of every period (pivot, column by column), back to the long table."""
    out = []
    for period, chunk in values.groupby("period"):
        wide = chunk.pivot(index="member", columns="kpi", values="value").apply(pandas_treat_column)
        out.append(wide.melt(ignore_index=False, value_name="value").reset_index().assign(period=period))
    return pd.concat(out, ignore_index=True)


def pandas_benchmarks(long: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Peer-group statistics by region the pandas way."""
    frame = long.merge(members, on="member")
    grouped = frame.groupby(["region", "period", "node"])["score"]
    stats = grouped.agg(["count", "mean", "median", "min", "max"])
    stats["q1"] = grouped.quantile(0.25)
    stats["q3"] = grouped.quantile(0.75)
    frame = frame.join(stats, on=["region", "period", "node"])
    frame["group_rank"] = grouped.rank(ascending=False, method="min")
    frame["gap_to_median"] = frame["score"] - frame["median"]
    return frame


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds over ``repeat`` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def check_same(card: pmm.Scorecard, baseline: pd.DataFrame) -> float:
    """Largest absolute difference between pmm and the pandas baseline (sanity check of the comparison)."""
    ours = card.scores.dropna(subset=["score"])
    ours = ours.assign(period=ours["period"].fillna(0)).set_index(["period", "member", "node"])["score"]
    theirs = baseline.set_index(["period", "member", "node"])["score"]
    return float((ours - theirs.reindex(ours.index)).abs().max())


def main() -> None:
    """Run the three cases and print medians and ratios."""
    warnings.simplefilter("ignore")
    catalog, values, members = synthetic(200, 60, 1)
    plan = build_plan(catalog, ScoringMethod.model_validate(METHOD))
    data = prepare_values(values, catalog)
    x = data.numeric[None]
    core = median_ms(lambda: plan.run(x), 200)
    full = median_ms(lambda: pmm.score(values, catalog, METHOD), 50)
    base = median_ms(lambda: pandas_baseline(values, catalog), 10)
    diff = check_same(pmm.score(values, catalog, METHOD), pandas_baseline(values, catalog))
    print("A. 200 members × 60 KPIs × 3 aggregation levels (normalise + aggregate + rank), median ms")
    print(f"   pmm core (ScoringPlan.run)   {core:8.2f}   pandas baseline / pmm = {base / core:6.1f}×")
    print(f"   pmm.score (full Scorecard)   {full:8.2f}   pandas baseline / pmm = {base / full:6.1f}×")
    print(f"   pandas baseline              {base:8.2f}   (max |pmm − pandas| = {diff:.1e}; COINr 1.1.14: 66 ms)")

    catalog_b, values_b, members_b = synthetic(183, 51, 10)

    def pmm_b() -> object:
        return pmm.score(values_b, catalog_b, METHOD, members=members_b).benchmark(by="region")

    def pandas_b() -> object:
        return pandas_benchmarks(pandas_baseline(values_b, catalog_b), members_b)

    ours = median_ms(pmm_b, 10)
    theirs = median_ms(pandas_b, 5)
    diff_b = check_same(pmm.score(values_b, catalog_b, METHOD), pandas_baseline(values_b, catalog_b))
    print("B. 183 members × 51 KPIs × 10 periods + benchmarks by region, median ms")
    print(f"   pmm.score + benchmark        {ours:8.2f}   pandas baseline / pmm = {theirs / ours:6.1f}×")
    print(f"   pandas baseline              {theirs:8.2f}   (max |pmm − pandas| = {diff_b:.1e})")

    rng = np.random.default_rng(2)
    reps = x * rng.uniform(0.9, 1.1, size=(1000, *x.shape[1:]))
    many = median_ms(lambda: plan.run(reps), 5)
    print("C. replication axis: case A × 1000 perturbed copies in one ScoringPlan.run")
    print(f"   total {many:8.1f} ms = {many / 1000:.3f} ms per replication (COINr: ~370 ms per variant)")

    catalog_d, values_d, _ = synthetic(200, 60, 3)
    method_d = ScoringMethod.model_validate(TREATED)
    plan_d = build_plan(catalog_d, method_d)
    data_d = prepare_values(values_d, catalog_d)
    context_d = build_context(catalog_d, method_d, data_d)
    x_d = data_d.numeric[None]
    treat_only = median_ms(lambda: run_stages(x_d, context_d), 100)
    core_d = median_ms(lambda: plan_d.run(run_stages(x_d, context_d).treated), 100)
    full_d = median_ms(lambda: pmm.score(values_d, catalog_d, TREATED), 20)
    base_d = median_ms(lambda: pandas_baseline(pandas_treated(values_d), catalog_d), 5)
    diff_d = check_same(pmm.score(values_d, catalog_d, TREATED), pandas_baseline(pandas_treated(values_d), catalog_d))
    flagged = run_stages(x_d, context_d).treatment
    print(f"D. 200 members × 60 KPIs × 3 periods, treat + normalise + aggregate + rank, median ms "
          f"({int(flagged.flagged.sum())} KPI-periods flagged, {int(flagged.log.sum())} logged)")
    print(f"   pmm treatment alone          {treat_only:8.2f}")
    print(f"   pmm core (stages + plan.run) {core_d:8.2f}   pandas baseline / pmm = {base_d / core_d:6.1f}×   "
          f"COINr 364 ms / pmm = {364 / core_d:5.1f}×")
    print(f"   pmm.score (full Scorecard)   {full_d:8.2f}   pandas baseline / pmm = {base_d / full_d:6.1f}×")
    print(f"   pandas baseline              {base_d:8.2f}   (max |pmm − pandas| = {diff_d:.1e})")


if __name__ == "__main__":
    main()
