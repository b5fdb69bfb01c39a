"""A productivity organisation's programme plan: projects → pillar KPIs → a composite per economy.

ILLUSTRATIVE DATA (see ``make_data.py``): ``projects.csv`` (one row per planned project of the
2023–2024 work programme in 20 fictitious member economies) and ``economies.csv`` (their
sub-region and income group).

Maps the projects with the ``apo-pillars`` catalog twice: per economy, and for the whole programme
(every project under one code, so programme rates are Σ numerator / Σ denominator over all
projects, not a mean of the economies' rates). Scores are absolute (goalposts [0, 100]).
Prints the programme's pillar scores and the economies' composites, and writes to OUT_DIR
(default ``apo-pillars-report``): ``pillar_matrix.csv`` (economy × pillar scores and the
composite, latest year), ``pillar_progress.csv`` (economy × pillar status against the plan's
targets: achieved / partly achieved / not achieved, from ``card.group_progress``),
``programme_pillars.csv`` and ``report.html`` (peers: sub-region).

Usage:
    python examples/apo-pillars/run.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import pmm

HERE = Path(__file__).resolve().parent
PROGRAMME = "ALL"


def pillar_matrix(card: pmm.Scorecard, period: object) -> pd.DataFrame:
    """Economy × pillar scores of ``period``, with the composite, best composite first."""
    cat = card.catalog
    wide = card.wide(period=period)
    columns = [*cat.children(cat.root), cat.root]
    return wide[columns].rename(columns={cat.root: "composite"}).sort_values("composite", ascending=False)


def main(out_dir: str | Path = "apo-pillars-report") -> pmm.Scorecard:
    catalog = pmm.load_catalog("apo-pillars")
    projects = pd.read_csv(HERE / "projects.csv")
    economies = pd.read_csv(HERE / "economies.csv")

    card = pmm.score(pmm.map({"projects": projects}, catalog, progress=None).values, catalog, members=economies)
    whole = pmm.map({"projects": projects.assign(economy=PROGRAMME)}, catalog, progress=None).values
    programme = pmm.score(whole, catalog).scores.query("kind != 'kpi'")
    order = [*catalog.children(catalog.root), catalog.root]
    programme = programme.pivot(index="node", columns="period", values="score").loc[order]
    programme.index = [catalog.name(n) for n in order]

    latest = card.periods[-1]
    matrix = pillar_matrix(card, latest)
    print(f"{catalog.framework.name}\n\nwhole programme, score by pillar and year:")
    print(programme.round(1).to_string())
    print(f"\ncomposite per economy, {latest} (pillar scores 0-100):")
    print(matrix.round(1).to_string())
    progress = card.group_progress.query("period == @latest and kind == 'group'").pivot(
        index="member", columns="node", values="status")[list(catalog.children(catalog.root))]
    print(f"\neconomies per pillar status against the plan's targets, {latest}:")
    print(progress.apply(lambda column: column.value_counts()).fillna(0).astype(int).to_string())

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    matrix.to_csv(out / "pillar_matrix.csv")
    progress.to_csv(out / "pillar_progress.csv")
    programme.to_csv(out / "programme_pillars.csv")
    card.to_html(out / "report.html", peers="subregion", title=f"Programme plan by pillar {latest} (illustrative)")
    print(f"\nwrote {out / 'pillar_matrix.csv'}, {out / 'pillar_progress.csv'}, {out / 'programme_pillars.csv'} "
          f"and {out / 'report.html'}")
    return card


if __name__ == "__main__":
    main(*sys.argv[1:2])
