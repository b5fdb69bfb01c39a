"""The demo pipeline behind ``pmm demo``: workshop data → map → score → report, workbook, values.

Example:
    >>> import pmm, tempfile
    >>> result = pmm.run_demo(tempfile.mkdtemp(), members=6)
    >>> sorted(p.name for p in result.files)
    ['kpi_values.csv', 'members.csv', 'report.html', 'scorecard.xlsx']
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pmm.errors import PmmError
from pmm.report.paths import output_path, write_csv

__all__ = ["run_demo", "demo_scorecard", "DemoResult", "DEMO_FILES"]

#: The files ``pmm demo`` writes, by role.
DEMO_FILES = {"report": "report.html", "workbook": "scorecard.xlsx", "values": "kpi_values.csv",
              "members": "members.csv"}
Progress = Callable[[str, int, int], Any]


@dataclass(frozen=True)
class DemoResult:
    """What :func:`run_demo` produced.

    Attributes:
        folder: the output folder.
        report, workbook, values, members: the paths of the HTML report, the Excel workbook, the
            KPI values and the member attributes (``--members members.csv --peers region``).
        card: the Scorecard.
        accounting: the mapping's row accounting per source.
        kpi_values: the KPI-values table written to ``values``.
        seconds: wall-clock time of each step.
    """

    folder: Path
    report: Path
    workbook: Path
    values: Path
    members: Path
    card: Any
    accounting: pd.DataFrame
    kpi_values: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def files(self) -> tuple[Path, Path, Path, Path]:
        """The four files written."""
        return self.report, self.workbook, self.values, self.members

    def summary(self) -> list[str]:
        """Three lines on the data, the leaders and the weak spots (printed by ``pmm demo``).

        Every count is one of the files: administrations are the rows of ``members.csv``, KPI values
        the rows of ``kpi_values.csv`` (those with status ``ok`` reported or computed), source rows
        the row accounting shown in the report.
        """
        card = self.card
        cat = card.catalog
        period = card.periods[-1]
        s = card.scores[card.scores["period"] == period]
        index = s[s["node"] == cat.root].dropna(subset=["score"]).sort_values("score", ascending=False)
        names = dict(zip(card.members["member"], card.members["name"])) if card.members is not None else {}
        values = self.kpi_values
        ok = int((values["status"] == "ok").sum())
        rows = int(self.accounting["rows_read"].sum()) if "rows_read" in self.accounting else 0
        first, last = index.iloc[0], index.iloc[-1]
        dims = s[s["node"].isin(cat.children(cat.root))].groupby("node")["score"].mean()
        weakest = dims.idxmin()
        return [
            f"{card.scores['member'].nunique()} administrations × {len(card.periods)} periods "
            f"({card.periods[0]}–{period}), {len(cat.kpis)} KPIs of {cat.root}: {rows:,} source rows → "
            f"{len(values):,} KPI values ({ok:,} reported or computed).",
            f"{period} overall score: highest {names.get(first['member'], first['member'])} ({first['member']}) "
            f"{first['score']:.1f} ({first['maturity_label']}), lowest {names.get(last['member'], last['member'])} "
            f"({last['member']}) {last['score']:.1f} ({last['maturity_label']}), median {index['score'].median():.1f}.",
            f"Weakest dimension on average: {cat.name(weakest)} ({dims[weakest]:.1f}); strongest: "
            f"{cat.name(dims.idxmax())} ({dims.max():.1f}).",
        ]


def _pipeline(members: int, seed: int, years: tuple[int, ...], progress: Progress | None = None,
              seconds: dict[str, float] | None = None) -> tuple[Any, Any]:
    import pmm
    from pmm.datasets import workshop

    timings = seconds if seconds is not None else {}
    steps = ["generate the workshop data", "map raw data to KPI values", "score"]

    def done(step: str, started: float) -> None:
        timings[step] = time.perf_counter() - started
        if progress is not None:
            progress(step, steps.index(step) + 1, len(steps))

    t = time.perf_counter()
    data = workshop(members=members, years=years, seed=seed)
    done(steps[0], t)
    t = time.perf_counter()
    mapped = pmm.map(data.sources, data.catalog, reported=data.answers)
    done(steps[1], t)
    t = time.perf_counter()
    card = pmm.score(mapped.values, data.catalog, members=data.members)
    done(steps[2], t)
    return card, mapped


@functools.lru_cache(maxsize=4)
def demo_scorecard(members: int = 22, seed: int = 0, years: tuple[int, ...] = (2022, 2023, 2024)) -> Any:
    """The Scorecard of the synthetic workshop data set (for examples and exercises; cached).

    Args:
        members: number of member administrations.
        seed: random seed of the data generator.
        years: the periods generated.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=5)
        >>> card.scores["member"].nunique(), list(card.periods)[-1] in ("2024", 2024)
        (5, True)
    """
    return _pipeline(members, seed, tuple(years))[0]


def run_demo(folder: str | os.PathLike[str] = "pmm-demo", *, members: int = 22, seed: int = 0,
             years: tuple[int, ...] = (2022, 2023, 2024), force: bool = False,
             progress: Progress | None = None) -> DemoResult:
    """Run the whole job on the synthetic workshop data and write the outputs into ``folder``.

    Generates a regional data set (``members`` administrations × ``years``, raw declarations
    and the other canonical sources plus self-assessment answers), maps it with the shipped
    ``wco-pmm`` catalog, scores it, and writes ``report.html`` (peer groups by region),
    ``scorecard.xlsx``, ``kpi_values.csv`` and ``members.csv`` (the member attributes, for
    ``pmm report … --members members.csv --peers region``).

    Args:
        folder: the output folder (created when missing).
        members: number of member administrations.
        seed: random seed of the data generator.
        years: the periods generated.
        force: overwrite existing output files (otherwise :class:`~pmm.errors.PmmError`).
        progress: a callback ``f(step, done, total)`` called after each step.

    Example:
        >>> import pmm, tempfile
        >>> out = tempfile.mkdtemp()
        >>> _ = pmm.run_demo(out, members=5)
        >>> pmm.run_demo(out, members=5)
        Traceback (most recent call last):
        ...
        pmm.errors.PmmError: ...report.html, ...scorecard.xlsx, ...kpi_values.csv, ...members.csv exist; pass --force to overwrite them
    """
    from pmm.report.excel import write_workbook
    from pmm.report.html import write_report

    folder = Path(folder)
    paths = {role: folder / name for role, name in DEMO_FILES.items()}
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not force:
        raise PmmError(f"{', '.join(existing)} exist{'s' if len(existing) == 1 else ''}; "
                       f"pass --force to overwrite {'it' if len(existing) == 1 else 'them'}")
    if folder.exists() and not folder.is_dir():
        raise PmmError(f"{folder} is a file; hint: choose a folder with -o")
    seconds: dict[str, float] = {}
    total = 6

    def step(name: str, done: int) -> None:
        if progress is not None:
            progress(name, done, total)

    card, mapped = _pipeline(members, seed, tuple(years), progress=lambda s, d, _t: step(s, d), seconds=seconds)
    output_path(paths["values"], force=True)  # creates the folder, or says why it cannot
    t = time.perf_counter()
    peers = "region" if card.members is not None and "region" in card.members.columns else None
    write_report(card, paths["report"], peers=peers, accounting=mapped.accounting, force=True)
    seconds["report"] = time.perf_counter() - t
    step("write the HTML report", 4)
    t = time.perf_counter()
    write_workbook(card, paths["workbook"], peers=peers, force=True)
    seconds["workbook"] = time.perf_counter() - t
    step("write the Excel workbook", 5)
    write_csv(mapped.values, paths["values"])
    write_csv(card.members, paths["members"])
    step("write the KPI values and members", 6)
    return DemoResult(folder, paths["report"], paths["workbook"], paths["values"], paths["members"], card,
                      mapped.accounting, mapped.values, seconds)
