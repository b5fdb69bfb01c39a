"""``pmm map PROFILE DATA... -o values.csv``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmm.cli import main

KCS = Path(__file__).resolve().parents[2] / "examples" / "kcs"


def test_pmm_map_writes_values_and_accounting(tmp_path, capsys):
    out, acc = tmp_path / "v.csv", tmp_path / "a.csv"
    code = main(["map", "kcs", str(KCS / "df_syn_valid_eng.csv"), "--catalog", str(KCS / "catalog.yaml"),
                 "--by", "office", "--period", "quarter", "-o", str(out), "--accounting", str(acc)])
    assert code == 0
    values = pd.read_csv(out, dtype={"office": str})
    raw = pd.read_csv(KCS / "df_syn_valid_eng.csv", dtype={"Office ID": str})
    counts = values[values["kpi"] == "kcs_declarations"].set_index("office")["value"]
    assert counts.to_dict() == raw["Office ID"].value_counts().astype(float).to_dict()
    assert set(values["period"]) == {"2021-Q1"}
    assert pd.read_csv(acc)["rows_read"].tolist() == [8134]
    assert "wrote" in capsys.readouterr().err


def test_pmm_map_refuses_to_overwrite_and_reports_bad_profiles(tmp_path, capsys):
    out = tmp_path / "v.csv"
    out.write_text("x")
    assert main(["map", "kcs", str(KCS / "df_syn_valid_eng.csv"), "-o", str(out)]) == 1
    assert "exists" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("source: declarations\nderived:\n  x: __import__('os')\n")
    assert main(["map", str(bad), str(KCS / "df_syn_valid_eng.csv"), "-o", str(tmp_path / "w.csv")]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:3:3 [x]" in err and "unknown function" in err
