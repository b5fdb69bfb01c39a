"""The audit in the outputs: plots (correlation heatmap, distribution per stage), the HTML section, the workbook sheets.

Expected numbers come from pandas on the scorecard's own stage tables (the data), never from the audit code.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib
import numpy as np
import openpyxl
import pandas as pd
import pytest

import pmm

matplotlib.use("Agg")
ASEM = Path(__file__).resolve().parents[1] / "data" / "asem"


@pytest.fixture(scope="module")
def treated_card():
    meta = pd.read_csv(ASEM / "asem_imeta.csv")
    data = pd.read_csv(ASEM / "asem_idata.csv")
    catalog = pmm.Catalog.from_table(meta)
    values = pmm.values_from_wide(data, catalog, member="uCode")
    return pmm.score(values, catalog, method={"treat": {"method": "winsorise"}})


def _stage(card, stage):
    return card.stage(stage).pivot(index="member", columns="kpi", values="value")


def test_correlation_heatmap_draws_the_matrix_and_outlines_flags(treated_card):
    import matplotlib.pyplot as plt

    ax = pmm.plot.correlation_heatmap(treated_card, group="P2P", pval=0)
    kids = [k for k in treated_card.catalog.children("P2P")]
    want = _stage(treated_card, "normalised")[kids].corr()
    np.testing.assert_allclose(np.ma.filled(ax.images[0].get_array(), np.nan), want.to_numpy(), atol=1e-12)
    upper = want.where(np.triu(np.ones(want.shape, dtype=bool), 1))
    n_flags = int((upper > 0.9).sum().sum() + (upper < -0.4).sum().sum())
    assert len(ax.patches) == 2 * n_flags and n_flags >= 1
    assert [t.get_text() for t in ax.get_xticklabels()] == kids
    plt.close("all")


def test_correlation_heatmap_blanks_insignificant_cells(treated_card):
    import matplotlib.pyplot as plt

    ax = treated_card.plot.correlation_heatmap(group="Instit")
    shown = ax.images[0].get_array()
    assert np.ma.is_masked(shown) and np.ma.count_masked(shown) > 0
    plt.close("all")


def test_stage_distribution_before_and_after_treatment(treated_card):
    import matplotlib.pyplot as plt

    ax = treated_card.plot.stage_distribution("Flights")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    raw, treated = _stage(treated_card, "raw")["Flights"], _stage(treated_card, "treated")["Flights"]
    assert labels == [f"raw\nskew {raw.skew():.2f}, kurt {raw.kurt():.2f}",
                      f"treated\nskew {treated.skew():.2f}, kurt {treated.kurt():.2f}"]
    red = [c for coll in ax.collections for c in coll.get_facecolors() if c[0] > 0.8 and c[1] < 0.3]
    assert len(red) == int((raw != treated).sum()) >= 1  # the winsorised points
    plt.close("all")


def test_html_audit_section_shows_raw_and_treated_statistics(treated_card):
    page = pmm.render_report(treated_card)
    assert '<a href="#audit">Audit</a>' in page
    section = re.search(r'<section id="audit">(.*?)</section>', page, re.S).group(1)
    rows = re.findall(r'<tr data-audit-kpi="([^"]+)">(.*?)</tr>', section, re.S)
    assert len(rows) == 2 * len(treated_card.catalog.kpi_ids)
    cells = {(k, re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[1]): re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
             for k, r in rows}
    raw = _stage(treated_card, "raw")["Flights"]
    assert cells[("Flights", "raw")][7] == f"{raw.skew():,.2f}"          # skew column
    assert "outliers" in cells[("Flights", "raw")][-1] and "outliers" not in cells[("Flights", "treated")][-1]
    flags = re.search(r'id="audit-flags-table".*?<tbody>(.*?)</tbody>', section, re.S).group(1)
    assert "collinear" in flags
    reliability = re.search(r'id="audit-reliability-table".*?<tbody>(.*?)</tbody>', section, re.S).group(1)
    assert html.escape("People to People") in reliability


def test_workbook_audit_sheets(treated_card, tmp_path):
    path = treated_card.to_excel(tmp_path / "asem.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["audit kpi statistics"].values)
    header, body = rows[0], rows[1:]
    stats = pd.DataFrame(body, columns=header)
    assert len(stats) == 2 * 49 and set(stats["stage"]) == {"raw", "treated"}
    got = stats[stats["stage"] == "raw"].set_index("kpi")
    raw = _stage(treated_card, "raw")
    np.testing.assert_allclose(got.loc[raw.columns, "kurt"].astype(float), raw.kurt(), rtol=1e-9)
    reliability = pd.DataFrame(list(book["reliability"].values)[1:], columns=list(book["reliability"].values)[0])
    p2p = [k for k in treated_card.catalog.children("P2P")]
    cov = _stage(treated_card, "normalised")[p2p].cov().to_numpy()
    k = len(p2p)
    alpha = k * k * (cov.sum() - np.trace(cov)) / (k * (k - 1)) / cov.sum()
    assert reliability.set_index("group").loc["P2P", "cronbach_alpha"] == pytest.approx(alpha, rel=1e-12)
    flags = pd.DataFrame(list(book["correlation flags"].values)[1:], columns=list(book["correlation flags"].values)[0])
    assert set(flags["flag"]) <= {"collinear", "negative"} and len(flags) > 0
