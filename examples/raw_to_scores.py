"""Raw data → KPI values → scores, for several administrations.

Generates raw tables for six fictitious administrations (``pmm.datasets``: declarations,
seizures, audits, revenue … with a few deliberately invalid rows) and their self-assessment
answers, maps them to KPI values with ``pmm.map``, and scores them with ``pmm.score``.

Usage:
    python examples/raw_to_scores.py [OUT_DIR]

Prints the row accounting, the KPI-value statuses and the overall scores and ranks of the
latest year; with OUT_DIR also writes ``values.csv`` and ``scores.csv`` there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import pmm
from pmm.datasets import synthetic_answers, synthetic_sources

MEMBERS = 6
YEARS = (2022, 2023, 2024)


def main(out_dir: str | None = None) -> pd.DataFrame:
    catalog = pmm.load_catalog("wco-pmm")
    raw = synthetic_sources(members=MEMBERS, years=YEARS, seed=1, declarations_per_member_year=3000, dirty=True)
    answers = synthetic_answers(catalog, members=MEMBERS, years=YEARS, seed=1)

    mapped = pmm.map(raw, catalog, reported=answers, progress=None)
    print(mapped)
    print("\nrow accounting (invalid rows are excluded and counted, never dropped silently):")
    print(mapped.accounting.drop(columns="table").to_string(index=False))
    print("\nKPI values by status:")
    print(mapped.values["status"].value_counts().to_string())

    card = pmm.score(mapped.values, catalog)
    latest = card.scores[(card.scores["node"] == catalog.root) & (card.scores["period"] == max(YEARS))]
    print(f"\noverall index, {max(YEARS)}:")
    print(latest[["member", "score", "rank", "maturity"]].sort_values("rank").to_string(index=False))
    if out_dir:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        mapped.values.to_csv(out / "values.csv", index=False)
        card.scores.to_csv(out / "scores.csv", index=False)
        print(f"\nwrote {out / 'values.csv'} and {out / 'scores.csv'}")
    return latest


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
