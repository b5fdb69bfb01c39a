"""The self-assessment input form: one Excel sheet with a row per KPI (``pmm template``).

Members fill in the value and status of each KPI; :func:`pmm.read_values` reads the filled forms
back into the KPI-values table; both follow :mod:`pmm.report.form_layout`.

Example:
    >>> import pmm, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "form.xlsx"
    >>> pmm.write_template(pmm.load_catalog("rbm-example"), path, member="AAA", period=2024)
    PosixPath('...form.xlsx')
"""

from __future__ import annotations

import os
from pathlib import Path

from pmm.catalog import Catalog
from pmm.errors import PmmError
from pmm.report.describe import plain_definition
from pmm.report.paths import output_path
from pmm.report.xlsx import save_workbook, text_cell
from pmm.scoring.disclosure import visible_kpi_ids
from pmm.report.form_layout import (
    ANSWER_SEPARATOR,
    COLUMNS,
    FORM_SHEET,
    FORM_TITLE,
    HEADER_ROW,
    MEMBER_CELL,
    PERIOD_CELL,
    STATUS_LABELS,
    column_letter,
)

__all__ = ["write_template", "write_members_template", "MEMBER_COLUMNS"]

#: The columns of a members table: the code used in the forms and values, a display name, and the
#: attributes peer groups are formed by (``--peers region``); add any other attribute column.
MEMBER_COLUMNS = ("member", "name", "region", "income_group")

_MAX_INLINE_LIST = 250  # Excel limits an inline validation list to 255 characters


def write_template(catalog: Catalog | str | os.PathLike[str], path: str | os.PathLike[str], *, member: str = "", period: int | str = "",
                   disclosure: str = "confidential", force: bool = True) -> Path:
    """Write the self-assessment form of ``catalog`` to an ``.xlsx`` file.

    One sheet: the catalog, member and period cells at the top, then a row per KPI with id, name,
    unit, its plain-language definition (the question for reported KPIs, else the KPI's
    ``description``; never the formula, which the report's methodology shows), the allowed answers
    of categorical KPIs, a value input cell validated as a decimal or against the answer list, and a
    status drop-down (reported / not applicable / not available).

    Args:
        catalog: the framework whose KPIs the form asks for.
        path: the ``.xlsx`` file to write.
        member: pre-filled member code (left empty for the member to fill in).
        period: pre-filled period (e.g. ``2024``).
        disclosure: only KPIs at or below this disclosure level are asked for.
        force: overwrite an existing file (``False`` raises :class:`~pmm.errors.PmmError`).

    Returns:
        The path written.

    Raises:
        PmmError: a KPI on the form has neither a ``description`` nor (reported KPIs) a ``question``.

    Example:
        >>> import pmm, tempfile, pathlib
        >>> out = pmm.write_template(pmm.load_catalog("rbm-example"), pathlib.Path(tempfile.mkdtemp()) / "f.xlsx")
        >>> out.suffix
        '.xlsx'
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from pmm.report.xlstyle import INPUT_FILL, set_widths, style_header

    from pmm.catalog import as_catalog

    catalog = as_catalog(catalog)
    path = output_path(path, force=force, suffix=".xlsx", what="form")
    shown = set(visible_kpi_ids(catalog, disclosure))
    kpis = [k for k in catalog.kpis if k.id in shown]
    undefined = [k.id for k in kpis if plain_definition(k) is None]
    if undefined:
        raise PmmError(f"{len(undefined)} KPI(s) on the form have no plain-language definition: "
                       f"{', '.join(undefined[:10])}{' …' if len(undefined) > 10 else ''}; hint: give each a "
                       "`description:` in the catalog (what is counted, over what, in words) or, for reported KPIs, "
                       "a `question:`; respondents read it instead of the formula")

    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    ws["A1"] = FORM_TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Catalog"
    text_cell(ws["B2"], f"{catalog.framework.name} [{catalog.root}] version {catalog.framework.version}")
    ws["C2"] = f"hash {catalog.hash[:12]}"
    for cell, label, value in ((MEMBER_CELL, "Member", member), (PERIOD_CELL, "Period", period)):
        ws[f"A{cell[1:]}"] = label
        ws[f"A{cell[1:]}"].font = Font(bold=True)
        if isinstance(value, str) and value != "":
            text_cell(ws[cell], value)
        else:
            ws[cell] = value if value != "" else None
        ws[cell].fill = INPUT_FILL
    ws["A5"] = ("Fill in the yellow cells: the member code, the period, and for each KPI a value and its status "
                "(reported / not applicable / not available).")
    style_header(ws, HEADER_ROW, list(COLUMNS.values()))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    set_widths(ws, [22, 40, 10, 60, 28, 14, 16])

    status_list = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS) + '"', allow_blank=True,
                                 showErrorMessage=True, error="Choose reported, not applicable or not available.")
    number = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                            allow_blank=True, showErrorMessage=True, error="Enter a number.")
    for validation in (status_list, number):
        ws.add_data_validation(validation)
    lists_sheet = None
    for row, kpi in enumerate(kpis, start=HEADER_ROW + 1):
        answers = list(kpi.maturity.answers) if kpi.categorical else []
        values = {"kpi": kpi.id, "name": kpi.name, "unit": kpi.unit, "definition": plain_definition(kpi),
                  "answers": ANSWER_SEPARATOR.join(answers)}
        for key, value in values.items():
            cell = text_cell(ws[f"{column_letter(key)}{row}"], value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        value_cell, status_cell = f"{column_letter('value')}{row}", f"{column_letter('status')}{row}"
        ws[value_cell].fill = ws[status_cell].fill = INPUT_FILL
        status_list.add(status_cell)
        if not answers:
            number.add(value_cell)
            continue
        inline = ",".join(answers)
        if len(inline) <= _MAX_INLINE_LIST and not any("," in a or '"' in a for a in answers):
            formula = f'"{inline}"'
        else:  # long or comma-holding answer lists go to a hidden sheet
            lists_sheet = lists_sheet or wb.create_sheet("lists")
            lists_sheet.sheet_state = "hidden"
            column = lists_sheet.max_column + (1 if lists_sheet["A1"].value is not None else 0)
            letter = lists_sheet.cell(row=1, column=column).column_letter
            for i, answer in enumerate(answers, start=1):
                text_cell(lists_sheet.cell(row=i, column=column), answer)
            formula = f"lists!${letter}$1:${letter}${len(answers)}"
        answer_list = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                     error="Choose one of the allowed answers.")
        ws.add_data_validation(answer_list)
        answer_list.add(value_cell)
    return save_workbook(wb, path)


def write_members_template(path: str | os.PathLike[str], *, members: tuple[str, ...] = (),
                           force: bool = False) -> Path:
    """Write an empty members table (``pmm template --members``): a CSV with :data:`MEMBER_COLUMNS`.

    Fill in one row per member administration and pass it as ``--members members.csv`` (or
    ``members=`` to :func:`pmm.score`); ``--peers region`` then forms peer groups by region.

    Args:
        path: the ``.csv`` file to write.
        members: member codes written in the first column, one row each (the rest left empty).
        force: overwrite an existing file.

    Example:
        >>> import tempfile, pathlib
        >>> out = write_members_template(pathlib.Path(tempfile.mkdtemp()) / "members.csv", members=("KEN", "UGA"))
        >>> out.read_text().splitlines()
        ['member,name,region,income_group', 'KEN,,,', 'UGA,,,']
    """
    import pandas as pd

    from pmm.report.paths import write_csv

    path = output_path(path, force=force, suffix=".csv", what="members")
    frame = pd.DataFrame({c: list(members) if c == "member" else [None] * len(members) for c in MEMBER_COLUMNS})
    return write_csv(frame, path)
