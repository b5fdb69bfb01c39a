"""`pmm score --method` runs the pipeline steps (denominate, impute, screen, treat) from a YAML method file."""

from __future__ import annotations

import openpyxl
import pandas as pd

from pmm.cli import main

CATALOG = """
framework: {id: idx, name: Index}
kpis:
  - {id: seizures, name: Seizures per 1000 officers, unit: count, direction: higher,
     denominator: officers, denominator_scale: 1000}
  - {id: rate, name: Rate, unit: percent, direction: higher}
"""

METHOD = """
denominate: {}
impute: {method: median, by: region}
screen: {min_coverage: 0.5}
treat: {winmax: 3}
"""


def test_score_runs_the_pipeline_from_a_method_file(tmp_path, capsys) -> None:
    (tmp_path / "cat.yaml").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "method.yaml").write_text(METHOD, encoding="utf-8")
    members = [f"M{i}" for i in range(8)]
    pd.DataFrame({"member": members, "region": ["a", "b"] * 4,
                  "officers": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0]}
                 ).to_csv(tmp_path / "members.csv", index=False)
    pd.DataFrame({"member": members * 2, "kpi": ["seizures"] * 8 + ["rate"] * 8,
                  "value": [10, 20, 30, None, 50, 60, 70, 80, 1, 2, 3, 4, 5, 6, 7, None]}
                 ).to_csv(tmp_path / "values.csv", index=False)
    out = tmp_path / "out"
    assert main(["score", str(tmp_path / "cat.yaml"), str(tmp_path / "values.csv"), "--members",
                 str(tmp_path / "members.csv"), "--method", str(tmp_path / "method.yaml"), "-o", str(out), "-q"]) == 0
    levels = pd.read_csv(out / "kpi_levels.csv").set_index(["member", "kpi"])
    assert levels.loc[("M3", "seizures"), "imputed"] and levels.loc[("M7", "rate"), "imputed"]
    assert not levels.loc[("M0", "seizures"), "imputed"]
    sheets = openpyxl.load_workbook(out / "scorecard.xlsx").sheetnames
    assert {"screening", "treatment"} <= set(sheets)
