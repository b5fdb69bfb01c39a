"""Write the illustrative data of the ``ten-year-review`` example (``bodies.csv``, ``annual_returns.csv``).

ILLUSTRATIVE DATA: eight fictitious member bodies (codes ``XBA``–``XBH``) and their annual returns
2011–2020, one row per body and year with one column per KPI of the catalog. Each body has its
own starting level and growth rate with yearly noise (fixed seed). Three series are shaped for
the review's hand checks: ``XBA`` mobilises exactly USD 4.00 million in 2011 and 8.00 million in
2020 (a CAGR of 2^(1/9) − 1 = 8.01 %); ``XBG`` joined in 2014 (no rows before); ``XBE`` did not
file its 2017 return (a row without values).

Usage:
    python examples/ten-year-review/make_data.py [OUT_DIR]     # default: next to this script
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

YEARS = np.arange(2011, 2021)
BODIES = pd.DataFrame({
    "member": ["XBA", "XBB", "XBC", "XBD", "XBE", "XBF", "XBG", "XBH"],
    "name": ["Aldermark Institute", "Brisa Council", "Corvell Association", "Dunmore Agency",
             "Elsward Foundation", "Fairhaven Society", "Glenrock Centre", "Harwick Board"],
    "region": ["Africa", "Americas", "Asia-Pacific", "Europe", "Africa", "Asia-Pacific", "Americas", "Europe"],
    "joined": [2005, 1998, 2009, 2001, 2007, 2010, 2014, 2003],
})
#: member → (resources in its first year, yearly growth of resources)
RESOURCES = {"XBA": (4.0, None), "XBB": (11.5, 0.03), "XBC": (2.2, 0.14), "XBD": (15.0, -0.02),
             "XBE": (6.0, 0.06), "XBF": (1.2, 0.18), "XBG": (0.8, 0.25), "XBH": (8.5, 0.01)}
MISSED = {("XBE", 2017)}


def returns(member: str, joined: int, rng: np.random.Generator) -> pd.DataFrame:
    years = YEARS[YEARS >= max(joined, YEARS[0])]
    t = years - years[0]
    start, growth = RESOURCES[member]
    if growth is None:  # the exact series of the hand check: 4.00 → 8.00 over nine years
        resources = 4.0 * 2 ** (t / 9)
    else:
        resources = start * (1 + growth) ** t * rng.lognormal(0, 0.08, len(t))
    non_core = np.clip(rng.uniform(10, 35) + rng.uniform(0.5, 3.5) * t + rng.normal(0, 3, len(t)), 0, 95)
    projects = np.maximum(np.round(resources * rng.uniform(1.8, 3.2) + rng.normal(0, 2, len(t))), 0)
    on_time = np.clip(rng.uniform(50, 80) + rng.uniform(-0.5, 2.0) * t + rng.normal(0, 5, len(t)), 0, 100)
    partnerships = np.round(rng.uniform(2, 10) + np.cumsum(rng.integers(0, 4, len(t))))
    table = pd.DataFrame({"member": member, "year": years, "resources_mobilised": resources.round(2),
                          "resources_non_core": non_core.round(1), "projects_active": projects.astype(int),
                          "projects_on_time": on_time.round(1), "partnerships_active": partnerships.astype(int)})
    missed = table["year"].map(lambda y: (member, y) in MISSED)
    table = table.astype({"projects_active": "Int64", "partnerships_active": "Int64"})
    table.loc[missed, table.columns[2:]] = pd.NA
    return table


def main(out_dir: str | Path | None = None) -> Path:
    out = Path(out_dir) if out_dir else Path(__file__).resolve().parent
    rng = np.random.default_rng(2011)
    BODIES.to_csv(out / "bodies.csv", index=False)
    yearly = [returns(m, j, rng) for m, j in zip(BODIES["member"], BODIES["joined"])]
    pd.concat(yearly, ignore_index=True).to_csv(out / "annual_returns.csv", index=False)
    return out


if __name__ == "__main__":
    print("wrote the CSV files in", main(sys.argv[1] if len(sys.argv) > 1 else None))
