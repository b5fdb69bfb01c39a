"""Read the tables users bring to the command line (KPI values, member attributes) by extension.

``.csv``, ``.parquet`` (needs pyarrow) and ``.xlsx`` are read; an ``.xlsx`` written by
``pmm template`` is read as a filled self-assessment form (:func:`pmm.read_values`), any other
workbook by its first sheet; a folder is read as a folder of filled forms.

Example:
    >>> import pandas as pd, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "values.csv"
    >>> pd.DataFrame({"member": ["AAA"], "kpi": ["k"], "value": [1.5]}).to_csv(path, index=False)
    >>> read_table(path)["value"].tolist()
    [1.5]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pmm.errors import PmmError, Problem

__all__ = ["read_table", "read_tables", "mark_not_applicable", "TABLE_SUFFIXES", "NOT_APPLICABLE_TEXT"]

TABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx")
#: How "not applicable" is typed in a value cell; such values get the status ``not_applicable``.
NOT_APPLICABLE_TEXT = frozenset({"n/a", "na", "n.a.", "not applicable", "not_applicable"})
#: What pandas reads as missing by default, less the spellings of "not applicable" (and NA, Namibia's code).
_MISSING_TEXT = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                 "<NA>", "NULL", "NaN", "None", "nan", "null"]


def mark_not_applicable(table: pd.DataFrame, where: str) -> pd.DataFrame:
    """Values typed as ``n/a`` (``NA``, ``not applicable`` …) become status ``not_applicable``, explicitly.

    Without this, pandas would read ``n/a`` as a missing value and the KPI would count as not
    reported. A row whose status says something else (``ok``) is refused.

    Example:
        >>> t = mark_not_applicable(pd.DataFrame({"member": ["A", "B"], "kpi": "k", "value": ["12.5", "n/a"]}), "v.csv")
        >>> t[["value", "status"]].values.tolist()
        [[12.5, None], [nan, 'not_applicable']]
    """
    if "value" not in table.columns or table["value"].dtype.kind in "fiub":
        return table
    value = table["value"]
    typed = value.notna() & value.astype(str).str.strip().str.lower().isin(NOT_APPLICABLE_TEXT)
    if not typed.any():
        return table
    table = table.copy()
    if "status" in table.columns:
        conflict = typed & table["status"].notna() & (table["status"] != "not_applicable")
        if conflict.any():
            rows = [int(i) + 2 for i in table.index[conflict][:10]]  # file lines: header is line 1
            raise PmmError(Problem(f"value 'n/a' with another status ({table.loc[conflict, 'status'].iloc[0]!r}) "
                                   f"on line(s) {rows}", where=f"{where} column 'value'",
                                   hint="leave the value empty and set the status to not_applicable"))
    else:
        table["status"] = pd.Series([None] * len(table), index=table.index, dtype=object)
    table.loc[typed, "status"] = "not_applicable"
    rest = value.mask(typed)
    numbers = pd.to_numeric(rest, errors="coerce")
    table["value"] = numbers if numbers.notna().sum() == rest.notna().sum() else rest
    return table


def read_table(path: str | os.PathLike[str], *, kpi_values: bool = True) -> pd.DataFrame:
    """Read one table from a CSV, Parquet or Excel file, chosen by the file extension.

    Args:
        path: the file (or, with ``kpi_values``, a folder of filled self-assessment forms).
        kpi_values: the table holds KPI values: a ``pmm template`` workbook or a folder of them is
            read as filled forms (:func:`pmm.read_values`) and ``n/a`` values become
            ``not_applicable``; ``False`` (raw tables for ``pmm map``) reads the file as it is, a
            workbook by its first sheet.

    Raises:
        PmmError: the file does not exist, has another extension, cannot be read (permission)
            or cannot be parsed (the message names the file and, for CSV, the line).

    Example:
        >>> read_table("missing.csv")
        Traceback (most recent call last):
        ...
        pmm.errors.PmmError: 1 problem in the input:
          missing.csv: file not found (hint: check the path)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir() and kpi_values:  # a folder of filled self-assessment forms
        from pmm.report.read_values import read_values

        return read_values(path)
    if not path.is_file():
        raise PmmError(Problem("file not found" if not path.exists() else "is a folder, not a table file",
                               where=str(path), hint="check the path"))
    if suffix not in TABLE_SUFFIXES:
        raise PmmError(Problem(f"cannot read {suffix or 'files without an extension'}; expected one of "
                               f"{', '.join(TABLE_SUFFIXES)}", where=str(path), hint="save the table as CSV"))
    try:
        return _read(path, suffix, kpi_values)
    except PmmError:
        raise
    except OSError as exc:
        raise PmmError(Problem(f"cannot read the file: {exc.strerror or exc}", where=str(path),
                               hint="check that it exists and that you may read it")) from None


def _read(path: Path, suffix: str, kpi_values: bool) -> pd.DataFrame:
    if suffix == ".csv":
        try:
            if not kpi_values:
                return pd.read_csv(path)
            return mark_not_applicable(pd.read_csv(path, keep_default_na=False, na_values=_MISSING_TEXT), str(path))
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise PmmError(Problem(f"not a readable CSV table: {exc}", where=str(path),
                                   hint="save it as UTF-8 CSV with one header row")) from None
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise PmmError(Problem("reading Parquet needs pyarrow", where=str(path),
                                   hint='pip install "pmm[parquet]"')) from None
        except (ValueError, TypeError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise PmmError(Problem(f"not a readable Parquet file: {str(exc).splitlines()[0]}", where=str(path),
                                   hint="write it again with pandas.DataFrame.to_parquet or pyarrow")) from None
    from openpyxl import load_workbook

    from pmm.report.form_layout import FORM_TITLE
    from pmm.report.read_values import read_values

    try:
        first = load_workbook(path, read_only=True).worksheets[0]
        is_form = first["A1"].value == FORM_TITLE
    except Exception as exc:  # openpyxl raises many types for broken files
        raise PmmError(Problem(f"not a readable Excel workbook: {exc}", where=str(path), hint="save it as .xlsx")) from None
    if is_form and kpi_values:
        return read_values(path)
    if not kpi_values:
        return pd.read_excel(path, sheet_name=0)
    return mark_not_applicable(pd.read_excel(path, sheet_name=0, keep_default_na=False, na_values=_MISSING_TEXT),
                               str(path))


def read_tables(paths: Sequence[str | os.PathLike[str]]) -> pd.DataFrame:
    """Read several tables of the same layout and stack them (see :func:`read_table`).

    Example:
        >>> read_tables([])
        Traceback (most recent call last):
        ...
        pmm.errors.PmmError: no input table given
    """
    if not paths:
        raise PmmError("no input table given")
    frames = [read_table(p) for p in paths]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
