"""A UN Cooperation Framework's yearly results review: indicator values → scores → results matrix and report.

ILLUSTRATIVE DATA: ``results.csv`` holds the yearly values (2023–2025) reported for the
indicators of a fictitious country's Cooperation Framework (``XCF``); baselines (2022), 2027
targets, milestones and data sources are in the catalog ``indicators/un-cooperation-framework``.

Scores are absolute (goalposts: baseline = 0, 2027 target = 100, so a score is the share of the way
travelled); progress compares each year with its milestone (``card.progress``; cumulative
indicators on their running total) and rolls up per output and outcome (``card.group_progress``).
Prints scores and progress per outcome and writes to OUT_DIR (default
``un-cooperation-framework-report``): ``results_matrix.csv`` (outcome, output, indicator, data
source, baseline, milestone of the year, 2027 target, value, achievement, progress status, score,
level) and ``report.html``.

Usage:
    python examples/un-cooperation-framework/run.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import pmm

HERE = Path(__file__).resolve().parent


def results_matrix(card: pmm.Scorecard, period: int) -> pd.DataFrame:
    """One row per indicator of ``period``: its place in the tree, its definition and its result."""
    cat = card.catalog
    levels = card.levels.query("period == @period").set_index("kpi")
    progress = card.progress.query("period == @period").set_index("kpi")
    rows = []
    for kpi_id in cat.kpi_ids:
        kpi = cat.kpi(kpi_id)
        output = kpi.parent
        rows.append({
            "outcome": cat.name(cat.node(output).parent), "output": cat.name(output), "kpi": kpi_id,
            "indicator": kpi.name, "unit": kpi.unit, "data_source": kpi.data_source,
            "baseline": kpi.baseline, "milestone": kpi.targets.get(period, kpi.target), "target_2027": kpi.target,
            "cumulative": kpi.cumulative, "value": levels.loc[kpi_id, "value"], "status": levels.loc[kpi_id, "status"],
            "progress_value": progress.loc[kpi_id, "value"], "achievement": progress.loc[kpi_id, "achievement"],
            "progress": progress.loc[kpi_id, "status"],
            "score": levels.loc[kpi_id, "score"], "level": levels.loc[kpi_id, "level_label"],
        })
    return pd.DataFrame(rows)


def main(out_dir: str | Path = "un-cooperation-framework-report") -> pmm.Scorecard:
    catalog = pmm.load_catalog("un-cooperation-framework")
    card = pmm.score(pd.read_csv(HERE / "results.csv"), catalog)
    latest = card.periods[-1]

    outcomes = [*catalog.children(catalog.root), catalog.root]
    scores = card.scores.pivot(index="node", columns="period", values="score").loc[outcomes]
    print(f"{catalog.framework.name}\n\nshare of the way from the 2022 baseline to the 2027 target (score 0-100):")
    print(scores.set_axis([catalog.name(n) for n in outcomes]).round(1).to_string())
    progress = card.group_progress.assign(
        cell=lambda t: t["status"] + " (" + t["n_achieved"].astype(str) + "/" + t["n_kpis"].astype(str) + " on track)")
    print("\nprogress against the year's milestones (indicators on track / indicators reported):")
    print(progress.pivot(index="node", columns="period", values="cell").loc[outcomes]
          .set_axis([catalog.name(n) for n in outcomes]).to_string())

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results_matrix(card, latest).to_csv(out / "results_matrix.csv", index=False)
    card.to_html(out / "report.html", title=f"Cooperation Framework results review {latest} (illustrative)")
    print(f"\nwrote {out / 'results_matrix.csv'} and {out / 'report.html'}")
    return card


if __name__ == "__main__":
    main(*sys.argv[1:2])
