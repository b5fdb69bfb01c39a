"""Names holding matplotlib maths syntax ($...$, _{}, \\frac) are drawn literally, and never stop a chart."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import cbook  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import pmm  # noqa: E402
from pmm.report.plots import literal  # noqa: E402

NAMES = ["$x_{1}$ share", "Cost in $ per $100", r"$\frac{$ broken", "a_{b}^c"]
CATALOG = """
framework: {id: fw, name: "F $x$", levels: [Low, Mid, High]}
groups:
  - {id: g1, name: "$\\\\frac{$ group"}
  - {id: g2, name: "Group _{2}"}
kpis:
  - {id: k1, name: "$x_{1}$ share", parent: g1, unit: "$", direction: higher, maturity: {thresholds: [10, 20]}}
  - {id: k2, name: "Cost in $ per $100", parent: g2, unit: "$/t", direction: lower, maturity: {thresholds: [20, 10]}}
"""


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    path = tmp_path_factory.mktemp("c") / "c.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    members = ["$a$", "B_{1}", r"$\frac{$", "D"]
    values = pd.DataFrame({"member": members * 2, "period": 2024, "kpi": ["k1"] * 4 + ["k2"] * 4,
                           "value": [5.0, 15.0, 25.0, 12.0, 30.0, 15.0, 5.0, 12.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pmm.score(values, pmm.load_catalog(path))


def _texts(ax):
    ax.figure.canvas.draw()
    return [t for t in ax.figure.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("name", NAMES)
def test_literal_text_is_never_maths(name):
    assert not cbook.is_math_text(literal(name))


@pytest.mark.parametrize("plot", ["ranking", "maturity_heatmap", "radar", "trend", "distribution"])
def test_every_chart_draws_names_literally(card, plot):
    import matplotlib.pyplot as plt

    kw = {"member": "$a$"} if plot in ("radar", "trend") else {}
    if plot == "distribution":
        ax = pmm.plot.distribution(card, "k2", member="$a$")
    else:
        ax = getattr(pmm.plot, plot)(card, **kw)
    texts = _texts(ax)
    assert texts and not [t.get_text() for t in texts if cbook.is_math_text(t.get_text())]
    plt.close(ax.figure)


def test_the_report_renders_with_maths_like_names(card, tmp_path):
    html = pmm.render_report(card)
    assert "Cost in $ per $100" in html and "\\$" not in html.replace("\\\\$", "")
