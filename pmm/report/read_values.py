"""Read filled self-assessment forms (written by :func:`write_template`) into the KPI-values table.

Example:
    >>> import pmm, tempfile, pathlib, openpyxl
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "form.xlsx"
    >>> _ = pmm.write_template(pmm.load_catalog("rbm-example"), path, member="AAA", period=2024)
    >>> wb = openpyxl.load_workbook(path); ws = wb.active
    >>> ws["F8"], ws["G8"] = 12.5, "reported"; wb.save(path)
    >>> pmm.read_values(path).iloc[0].to_dict()["value"]
    12.5
"""

from __future__ import annotations

import math
import os
import re
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from pmm.errors import PmmError, Problem
from pmm.report.tables import NOT_APPLICABLE_TEXT
from pmm.report.form_layout import (
    ANSWER_SEPARATOR,
    COLUMNS,
    FORM_TITLE,
    HEADER_ROW,
    MEMBER_CELL,
    PERIOD_CELL,
    STATUS_LABELS,
    column_letter,
)

__all__ = ["read_values", "FormError", "FormWarning", "PERCENT_UNITS", "FORM_SUFFIXES", "MAX_FORM_ROWS",
           "MAX_FORM_BYTES"]

#: KPI units that a percentage-formatted Excel cell (85 %, stored as 0.85) converts to (85).
PERCENT_UNITS = frozenset({"percent", "%", "per cent", "percentage", "pct"})
#: Files of a folder read as forms (any case: ``.XLSX`` too); every other file is named in a :class:`FormWarning`.
FORM_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
#: Most KPI rows a form may use; content further down is refused before it is read.
MAX_FORM_ROWS = 10_000
#: Largest unpacked size of a form workbook, in bytes (a form of the WCO-PMM catalog unpacks to about 60 kB).
MAX_FORM_BYTES = 50_000_000

_COLUMN_LETTERS = {key: column_letter(key) for key in COLUMNS}


class FormError(PmmError):
    """A filled self-assessment form has bad or missing cells."""

    subject = "the self-assessment forms"


class FormWarning(UserWarning):
    """Files of a folder that :func:`read_values` did not read (not Excel forms)."""


def _form_files(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: list[Path] = []
    skipped: list[str] = []
    for item in map(Path, items):
        if item.is_dir():
            found = []
            for p in sorted(p for p in item.iterdir() if p.is_file()):
                if p.suffix.lower() in FORM_SUFFIXES and not p.name.startswith("~$"):
                    found.append(p)
                else:
                    skipped.append(p.name)
            if not found:
                raise FormError(Problem(f"no Excel forms ({', '.join(FORM_SUFFIXES)}) in directory {str(item)!r}"
                                        + (f"; found only {', '.join(skipped[:10])}" if skipped else ""),
                                        where=str(item), hint="pass the filled forms or the folder that holds them"))
            files += found
        elif item.is_file():
            files.append(item)
        else:
            raise FormError(Problem(f"form {str(item)!r} does not exist", where=str(item),
                                    hint="check the path; create a form with `pmm template CATALOG -o form.xlsx`"))
    if skipped:
        warnings.warn(f"read_values skipped {len(skipped)} file(s) that are not Excel forms: {', '.join(skipped)}",
                      FormWarning, stacklevel=3)
    return files


def _too_big(path: Path) -> str | None:
    """Why a workbook is refused before it is opened (unpacked size), or ``None``."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a zip: openpyxl says so
    if unpacked > MAX_FORM_BYTES:
        return (f"the workbook unpacks to {unpacked / 1e6:,.0f} MB, more than the limit of {MAX_FORM_BYTES / 1e6:g} MB "
                "for a form (a zip bomb, or not a form)")
    return None


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    try:
        return float(str(raw).strip())
    except ValueError:
        return None


def _period(raw: Any) -> int | str:
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"[0-9]+", raw.strip()):
        return int(raw.strip())
    return raw.strip() if isinstance(raw, str) else raw


def _read_form(path: Path, problems: list[Problem]) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    reason = _too_big(path)
    if reason is not None:
        problems.append(Problem(reason, where=str(path), hint="read only forms written by `pmm template`",
                                code="form_too_large"))
        return []
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many types for non-xlsx content
        problems.append(Problem(f"cannot open as an Excel workbook: {exc}", where=str(path),
                                hint="save the form as .xlsx"))
        return []
    sheet = next((ws for ws in wb.worksheets if ws["A1"].value == FORM_TITLE), None)
    if sheet is None:
        problems.append(Problem(f"no sheet has {FORM_TITLE!r} in cell A1", where=str(path),
                                hint="read only forms written by `pmm template`"))
        return []
    where = f"{path.name}!{sheet.title}"
    expected = list(COLUMNS.values())
    found = [sheet.cell(row=HEADER_ROW, column=i + 1).value for i in range(len(expected))]
    if found != expected:
        problems.append(Problem(f"header row {HEADER_ROW} should read {expected}, found {found}",
                                where=f"{where}!A{HEADER_ROW}", hint="do not insert or delete rows or columns"))
        return []
    member = sheet[MEMBER_CELL].value
    member = str(member).strip() if member is not None else ""
    period = _period(sheet[PERIOD_CELL].value)
    before = len(problems)
    if not member:
        problems.append(Problem("the member code is empty", where=f"{where}!{MEMBER_CELL}",
                                hint="enter the member administration's code, e.g. its ISO3 code"))
    if period is None or period == "":
        problems.append(Problem("the period is empty", where=f"{where}!{PERIOD_CELL}", hint="enter the year, e.g. 2024"))
    if len(problems) > before:
        return []

    if sheet.max_row > HEADER_ROW + MAX_FORM_ROWS:
        problems.append(Problem(f"the sheet uses rows down to {sheet.max_row:,}; a form has at most "
                                f"{MAX_FORM_ROWS:,} KPI rows", where=f"{where}!A{sheet.max_row}",
                                hint="delete the content below the KPI rows", code="form_too_large"))
        return []
    rows = []
    for r in range(HEADER_ROW + 1, sheet.max_row + 1):
        cells = {key: sheet[f"{letter}{r}"].value for key, letter in _COLUMN_LETTERS.items()}
        if cells["kpi"] is None:
            if cells["value"] is not None or cells["status"] is not None:
                problems.append(Problem("a value or status is filled in a row without a KPI id",
                                        where=f"{where}!A{r}", hint="do not move the KPI rows"))
            continue
        kpi = str(cells["kpi"]).strip()
        raw, label = cells["value"], cells["status"]
        label = str(label).strip().lower() if label is not None else ""
        value_ref, status_ref = f"{where}!{_COLUMN_LETTERS['value']}{r}", f"{where}!{_COLUMN_LETTERS['status']}{r}"
        if label and label not in STATUS_LABELS:
            problems.append(Problem(f"status must be one of {', '.join(STATUS_LABELS)}; found {label!r}",
                                    where=status_ref, node=kpi, hint="use the drop-down"))
            continue
        empty = raw is None or (isinstance(raw, str) and not raw.strip())
        if isinstance(raw, str) and raw.strip().lower() in NOT_APPLICABLE_TEXT:  # "n/a" typed as the value
            if label not in ("", "not applicable"):
                problems.append(Problem(f"the value is {raw!r} (not applicable) but the status is {label!r}",
                                        where=value_ref, node=kpi, hint="clear the value and set the status to "
                                        "'not applicable', or enter the value"))
                continue
            rows.append({"member": member, "period": period, "kpi": kpi, "value": math.nan,
                         "status": "not_applicable"})
            continue
        if label in ("not applicable", "not available"):
            if not empty:
                problems.append(Problem(f"a value ({raw!r}) is given but the status is {label!r}", where=value_ref,
                                        node=kpi, hint="clear the value, or set the status to 'reported'"))
                continue
            rows.append({"member": member, "period": period, "kpi": kpi, "value": math.nan,
                         "status": STATUS_LABELS[label]})
            continue
        answers = [a for a in str(cells["answers"] or "").split(ANSWER_SEPARATOR) if a]
        if empty:
            if label == "reported":
                problems.append(Problem(f"the status is 'reported' but the value is empty; expected "
                                        f"{'one of ' + ', '.join(answers) if answers else 'a number'}",
                                        where=value_ref, node=kpi,
                                        hint="enter the value, or set the status to 'not available'"))
                continue
            rows.append({"member": member, "period": period, "kpi": kpi, "value": math.nan, "status": "not_reported"})
            continue
        if answers:
            value: Any = str(raw).strip()
            if value not in answers:
                problems.append(Problem(f"expected one of {', '.join(answers)}; found {raw!r}", where=value_ref,
                                        node=kpi, hint="use the drop-down of allowed answers"))
                continue
        else:
            value = _number(raw)
            if value is None or not math.isfinite(value):
                problems.append(Problem(f"expected a number; found {raw!r}", where=value_ref, node=kpi,
                                        hint="type a plain number such as 12.5 (no units or thousands separators)"))
                continue
            if not isinstance(raw, str) and "%" in str(sheet[f"{_COLUMN_LETTERS['value']}{r}"].number_format):
                unit = str(cells["unit"] or "").strip().lower()
                if unit not in PERCENT_UNITS:  # Excel stores 85 % as 0.85: only a percent KPI can take it
                    problems.append(Problem(f"the cell is formatted as a percentage ({value:.0%}) but the KPI's "
                                            f"unit is {cells['unit']!r}", where=value_ref, node=kpi,
                                            hint=f"format the cell as a number and type the value in {cells['unit']}"))
                    continue
                value = round(value * 100, 10)
        rows.append({"member": member, "period": period, "kpi": kpi, "value": value, "status": "ok"})
    return rows


def read_values(path_or_paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> pd.DataFrame:
    """Read filled self-assessment forms of one or many members into a KPI-values table.

    Every problem in every form is collected and raised together as one :class:`FormError`, each
    naming the file, sheet and cell (``form.xlsx!self-assessment!F12``), the KPI, the expected type
    and a hint. Rows whose status is *not applicable* or *not available*, and empty rows, are kept
    with a missing value and the status ``not_applicable`` / ``not_reported``.

    Args:
        path_or_paths: one form, a folder of forms, or a list of either. A folder's ``.xlsx``,
            ``.xlsm``, ``.xltx`` and ``.xltm`` files are read (in any letter case); every other file
            is named in one :class:`FormWarning`. A workbook that unpacks to more than
            ``MAX_FORM_BYTES`` or uses rows beyond ``MAX_FORM_ROWS`` KPI rows is refused before
            it is read.

    Returns:
        A DataFrame with columns ``member, period, kpi, value, status`` (one row per KPI row of each
        form). ``value`` holds floats, or the answer strings of categorical KPIs.

    Raises:
        FormError: a path does not exist, a file is not a form, or cells are bad; a
            member/period/KPI appears in two forms.

    Example:
        >>> import pmm
        >>> pmm.read_values("no/such/form.xlsx")
        Traceback (most recent call last):
        ...
        pmm.report.read_values.FormError: 1 problem in the self-assessment forms:
          no/such/form.xlsx: form 'no/such/form.xlsx' does not exist (hint: ...)
    """
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, Any, str], str] = {}
    for path in _form_files(path_or_paths):
        for row in _read_form(path, problems):
            key = (row["member"], row["period"], row["kpi"])
            if key in seen:
                problems.append(Problem(f"member {key[0]!r}, period {key[1]!r}, KPI {key[2]!r} is already in {seen[key]}",
                                        where=str(path), node=key[2], hint="keep one form per member and period"))
                continue
            seen[key] = path.name
            rows.append(row)
    if problems:
        raise FormError(problems)
    table = pd.DataFrame(rows, columns=["member", "period", "kpi", "value", "status"])
    if not any(isinstance(v, str) for v in table["value"]):
        table["value"] = table["value"].astype(float)
    return table
