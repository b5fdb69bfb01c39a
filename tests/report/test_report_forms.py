"""Self-assessment forms: pmm template writes them, pmm.read_values reads filled ones back."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmm
from pmm.report.read_values import FormError, read_values
from pmm.report.template import write_template

CATALOG = Path(__file__).parent / "data" / "form-catalog.yaml"


@pytest.fixture(scope="module")
def catalog():
    return pmm.load_catalog(CATALOG)


def _fill(path: Path, member, period, cells: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["self-assessment"]
    ws["B3"], ws["B4"] = member, period
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)


def _rows(path: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(path)["self-assessment"]
    return {ws.cell(r, 1).value: r for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value}


def test_template_has_a_row_per_kpi_with_validation(tmp_path, catalog):
    path = write_template(catalog, tmp_path / "form.xlsx", period=2024)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "self-assessment"
    ws = wb["self-assessment"]
    assert ws["A1"].value == "pmm self-assessment form"
    assert ws["B4"].value == 2024 and ws["B3"].value is None
    assert [ws.cell(7, c).value for c in range(1, 8)] == [
        "KPI id", "KPI name", "Unit", "Definition / question", "Allowed answers (empty: a number)", "Value", "Status"]
    assert [ws.cell(r, 1).value for r in range(8, 12)] == ["e_rate", "risk_mgmt", "ai_use", "secret_kpi"]
    assert ws["D8"].value == "What share of declarations was lodged electronically?"
    assert ws["C8"].value == "percent"
    assert ws["E10"].value == "no | pilot | yes"
    assert ws.freeze_panes == "A8"
    validations = {(dv.type, dv.formula1): str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert validations[("list", '"reported,not applicable,not available"')] == "G8 G9 G10 G11"
    assert set(validations[("decimal", "-1E+15")].split()) == {"F8", "F11"}
    assert validations[("list", '"no,pilot,yes"')] == "F10"
    # answers holding commas cannot be an inline list: they go to a hidden sheet
    assert validations[("list", "lists!$A$1:$A$4")] == "F9"
    assert wb["lists"].sheet_state == "hidden"
    assert [wb["lists"].cell(r, 1).value for r in range(1, 5)] == [
        "none", "manual, paper based", "automated", "automated with feedback"]


def test_template_leaves_out_kpis_above_the_disclosure_level(tmp_path, catalog):
    path = write_template(catalog, tmp_path / "form.xlsx", disclosure="public")
    assert "secret_kpi" not in _rows(path)
    assert "Confidential hit rate" not in str([c.value for row in openpyxl.load_workbook(path).active for c in row])


def test_round_trip_of_two_members(tmp_path, catalog):
    forms = tmp_path / "forms"
    filled = {
        "AAA": {"F8": 97.5, "G8": "reported", "F9": "manual, paper based", "G10": "not applicable", "F11": 12},
        "BBB": {"F8": "88", "F10": "yes", "G10": "reported", "G11": "not available"},
    }
    for member, cells in filled.items():
        path = write_template(catalog, forms / f"{member}.xlsx")
        _fill(path, member, 2023, cells)
    got = read_values(forms)
    expected = pd.DataFrame([
        ("AAA", 2023, "e_rate", 97.5, "ok"), ("AAA", 2023, "risk_mgmt", "manual, paper based", "ok"),
        ("AAA", 2023, "ai_use", math.nan, "not_applicable"), ("AAA", 2023, "secret_kpi", 12.0, "ok"),
        ("BBB", 2023, "e_rate", 88.0, "ok"), ("BBB", 2023, "risk_mgmt", math.nan, "not_reported"),
        ("BBB", 2023, "ai_use", "yes", "ok"), ("BBB", 2023, "secret_kpi", math.nan, "not_reported"),
    ], columns=["member", "period", "kpi", "value", "status"])
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert pmm.read_values([forms / "AAA.xlsx"]).shape == (4, 5)


@pytest.mark.parametrize(("cells", "where", "words"), [
    ({"F8": "ninety"}, "AAA.xlsx!self-assessment!F8", "expected a number; found 'ninety'"),
    ({"F10": "maybe"}, "AAA.xlsx!self-assessment!F10", "expected one of no, pilot, yes; found 'maybe'"),
    ({"G8": "reported"}, "AAA.xlsx!self-assessment!F8", "the status is 'reported' but the value is empty"),
    ({"F8": 5, "G8": "not applicable"}, "AAA.xlsx!self-assessment!F8", "status is 'not applicable'"),
    ({"G9": "done"}, "AAA.xlsx!self-assessment!G9", "status must be one of"),
])
def test_bad_cells_are_reported_with_sheet_and_cell(tmp_path, catalog, cells, where, words):
    path = write_template(catalog, tmp_path / "AAA.xlsx")
    _fill(path, "AAA", 2024, cells)
    with pytest.raises(FormError) as info:
        read_values(path)
    message = str(info.value)
    assert where in message and words in message and "hint:" in message


def test_every_problem_of_every_form_is_reported_at_once(tmp_path, catalog):
    first = write_template(catalog, tmp_path / "a.xlsx")
    _fill(first, None, 2024, {})
    second = write_template(catalog, tmp_path / "b.xlsx")
    _fill(second, "BBB", 2024, {"F8": "x", "F11": "y"})
    with pytest.raises(FormError) as info:
        read_values([first, second])
    text = str(info.value)
    assert text.startswith("3 problems")
    assert "a.xlsx!self-assessment!B3" in text and "b.xlsx!self-assessment!F8" in text and "F11" in text


def test_the_same_member_and_period_twice_is_an_error(tmp_path, catalog):
    for name in ("one.xlsx", "two.xlsx"):
        _fill(write_template(catalog, tmp_path / name), "AAA", 2024, {"F8": 1})
    with pytest.raises(FormError, match="already in one.xlsx"):
        read_values(tmp_path)


def test_a_workbook_that_is_not_a_form(tmp_path):
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(FormError, match="no sheet has 'pmm self-assessment form' in cell A1"):
        read_values(path)


def test_template_refuses_to_overwrite_without_force(tmp_path, catalog):
    path = write_template(catalog, tmp_path / "form.xlsx")
    with pytest.raises(pmm.errors.PmmError, match="exists; pass --force"):
        write_template(catalog, path, force=False)


_answers = ["none", "manual, paper based", "automated", "automated with feedback"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rate=st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False)),
       rate_status=st.sampled_from([None, "reported", "not applicable", "not available"]),
       answer=st.one_of(st.none(), st.sampled_from(_answers)),
       member=st.text("ABCXYZ", min_size=1, max_size=5), period=st.integers(1990, 2100))
def test_round_trip_property(tmp_path_factory, catalog, rate, rate_status, answer, member, period):
    """Whatever a member fills in consistently comes back unchanged, with the status it implies."""
    if rate_status in ("not applicable", "not available"):
        rate = None
    if rate_status == "reported" and rate is None:
        rate = 0.0
    path = write_template(catalog, tmp_path_factory.mktemp("prop") / "form.xlsx", member=member, period=period)
    _fill(path, member, period, {"F8": rate, "G8": rate_status, "F9": answer})
    got = read_values(path).set_index("kpi")
    assert set(got["member"]) == {member} and set(got["period"]) == {period}
    expected_status = {None: "ok" if rate is not None else "not_reported", "reported": "ok",
                       "not applicable": "not_applicable", "not available": "not_reported"}[rate_status]
    assert got.loc["e_rate", "status"] == expected_status
    if rate is None:
        assert math.isnan(got.loc["e_rate", "value"])
    else:
        assert got.loc["e_rate", "value"] == pytest.approx(rate, rel=1e-14, abs=0)  # Excel keeps 15 digits
    assert got.loc["risk_mgmt", "status"] == ("ok" if answer else "not_reported")
    assert (got.loc["risk_mgmt", "value"] == answer) if answer else math.isnan(got.loc["risk_mgmt", "value"])


def test_percentage_cells_convert_for_percent_kpis_and_are_refused_elsewhere(tmp_path, catalog):
    path = write_template(catalog, tmp_path / "form.xlsx", member="AAA", period=2024)
    rows = _rows(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["self-assessment"]
    ws[f"F{rows['e_rate']}"] = 0.85  # typed "85 %": Excel stores 0.85 with a percent number format
    ws[f"F{rows['e_rate']}"].number_format = "0%"
    ws[f"F{rows['secret_kpi']}"] = 12.5  # a plain number in a percent KPI stays 12.5
    wb.save(path)
    values = read_values(path).set_index("kpi")
    assert values.loc["e_rate", "value"] == 85.0 and values.loc["secret_kpi", "value"] == 12.5
    ws[f"C{rows['secret_kpi']}"] = "days"  # a KPI in days cannot take a percentage cell
    ws[f"F{rows['secret_kpi']}"] = 0.3
    ws[f"F{rows['secret_kpi']}"].number_format = "0.0%"
    wb.save(path)
    with pytest.raises(FormError, match=r"formatted as a percentage \(30%\) but the KPI's unit is 'days'") as info:
        read_values(path)
    assert f"F{rows['secret_kpi']}" in str(info.value) and "format the cell as a number" in str(info.value)


def test_n_a_typed_as_a_value_is_not_applicable_explicitly(tmp_path, catalog):
    path = write_template(catalog, tmp_path / "form.xlsx", member="AAA", period=2024)
    rows = _rows(path)
    _fill(path, "AAA", 2024, {f"F{rows['e_rate']}": "n/a", f"F{rows['secret_kpi']}": "N/A",
                              f"G{rows['secret_kpi']}": "not applicable"})
    values = read_values(path).set_index("kpi")
    assert values.loc["e_rate", "status"] == values.loc["secret_kpi", "status"] == "not_applicable"
    assert math.isnan(values.loc["e_rate", "value"])
    _fill(path, "AAA", 2024, {f"G{rows['e_rate']}": "reported"})
    with pytest.raises(FormError, match=r"the value is 'n/a' \(not applicable\) but the status is 'reported'"):
        read_values(path)


def test_n_a_in_a_values_csv_is_not_applicable_not_missing(tmp_path):
    from pmm.report.tables import read_table

    path = tmp_path / "values.csv"
    path.write_text("member,kpi,value\nNA,usefulness,40\nBBB,usefulness,n/a\nCCC,usefulness,\n", encoding="utf-8")
    table = read_table(path)
    assert table["member"].tolist() == ["NA", "BBB", "CCC"]  # Namibia's code is not a missing value
    assert table["value"].tolist()[0] == 40.0 and table["status"].tolist() == [None, "not_applicable", None]
    card = pmm.score(table, "rbm-example")
    status = card.levels.query("kpi == 'usefulness'").set_index("member")["status"]
    assert status.to_dict() == {"BBB": "not_applicable", "CCC": "not_reported", "NA": "ok"}
    path.write_text("member,kpi,value,status\nAAA,usefulness,n/a,ok\n", encoding="utf-8")
    with pytest.raises(pmm.errors.PmmError, match="value 'n/a' with another status"):
        read_table(path)


def test_forms_show_the_plain_definition_and_the_report_keeps_the_formula(tmp_path, small_card):
    path = pmm.write_template("wco-pmm", tmp_path / "form.xlsx")
    ws = openpyxl.load_workbook(path)["self-assessment"]
    shown = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value}
    catalog = pmm.load_catalog("wco-pmm")
    for kpi in catalog.kpis:
        expected = kpi.definition.question if kpi.definition.type == "reported" and kpi.definition.question \
            else kpi.description
        assert shown[kpi.id] == expected.strip(), kpi.id
    assert not any("coalesce" in text or " in declarations" in text for text in shown.values())
    html = pmm.render_report(small_card)
    assert "coalesce(single_window, False)" in html  # the methodology still has the formula


def test_a_form_needs_a_plain_definition_for_every_kpi(tmp_path):
    text = CATALOG.read_text(encoding="utf-8").replace(
        "    description: Whether the administration uses advanced analytics to select consignments for control.\n", "")
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(pmm.errors.PmmError, match=r"1 KPI\(s\) on the form have no plain-language definition: "
                                                  r"ai_use; hint: give each a `description:`"):
        write_template(pmm.load_catalog(tmp_path / "c.yaml"), tmp_path / "f.xlsx")
    assert not (tmp_path / "f.xlsx").exists()
