"""Notebook display: ``Catalog._repr_html_`` and ``Scorecard._repr_html_``."""

from __future__ import annotations

import re

import pandas as pd

import pmm
from pmm.catalog.models import Framework, Group, Kpi


def hostile_catalog() -> pmm.Catalog:
    return pmm.Catalog(Framework(id="I", name="Index <script>alert(1)</script>"), {},
                       [Group(id="g", name="G & <b>bold</b>", weight=2)],
                       [Kpi(id="a", name="A <img src=x onerror=alert(1)>", unit="%", direction="higher", parent="g"),
                        Kpi(id="b", name="B", unit="hours", direction="lower", parent="g")])


def test_catalog_html_lists_every_node_once_in_tree_order() -> None:
    cat = pmm.load_catalog("indicators/wco-pmm")
    html = cat._repr_html_()
    ids = re.findall(r"<code>([^<]+)</code>", html)
    assert ids[0] == cat.root
    assert ids[1:] == [n for n in cat.walk() if n != cat.root]
    assert f"{len(cat.kpis)} KPIs" in html


def test_catalog_html_escapes_names() -> None:
    html = hostile_catalog()._repr_html_()
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html and "G &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_scorecard_html_ranks_members_by_index_score() -> None:
    values = pd.DataFrame({"member": ["P", "Q", "R", "S"] * 2, "kpi": ["a"] * 4 + ["b"] * 4,
                           "value": [1.0, 4.0, 3.0, 2.0, 10.0, 1.0, 5.0, 7.0]})
    card = pmm.score(values, hostile_catalog(), method={"normalise": {"method": "minmax"}})
    html = card._repr_html_()
    # hand calculation: minmax a = 0, 100, 66.7, 33.3; b (lower is better) = 0, 100, 55.6, 33.3; index = mean
    order = re.findall(r"<tr><td>(\d+)</td><td>([A-Z])</td><td>([\d.]+)</td>", html)
    assert order == [("1", "Q", "100.0"), ("2", "R", "61.1"), ("3", "S", "33.3"), ("4", "P", "0.0")]
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_scorecard_html_counts_members_beyond_the_shown_rows() -> None:
    card = pmm.demo_scorecard(members=7)
    from pmm.report.display import scorecard_html

    html = scorecard_html(card, rows=3)
    assert html.count("<tr><td>") == 3
    assert "… and 4 more members" in html
