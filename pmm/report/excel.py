"""The Scorecard as an Excel workbook (``card.to_excel``, ``pmm score -o``).

Sheets: ``summary`` (ranking of the period), one sheet per dimension (members' scores on the
dimension and its outcomes, with a bar chart), ``scores`` (every node), ``kpi levels``,
``benchmarks`` (by peer group), ``weights``, ``method``, ``provenance`` and the statistical audit
(``audit kpi statistics``, ``correlation flags``, ``reliability``: see ``docs/audit.md``); each with a frozen,
filterable header row, number formats (one decimal for scores), periods as numbers, and maturity
levels coloured by conditional formatting. Written with :mod:`pmm.report.xlsx_writer` (fast).

Example:
    >>> import pmm, tempfile, pathlib, openpyxl
    >>> path = pmm.demo_scorecard(members=4).to_excel(pathlib.Path(tempfile.mkdtemp()) / "card.xlsx")
    >>> openpyxl.load_workbook(path).sheetnames  # doctest: +NORMALIZE_WHITESPACE
    ['summary', 'Trade Facilitation and Economi', 'Revenue Collection', 'Enforcement, Security and Prot',
     'Organizational Development', 'scores', 'kpi levels', 'benchmarks', 'weights', 'method', 'provenance',
     'audit kpi statistics', 'correlation flags', 'reliability']
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pmm.errors import PmmError
from pmm.report.audit_tables import audit_tables
from pmm.report.html import visible_kpis
from pmm.report.paths import output_path
from pmm.report.plots import dimension_ids, in_period

__all__ = ["write_workbook"]

_FORMATS = {"score": "0.0", "mean": "0.0", "median": "0.0", "q1": "0.0", "q3": "0.0", "min": "0.0", "max": "0.0",
            "gap_to_median": "+0.0;-0.0;0.0", "gap_to_best": "+0.0;-0.0;0.0", "coverage": "0%",
            "percentile": "0", "weight": "0.00", "effective_weight": "0.00%", "value": "#,##0.00",
            "sd": "0.00", "skew": "0.00", "kurt": "0.00", "availability": "0%", "zero_share": "0%",
            "unique_share": "0%", "correlation": "0.00", "cronbach_alpha": "0.00", "pc1_share": "0%"}
_LEVEL_COLUMNS = ("maturity", "level")


def _flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, Mapping):
        out: list[tuple[str, Any]] = []
        for key, value in data.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    return [(prefix, data if isinstance(data, (str, int, float, bool)) or data is None else json.dumps(data, default=str))]


def _summary(card: Any, period: Any, kpis: list[str]) -> tuple[list[tuple[str, Any]], pd.DataFrame]:
    from pmm import __version__

    cat = card.catalog
    dims = dimension_ids(card)
    s = card.scores[in_period(card.scores, period)]
    wide = s.pivot_table(index="member", columns="node", values="score", aggfunc="first")
    root = s[s["node"] == cat.root].set_index("member")
    table = pd.DataFrame({"member": root.index, "rank": root["rank"].to_numpy(), "score": root["score"].to_numpy(),
                          "maturity": root["maturity"].to_numpy(), "maturity_label": root["maturity_label"].to_numpy(),
                          "coverage": root["coverage"].to_numpy()})
    if card.members is not None and "name" in card.members:
        table.insert(1, "name", table["member"].map(dict(zip(card.members["member"], card.members["name"]))))
    for d in dims:
        table[cat.name(d)] = table["member"].map(wide[d]) if d in wide else None
    table = table.sort_values(["rank", "member"], na_position="last")
    facts = [("Framework", f"{cat.framework.name} [{cat.root}]"), ("Catalog version", cat.framework.version),
             ("Catalog hash", cat.hash), ("Period", period), ("Periods", ", ".join(map(str, card.periods))),
             ("Members", len(table)), ("KPIs included", len(kpis)), ("pmm version", __version__),
             ("Notice", cat.framework.notice)]
    return facts, table


def write_workbook(card: Any, path: str | os.PathLike[str], *, period: Any = None, peers: str | None = None,
                   disclosure: str = "confidential", min_group_size: int = 3, force: bool = True,
                   uncertainty: Any = None) -> Path:
    """Write a Scorecard to an Excel workbook.

    Args:
        card: the Scorecard.
        path: the ``.xlsx`` file to write.
        period: the period of the summary sheet (default: the latest; other sheets hold every period).
        peers: a column of ``card.members`` forming the peer groups of the benchmarks sheet.
        disclosure: the most closed disclosure level included; KPIs above it are left out.
        min_group_size: peer statistics over smaller groups are suppressed (blank, ``suppressed`` TRUE).
        force: overwrite an existing file (``False`` raises :class:`~pmm.errors.PmmError`).
        uncertainty: a :class:`pmm.Uncertainty` or :class:`pmm.Sensitivity` of the same data; adds the sheets
            ``robustness`` (rank statistics of every run), ``vary`` and, for a sensitivity analysis, ``sensitivity``.

    Returns:
        The path written.

    Example:
        >>> import pmm, tempfile, pathlib
        >>> card = pmm.demo_scorecard(members=4)
        >>> write_workbook(card, pathlib.Path(tempfile.mkdtemp()) / "c.xlsx").suffix
        '.xlsx'
    """
    from pmm.report.colours import level_colours
    from pmm.report.xlsx_writer import BarChart, XlsxBook

    path = output_path(path, force=force, suffix=".xlsx", what="scorecard")
    periods = list(card.periods)
    period = periods[-1] if period is None else period
    if period not in periods:
        raise PmmError(f"unknown period {period!r}; expected one of {', '.join(map(str, periods))}")
    cat = card.catalog
    kpis = visible_kpis(cat, disclosure)
    hidden = set(cat.kpi_ids) - set(kpis)
    card = card.disclosed(disclosure)  # hidden KPIs out, revealing group scores suppressed (every sheet alike)
    names = {n: cat.name(n) for n in cat.walk()}
    book = XlsxBook(level_colours=tuple(level_colours(len(cat.framework.levels))))

    def table(name: str, frame: pd.DataFrame, **kw: Any) -> None:
        formats = {**_FORMATS, **{c: "0.0" for c in frame.columns if c in names.values()}}
        book.add_table(name, frame, formats=formats, level_columns=_LEVEL_COLUMNS, **kw)

    facts, ranking = _summary(card, period, kpis)
    table("summary", ranking, title=f"{cat.framework.name}: scorecard {period}", preamble=facts,
          bold_first_column=True)
    for dim in dimension_ids(card):
        frame = _dimension(card, period, dim, hidden)
        title = f"{names[dim]}, {period}"
        table(_sheet_name(names[dim]), frame, title=title, chart=BarChart(
            title=title, categories="member", series=(names[dim],), anchor=f"{_letter(len(frame.columns) + 1)}3",
            y_title="score"))
    scores = card.scores[~card.scores["node"].isin(hidden)]
    scores = scores.assign(name=scores["node"].map(names))
    table("scores", scores[["member", "period", "node", "name",
                            *[c for c in scores.columns if c not in ("member", "period", "node", "name")]]])
    levels = card.levels[card.levels["kpi"].isin(kpis)]
    levels = levels.assign(name=levels["kpi"].map(names), unit=levels["kpi"].map(lambda k: cat.kpi(k).unit))
    table("kpi levels", levels[["member", "period", "kpi", "name", "unit",
                                *[c for c in levels.columns if c not in ("member", "period", "kpi", "name", "unit")]]])
    if card.screening is not None:
        table("screening", card.screening)
    if card.treatment is not None:
        table("treatment", card.treatment[~card.treatment["kpi"].isin(hidden)])
    kw: dict[str, Any] = {"min_group_size": min_group_size}
    if disclosure != "confidential":
        kw["disclosure"] = disclosure
    bench = card.benchmark(by=peers, **kw)
    table("benchmarks", bench[~bench["node"].isin(hidden)])
    weights = card.weights[~card.weights["node"].isin(hidden)]
    table("weights", weights.assign(name=weights["node"].map(names)))
    if uncertainty is not None:
        from pmm.report.robustness import robustness_tables

        for name, frame in robustness_tables(uncertainty, hidden, names).items():
            table(name, frame)
    method = card.method.model_dump(mode="json") if hasattr(card.method, "model_dump") else card.method
    table("method", pd.DataFrame(_flatten(method), columns=["setting", "value"]))
    provenance = [(k, v) for k, v in _flatten({k: v for k, v in (card.provenance or {}).items() if k != "method"})
                  if not any(h in str(k) or h in str(v) for h in hidden)]
    table("provenance", pd.DataFrame(provenance, columns=["item", "value"]))
    for name, frame in audit_tables(card, kpis, period).items():
        table("audit " + name if name == "kpi statistics" else name, frame)
    return book.save(path)


def _dimension(card: Any, period: Any, dim: str, hidden: set[str]) -> pd.DataFrame:
    """Members' scores on a dimension and its children in ``period``, best first (columns named by node)."""
    cat = card.catalog
    children = [c for c in cat.children(dim) if c not in hidden]
    s = card.scores[in_period(card.scores, period)]
    wide = s.pivot_table(index="member", columns="node", values="score", aggfunc="first")
    own = s[s["node"] == dim].set_index("member")
    frame = pd.DataFrame({"member": own.index, "rank": own["rank"].to_numpy(),
                          cat.name(dim): own["score"].to_numpy(), "maturity": own["maturity"].to_numpy(),
                          "maturity_label": own["maturity_label"].to_numpy()})
    for child in children:
        frame[cat.name(child)] = frame["member"].map(wide[child]) if child in wide else None
    return frame.sort_values(["rank", "member"], na_position="last").reset_index(drop=True)


def _sheet_name(name: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in name)[:30].strip()


def _letter(column: int) -> str:
    from pmm.report.xlsx_writer import column_name

    return column_name(column)
