"""Cost of exact, order-independent sums in ``pmm.map`` (docs/mapping.md, "Determinism").

Maps the synthetic workshop sources (every ``wco-pmm`` KPI: sums, means, shares, medians …) on
each engine twice per repeat: with exact sums (the default) and with the engine's own float sums
(``MeasurePlan.exact`` switched off in this process, the code before exact sums), and prints
median times and their ratio, and how many values differ between two runs of each.

Usage:
    python benchmarks/bench_exact_sums.py                  # 20,000 declarations per member-year, 3 repeats
    python benchmarks/bench_exact_sums.py --per-year 100000 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

import pmm
from pmm import datasets
from pmm.mapping.plan import MeasurePlan


def _run(sources, catalog, engine: str) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    values = pmm.map(sources, catalog, engine=engine).values["value"].to_numpy(dtype=float)
    return time.perf_counter() - start, values


def _differing(a: np.ndarray, b: np.ndarray) -> int:
    return int((~((a == b) | (np.isnan(a) & np.isnan(b)))).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-year", type=int, default=20_000, help="declarations per member and year")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    w = datasets.workshop(members=6, years=(2022, 2023, 2024), declarations_per_member_year=args.per_year, seed=3)
    inputs = {"pandas": (w.sources, "pandas"), "duckdb (auto)": (w.sources, "auto")}
    try:
        import polars as pl

        inputs["polars"] = ({k: pl.from_pandas(v) for k, v in w.sources.items()}, "auto")
    except ImportError:
        pass
    exact = MeasurePlan.exact
    rows = sum(len(t) for t in w.sources.values())
    print(f"{rows:,} rows in {len(w.sources)} sources; median of {args.repeat} runs after one warm-up")
    for name, (sources, engine) in inputs.items():
        times: dict[str, list[float]] = {"exact": [], "float": []}
        runs: dict[str, list[np.ndarray]] = {"exact": [], "float": []}
        for i in range(args.repeat + 1):  # alternate the modes; the first round is the warm-up
            for mode in ("exact", "float"):
                MeasurePlan.exact = exact if mode == "exact" else property(lambda self: False)  # type: ignore[method-assign]
                t, v = _run(sources, w.catalog, engine)
                if i:
                    times[mode].append(t)
                    runs[mode].append(v)
        MeasurePlan.exact = exact  # type: ignore[method-assign]
        t_exact, t_float = statistics.median(times["exact"]), statistics.median(times["float"])
        diff = {m: max(_differing(runs[m][0], r) for r in runs[m][1:]) for m in runs}
        print(f"{name:14s} exact {t_exact:6.2f} s   float {t_float:6.2f} s   ratio {t_exact / t_float:4.2f}   "
              f"values differing between runs: exact {diff['exact']}, float {diff['float']} (of {len(runs['exact'][0])})")


if __name__ == "__main__":
    main()
