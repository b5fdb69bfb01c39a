"""The Trends section of the HTML report: panels of 5+ periods get small multiples and trend statistics."""

import re

import numpy as np
import pandas as pd
import pytest

import pmm


def panel_card(n_periods: int):
    cat = pmm.load_catalog("rbm-example")
    rng = np.random.default_rng(1)
    rows = [(m, 2015 + t, k, float(rng.uniform(10, 90)))
            for m in ["AAA", "BBB", "CCC"] for t in range(n_periods) for k in ["usefulness", "objectives_achieved"]]
    rows = [r for r in rows if not (r[0] == "CCC" and r[1] > 2015)]                    # CCC: one period only
    return pmm.score(pd.DataFrame(rows, columns=["member", "period", "kpi", "value"]), cat)


def test_five_periods_show_trends_with_one_panel_per_member():
    card = panel_card(6)
    html = pmm.render_report(card)
    section = html[html.index('<section id="trends">'):]
    section = section[:section.index("</section>")]
    assert '<a href="#trends">Trends</a>' in html
    assert "Trends, 2015–2020" in section
    assert section.count("<polyline") == 2                           # AAA and BBB; CCC has a single point
    assert "one period observed: no trend" in section
    trends = card.trends(card.catalog.root).set_index("member")
    slope = trends.loc["AAA", "slope"]
    row = re.search(r"<tr><td>AAA</td>.*?</tr>", section).group(0)
    assert f"{slope:+,.1f}" in row


@pytest.mark.parametrize("n", [1, 4])
def test_shorter_panels_have_no_trends_section(n):
    html = pmm.render_report(panel_card(n))
    assert 'id="trends"' not in html and 'href="#trends"' not in html
