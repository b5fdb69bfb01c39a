"""The uncertainty outputs: the report section, the workbook sheets and the plots."""

from __future__ import annotations

import warnings

import matplotlib
import pandas as pd
import pytest
from openpyxl import load_workbook

import pmm
from pmm.errors import PmmError

matplotlib.use("Agg")
VARY = {"aggregate.method": ["arithmetic", "median"], "weights": {"noise": 0.2, "levels": [1, 2]}}


@pytest.fixture(scope="module")
def analysis():
    card = pmm.demo_scorecard(members=6)
    values = card.levels[["member", "period", "kpi", "value", "status"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sa = pmm.sensitivity(values, card.catalog, method=card.method, vary=VARY, n=30, seed=2, bootstrap=40)
    return card, sa


def test_report_has_the_robustness_section_only_when_asked(analysis, tmp_path):
    card, sa = analysis
    html = card.to_html(tmp_path / "r.html", uncertainty=sa).read_text(encoding="utf-8")
    assert "How robust are the ranks?" in html and 'href="#robustness"' in html
    section = html[html.index('id="robustness"'):html.index("</section>", html.index('id="robustness"'))]
    assert section.count("<tr><td><a href=") == 6 and "Which choice moves the ranks most?" in section
    assert "aggregate.method" in section and "× U(0.8, 1.2)" in section
    period = card.periods[-1]
    nominal = card.scores[(card.scores["node"] == card.catalog.root) & (card.scores["period"] == period)]
    for member, rank in zip(nominal["member"], nominal["rank"]):
        assert f'#member-{member}">' in section
        row = section[section.index(f'#member-{member}">'):]
        assert f'<td class="num">{int(rank)}</td>' in row[:row.index("</tr>")]
    plain = pmm.render_report(card)
    assert "How robust are the ranks?" not in plain


def test_workbook_sheets(analysis, tmp_path):
    card, sa = analysis
    path = card.to_excel(tmp_path / "c.xlsx", uncertainty=sa)
    wb = load_workbook(path, read_only=True)
    assert {"robustness", "vary", "sensitivity"} <= set(wb.sheetnames)
    sheet = pd.read_excel(path, sheet_name="robustness")
    expected = sa.uncertainty.rank_stats
    assert len(sheet) == len(expected)
    assert {"member", "node", "name", "nominal", "median", "q5", "q95", "range_q5_q95"} <= set(sheet.columns)
    assert pd.read_excel(path, sheet_name="sensitivity")["input"].tolist() == list(VARY)
    assert "robustness" not in load_workbook(card.to_excel(tmp_path / "plain.xlsx"), read_only=True).sheetnames


def test_plots(analysis):
    _, sa = analysis
    ax = pmm.plot.rank_uncertainty(sa)
    assert len(ax.get_yticklabels()) == 6 and ax.xaxis_inverted()
    ax = pmm.plot.sensitivity(sa)
    assert len(ax.patches) == 2 * len(VARY)
    with pytest.raises(PmmError, match="not in the analysis"):
        pmm.plot.rank_uncertainty(sa, node="nope")


def test_a_wrong_object_is_an_error(analysis, tmp_path):
    card, _ = analysis
    with pytest.raises(PmmError, match="pmm.Uncertainty"):
        card.to_html(tmp_path / "x.html", uncertainty=card)
