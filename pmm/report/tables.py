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

__all__ = ["read_table", "read_tables", "TABLE_SUFFIXES"]

TABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx")


def read_table(path: str | os.PathLike[str], *, forms: bool = True) -> pd.DataFrame:
    """Read one table from a CSV, Parquet or Excel file, chosen by the file extension.

    Args:
        path: the file (or, with ``forms``, a folder of filled self-assessment forms).
        forms: read a ``pmm template`` workbook, or a folder of them, as filled forms
            (:func:`pmm.read_values`); ``False`` reads every workbook by its first sheet.

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
    if path.is_dir() and forms:  # a folder of filled self-assessment forms
        from pmm.report.read_values import read_values

        return read_values(path)
    if not path.is_file():
        raise PmmError(Problem("file not found" if not path.exists() else "is a folder, not a table file",
                               where=str(path), hint="check the path"))
    if suffix not in TABLE_SUFFIXES:
        raise PmmError(Problem(f"cannot read {suffix or 'files without an extension'}; expected one of "
                               f"{', '.join(TABLE_SUFFIXES)}", where=str(path), hint="save the table as CSV"))
    try:
        return _read(path, suffix, forms)
    except PmmError:
        raise
    except OSError as exc:
        raise PmmError(Problem(f"cannot read the file: {exc.strerror or exc}", where=str(path),
                               hint="check that it exists and that you may read it")) from None


def _read(path: Path, suffix: str, forms: bool) -> pd.DataFrame:
    if suffix == ".csv":
        try:
            return pd.read_csv(path)
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
    return read_values(path) if is_form and forms else pd.read_excel(path, sheet_name=0)


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
