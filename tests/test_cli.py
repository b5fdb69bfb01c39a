"""The pmm command line: help with examples, exit codes, no silent overwrites, inputs by extension,
and the score / report / template / demo subcommands on real data."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import pmm
from pmm.cli import main

def test_console_script_help_lists_the_commands_with_examples():
    exe = shutil.which("pmm", path=str(Path(sys.executable).parent)) or shutil.which("pmm")
    assert exe, "the pmm console script is not installed"
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("score", "report", "template", "demo"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M), command
    assert "examples:" in result.stdout and "pmm demo" in result.stdout


@pytest.mark.parametrize("command", ["score", "report", "template", "demo"])
def test_every_subcommand_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and f"pmm {command}" in out


@pytest.mark.parametrize("argv", [["score"], ["report", "wco-pmm", "values.csv"], ["template", "wco-pmm"],
                                  ["demo", "--members", "many"], ["scores"]])
def test_usage_errors_exit_with_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "demo"
    assert main(["demo", "-o", str(folder), "--members", "6", "--seed", "1"]) == 0
    return folder


def test_demo_twice_gives_identical_kpi_values(demo_dir, tmp_path):
    """Same seed → the same bytes in kpi_values.csv (exact sums: no parallel float order)."""
    assert main(["demo", "-o", str(tmp_path), "--members", "6", "--seed", "1", "-q"]) == 0
    assert (tmp_path / "kpi_values.csv").read_bytes() == (demo_dir / "kpi_values.csv").read_bytes()


@pytest.fixture(scope="module")
def members_csv(tmp_path_factory) -> Path:
    from pmm.datasets import workshop

    path = tmp_path_factory.mktemp("members") / "members.csv"
    workshop(members=6, seed=1).members.to_csv(path, index=False)
    return path


def test_demo_writes_four_files_and_refuses_to_overwrite(demo_dir, capsys):
    files = {p.name for p in demo_dir.iterdir()}
    assert files == {"report.html", "scorecard.xlsx", "kpi_values.csv", "members.csv"}
    values = pd.read_csv(demo_dir / "kpi_values.csv")
    assert values["member"].nunique() == 6 and set(values["period"]) == {2022, 2023, 2024}
    assert {"member", "period", "kpi", "value", "status"} <= set(values.columns)
    before = {p.name: p.stat().st_mtime_ns for p in demo_dir.iterdir()}
    assert main(["demo", "-o", str(demo_dir), "--members", "6", "--seed", "1"]) == 1
    err = capsys.readouterr().err
    assert "exist; pass --force to overwrite them" in err and "report.html" in err and "Traceback" not in err
    assert before == {p.name: p.stat().st_mtime_ns for p in demo_dir.iterdir()}


def test_demo_prints_where_and_a_three_line_summary(tmp_path, capsys):
    assert main(["demo", "-o", str(tmp_path / "d"), "--members", "5", "--seed", "2"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("pmm demo: done in") and str((tmp_path / "d").resolve()) in out[0]
    assert [line.split()[0] for line in out[1:4]] == ["report", "workbook", "KPI"]
    summary = out[-3:]
    assert summary[0].startswith("5 administrations × 3 periods (2022–2024)")
    # every count printed is one of the files
    values = pd.read_csv(tmp_path / "d" / "kpi_values.csv")
    assert len(pd.read_csv(tmp_path / "d" / "members.csv")) == 5
    assert f"→ {len(values):,} KPI values ({(values['status'] == 'ok').sum():,} reported or computed)" in summary[0]
    assert summary[1].startswith("2024 overall score: highest")
    assert summary[2].startswith("Weakest dimension on average:")


def test_score_writes_workbook_and_tables(demo_dir, members_csv, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["score", "wco-pmm", str(demo_dir / "kpi_values.csv"), "--members", str(members_csv),
                 "--peers", "region", "-o", str(out)]) == 0
    assert "scorecard.xlsx" in capsys.readouterr().out
    scores = pd.read_csv(out / "scores.csv")
    cat = pmm.load_catalog("wco-pmm")
    assert len(scores) == 6 * 3 * len(list(cat.walk()))
    levels = pd.read_csv(out / "kpi_levels.csv")
    assert len(levels) == 6 * 3 * len(cat.kpis)  # one row per member, period and KPI (missing ones too)
    values = pd.read_csv(demo_dir / "kpi_values.csv")
    merged = values.merge(levels, on=["member", "period", "kpi"], suffixes=("", "_scored"))
    assert len(merged) == len(values)
    assert openpyxl.load_workbook(out / "scorecard.xlsx").sheetnames[0] == "summary"
    assert main(["score", "wco-pmm", str(demo_dir / "kpi_values.csv"), "-o", str(out)]) == 1
    assert "pass --force" in capsys.readouterr().err


def test_score_reads_parquet_and_excel_by_extension(demo_dir, tmp_path):
    values = pd.read_csv(demo_dir / "kpi_values.csv")
    values.to_parquet(tmp_path / "values.parquet")
    values.to_excel(tmp_path / "values.xlsx", index=False)
    results = []
    for name in ("values.parquet", "values.xlsx"):
        out = tmp_path / name.replace(".", "-")
        assert main(["score", "wco-pmm", str(tmp_path / name), "-o", str(out), "-q"]) == 0
        results.append(pd.read_csv(out / "scores.csv"))
    pd.testing.assert_frame_equal(results[0], results[1])


def test_report_with_peers_and_public_disclosure(demo_dir, members_csv, tmp_path, capsys):
    out = tmp_path / "public.html"
    assert main(["report", "wco-pmm", str(demo_dir / "kpi_values.csv"), "--members", str(members_csv),
                 "--peers", "region", "--disclosure", "public", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    page = out.read_text(encoding="utf-8")
    cat = pmm.load_catalog("wco-pmm")
    assert all(k.id not in page for k in cat.kpis if k.disclosure != "public")
    assert 'data-kpi="tf_e_declarations"' in page
    names = pd.read_csv(members_csv)["name"]
    assert all(name in page for name in names)


def test_template_then_filled_forms_are_scored(tmp_path, capsys):
    forms = []
    for member, value in (("AAA", 0.9), ("BBB", 0.4)):
        path = tmp_path / f"{member}.xlsx"
        assert main(["template", "rbm-example", "-o", str(path), "--member", member, "--period", "2024"]) == 0
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        row = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value == "usefulness")
        ws.cell(row, 6).value, ws.cell(row, 7).value = value, "reported"
        wb.save(path)
        forms.append(str(path))
    assert ws["B3"].value == "BBB" and ws["B4"].value == 2024
    capsys.readouterr()
    assert main(["template", "rbm-example", "-o", forms[0]]) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["score", "rbm-example", *forms, "-o", str(tmp_path / "out"), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    scores = pd.read_csv(tmp_path / "out" / "scores.csv")
    useful = scores[scores["node"] == "usefulness"].set_index("member")
    assert useful.loc["AAA", "rank"] == 1 and useful.loc["BBB", "rank"] == 2


def test_bad_input_is_one_line_with_location_and_hint_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "values.csv"
    pd.DataFrame({"member": ["A"], "kpi": ["nope_kpi"], "value": [1.0]}).to_csv(bad, index=False)
    assert main(["score", "rbm-example", str(bad), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "nope_kpi" in err and "hint" in err and "Traceback" not in err
    assert f"{bad}: values column 'kpi'" in err
    assert main(["score", "rbm-example", str(tmp_path / "values.txt"), "-o", str(tmp_path / "o")]) == 1
    assert "file not found" in capsys.readouterr().err
    (tmp_path / "values.txt").write_text("x")
    assert main(["report", "rbm-example", str(tmp_path / "values.txt"), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert "values.txt" in err and "expected one of .csv, .parquet, .pq, .xlsx" in err and "hint" in err


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(pmm.errors.PmmError):
        main(["--debug", "score", "rbm-example", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o")])


def test_progress_is_plain_lines_on_stderr_when_not_a_terminal(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "pmm.cli", "demo", "-o", str(tmp_path / "d"), "--members", "3"],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert "pmm demo: score (3/6)" in result.stderr
    assert "Warning:" not in result.stderr and "Traceback" not in result.stderr  # warnings are "warning: …" lines



def test_quiet_prints_nothing(tmp_path, capsys):
    assert main(["demo", "-q", "-o", str(tmp_path / "q"), "--members", "3"]) == 0
    assert capsys.readouterr() == ("", "")


def test_warnings_are_printed_as_one_line_each_unless_quiet(capsys):
    import warnings

    from pmm.cli import _warnings_as_lines

    with _warnings_as_lines(quiet=False, debug=False):
        warnings.warn("constant KPI", UserWarning)
        warnings.warn("constant KPI", UserWarning)
    assert capsys.readouterr().err == "warning: constant KPI\n"
    with _warnings_as_lines(quiet=True, debug=False):
        warnings.warn("hidden", UserWarning)
    assert capsys.readouterr().err == ""


def test_score_with_a_method_file(demo_dir, tmp_path):
    values = str(demo_dir / "kpi_values.csv")
    for name, aggregate in (("geo", "geometric"), ("mean", "arithmetic")):
        method = tmp_path / f"{name}.yaml"
        method.write_text(f"normalise: {{method: minmax, range: [1, 100]}}\naggregate: {{method: {aggregate}}}\n")
        assert main(["score", "wco-pmm", values, "-o", str(tmp_path / name), "--method", str(method), "-q"]) == 0
    book = openpyxl.load_workbook(tmp_path / "geo" / "scorecard.xlsx")
    settings = {row[0]: row[1] for row in book["method"].iter_rows(min_row=2, values_only=True)}
    assert settings["aggregate.method"] == "geometric"
    geo, mean = (pd.read_csv(tmp_path / d / "scores.csv") for d in ("geo", "mean"))
    root = pmm.load_catalog("wco-pmm").root
    g, m = geo[geo["node"] == root]["score"].to_numpy(), mean[mean["node"] == root]["score"].to_numpy()
    assert (g <= m + 1e-9).all() and (g < m - 1e-6).any()  # a geometric mean never exceeds the arithmetic one


def test_report_shows_the_row_accounting_of_pmm_map(demo_dir, tmp_path):
    accounting = tmp_path / "rows.csv"
    pd.DataFrame({"source": ["declarations"], "table": ["declarations"], "rows_read": [123457],
                  "rows_used": [120000]}).to_csv(accounting, index=False)
    out = tmp_path / "r.html"
    assert main(["report", "wco-pmm", str(demo_dir / "kpi_values.csv"), "--accounting", str(accounting),
                 "-o", str(out), "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    table = re.search(r'<table id="accounting-table">(.*?)</table>', page, re.S).group(1)
    assert "<th>rows_read</th>" in table and "<td>123,457</td>" in table and "<td>120,000</td>" in table


def _forms(folder: Path, filled: dict[str, float | None]) -> None:
    """rbm-example forms for 2024: members with a number fill the usefulness KPI, None leaves the form empty."""
    folder.mkdir()
    for member, value in filled.items():
        path = folder / f"{member}.xlsx"
        assert main(["template", "rbm-example", "-q", "-o", str(path), "--member", member, "--period", "2024"]) == 0
        if value is None:
            continue
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        row = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value == "usefulness")
        ws.cell(row, 6).value, ws.cell(row, 7).value = value, "reported"
        wb.save(path)


def test_a_folder_of_forms_with_one_left_empty_is_scored_and_reported(tmp_path, capsys):
    forms = tmp_path / "forms"
    _forms(forms, {"AAA": 90.0, "BBB": 40.0, "EMP": None})
    assert main(["score", "rbm-example", str(forms), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "1 member(s) have no KPI value" in err and "EMP in 2024" in err  # said, never silent
    scores = pd.read_csv(tmp_path / "out" / "scores.csv")
    index = scores[scores["node"] == "rbm"].set_index("member")
    assert set(index.index) == {"AAA", "BBB", "EMP"} and index["score"].isna().tolist() == [False, False, True]
    assert main(["report", "rbm-example", str(forms), "-o", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert re.search(r'id="no-values">No KPI value for 2024[^<]*: EMP\.', html)
    # one period: a radar (no trend) for each member with values, none for EMP
    assert len(re.findall(r'<svg[^>]*role="img"', html)) == 2
    page = html[html.index('id="member-EMP"'):]
    assert "nothing was reported or computed for this member" in page[:2000] and "<svg" not in page[:page.index("</section>")]


def test_docs_members_and_peers_command_runs_on_the_demo_outputs(demo_dir, tmp_path, capsys):
    """docs/cli.md: pmm report wco-pmm pmm-demo/kpi_values.csv --members members.csv --peers region."""
    out = tmp_path / "report.html"
    assert main(["report", "wco-pmm", str(demo_dir / "kpi_values.csv"), "--members", str(demo_dir / "members.csv"),
                 "--peers", "region", "-o", str(out), "-q"]) == 0
    members = pd.read_csv(demo_dir / "members.csv")
    assert list(members.columns[:4]) == ["member", "name", "region", "income_group"]
    assert "peer groups: region" in out.read_text(encoding="utf-8")


def test_template_members_writes_a_members_table_to_fill_in(tmp_path, capsys):
    path = tmp_path / "members.csv"
    assert main(["template", "--members", "-o", str(path)]) == 0
    assert path.read_text().splitlines() == ["member,name,region,income_group"]
    assert "--members" in capsys.readouterr().out
    assert main(["template", "--members", "--member", "KEN", "-o", str(path), "--force"]) == 0
    assert pd.read_csv(path)["member"].tolist() == ["KEN"]
    assert main(["template", "-o", str(tmp_path / "f.xlsx")]) == 1
    assert "needs a catalog" in capsys.readouterr().err
