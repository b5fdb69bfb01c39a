"""A small, fast XLSX writer for tables: the scorecard workbook is built with it.

openpyxl builds a Python object per cell (about 5 µs a cell even in write-only mode; the demo's
workbook has a quarter of a million cells). This writer turns each column of a DataFrame into
SpreadsheetML text at once and zips the parts: header styles, number formats, frozen and
filterable header rows, column widths, maturity levels coloured by conditional formatting, and
clustered bar charts. The files are read back by openpyxl, Excel and LibreOffice.

Text is always a string cell (never a formula; text starting with ``=``, ``+``, ``-``, ``@`` … gets
Excel's quote prefix, see :mod:`pmm.report.xlsx`), the file is written atomically, and its time
stamps are :func:`~pmm.reproducible.build_time` (``SOURCE_DATE_EPOCH`` for identical bytes).

Example:
    >>> import pandas as pd, tempfile, pathlib, openpyxl
    >>> book = XlsxBook()
    >>> book.add_table("scores", pd.DataFrame({"member": ["A", "B"], "score": [81.25, None]}),
    ...                formats={"score": "0.0"})
    >>> path = book.save(pathlib.Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> ws = openpyxl.load_workbook(path)["scores"]
    >>> [[c.value for c in row] for row in ws.iter_rows()], ws["B2"].number_format, ws.freeze_panes
    ([['member', 'score'], ['A', 81.25], ['B', None]], '0.0', 'A2')
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from pmm.report.paths import atomic_write
from pmm.reproducible import build_time
from pmm.report.xlsx import FORMULA_TRIGGERS, xml_text

__all__ = ["XlsxBook", "BarChart", "column_name"]

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_HEADER_FILL, _HEADER_FONT = "FF1F3A5F", "FFFFFFFF"
# cellXfs 0 default, 1 header (bold white on blue, wrapped), 2 bold, 3 title; 4-7 the same with Excel's
# quote prefix (text that would otherwise start a formula); number formats follow from 8
_XF = ('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"{q}/>',
       '<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
       'applyAlignment="1"{q}><alignment vertical="center" wrapText="1"/></xf>',
       '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"{q}/>',
       '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"{q}/>')
_BASE_XFS = "".join(x.format(q="") for x in _XF) + "".join(x.format(q=' quotePrefix="1"') for x in _XF)
HEADER, BOLD, TITLE, QUOTED, FIRST_FORMAT = 1, 2, 3, 4, 8
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # what xml_text replaces (and \r)


def column_name(index: int) -> str:
    """The spreadsheet column letters of a 0-based column index.

    Example:
        >>> column_name(0), column_name(25), column_name(26), column_name(701)
        ('A', 'Z', 'AA', 'ZZ')
    """
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text_cell(ref: str, text: str, style: int) -> str:
    """A string cell; text that a spreadsheet would read as a formula gets the quote prefix."""
    text = xml_text(text)
    if text.startswith(FORMULA_TRIGGERS):
        style = style + QUOTED if style < QUOTED else QUOTED
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _value_cell(ref: str, value: Any, style: int) -> str:
    """One cell of any Python value (``""`` for a missing one)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return ""
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{int(value) if isinstance(value, (int, np.integer)) else repr(number)}</v></c>'
    return _text_cell(ref, value if isinstance(value, str) else str(value), style)


def _column_cells(values: pd.Series, letter: str, first_row: int, style: int) -> list[str]:
    """The ``<c>`` elements of one column, built per column dtype (fast paths for numbers)."""
    rows = range(first_row, first_row + len(values))
    s = f' s="{style}"' if style else ""
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else "O"  # nullable dtypes: cell by cell
    if kind == "f":
        return ["" if v != v or v in (math.inf, -math.inf) else f'<c r="{letter}{r}"{s}><v>{v!r}</v></c>'
                for r, v in zip(rows, values.tolist())]
    if kind in "iu":
        return [f'<c r="{letter}{r}"{s}><v>{v}</v></c>' for r, v in zip(rows, values.tolist())]
    if kind == "b":
        return [f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>' for r, v in zip(rows, values.tolist())]
    items = values.astype(object).tolist()
    if pd.api.types.infer_dtype(values, skipna=True) == "string":  # text: one template, no type tests
        plain = f' s="{style}"' if style else ""
        out = []
        for r, v in zip(rows, items):
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                out.append("")
            elif v.startswith(FORMULA_TRIGGERS) or _NEEDS_CLEANING.search(v):
                out.append(_text_cell(f"{letter}{r}", v, style))
            else:
                out.append(f'<c r="{letter}{r}"{plain} t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>')
        return out
    return [_value_cell(f"{letter}{r}", v, style) for r, v in zip(rows, items)]


@dataclass(frozen=True)
class BarChart:
    """A clustered bar chart over a table written by :meth:`XlsxBook.add_table`.

    Attributes:
        title: the chart title.
        categories: the column holding the category labels (e.g. ``member``).
        series: the columns drawn as series.
        anchor: the top-left cell of the chart (e.g. ``"H2"``).
        y_title: the value axis title.
    """

    title: str
    categories: str
    series: tuple[str, ...]
    anchor: str
    y_title: str = ""


@dataclass
class _Sheet:
    name: str
    xml: str
    chart: str | None = None
    anchor: tuple[int, int] = (0, 0)


@dataclass
class XlsxBook:
    """A workbook assembled sheet by sheet and written with :meth:`save`."""

    sheets: list[_Sheet] = field(default_factory=list)
    formats: dict[str, int] = field(default_factory=dict)
    level_colours: tuple[str, ...] = ()

    def _style(self, number_format: str | None) -> int:
        if number_format is None:
            return 0
        if number_format not in self.formats:
            self.formats[number_format] = len(self.formats)
        return FIRST_FORMAT + self.formats[number_format]

    def add_table(self, name: str, frame: pd.DataFrame, *, formats: Mapping[str, str] | None = None,
                  preamble: Sequence[Sequence[Any]] = (), bold_first_column: bool = False,
                  title: str | None = None, level_columns: Sequence[str] = (), chart: BarChart | None = None,
                  widths: Mapping[str, float] | None = None) -> None:
        """Add a sheet: ``title`` and ``preamble`` rows, then ``frame`` under a frozen, filterable header.

        Args:
            name: the sheet name (at most 31 characters, no ``[]:*?/\\``).
            frame: the table.
            formats: column → Excel number format (``"0.0"``, ``"0%"`` …).
            preamble: rows written above the table (label, value …).
            bold_first_column: write the first cell of each preamble row in bold.
            title: a large bold line above everything.
            level_columns: columns holding maturity levels, coloured by :attr:`level_colours`.
            chart: a bar chart over the table.
            widths: column → width in characters (default: from the content).
        """
        formats = dict(formats or {})
        columns = [str(c) for c in frame.columns]
        lines: list[str] = []
        row = 1
        if title is not None:
            lines.append(f'<row r="{row}">{_text_cell(f"A{row}", title, TITLE)}</row>')
            row += 1
        for values in preamble:
            cells = [_value_cell(f"{column_name(i)}{row}", v, BOLD if i == 0 and bold_first_column else 0)
                     for i, v in enumerate(values)]
            lines.append(f'<row r="{row}">{"".join(cells)}</row>')
            row += 1
        if preamble or title is not None:
            row += 1  # a blank row before the table
        header_row = row
        header = "".join(_text_cell(f"{column_name(i)}{header_row}", c, HEADER) for i, c in enumerate(columns))
        lines.append(f'<row r="{header_row}">{header}</row>')
        body = [_column_cells(frame.iloc[:, i], column_name(i), header_row + 1, self._style(formats.get(c)))
                for i, c in enumerate(columns)]
        first = header_row + 1
        lines.extend(f'<row r="{first + k}">{"".join(cells)}</row>' for k, cells in enumerate(zip(*body)))
        last = header_row + len(frame)
        width_of = dict(widths or {})
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{width_of.get(c, _width(c, frame.iloc[:200, i])):.1f}" '
            f'customWidth="1"/>' for i, c in enumerate(columns))
        last_col = column_name(max(len(columns) - 1, 0))
        views = (f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{header_row}" topLeftCell="A{first}" '
                 f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>')
        tail = f'<autoFilter ref="A{header_row}:{last_col}{last}"/>' if len(frame) else ""
        priority = 1
        for i, c in enumerate(columns):
            if c not in level_columns or not len(frame):
                continue
            area = f"{column_name(i)}{first}:{column_name(i)}{last}"
            rules = []
            for level in range(1, len(self.level_colours) + 1):
                rules.append(f'<cfRule type="cellIs" dxfId="{level - 1}" priority="{priority}" operator="equal">'
                             f'<formula>{level}</formula></cfRule>')
                priority += 1
            tail += f'<conditionalFormatting sqref="{area}">{"".join(rules)}</conditionalFormatting>'
        sheet = _Sheet(name, "")
        if chart is not None:
            sheet.chart = self._chart_xml(name, chart, columns, first, last)
            letters = "".join(ch for ch in chart.anchor if ch.isalpha())
            sheet.anchor = (_column_index(letters), int(chart.anchor[len(letters):]) - 1)
            tail += f'<drawing r:id="rId1"/>'
        sheet.xml = (f'{_DECL}<worksheet {_NS} xmlns:r="{_R}">{views}<sheetFormatPr defaultRowHeight="15"/>'
                     f'<cols>{cols}</cols><sheetData>{"".join(lines)}</sheetData>{tail}</worksheet>')
        self.sheets.append(sheet)

    @staticmethod
    def _chart_xml(sheet: str, chart: BarChart, columns: list[str], first: int, last: int) -> str:
        ref = quoteattr(sheet)[1:-1].replace("'", "''")
        cat_col = column_name(columns.index(chart.categories))
        series = []
        for k, name in enumerate(chart.series):
            col = column_name(columns.index(name))
            series.append(
                f'<c:ser><c:idx val="{k}"/><c:order val="{k}"/><c:tx><c:strRef><c:f>\'{ref}\'!${col}${first - 1}'
                f'</c:f></c:strRef></c:tx><c:cat><c:strRef><c:f>\'{ref}\'!${cat_col}${first}:${cat_col}${last}</c:f>'
                f'</c:strRef></c:cat><c:val><c:numRef><c:f>\'{ref}\'!${col}${first}:${col}${last}</c:f></c:numRef>'
                f'</c:val></c:ser>')
        axis_title = (f'<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(chart.y_title)}</a:t></a:r></a:p>'
                      f'</c:rich></c:tx><c:overlay val="0"/></c:title>') if chart.y_title else ""
        return (f'{_DECL}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
                f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{_R}"><c:chart>'
                f'<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(chart.title)}</a:t></a:r></a:p></c:rich>'
                f'</c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
                f'<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
                f'{"".join(series)}<c:gapWidth val="60"/><c:axId val="10"/><c:axId val="100"/></c:barChart>'
                f'<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
                f'<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/>'
                f'<c:crossAx val="100"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
                f'<c:lblOffset val="100"/></c:catAx><c:valAx><c:axId val="100"/><c:scaling>'
                f'<c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/>'
                f'<c:majorGridlines/>{axis_title}<c:numFmt formatCode="General" sourceLinked="1"/>'
                f'<c:tickLblPos val="nextTo"/><c:crossAx val="10"/><c:crosses val="autoZero"/>'
                f'<c:crossBetween val="between"/></c:valAx></c:plotArea><c:legend><c:legendPos val="b"/>'
                f'<c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
                f'</c:chartSpace>')

    def _styles(self) -> str:
        num_fmts = "".join(f'<numFmt numFmtId="{164 + i}" formatCode={quoteattr(f)}/>' for f, i in self.formats.items())
        xfs = "".join(f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                      for i in self.formats.values())
        dxfs = "".join(f'<dxf><fill><patternFill patternType="solid"><bgColor rgb="FF{c.lstrip("#").upper()}"/>'
                       f'</patternFill></fill></dxf>' for c in self.level_colours)
        return (f'{_DECL}<styleSheet {_NS}><numFmts count="{len(self.formats)}">{num_fmts}</numFmts>'
                '<fonts count="4"><font><sz val="11"/><name val="Calibri"/></font>'
                '<font><b/><sz val="11"/><name val="Calibri"/></font>'
                f'<font><b/><sz val="11"/><color rgb="{_HEADER_FONT}"/><name val="Calibri"/></font>'
                '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
                '<fills count="3"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill>'
                f'<fill><patternFill patternType="solid"><fgColor rgb="{_HEADER_FILL}"/><bgColor indexed="64"/>'
                '</patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
                '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                f'</cellStyleXfs><cellXfs count="{FIRST_FORMAT + len(self.formats)}">{_BASE_XFS}{xfs}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                f'<dxfs count="{len(self.level_colours)}">{dxfs}</dxfs></styleSheet>')

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the workbook to ``path`` (an ``.xlsx`` file) and return the path."""
        path = Path(path)
        charts = [s for s in self.sheets if s.chart is not None]
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(self.sheets) + 1))
        overrides += "".join(
            f'<Override PartName="/xl/drawings/drawing{i}.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.drawing+xml"/><Override PartName="/xl/charts/chart{i}.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>'
            for i in range(1, len(charts) + 1))
        types = (f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" '
                 'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                 f'{overrides}</Types>')
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        sheets = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, start=1))
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">{_filter_ref(s)}</definedName>'
            for i, s in enumerate(self.sheets) if _filter_ref(s))
        workbook = (f'{_DECL}<workbook {_NS} xmlns:r="{_R}"><bookViews><workbookView/></bookViews>'
                    f'<sheets>{sheets}</sheets>{f"<definedNames>{names}</definedNames>" if names else ""}</workbook>')
        workbook_rels = "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                                for i in range(1, len(self.sheets) + 1))
        workbook_rels += f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        package = "http://schemas.openxmlformats.org/package/2006/relationships"
        when = build_time()
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        date_time = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # the earliest date a zip entry holds
        core = (f'{_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
                'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>pmm</dc:creator>'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
        with atomic_write(path) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                                                        compresslevel=1) as archive:
            def put(name: str, text: str) -> None:
                entry = zipfile.ZipInfo(name, date_time=date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                archive.writestr(entry, text.encode("utf-8"), compresslevel=1)

            put("[Content_Types].xml", types)
            put("_rels/.rels", f'{_DECL}<Relationships xmlns="{package}"><Relationship Id="rId1" '
                                      f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" '
                                      'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
                                      'core-properties" Target="docProps/core.xml"/></Relationships>')
            put("docProps/core.xml", core)
            put("xl/workbook.xml", workbook)
            put("xl/_rels/workbook.xml.rels", f'{_DECL}<Relationships xmlns="{package}">{workbook_rels}'
                                                     '</Relationships>')
            put("xl/styles.xml", self._styles())
            chart_number = 0
            for i, sheet in enumerate(self.sheets, start=1):
                put(f"xl/worksheets/sheet{i}.xml", sheet.xml)
                if sheet.chart is None:
                    continue
                chart_number += 1
                put(f"xl/worksheets/_rels/sheet{i}.xml.rels",
                           f'{_DECL}<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rel}/drawing" '
                           f'Target="../drawings/drawing{chart_number}.xml"/></Relationships>')
                put(f"xl/drawings/drawing{chart_number}.xml", _drawing(sheet.anchor))
                put(f"xl/drawings/_rels/drawing{chart_number}.xml.rels",
                           f'{_DECL}<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rel}/chart" '
                           f'Target="../charts/chart{chart_number}.xml"/></Relationships>')
                put(f"xl/charts/chart{chart_number}.xml", sheet.chart)
        return path


def _filter_ref(sheet: _Sheet) -> str:
    start = sheet.xml.find('<autoFilter ref="')
    if start < 0:
        return ""
    ref = sheet.xml[start + 17: sheet.xml.index('"', start + 17)]
    a, b = ref.split(":")
    absolute = "$" + "$".join(_split_ref(a)) + ":$" + "$".join(_split_ref(b))
    return escape("'" + sheet.name.replace("'", "''") + "'!" + absolute)


def _split_ref(ref: str) -> tuple[str, str]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    return letters, ref[len(letters):]


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _drawing(anchor: tuple[int, int]) -> str:
    col, row = anchor
    return (f'{_DECL}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            f'<xdr:twoCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>'
            f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{col + 10}</xdr:col><xdr:colOff>0</xdr:colOff>'
            f'<xdr:row>{row + 20}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro="">'
            '<xdr:nvGraphicFramePr><xdr:cNvPr id="1" name="Chart 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="{_R}" r:id="rId1"/>'
            '</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>')


def _width(name: str, sample: pd.Series) -> float:
    longest = max([len(name), *(len(str(v)) for v in sample.tolist())]) + 2
    return float(min(max(longest, 8), 48))
