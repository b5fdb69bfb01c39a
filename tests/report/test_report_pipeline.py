"""What the pipeline steps did shows in the outputs: imputed cells in the HTML report, screening and treatment sheets."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

import pmm

ASEM = Path(__file__).resolve().parents[1] / "data" / "asem"


def _card() -> pmm.Scorecard:
    meta = pd.read_csv(ASEM / "asem_imeta.csv")
    data = pd.read_csv(ASEM / "asem_idata.csv")
    catalog = pmm.Catalog.from_table(meta)
    values = pmm.values_from_wide(data, catalog, member="uCode")
    members = data[["uCode", "EurAsia_group"]].rename(columns={"uCode": "member"})
    method = {"impute": {"method": "mean", "by": "EurAsia_group"}, "screen": {"min_coverage": 0.9},
              "treat": {"winmax": 5}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pmm.score(values, catalog, method=method, members=members)


def test_imputed_cells_in_the_report_and_the_workbook(tmp_path) -> None:
    card = _card()
    imputed = card.levels["imputed"]
    assert imputed.sum() > 0
    html = card.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count('class="imputed" title="imputed"') == int(imputed.sum())
    book = openpyxl.load_workbook(card.to_excel(tmp_path / "card.xlsx"))
    assert {"screening", "treatment"} <= set(book.sheetnames)
    rows = list(book["screening"].iter_rows(values_only=True))
    assert len(rows) - 1 == len(card.screening) == card.scores["member"].nunique()
    header = rows[0]
    assert sum(1 for r in rows[1:] if r[header.index("included")] in (False, 0)) == int((~card.screening["included"]).sum())
    levels = list(book["kpi levels"].iter_rows(values_only=True))
    assert "imputed" in levels[0]
    treatment = list(book["treatment"].iter_rows(values_only=True))
    assert len(treatment) - 1 == len(card.treatment) and np.isfinite(card.treatment["skew"]).all()
