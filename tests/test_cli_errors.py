"""Hostile command lines: every bad input, option value and file-system fault gives a short
``error:`` message (file and hint), a non-zero exit code, and never a traceback."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest

from pmm.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli")
    values = folder / "values.csv"
    pd.DataFrame({"member": ["AAA", "BBB", "CCC"] * 2, "period": 2024,
                  "kpi": ["usefulness"] * 3 + ["participants"] * 3,
                  "value": [40.0, 60.0, 90.0, 100.0, 300.0, 500.0]}).to_csv(values, index=False)
    out = {"values": values, "blocker": folder / "blocker", "latin": folder / "latin.csv",
           "parquet": folder / "bad.parquet", "xlsx": folder / "trunc.xlsx", "method": folder / "method.yaml",
           "catalog": folder / "catalog.yaml", "folder": folder / "empty"}
    out["blocker"].write_text("a file, not a folder")
    out["latin"].write_bytes(b"member,kpi,value\n\xff\xfeA,usefulness,1\n")
    out["parquet"].write_text("not parquet")
    out["xlsx"].write_bytes(b"PK\x03\x04 truncated")
    out["method"].write_text("normalise: [1\n")
    out["catalog"].write_bytes(b"framework: {id: f, name: \"F\x07\"}\n")
    out["folder"].mkdir()
    return out


def _cases(f: dict[str, Path], tmp: Path) -> list[tuple[list[str], int, str]]:
    v, b = str(f["values"]), str(f["blocker"])
    return [  # argv, exit code, what the message says
        (["score", "rbm-example", v, "-o", str(tmp / "o"), "--min-group-size", "-5"], 2,
         "--min-group-size: expected a whole number such as 3, found '-5'"),
        (["score", "rbm-example", v, "-o", str(tmp / "o"), "--min-group-size", "0"], 2, "at least 1, found '0'"),
        (["report", "rbm-example", v, "-o", str(tmp / "r.html"), "--min-group-size", "²"], 2, "found '²'"),
        (["demo", "-o", str(tmp / "d"), "--seed", "²"], 2, "--seed: expected a whole number"),
        (["demo", "-o", str(tmp / "d"), "--members", "-3"], 2, "--members: expected a whole number"),
        (["report", "rbm-example", v, "-o", str(tmp / "r.html"), "--period", "²"], 1, "unknown period '²'"),
        (["map", "synthetic-raw", str(f["latin"]), "-o", str(tmp / "v.csv")], 1, "not a readable CSV table"),
        (["map", "synthetic-raw", str(f["parquet"]), "-o", str(tmp / "v.csv")], 1, "not a readable Parquet file"),
        (["map", "synthetic-raw", str(f["xlsx"]), "-o", str(tmp / "v.csv")], 1, "not a readable Excel workbook"),
        (["map", "synthetic-raw", str(f["folder"]), "-o", str(tmp / "v.csv")], 1, "is a folder, not a table file"),
        (["map", "synthetic-raw", str(tmp / "none.csv"), "-o", str(tmp / "v.csv")], 1, "file not found"),
        (["score", "rbm-example", str(f["latin"]), "-o", str(tmp / "o")], 1, "not a readable CSV table"),
        (["score", "rbm-example", str(f["parquet"]), "-o", str(tmp / "o")], 1, "not a readable Parquet file"),
        (["score", "rbm-example", str(f["xlsx"]), "-o", str(tmp / "o")], 1, "not a readable Excel workbook"),
        (["score", "rbm-example", v, "--members", str(f["latin"]), "-o", str(tmp / "o")], 1, "latin.csv"),
        (["score", "rbm-example", v, "--method", str(f["method"]), "-o", str(tmp / "o")], 1,
         "method.yaml:2:1: invalid YAML"),
        (["report", "rbm-example", v, "--accounting", str(f["parquet"]), "-o", str(tmp / "r.html")], 1,
         "not a readable Parquet file"),
        (["score", "rbm-example", v, "-o", f"{b}/out"], 1, "cannot write: Not a directory"),
        (["report", "rbm-example", v, "-o", f"{b}/r.html"], 1, "a file is in the way of the output folder"),
        (["template", "rbm-example", "-o", f"{b}/f.xlsx"], 1, "a file is in the way of the output folder"),
        (["schema", "-o", f"{b}/s.json"], 1, "a file is in the way of the output folder"),
        (["map", "synthetic-raw", v, "-o", f"{b}/v.csv"], 1, "a file is in the way of the output folder"),
        (["demo", "-o", b], 1, "is a file"),
        (["report", "rbm-example", v, "-o", str(tmp)], 1, "the output path is a folder"),
        (["validate", str(f["catalog"])], 1, "catalog.yaml:1:28: invalid YAML: character U+0007 is not allowed"),
    ]


def test_each_bad_command_line_is_a_short_error_not_a_traceback(files, tmp_path, capsys):
    tried = 0
    for argv, code, message in _cases(files, tmp_path):
        try:
            got = main(argv)
        except SystemExit as exc:  # argparse usage errors
            got = exc.code
        err = capsys.readouterr().err
        assert got == code, (argv, got, err)
        assert "Traceback" not in err, (argv, err)
        assert message in err, (argv, err)
        lines = [line for line in err.splitlines() if not line.startswith("warning:")]
        assert len(lines) <= (8 if code == 2 else 3), (argv, err)  # usage errors print the usage first
        tried += 1
    assert tried == 25


def test_a_full_disk_is_one_line(files, tmp_path, capsys, monkeypatch):
    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("pandas.DataFrame.to_csv", full)
    assert main(["score", "rbm-example", str(files["values"]), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "cannot write: No space left on device (hint: free disk space" in err and "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["scorecard.xlsx"]  # no partial CSV


def test_an_unreadable_input_is_one_line(files, tmp_path, capsys, monkeypatch):
    def denied(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied", str(files["values"]))

    monkeypatch.setattr("pandas.read_csv", denied)
    assert main(["score", "rbm-example", str(files["values"]), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "values.csv: cannot read the file: Permission denied" in err and "Traceback" not in err


def test_an_unexpected_failure_is_one_line_and_debug_shows_it(files, tmp_path, capsys, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("pmm.score", broken)
    argv = ["score", "rbm-example", str(files["values"]), "-o", str(tmp_path / "o")]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error RuntimeError: boom second line" in err and "--debug" in err
    with pytest.raises(RuntimeError):
        main(["--debug", *argv])


def test_an_interrupt_is_one_line(files, tmp_path, capsys, monkeypatch):
    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr("pmm.score", interrupted)
    assert main(["score", "rbm-example", str(files["values"]), "-o", str(tmp_path / "o")]) == 130
    assert capsys.readouterr().err == "error: interrupted (no output was left half-written)\n"
