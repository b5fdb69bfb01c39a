"""Spreadsheet formula injection: every text cell pmm writes is a string cell, never a formula.

Hostile text (member codes and names, KPI names, a form's member cell, categorical answers) that
starts with ``=``, ``+``, ``-`` or ``@`` must read back as the same string with ``data_type 's'``.
"""

from __future__ import annotations

import warnings

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmm
from pmm.report.xlsx import text_cell, xml_text

EVIL = ['=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)",
        "\t=1", "=1+1", "a\r\nb\rc", "\x01=x"]

CATALOG = """
framework: {id: fw, name: "=HYPERLINK(\\"http://x\\")", levels: [Low, Mid, High]}
kpis:
  - id: k1
    name: "=cmd|' /C calc'!A0"
    description: "=HYPERLINK(\\"http://x\\") a plain definition that starts like a formula"
    unit: "+percent"
    direction: higher
    maturity: {thresholds: [10, 20]}
  - id: k2
    name: "@SUM(A1)"
    description: "-1 plain definition"
    unit: count
    direction: higher
    maturity: {answers: {"=1+1": 1, "-yes": 3}}
"""


@pytest.fixture(scope="module")
def evil_catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "catalog.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    return pmm.load_catalog(path)


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def test_workbook_holds_no_formula(evil_catalog, tmp_path):
    members = EVIL[:4]
    values = pd.DataFrame({"member": members * 2, "period": 2024, "kpi": ["k1"] * 4 + ["k2"] * 4,
                           "value": [5.0, 15.0, 25.0, 12.0, "=1+1", "-yes", "=1+1", "-yes"]})
    names = pd.DataFrame({"member": members, "name": EVIL[3:7], "region": ["=R"] * 4})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card = pmm.score(values, evil_catalog, members=names)
        path = card.to_excel(tmp_path / "card.xlsx", peers="region", min_group_size=1)
    cells = _cells(path)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    for text in [*members, *EVIL[3:7], "=R", "=cmd|' /C calc'!A0", "@SUM(A1)", "+percent", "=1+1", "-yes"]:
        assert text in texts, text
    evil_cells = [c for c in cells if c.data_type == "s" and str(c.value).startswith(("=", "+", "-", "@", "\t"))]
    assert evil_cells and all(c.quotePrefix for c in evil_cells)


def test_form_holds_no_formula_and_reads_back(evil_catalog, tmp_path):
    path = pmm.write_template(evil_catalog, tmp_path / "form.xlsx", member="=HYPERLINK(\"x\")", period=2024)
    cells = _cells(path)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert {"=cmd|' /C calc'!A0", "@SUM(A1)", '=HYPERLINK("x")'} <= {c.value for c in cells}
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["F8"], ws["G8"] = 15, "reported"
    ws["F9"], ws["G9"] = "=1+1", "reported"
    ws["F9"].data_type = "s"
    wb.save(path)
    values = pmm.read_values(path)
    assert values["member"].tolist() == ['=HYPERLINK("x")'] * 2
    assert values["value"].tolist() == [15.0, "=1+1"]


def test_long_answer_lists_on_the_hidden_sheet_are_text(tmp_path):
    answers = {f"=A{i}, long answer number {i}": 1 + i % 3 for i in range(12)}
    text = CATALOG.replace('{"=1+1": 1, "-yes": 3}', "{" + ", ".join(f'"{a}": {v}' for a, v in answers.items()) + "}")
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    path = pmm.write_template(pmm.load_catalog(tmp_path / "c.yaml"), tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(path)
    lists = [c for row in wb["lists"].iter_rows() for c in row if c.value is not None]
    assert sorted(c.value for c in lists) == sorted(answers)
    assert {c.data_type for c in lists} == {"s"}


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40) | st.sampled_from(EVIL)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXT, min_size=1, max_size=6))
def test_any_text_reads_back_as_the_same_string(texts, tmp_path_factory):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from pmm.report.xlsx import save_workbook

    folder = tmp_path_factory.mktemp("h")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append([text_cell(WriteOnlyCell(ws), t) for t in texts])
    normal = Workbook()
    for i, t in enumerate(texts, start=1):
        text_cell(normal.active.cell(row=1, column=i), t)
    for book in (wb, normal):
        path = save_workbook(book, folder / "t.xlsx")
        cells = list(openpyxl.load_workbook(path).worksheets[-1].iter_rows(min_row=1, max_row=1))[0]
        got = [(c.value, c.data_type if c.value is not None else None) for c in cells][: len(texts)]
        # an empty string is an empty cell; XML cannot hold some control characters (replaced by U+FFFD)
        assert got == [(xml_text(t), "s") if t else (None, None) for t in texts]
