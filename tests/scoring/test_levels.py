"""Maturity levels: KPI thresholds, categorical answers, PEFA M1/M2, score bands, mean, insufficient data."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.catalog.models import Framework, Group, Kpi
from pmm.errors import ScoringError
from pmm.scoring.levels import averaging, kpi_levels, mean_level, pefa_m2_table, score_bands, weakest_link

GRADES = {"D": 1, "C": 2, "B": 3, "A": 4}
ANSWERS = {"maturity": {"answers": GRADES}}
# one-member examples make every KPI constant; that warning is tested in test_normalise.py
pytestmark = pytest.mark.filterwarnings("ignore::pmm.scoring.notices.ScoringWarning")


def pefa_catalog(method: str, n_dims: int, insufficient: str = "exclude") -> pmm.Catalog:
    return pmm.Catalog(
        Framework(id="PEFA", name="PEFA", levels=("D", "C", "B", "A"), insufficient_data=insufficient), {},
        [Group(id="PI", name="Indicator", maturity_method={"method": method})],
        [Kpi(id=f"d{i}", name=f"Dimension {i}", unit="grade", direction="higher", parent="PI", **ANSWERS)
         for i in range(1, n_dims + 1)])


def grade(method: str, dims: str, status=None) -> str:
    cat = pefa_catalog(method, len(dims))
    values = pd.DataFrame({"member": "X", "kpi": [f"d{i}" for i in range(1, len(dims) + 1)], "value": list(dims)})
    if status is not None:
        values["status"] = status
    card = pmm.score(values, cat)
    row = card.scores.set_index("node").loc["PI"]
    return row["maturity_label"]


@pytest.mark.parametrize("dims,expected", [("BCA", "C+"), ("CC", "C"), ("DA", "D+"), ("AAA", "A"), ("D", "D")])
def test_pefa_m1_weakest_link_examples(dims, expected) -> None:
    assert grade("weakest_link", dims) == expected


# PEFA 2016 M2, two dimensions: every mean is already a half grade, so the table is certain.
M2_TWO = {"DD": "D", "DC": "D+", "DB": "C", "CC": "C", "DA": "C+", "CB": "C+", "CA": "B", "BB": "B", "BA": "B+",
          "AA": "A"}


@pytest.mark.parametrize("dims,expected", sorted(M2_TWO.items()))
def test_pefa_m2_two_dimension_rows(dims, expected) -> None:
    assert grade("averaging", dims) == expected
    assert grade("averaging", dims[::-1]) == expected  # order does not matter


def test_pefa_m2_table_is_complete_and_follows_the_documented_rule() -> None:
    table = pefa_m2_table()["table"]
    half = {1: "D", 1.5: "D+", 2: "C", 2.5: "C+", 3: "B", 3.5: "B+", 4: "A"}
    offset = {2: 0.0, 3: 0.33, 4: 0.25}
    for n in (2, 3, 4):
        combos = {"".join(c) for c in itertools.combinations_with_replacement("DCBA", n)}
        assert set(table[n]) == combos
        for combo, g in table[n].items():
            mean = sum(GRADES[ch] for ch in combo) / n + offset[n]
            assert half[np.floor(mean * 2 + 1e-9) / 2] == g, combo


def test_m2_three_dimensions_from_yaml_table() -> None:
    assert grade("averaging", "ABD") == pefa_m2_table()["table"][3]["DBA"]
    assert grade("averaging", "CCC") == "C"


def test_not_applicable_dimension_is_skipped() -> None:
    assert grade("weakest_link", "BCA", status=["ok", "not_applicable", "ok"]) == "B+"
    assert grade("averaging", "BDA", status=["ok", "not_applicable", "ok"]) == "B+"


def test_insufficient_data_scores_as_d_star_when_the_framework_says_so() -> None:
    cat = pefa_catalog("weakest_link", 2, insufficient="lowest")
    values = pd.DataFrame({"member": ["X", "X", "Y", "Y"], "kpi": ["d1", "d2"] * 2, "value": ["A", None, "B", "B"],
                           "status": ["ok", "insufficient_data", "ok", "ok"]})
    card = pmm.score(values, cat)
    s = card.scores.set_index(["node", "member"])
    assert s.loc[("PI", "X"), "maturity_label"] == "D+"
    assert s.loc[("d2", "X"), "maturity"] == 1 and bool(s.loc[("d2", "X"), "insufficient_data"])
    assert bool(s.loc[("PI", "X"), "insufficient_data"]) and not bool(s.loc[("PI", "Y"), "insufficient_data"])
    # D* gets the lowest normalised score among members for that KPI (here Y's B)
    assert s.loc[("d2", "X"), "score"] == s.loc[("d2", "Y"), "score"]
    lv = card.levels.set_index(["kpi", "member"])
    assert lv.loc[("d2", "X"), "status"] == "insufficient_data" and lv.loc[("d2", "X"), "level"] == 1
    excluded = pmm.score(values, pefa_catalog("weakest_link", 2)).scores.set_index(["node", "member"])
    assert excluded.loc[("PI", "X"), "maturity_label"] == "A" and excluded.loc[("PI", "X"), "coverage"] == 0.5


def test_averaging_refuses_more_than_four_children() -> None:
    with pytest.raises(ScoringError, match="2 to 4 children") as info:
        pmm.score(pd.DataFrame({"member": ["X"], "kpi": ["d1"], "value": ["A"]}), pefa_catalog("averaging", 5))
    assert info.value.problems[0].node == "PI"


def test_unknown_answer_is_reported() -> None:
    values = pd.DataFrame({"member": ["X", "X"], "kpi": ["d1", "d2"], "value": ["A", "E"]})
    with pytest.raises(ScoringError, match=r"answers \['E'\]"):
        pmm.score(values, pefa_catalog("weakest_link", 2))


def test_kpi_levels_match_level_of_for_every_direction() -> None:
    kpis = [Kpi(id="up", name="u", unit="%", direction="higher", maturity={"thresholds": [50, 75, 90]}),
            Kpi(id="down", name="d", unit="h", direction="lower", maturity={"thresholds": [72, 24, 6], "inclusive": False}),
            Kpi(id="band", name="b", unit="%", direction="target", band=(40, 60), maturity={"thresholds": [20, 10, 0]}),
            Kpi(id="none", name="n", unit="x", direction="higher")]
    cat = pmm.Catalog(Framework(id="I", name="I", levels=("L1", "L2", "L3", "L4")), {}, [], kpis)
    grid = [0.0, 6.0, 24.0, 30.0, 40.0, 50.0, 60.0, 65.0, 72.0, 75.0, 80.0, 90.0, 100.0]
    rows = [(f"m{i}", k.id, v) for k in kpis for i, v in enumerate(grid)]
    card = pmm.score(pd.DataFrame(rows, columns=["member", "kpi", "value"]), cat)
    lv = card.levels.set_index(["kpi", "member"])["level"]
    for k in kpis:
        for i, v in enumerate(grid):
            want = k.level_of(v)
            got = lv[(k.id, f"m{i}")]
            assert (pd.isna(got) and want is None) or got == want, (k.id, v)


def test_vector_helpers() -> None:
    assert score_bands(np.array([0.0, 20.0, 100.0]), (20.0, 40.0, 60.0, 80.0)).tolist() == [1, 2, 5]
    assert mean_level(np.array([[1.0, 2.0], [2.0, 3.0, ][:2], [1.0, 1.0]])).tolist() == [2, 3, 1]
    level, plus = weakest_link(np.array([[np.nan, np.nan]]))
    assert np.isnan(level[0]) and not plus[0]
    level, plus = averaging(np.array([[4.0, 4.0, 3.0, 1.0]]))
    assert (level[0], plus[0]) == (GRADES[pefa_m2_table()["table"][4]["DBAA"].rstrip("+")],
                                   pefa_m2_table()["table"][4]["DBAA"].endswith("+"))
    one = pmm.Catalog(Framework(id="I", name="I", levels=("low", "high")), {}, [], [
        Kpi(id="k", name="k", unit="x", direction="higher", maturity={"thresholds": [1]})])
    assert np.isnan(kpi_levels(np.array([np.nan]), one)[0]) and kpi_levels(np.array([1.0]), one)[0] == 2


def test_score_bands_default_to_equal_bands_of_the_range() -> None:
    cat = pmm.Catalog(Framework(id="I", name="I"), {}, [],
                      [Kpi(id="a", name="a", unit="x", direction="higher"), Kpi(id="b", name="b", unit="x", direction="higher")])
    values = pd.DataFrame({"member": list("PQRST") * 2, "kpi": ["a"] * 5 + ["b"] * 5,
                           "value": [0, 1, 2, 3, 4, 0, 1, 2, 3, 4.0]})
    s = pmm.score(values, cat).scores.set_index(["node", "member"])
    # scores 0, 25, 50, 75, 100; five labels → cuts 20, 40, 60, 80
    assert [s.loc[("I", m), "maturity"] for m in "PQRST"] == [1, 2, 3, 4, 5]
    assert s.loc[("I", "T"), "maturity_label"] == "Leading"
    custom = pmm.score(values, cat, method={"maturity": {"bands": [50]}}).scores.set_index(["node", "member"])
    assert [custom.loc[("I", m), "maturity"] for m in "PQRST"] == [1, 1, 2, 2, 2]
