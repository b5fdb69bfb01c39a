"""Technical-assistance results, as in an annual report: raw activities → KPIs → scores → report.

ILLUSTRATIVE DATA (see ``make_data.py``): ``activities.csv`` (one row per activity) and
``requests.csv`` (one row per request for a national activity) of one programme, 2021–2023.

Maps the rows with the ``wto-ta`` catalog, scores them against the plan's goalposts (absolute
scoring: the programme is scored alone), prints the year-on-year table an annual report quotes
("participants +32 %", from ``card.changes()``) with each KPI's status against the plan
(achieved, partly achieved, not achieved, from ``card.progress``) and writes to OUT_DIR (default ``wto-ta-report``): ``report.html``
(the HTML scorecard), ``annual_table.csv`` and ``kpi_values.csv``.

Usage:
    python examples/wto-ta/run.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import pmm

HERE = Path(__file__).resolve().parent


def annual_table(card: pmm.Scorecard, period: object) -> pd.DataFrame:
    """Each KPI in ``period`` beside the previous year (``card.changes()``), with its progress status."""
    changes = card.changes().query("period == @period and node in @card.catalog.kpi_ids")
    progress = card.progress.query("period == @period").set_index("kpi")[["baseline", "target", "achievement", "status"]]
    table = changes[["node", "value_previous", "value", "value_change_pct"]].rename(columns={"node": "kpi"})
    table.insert(1, "name", table["kpi"].map(card.catalog.name))
    return table.join(progress, on="kpi").reset_index(drop=True)


def main(out_dir: str | Path = "wto-ta-report") -> pmm.Scorecard:
    catalog = pmm.load_catalog("wto-ta")
    tables = {name: pd.read_csv(HERE / f"{name}.csv") for name in ("activities", "requests")}
    mapped = pmm.map(tables, catalog, progress=None)
    card = pmm.score(mapped.values, catalog)

    latest = card.periods[-1]
    table = annual_table(card, latest)
    print(f"{catalog.framework.name}: {latest} against {card.periods[-2]} (illustrative data)\n")
    for row in table.itertuples():
        print(f"  {row.name:<78} {row.value_previous:>9,.1f} → {row.value:>9,.1f}  {row.value_change_pct:+6.1f} %"
              f"  {row.status}")
    groups = card.group_progress.query("period == @latest")
    print(f"\nobjectives, {latest}: " + "; ".join(
        f"{catalog.name(g.node)}: {g.status} ({g.n_achieved} of {g.n_kpis} KPIs achieved)" for g in groups.itertuples()))
    index = card.scores.query("node == @catalog.root")
    print("\noverall score and level by year:")
    print(index[["period", "score", "maturity_label"]].to_string(index=False))

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "annual_table.csv", index=False)
    mapped.values.to_csv(out / "kpi_values.csv", index=False)
    card.to_html(out / "report.html", accounting=mapped.accounting, title="Technical assistance results (illustrative)")
    print(f"\nwrote {out / 'report.html'}, {out / 'annual_table.csv'} and {out / 'kpi_values.csv'}")
    return card


if __name__ == "__main__":
    main(*sys.argv[1:2])
