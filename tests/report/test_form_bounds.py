"""read_values reads every Excel form of a folder, names what it skips, and bounds what it reads."""

from __future__ import annotations

import shutil
import time
import zipfile

import openpyxl
import pytest

import pmm
from pmm.report import read_values as rv
from pmm.report.read_values import FormError, FormWarning


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("blank") / "form.xlsx"
    return pmm.write_template(pmm.load_catalog("rbm-example"), path, member="AAA", period=2024)


def _filled(blank, path, member):
    wb = openpyxl.load_workbook(blank)
    ws = wb.active
    ws["B3"], ws["F8"], ws["G8"] = member, 12.5, "reported"
    wb.save(path)
    return path


def test_every_excel_form_of_a_folder_is_read_and_skipped_files_are_named(blank, tmp_path):
    for name, member in (("a.xlsx", "AAA"), ("B.XLSX", "BBB"), ("c.xlsm", "CCC"), ("d.Xlsx", "DDD")):
        _filled(blank, tmp_path / name, member)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    with pytest.warns(FormWarning, match=r"skipped 3 file\(s\) that are not Excel forms: notes.txt, old.xls, ~\$a.xlsx"):
        values = pmm.read_values(tmp_path)
    assert sorted(values["member"].unique()) == ["AAA", "BBB", "CCC", "DDD"]


def test_a_folder_without_forms_names_what_it_holds(tmp_path):
    (tmp_path / "values.csv").write_text("a\n")
    with pytest.raises(FormError, match=r"no Excel forms \(.xlsx, .xlsm, .xltx, .xltm\) in directory .*found only values.csv"):
        pmm.read_values(tmp_path)


def test_content_far_below_the_kpi_rows_is_refused_fast(blank, tmp_path):
    wb = openpyxl.load_workbook(blank)
    wb.active["A1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    started = time.perf_counter()
    with pytest.raises(FormError, match=r"far.xlsx!self-assessment!A1048576: the sheet uses rows down to 1,048,576"):
        pmm.read_values(tmp_path / "far.xlsx")
    assert time.perf_counter() - started < 5  # was 85 s and 2 GB


def test_a_zip_bomb_is_refused_before_it_is_unpacked(blank, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    shutil.copy(blank, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b" " * (rv.MAX_FORM_BYTES + 1))
    assert bomb.stat().st_size < 1_000_000
    started = time.perf_counter()
    with pytest.raises(FormError, match=r"bomb.xlsx: the workbook unpacks to 50 MB, more than the limit of 50 MB"):
        pmm.read_values(bomb)
    assert time.perf_counter() - started < 5


def test_a_period_in_non_ascii_digits_is_kept_as_text(blank, tmp_path):
    wb = openpyxl.load_workbook(blank)
    wb.active["B4"], wb.active["F8"], wb.active["G8"] = "²", 1.0, "reported"
    wb.save(tmp_path / "f.xlsx")
    assert pmm.read_values(tmp_path / "f.xlsx")["period"].tolist()[0] == "²"
