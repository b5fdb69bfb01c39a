"""Map the KCS synthetic import declarations to office-level monthly KPIs.

Usage:
    python examples/kcs/map_kcs.py OUT.csv [--engine auto|duckdb|polars]

Reads the three CSV splits next to this script (54,000 declarations, 2020-01 to 2021-06), maps
them with the ``kcs`` source profile (kcs_profile.yaml) against catalog.yaml, and writes the long
table ``member, period, office, kpi, value`` (rates and shares in percent). The row accounting is
printed to standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import pmm

HERE = Path(__file__).resolve().parent
FILES = ("df_syn_train_eng.csv", "df_syn_valid_eng.csv", "df_syn_test_eng.csv")


def read_kcs() -> list[pd.DataFrame]:
    """The three splits as read from CSV (identifiers and codes kept as text)."""
    text = {"Declaration ID": str, "Office ID": str, "Mode of Transport": str, "HS6 Code": str, "Courier ID": str}
    return [pd.read_csv(HERE / name, dtype=text) for name in FILES]


def map_kcs(engine: str = "auto") -> pmm.MappingResult:
    """Map the KCS data per office and month."""
    catalog = pmm.load_catalog(HERE / "catalog.yaml")
    return pmm.map({"kcs": read_kcs()}, catalog, pmm.load_profile(HERE / "kcs_profile.yaml"),
                   by=["office"], period="month", engine=engine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="output CSV file")
    parser.add_argument("--engine", default="auto", choices=["auto", "duckdb", "polars"])
    args = parser.parse_args(argv)
    result = map_kcs(args.engine)
    result.values[["member", "period", "office", "kpi", "value"]].to_csv(args.out, index=False)
    print(result.accounting.to_string(index=False), file=sys.stderr)
    print(f"wrote {len(result.values):,} values to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
