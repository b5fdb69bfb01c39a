"""A ten-year review of an umbrella organisation's member bodies: annual returns → scores → review.

ILLUSTRATIVE DATA (see ``make_data.py``): ``annual_returns.csv`` (one row per member body and
year, 2011–2020, one column per KPI) and ``bodies.csv`` (name, region, year joined) of eight
fictitious member bodies.

Scores are absolute (goalposts: 0 and the benchmark of a mature member body), so they compare
across the ten years. Prints each body's overall score by year and writes to OUT_DIR (default
``ten-year-review-report``): ``scores_by_year.csv`` (body × year) and ``report.html``.

Usage:
    python examples/ten-year-review/run.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import pmm

HERE = Path(__file__).resolve().parent


def main(out_dir: str | Path = "ten-year-review-report") -> pmm.Scorecard:
    catalog = pmm.load_catalog("ten-year-review")
    returns = pd.read_csv(HERE / "annual_returns.csv")
    values = pmm.values_from_wide(returns, catalog, member="member", period="year")
    card = pmm.score(values, catalog, members=pd.read_csv(HERE / "bodies.csv"))

    by_year = card.scores.query("kind == 'index'").pivot(index="member", columns="period", values="score")
    print(f"{catalog.framework.name}: overall score by body and year (0-100, absolute)\n")
    print(by_year.round(1).to_string())

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_year.to_csv(out / "scores_by_year.csv")
    card.to_html(out / "report.html", peers="region", title="Ten-year review of member bodies (illustrative)")
    print(f"\nwrote {out / 'scores_by_year.csv'} and {out / 'report.html'}")
    return card


if __name__ == "__main__":
    main(*sys.argv[1:2])
