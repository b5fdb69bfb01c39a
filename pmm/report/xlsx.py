"""Writing ``.xlsx`` files safely: text is always a text cell, and saving is atomic and reproducible.

Text that starts with ``=`` (or ``+``, ``-``, ``@``, a tab …) would become a live formula in
Excel — ``=HYPERLINK(…)`` in a member name is spreadsheet formula injection. Every text cell pmm
writes goes through :func:`text_cell`: it is stored as a string (``data_type 's'``) with Excel's
"quote prefix" so that editing the cell does not turn it into a formula either. Characters XML
cannot hold (control characters other than tab and newline) are replaced by U+FFFD, and line
ends become ``\\n`` (XML reads a carriage return back as a newline). :func:`save_workbook` writes to a temporary file and renames it, with every zip entry and
the document properties stamped with :func:`~pmm.reproducible.build_time`.

Example:
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> cell = text_cell(ws.cell(row=1, column=1), "=HYPERLINK(\\"http://x\\")")
    >>> cell.value, cell.data_type
    ('=HYPERLINK("http://x")', 's')
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from pmm.report.paths import atomic_write
from pmm.reproducible import build_time

__all__ = ["text_cell", "xml_text", "save_workbook", "FORMULA_TRIGGERS"]

#: First characters with which spreadsheet programs start a formula (or DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def xml_text(text: str) -> str:
    """``text`` as an ``.xlsx`` holds it: characters XML cannot hold become U+FFFD, line ends ``\\n``.

    Example:
        >>> xml_text("a\\x01b\\r\\nc")
        'a\\ufffdb\\nc'
    """
    return _ILLEGAL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def text_cell(cell: Any, text: str) -> Any:
    """Put ``text`` into ``cell`` as a string cell, never a formula; return the cell.

    Works for ordinary and write-only (``WriteOnlyCell``) cells.
    """
    cell.value = xml_text(text)
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def save_workbook(wb: Any, path: str | os.PathLike[str]) -> Path:
    """Save an openpyxl workbook to ``path`` atomically, with reproducible time stamps.

    The zip entries' dates and the ``created``/``modified`` document properties are set to
    :func:`~pmm.reproducible.build_time` (``SOURCE_DATE_EPOCH`` when set), so the same
    workbook saved twice gives the same bytes.

    Example:
        >>> import os, tempfile, pathlib
        >>> from openpyxl import Workbook
        >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> a = save_workbook(Workbook(), folder / "a.xlsx").read_bytes()
        >>> a == save_workbook(Workbook(), folder / "b.xlsx").read_bytes()
        True
        >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    path = Path(path)
    when = build_time()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # the earliest date a zip entry can hold
    with atomic_write(path) as tmp:
        buffer = io.BytesIO()
        wb.save(buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
                zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "docProps/core.xml":
                    data = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
                entry = zipfile.ZipInfo(info.filename, date_time=date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                target.writestr(entry, data)
    return path
