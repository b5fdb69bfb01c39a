"""The cell layout of the self-assessment form, shared by the writer and the reader.

Example:
    >>> from pmm.report.form_layout import COLUMNS, column_letter
    >>> column_letter("value"), COLUMNS["value"]
    ('F', 'Value')
"""

__all__ = ["FORM_TITLE", "FORM_SHEET", "MEMBER_CELL", "PERIOD_CELL", "HEADER_ROW", "COLUMNS", "STATUS_LABELS",
           "ANSWER_SEPARATOR", "column_letter"]

FORM_TITLE = "pmm self-assessment form"
FORM_SHEET = "self-assessment"
MEMBER_CELL = "B3"
PERIOD_CELL = "B4"
HEADER_ROW = 7
#: Column key → header label, in sheet order (A, B, …).
COLUMNS: dict[str, str] = {
    "kpi": "KPI id", "name": "KPI name", "unit": "Unit", "definition": "Definition / question",
    "answers": "Allowed answers (empty: a number)", "value": "Value", "status": "Status",
}
#: Status drop-down label → status in the KPI-values table.
STATUS_LABELS: dict[str, str] = {"reported": "ok", "not applicable": "not_applicable",
                                 "not available": "not_reported"}
ANSWER_SEPARATOR = " | "


def column_letter(key: str) -> str:
    """The sheet column (A, B, …) of a form column key."""
    return "ABCDEFGHIJ"[list(COLUMNS).index(key)]
