"""The worked example of docs/scoring.md, checked against its hand calculation."""

from __future__ import annotations

import pandas as pd
import pytest

import pmm


def test_worked_example() -> None:
    meta = pd.DataFrame({
        "iCode": ["e_decl", "release_h", "aeo_share", "audit_yield", "facilitation", "compliance", "index"],
        "Parent": ["facilitation", "facilitation", "compliance", "compliance", "index", "index", None],
        "Level": [1, 1, 1, 1, 2, 2, 3], "Direction": [1, -1, 1, 1, None, None, None],
        "Weight": [2, 1, 1, 1, 1, 1, 1], "Type": ["Indicator"] * 4 + ["Aggregate"] * 3})
    values = pd.DataFrame({
        "member": ["AAA"] * 4 + ["BBB"] * 4 + ["CCC"] * 4,
        "kpi": ["e_decl", "release_h", "aeo_share", "audit_yield"] * 3,
        "value": [98.0, 6.0, 40.0, 12.0, 75.0, 30.0, None, 20.0, 90.0, 48.0, 10.0, 4.0]})
    card = pmm.score(values, pmm.Catalog.from_table(meta),
                     method={"normalise": {"method": "minmax", "range": [0, 100]}, "aggregate": {"method": "arithmetic"}})
    bbb = card.wide().loc["BBB"]
    release = (-30 + 48) / (-6 + 48) * 100
    assert bbb["release_h"] == pytest.approx(release)
    assert bbb["facilitation"] == pytest.approx(release / 3)
    assert bbb["compliance"] == pytest.approx(100)
    assert bbb["index"] == pytest.approx((release / 3 + 100) / 2)
    row = card.scores.set_index(["node", "member"]).loc[("index", "BBB")]
    assert (row["rank"], row["maturity"], row["maturity_label"]) == (2, 3, "Established")
    w = card.weights.set_index("node")
    assert w.loc["e_decl", "weight"] == pytest.approx(2 / 3) and w.loc["e_decl", "effective_weight"] == pytest.approx(1 / 3)


def test_scoring_doc_examples_run():
    import doctest
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
    result = doctest.testfile(str(doc), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
