"""Shared openpyxl styling for pmm workbooks: header rows, column widths, maturity colours.

Example:
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> style_header(ws, 1, ["member", "score"])
    >>> ws["A1"].value, ws["A1"].font.b
    ('member', True)
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["HEADER_FILL", "INPUT_FILL", "LEVEL_COLOURS", "style_header", "set_widths"]

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
INPUT_FILL = PatternFill("solid", fgColor="FFF4C2")
#: Maturity level → background colour (level 1 red … level 5 green), also used by the HTML report.
LEVEL_COLOURS: dict[int, str] = {1: "D7301F", 2: "FC8D59", 3: "FEE08B", 4: "91CF60", 5: "1A9850"}


def style_header(ws: Worksheet, row: int, labels: Sequence[str]) -> None:
    """Write ``labels`` as a bold white-on-blue header in ``row``."""
    for col, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Set the widths of the first ``len(widths)`` columns (in characters)."""
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
