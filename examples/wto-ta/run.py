"""Technical-assistance results, as in an annual report: raw activities → KPIs → scores → report.

ILLUSTRATIVE DATA (see ``make_data.py``): ``activities.csv`` (one row per activity) and
``requests.csv`` (one row per request for a national activity) of one programme, 2021–2023.

Maps the rows with the ``wto-ta`` catalog, scores them against the plan's goalposts (absolute
scoring: the programme is scored alone), prints the year-on-year table an annual report quotes
("participants +32 %") and writes to OUT_DIR (default ``wto-ta-report``): ``report.html``
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


def annual_table(card: pmm.Scorecard, period: str) -> pd.DataFrame:
    """KPI values of ``period`` beside the previous year's, with the variation in percent."""
    values = card.levels.pivot(index="kpi", columns="period", values="value").astype(float)
    previous = card.periods[card.periods.index(period) - 1]
    table = pd.DataFrame({"kpi": values.index, "name": [card.catalog.name(k) for k in values.index],
                          "previous": values[previous].to_numpy(), "value": values[period].to_numpy()})
    table["change_pct"] = (table["value"] / table["previous"] - 1) * 100
    return table.set_index("kpi").loc[list(card.catalog.kpi_ids)].reset_index()


def main(out_dir: str | Path = "wto-ta-report") -> pmm.Scorecard:
    catalog = pmm.load_catalog("wto-ta")
    tables = {name: pd.read_csv(HERE / f"{name}.csv") for name in ("activities", "requests")}
    mapped = pmm.map(tables, catalog, progress=None)
    card = pmm.score(mapped.values, catalog)

    latest = card.periods[-1]
    table = annual_table(card, latest)
    print(f"{catalog.framework.name}: {latest} against {card.periods[-2]} (illustrative data)\n")
    for row in table.itertuples():
        print(f"  {row.name:<78} {row.previous:>9,.1f} → {row.value:>9,.1f}  {row.change_pct:+6.1f} %")
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
