"""Benchmark of pmm's outputs (workbook, HTML report, ``pmm demo``, ``import pmm``) against baselines.

Timings are CPU seconds of this process (``time.process_time``) or of a child process
(``resource.getrusage``), medians of ``--repeat`` runs after one warm-up: the machine is shared,
so wall-clock time says more about the neighbours than about pmm. Baselines, run in the same process
on the same Scorecard:

* workbook: the same seven tables (summary, scores, KPI levels, benchmarks, weights, method,
  provenance) dumped by a plain openpyxl ``write_only`` workbook (values only, no styles) and by
  ``pandas.DataFrame.to_excel`` (one ``ExcelWriter``), against ``card.to_excel`` (the same tables
  plus a sheet and a chart per dimension, number formats, conditional colours, filters);
* report: the member charts drawn with matplotlib (``pmm.plot.radar`` and ``pmm.plot.trend`` saved
  as SVG, what the report did before) against the whole ``pmm.render_report``;
* ``pmm demo`` end to end and ``python -c "import pmm"`` in child processes.

Run: ``python benchmarks/bench_outputs.py [--members 22] [--repeat 3]``.

Example:
    >>> round(median_cpu(lambda: sum(range(10)), 3), 3) >= 0
    True
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def median_cpu(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of ``fn`` over ``repeat`` runs, after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def child_cpu(argv: list[str], repeat: int, cwd: str) -> tuple[float, float]:
    """Median CPU seconds (user + system) and wall seconds of a child process."""
    cpu, wall = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, cwd=cwd, capture_output=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(cpu), statistics.median(wall)


def tables(card: object) -> dict[str, pd.DataFrame]:
    """The tables the workbook holds, as plain frames (for the baselines)."""
    method = pd.json_normalize(card.method.model_dump(mode="json")).T.reset_index()  # type: ignore[attr-defined]
    provenance = pd.json_normalize({k: v for k, v in card.provenance.items() if k != "method"}).T.reset_index()
    latest = card.scores[card.scores["period"] == card.periods[-1]]  # type: ignore[attr-defined]
    return {"summary": latest[latest["node"] == card.catalog.root], "scores": card.scores,  # type: ignore
            "kpi levels": card.levels, "benchmarks": card.benchmark(by="region"),  # type: ignore[attr-defined]
            "weights": card.weights, "method": method.astype(str), "provenance": provenance.astype(str)}  # type: ignore


def openpyxl_dump(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """Baseline: every table through a write-only openpyxl workbook, values only."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, frame in frames.items():
        ws = wb.create_sheet(name)
        ws.append(list(map(str, frame.columns)))
        for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
            ws.append(list(row))
    wb.save(path)


def pandas_dump(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """Baseline: every table through ``DataFrame.to_excel`` into one ``ExcelWriter``."""
    with pd.ExcelWriter(path) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)


def matplotlib_charts(card: object) -> None:
    """Baseline: the radar and trend of every member drawn with matplotlib and saved as SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import pmm

    for member in card.scores["member"].unique():  # type: ignore[attr-defined]
        for ax in (pmm.plot.radar(card, member, peers="region"), pmm.plot.trend(card, member)):
            ax.figure.savefig(io.StringIO(), format="svg")
            plt.close(ax.figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=22)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import pmm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card = pmm.demo_scorecard(members=args.members)
    frames = tables(card)
    cells = sum(f.size for f in frames.values())
    folder = Path(tempfile.mkdtemp())
    rows = [
        ("workbook: card.to_excel", median_cpu(lambda: card.to_excel(folder / "a.xlsx", peers="region"),
                                               args.repeat), "workbook"),
        ("workbook baseline: openpyxl write_only dump", median_cpu(lambda: openpyxl_dump(frames, folder / "b.xlsx"),
                                                                   args.repeat), "workbook"),
        ("workbook baseline: pandas to_excel", median_cpu(lambda: pandas_dump(frames, folder / "c.xlsx"),
                                                          args.repeat), "workbook"),
        ("report: pmm.render_report (whole page)", median_cpu(lambda: pmm.render_report(card, peers="region"),
                                                              args.repeat), "report"),
        ("report baseline: matplotlib radar + trend SVGs", median_cpu(lambda: matplotlib_charts(card),
                                                                      args.repeat), "report"),
    ]
    print(f"{args.members} members, {len(card.periods)} periods; the workbook's tables hold {cells:,} cells")
    print(f"{'what':<50} {'CPU s':>8} {'vs baseline':>12}")
    base = {"workbook": rows[1][1], "report": rows[4][1]}
    for label, seconds, kind in rows:
        print(f"{label:<50} {seconds:8.3f} {seconds / base[kind]:11.2f}x")
    demo_cpu, demo_wall = child_cpu([sys.executable, "-m", "pmm.cli", "demo", "-q", "--force", "-o", "d",
                                     "--members", str(args.members)], args.repeat, str(folder))
    import_cpu, import_wall = child_cpu([sys.executable, "-c", "import pmm"], max(args.repeat, 5), str(folder))
    bare_cpu, bare_wall = child_cpu([sys.executable, "-c", "pass"], max(args.repeat, 5), str(folder))
    print(f"{'pmm demo end to end (child process)':<50} {demo_cpu:8.3f}   wall {demo_wall:.2f} s")
    label = 'python -c "import pmm" (child process)'
    print(f"{label:<50} {import_cpu:8.3f}   wall {import_wall:.2f} s")
    print(f"{'python -c pass (interpreter start, for reference)':<50} {bare_cpu:8.3f}   wall {bare_wall:.2f} s")


if __name__ == "__main__":
    main()
