"""A ten-year review of an umbrella organisation's member bodies: annual returns → scores → review.

ILLUSTRATIVE DATA (see ``make_data.py``): ``annual_returns.csv`` (one row per member body and
year, 2011–2020, one column per KPI) and ``bodies.csv`` (name, region, year joined) of eight
fictitious member bodies.

Scores are absolute (goalposts: 0 and the benchmark of a mature member body), so they compare
across the ten years. Prints each body's overall score by year and the growth of its resources
(``card.trends``: CAGR, least-squares slope per year, periods observed — a late joiner's trend
starts when it joined, a missed return is a gap, not a zero) and writes to OUT_DIR (default
``ten-year-review-report``): ``scores_by_year.csv`` (body × year), ``trends.csv`` (CAGR, slope and
change of resources, projects, partnerships and the overall score per body) and ``report.html``
(with its Trends section: ten periods).

Usage:
    python examples/ten-year-review/run.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import pmm

HERE = Path(__file__).resolve().parent
#: what the review looks at over the decade: raw values of three KPIs and the overall score
TRENDS = ("resources_mobilised", "projects_active", "partnerships_active", "ten-year-review")


def decade_trends(card: pmm.Scorecard) -> pd.DataFrame:
    """``card.trends`` of each node of :data:`TRENDS` since 2011, one row per body and node."""
    return pd.concat([card.trends(node, since=2011) for node in TRENDS], ignore_index=True)


def main(out_dir: str | Path = "ten-year-review-report") -> pmm.Scorecard:
    catalog = pmm.load_catalog("ten-year-review")
    returns = pd.read_csv(HERE / "annual_returns.csv")
    values = pmm.values_from_wide(returns, catalog, member="member", period="year")
    card = pmm.score(values, catalog, members=pd.read_csv(HERE / "bodies.csv"))

    by_year = card.scores.query("kind == 'index'").pivot(index="member", columns="period", values="score")
    print(f"{catalog.framework.name}: overall score by body and year (0-100, absolute)\n")
    print(by_year.round(1).to_string())

    trends = decade_trends(card)
    resources = trends.query("node == 'resources_mobilised'").set_index("member")
    print("\nresources mobilised (USD million), 2011-2020:")
    print(resources.assign(cagr_pct=resources["cagr"] * 100)[
        ["first_period", "first_value", "last_value", "n_periods", "cagr_pct", "slope"]].round(2).to_string())

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_year.to_csv(out / "scores_by_year.csv")
    trends.to_csv(out / "trends.csv", index=False)
    card.to_html(out / "report.html", peers="region", title="Ten-year review of member bodies (illustrative)")
    print(f"\nwrote {out / 'scores_by_year.csv'}, {out / 'trends.csv'} and {out / 'report.html'}")
    return card


if __name__ == "__main__":
    main(*sys.argv[1:2])
