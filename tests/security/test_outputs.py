"""Outputs are atomic (no half-written file after a failure) and reproducible (SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import doctest
import errno
import gc
import zipfile

import pytest

import pmm
from pmm.errors import PmmError
from pmm import reproducible
from pmm.report import paths, xlsx

# the simulated failures interrupt openpyxl's own zip writer, which then warns when collected
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="module")
def card():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pmm.demo_scorecard(members=5)


def test_module_examples_run():
    for module in (paths, reproducible, xlsx):
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


def test_source_date_epoch_gives_byte_identical_outputs(card, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    catalog = card.catalog
    for run in ("a", "b"):
        card.to_excel(tmp_path / run / "card.xlsx")
        card.to_html(tmp_path / run / "report.html", disclosure="public")
        pmm.write_template(catalog, tmp_path / run / "form.xlsx", member="AAA", period=2024)
    for name in ("card.xlsx", "report.html", "form.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert "generated 2023-11-14 22:13 UTC" in (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "a" / "card.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert b"2023-11-14T22:13:20Z" in z.read("docProps/core.xml")


def test_scoring_twice_gives_identical_files(tmp_path, monkeypatch):
    from pmm.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    values = tmp_path / "values.csv"
    values.write_text("member,period,kpi,value\nAAA,2024,usefulness,40\nBBB,2024,usefulness,90\n"
                      "AAA,2024,participants,100\nBBB,2024,participants,300\n", encoding="utf-8")
    for run in ("a", "b"):
        assert main(["score", "rbm-example", str(values), "-o", str(tmp_path / run), "-q"]) == 0
        assert main(["report", "rbm-example", str(values), "-o", str(tmp_path / run / "r.html"), "-q"]) == 0
    for name in ("scorecard.xlsx", "scores.csv", "kpi_levels.csv", "r.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert "2023-11-14T22:13:20+00:00" in (tmp_path / "a" / "r.html").read_text(encoding="utf-8")


def test_bad_source_date_epoch_is_a_clear_error(card, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(PmmError, match="SOURCE_DATE_EPOCH must be a Unix time"):
        card.to_excel(tmp_path / "card.xlsx")
    assert list(tmp_path.iterdir()) == []


def _disk_full(*_args, **_kw):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("target", ["workbook", "form", "report", "csv"])
def test_a_full_disk_leaves_the_previous_file_intact(card, tmp_path, monkeypatch, target):
    name = {"workbook": "card.xlsx", "form": "form.xlsx", "report": "r.html", "csv": "v.csv"}[target]
    out = tmp_path / name
    out.write_bytes(b"previous complete file")

    def write():
        if target == "workbook":
            card.to_excel(out)
        elif target == "form":
            pmm.write_template(card.catalog, out)
        elif target == "report":
            card.to_html(out)
        else:
            paths.write_csv(card.scores, out)

    if target == "report":
        monkeypatch.setattr("pathlib.Path.write_text", _disk_full)
    elif target == "csv":
        monkeypatch.setattr("pandas.DataFrame.to_csv", _disk_full)
    else:
        monkeypatch.setattr(zipfile.ZipFile, "writestr", _disk_full)
    with pytest.raises(PmmError) as info:
        write()
    assert str(info.value).count("\n") <= 1 and "No space left on device" in str(info.value)
    assert "free disk space" in str(info.value)
    assert out.read_bytes() == b"previous complete file"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left behind
    gc.collect()  # collect openpyxl's interrupted writers here, under this module's warning filter


def test_an_interrupt_leaves_no_partial_file(card, tmp_path, monkeypatch):
    def interrupted(*_args, **_kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupted)
    with pytest.raises(KeyboardInterrupt):
        card.to_excel(tmp_path / "card.xlsx")
    assert list(tmp_path.iterdir()) == []
    gc.collect()


def test_a_file_in_the_way_of_the_output_folder(card, tmp_path):
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(PmmError, match="cannot write.*a file is in the way"):
        card.to_excel(tmp_path / "blocker" / "card.xlsx")
    with pytest.raises(PmmError, match="output path is a folder"):
        card.to_html(tmp_path)
