"""The Scorecard workbook (card.to_excel): sheets, values, formats, colouring, benchmarks, disclosure."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest

import pmm
from pmm.catalog import DISCLOSURE_ORDER

DIMENSIONS = ["Trade Facilitation and Economi", "Revenue Collection", "Enforcement, Security and Prot",
              "Organizational Development"]
DATA = ["scores", "kpi levels", "benchmarks", "weights", "method", "provenance", "audit kpi statistics",
        "correlation flags", "reliability"]
SHEETS = ["summary", *DIMENSIONS, *DATA]


@pytest.fixture(scope="module")
def book(demo):
    """The workbook the demo wrote (peer groups by region)."""
    return openpyxl.load_workbook(demo.workbook)


def _records(ws, header_row=1):
    header = [c.value for c in ws[header_row]]
    return [dict(zip(header, row)) for row in ws.iter_rows(min_row=header_row + 1, values_only=True)]


def test_sheets_and_frozen_headers(book):
    assert book.sheetnames == SHEETS
    for name in DATA:
        assert book[name].freeze_panes == "A2", name
        assert book[name]["A1"].font.b


def test_a_sheet_per_dimension_with_a_bar_chart_of_its_scores(book, card):
    latest = card.periods[-1]
    s = card.scores[card.scores["period"] == latest]
    for dim, sheet in zip(card.catalog.children(card.catalog.root), DIMENSIONS):
        ws = book[sheet]
        name = card.catalog.name(dim)
        assert ws["A1"].value == f"{name}, {latest}" and ws.freeze_panes == "A4"
        rows = _records(ws, 3)
        expected = s[s["node"] == dim].set_index("member")["score"]
        shown = [r[name] for r in rows]
        assert len(rows) == 22 and shown[: expected.notna().sum()] == sorted(expected.dropna(), reverse=True)
        assert shown.count(None) == expected.isna().sum()  # members without a score come last, blank
        children = card.catalog.children(dim)
        child = card.catalog.name(children[0])
        assert rows[0][child] == pytest.approx(s[(s["node"] == children[0]) & (s["member"] == rows[0]["member"])]
                                               ["score"].item())
        assert ws["C4"].number_format == "0.0"  # one decimal for scores
        (chart,) = ws._charts
        series = chart.series[0]
        assert series.val.numRef.f == f"'{sheet}'!$C$4:$C$25" and series.cat.strRef.f == f"'{sheet}'!$A$4:$A$25"


def test_periods_are_numbers_and_scores_have_one_decimal(book):
    ws = book["scores"]
    header = [c.value for c in ws[1]]
    periods = {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert periods == {2022, 2023, 2024}
    assert ws.cell(2, header.index("score") + 1).number_format == "0.0"
    assert book["benchmarks"].cell(2, [c.value for c in book["benchmarks"][1]].index("median") + 1).number_format \
        == "0.0"


def test_summary_ranks_members_by_the_index(book, card):
    ws = book["summary"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, 11)}
    assert facts["Catalog hash"] == card.catalog.hash
    assert str(facts["Period"]) == str(card.periods[-1])
    assert "pmm's own" in facts["Notice"]
    header_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "member")
    assert ws.freeze_panes == f"A{header_row + 1}"
    rows = _records(ws, header_row)
    s = card.scores
    latest = s[(s["period"] == card.periods[-1]) & (s["node"] == card.catalog.root)]
    best = latest.loc[latest["score"].idxmax()]
    assert rows[0]["member"] == best["member"] and rows[0]["rank"] == 1
    assert rows[0]["score"] == pytest.approx(best["score"])
    assert len(rows) == 22
    names = dict(zip(card.members["member"], card.members["name"]))
    assert all(r["name"] == names[r["member"]] for r in rows)


def test_scores_and_levels_hold_every_row_with_formats(book, card):
    ws = book["scores"]
    assert ws.max_row == len(card.scores) + 1
    header = [c.value for c in ws[1]]
    assert header[:4] == ["member", "period", "node", "name"]
    score_col = header.index("score") + 1
    assert ws.cell(2, score_col).number_format == "0.0"
    maturity = openpyxl.utils.get_column_letter(header.index("maturity") + 1)
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules if str(cf.sqref).startswith(maturity)]
    assert sorted(r.formula[0] for r in rules) == ["1", "2", "3", "4", "5"]
    assert {r.dxf.fill.bgColor.rgb[-6:] for r in rules} == {"D7301F", "FC8D59", "FEE08B", "91CF60", "1A9850"}
    levels = _records(book["kpi levels"])
    assert len(levels) == len(card.levels)
    lv = card.levels.set_index(["member", "period", "kpi"])
    row = next(r for r in levels if r["kpi"] == "tf_e_declarations" and r["value"] is not None)
    assert row["value"] == pytest.approx(lv.loc[(row["member"], row["period"], row["kpi"]), "value"])
    assert row["name"] == "Rate of electronic declarations" and row["unit"] == "percent"


def test_benchmarks_by_peer_group_with_suppression(small_card, tmp_path):
    card = small_card
    path = card.to_excel(tmp_path / "small.xlsx", peers="income_group", min_group_size=2)
    rows = _records(openpyxl.load_workbook(path)["benchmarks"])
    income = card.members.set_index("member")["income_group"]
    s = card.scores
    latest = card.periods[-1]
    for group in sorted(income.unique()):
        sub = [r for r in rows if r["group"] == group and str(r["period"]) == str(latest)
               and r["node"] == card.catalog.root]
        scores = s[(s["period"] == latest) & (s["node"] == card.catalog.root)
                   & s["member"].isin(income[income == group].index)]["score"]
        assert sub and all(r["n"] == len(scores) for r in sub)
        if len(scores) < 2:
            assert all(r["suppressed"] and r["median"] is None and r["percentile"] is None for r in sub)
        else:
            assert all(not r["suppressed"] for r in sub)
            assert sub[0]["median"] == pytest.approx(float(np.median(scores)))
    assert any(r["suppressed"] for r in rows) and not all(r["suppressed"] for r in rows)


def test_disclosure_leaves_kpis_out_of_every_sheet(small_card, tmp_path):
    card = small_card
    path = card.to_excel(tmp_path / "public.xlsx", disclosure="public")
    hidden = {k.id for k in card.catalog.kpis if DISCLOSURE_ORDER.index(k.disclosure) > 0}
    assert hidden
    book = openpyxl.load_workbook(path)
    cells = {str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c is not None}
    assert not cells & hidden
    assert "tf_e_declarations" in cells


def test_workbook_refuses_to_overwrite_and_needs_xlsx(card, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_text("keep")
    with pytest.raises(pmm.errors.PmmError, match="exists; pass --force"):
        card.to_excel(path, force=False)
    with pytest.raises(pmm.errors.PmmError, match="must be an .xlsx file"):
        card.to_excel(tmp_path / "c.xls")
