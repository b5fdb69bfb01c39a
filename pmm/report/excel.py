"""The Scorecard as an Excel workbook (``card.to_excel``, ``pmm score -o``).

Sheets: ``summary`` (ranking of the latest period), ``scores`` (every node), ``kpi levels``,
``benchmarks`` (by peer group), ``weights``, ``method``, ``provenance`` and the statistical audit
(``audit kpi statistics``, ``correlation flags``, ``reliability``: see ``docs/audit.md``); each with a frozen,
filterable header row, number formats, and maturity levels coloured by conditional formatting.

Example:
    >>> import pmm, tempfile, pathlib, openpyxl
    >>> path = pmm.demo_scorecard(members=4).to_excel(pathlib.Path(tempfile.mkdtemp()) / "card.xlsx")
    >>> openpyxl.load_workbook(path).sheetnames
    ['summary', 'scores', 'kpi levels', 'benchmarks', 'weights', 'method', 'provenance', 'audit kpi statistics', 'correlation flags', 'reliability']
"""

from __future__ import annotations

import json
import math
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
from pmm.report.xlsx import save_workbook, text_cell

__all__ = ["write_workbook"]

_FORMATS = {"score": "0.0", "mean": "0.0", "median": "0.0", "q1": "0.0", "q3": "0.0", "min": "0.0", "max": "0.0",
            "gap_to_median": "+0.0;-0.0;0.0", "gap_to_best": "+0.0;-0.0;0.0", "coverage": "0%",
            "percentile": "0", "weight": "0.00", "effective_weight": "0.00%", "value": "#,##0.00",
            "sd": "0.00", "skew": "0.00", "kurt": "0.00", "availability": "0%", "zero_share": "0%",
            "unique_share": "0%", "correlation": "0.00", "cronbach_alpha": "0.00", "pc1_share": "0%"}
_LEVEL_COLUMNS = ("maturity", "level")


def _cell_value(x: Any) -> Any:
    if x is None or x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item") and not isinstance(x, str):
        return x.item()
    if isinstance(x, (list, tuple, dict)):
        return json.dumps(x, default=str)
    return x


def _write_frame(ws: Any, frame: pd.DataFrame, *, preamble: list[list[Any]] | None = None) -> None:
    """Write ``preamble`` rows, then ``frame`` with a styled, frozen, filterable header, to an empty write-only sheet.

    Sheet views and column widths must be set before the first row of a write-only sheet.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from pmm.report.xlstyle import HEADER_FILL, LEVEL_COLOURS

    preamble = preamble or []
    header_row = len(preamble) + 1
    columns = [str(c) for c in frame.columns]
    ws.freeze_panes = f"A{header_row + 1}"
    for c, name in enumerate(columns, start=1):
        width = max([len(name)] + [len(str(v)) for v in frame.iloc[:200, c - 1].tolist()]) + 2
        ws.column_dimensions[get_column_letter(c)].width = min(max(width, 8), 48)
    for row in preamble:
        ws.append([text_cell(WriteOnlyCell(ws), v) if isinstance(v, str) else v for v in row])
    header = []
    for name in columns:
        cell = text_cell(WriteOnlyCell(ws), name)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    formats = [_FORMATS.get(name) for name in columns]
    for row in frame.itertuples(index=False):
        out = []
        for value, fmt in zip(row, formats):
            value = _cell_value(value)
            if isinstance(value, str):
                value = text_cell(WriteOnlyCell(ws), value)
            elif fmt is not None and value is not None:
                value = WriteOnlyCell(ws, value=value)
                value.number_format = fmt
            out.append(value)
        ws.append(out)
    last = header_row + len(frame)
    if len(frame):
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last}"
    for c, name in enumerate(columns, start=1):
        letter = get_column_letter(c)
        if name in _LEVEL_COLUMNS and len(frame):
            area = f"{letter}{header_row + 1}:{letter}{last}"
            for level, colour in LEVEL_COLOURS.items():
                ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=[str(level)],
                                                               fill=PatternFill("solid", bgColor=colour)))


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
                   disclosure: str = "confidential", min_group_size: int = 3, force: bool = True) -> Path:
    """Write a Scorecard to an Excel workbook.

    Args:
        card: the Scorecard.
        path: the ``.xlsx`` file to write.
        period: the period of the summary sheet (default: the latest; other sheets hold every period).
        peers: a column of ``card.members`` forming the peer groups of the benchmarks sheet.
        disclosure: the most closed disclosure level included; KPIs above it are left out.
        min_group_size: peer statistics over smaller groups are suppressed (blank, ``suppressed`` TRUE).
        force: overwrite an existing file (``False`` raises :class:`~pmm.errors.PmmError`).

    Returns:
        The path written.

    Example:
        >>> import pmm, tempfile, pathlib
        >>> card = pmm.demo_scorecard(members=4)
        >>> write_workbook(card, pathlib.Path(tempfile.mkdtemp()) / "c.xlsx").suffix
        '.xlsx'
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = output_path(path, force=force, suffix=".xlsx", what="scorecard")
    periods = list(card.periods)
    period = periods[-1] if period is None else period
    if period not in periods:
        raise PmmError(f"unknown period {period!r}; expected one of {', '.join(map(str, periods))}")
    cat = card.catalog
    kpis = visible_kpis(cat, disclosure)
    hidden = set(cat.kpi_ids) - set(kpis)
    names = {n: cat.name(n) for n in cat.walk()}

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("summary")
    facts, ranking = _summary(card, period, kpis)
    title = text_cell(WriteOnlyCell(ws), f"{cat.framework.name}: scorecard {period}")
    title.font = Font(bold=True, size=14)
    preamble: list[list[Any]] = [[title]]
    for key, value in facts:
        label = text_cell(WriteOnlyCell(ws), key)
        label.font = Font(bold=True)
        preamble.append([label, _cell_value(value)])
    _write_frame(ws, ranking, preamble=[*preamble, []])

    scores = card.scores[~card.scores["node"].isin(hidden)]
    scores = scores.assign(name=scores["node"].map(names))
    _write_frame(wb.create_sheet("scores"), scores[["member", "period", "node", "name",
                                                    *[c for c in scores.columns if c not in
                                                      ("member", "period", "node", "name")]]])
    levels = card.levels[card.levels["kpi"].isin(kpis)]
    levels = levels.assign(name=levels["kpi"].map(names), unit=levels["kpi"].map(lambda k: cat.kpi(k).unit))
    _write_frame(wb.create_sheet("kpi levels"), levels[["member", "period", "kpi", "name", "unit",
                                                        *[c for c in levels.columns if c not in
                                                          ("member", "period", "kpi", "name", "unit")]]])
    kw: dict[str, Any] = {"min_group_size": min_group_size}
    if disclosure != "confidential":
        kw["disclosure"] = disclosure
    bench = card.benchmark(by=peers, **kw)
    _write_frame(wb.create_sheet("benchmarks"), bench[~bench["node"].isin(hidden)])
    weights = card.weights[~card.weights["node"].isin(hidden)]
    _write_frame(wb.create_sheet("weights"), weights.assign(name=weights["node"].map(names)))
    method = card.method.model_dump(mode="json") if hasattr(card.method, "model_dump") else card.method
    _write_frame(wb.create_sheet("method"), pd.DataFrame(_flatten(method), columns=["setting", "value"]))
    provenance = [(k, v) for k, v in _flatten({k: v for k, v in (card.provenance or {}).items() if k != "method"})
                  if not any(h in str(k) or h in str(v) for h in hidden)]
    _write_frame(wb.create_sheet("provenance"), pd.DataFrame(provenance, columns=["item", "value"]))
    for name, table in audit_tables(card, kpis, period).items():
        _write_frame(wb.create_sheet("audit " + name if name == "kpi statistics" else name), table)
    return save_workbook(wb, path)
