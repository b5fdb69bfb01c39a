"""Validation of the KPI-values table: every problem listed at once, with row labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.catalog.models import Framework, Kpi
from pmm.errors import ScoringError
from pmm.scoring.values import prepare_values


@pytest.fixture
def cat() -> pmm.Catalog:
    return pmm.Catalog(Framework(id="I", name="I", levels=("D", "C", "B", "A")), {}, [], [
        Kpi(id="release_h", name="Release time", unit="hours", direction="lower"),
        Kpi(id="e_decl", name="E-declarations", unit="percent", direction="higher"),
        Kpi(id="risk_mgmt", name="Risk management", unit="grade", direction="higher",
            maturity={"answers": {"D": 1, "C": 2, "B": 3, "A": 4}})])


def test_every_problem_is_listed_with_rows(cat) -> None:
    values = pd.DataFrame({
        "member": ["AUT", "AUT", "BEL", "BEL", None, "CHE", "CHE"],
        "period": [2022] * 7,
        "kpi": ["release_h", "release_h", "e_decl", "risk_mgt", "e_decl", "risk_mgmt", "e_decl"],
        "value": [12.0, 14.0, "ninety", 3, 50, "E", None],
        "status": ["ok", "ok", "ok", "ok", "ok", "ok", "done"],
    }, index=[10, 11, 12, 13, 14, 15, 16])
    with pytest.raises(ScoringError) as info:
        prepare_values(values, cat)
    text = str(info.value)
    codes = {p.code for p in info.value.problems}
    assert codes == {"missing_key", "unknown_kpi", "not_numeric", "unknown_answer", "duplicate", "status"}
    assert "row 14" in text and "row 12" in text and "rows 10, 11" in text and "row 16" in text
    assert "did you mean 'risk_mgmt'?" in text
    assert "expected one of ['A', 'B', 'C', 'D']" in text


def test_missing_columns_and_wrong_type(cat) -> None:
    with pytest.raises(ScoringError, match="lacks column"):
        prepare_values(pd.DataFrame({"member": ["A"], "indicator": ["e_decl"], "val": [1]}), cat)
    with pytest.raises(ScoringError, match="pandas DataFrame"):
        prepare_values([{"member": "A"}], cat)
    with pytest.raises(ScoringError, match="no rows"):
        prepare_values(pd.DataFrame({"member": [], "kpi": [], "value": []}), cat)


def test_ok_status_needs_a_value_and_n_must_be_non_negative(cat) -> None:
    values = pd.DataFrame({"member": ["A", "B"], "kpi": ["e_decl"] * 2, "value": [None, 5.0],
                           "status": ["ok", "ok"], "n": [10, -1]})
    with pytest.raises(ScoringError) as info:
        prepare_values(values, cat)
    assert {p.code for p in info.value.problems} == {"ok_without_value", "n"}


def test_dense_arrays_statuses_and_missing_cells(cat) -> None:
    values = pd.DataFrame({"member": ["B", "A", "A", "A"], "period": [2023, 2022, 2023, 2023],
                           "kpi": ["e_decl", "e_decl", "risk_mgmt", "release_h"],
                           "value": ["75.5", 60, "B", None],
                           "status": [None, "ok", "ok", "not_applicable"], "n": [100, 80, None, None]})
    data = prepare_values(values, cat)
    assert data.members == ("A", "B") and data.periods == (2022, 2023)
    assert data.numeric[1, 1, 1] == 75.5 and data.numeric[1, 0, 2] == 3 and data.numeric[0, 0, 1] == 60
    assert data.status[1, 0, 0] == 1 and data.status[0, 1, 1] == 4  # not_applicable, missing
    assert np.isnan(data.numeric[1, 0, 0]) and data.n[1, 1, 1] == 100


@pytest.mark.filterwarnings("ignore::pmm.scoring.notices.ScoringWarning")
def test_levels_table_keeps_every_input_row_and_marks_missing(cat) -> None:
    values = pd.DataFrame({"member": ["A", "B"], "kpi": ["e_decl", "release_h"], "value": [50.0, None]})
    card = pmm.score(values, cat)
    lv = card.levels
    assert len(lv) == 2 * 3
    status = lv.set_index(["member", "kpi"])["status"]
    assert status[("A", "e_decl")] == "ok" and status[("B", "release_h")] == "not_reported"
    assert status[("A", "risk_mgmt")] == "missing"
    assert card.provenance["input_rows"]["values"] == 2


def test_mixed_period_types_are_refused(cat) -> None:
    values = pd.DataFrame({"member": ["A", "A"], "period": [2022, "2023-Q1"], "kpi": ["e_decl"] * 2, "value": [1.0, 2.0]})
    with pytest.raises(ScoringError, match="mixed types"):
        prepare_values(values, cat)


def test_year_periods_in_text_and_numbers_are_one_period_type(cat) -> None:
    # a mapping result labels years "2024", a CSV read by pandas gives 2024: both are the year 2024
    text = pd.DataFrame({"member": ["A", "A"], "period": ["2023", "2024"], "kpi": ["e_decl"] * 2, "value": [1.0, 2.0]})
    mixed = text.assign(period=[2023, "2024"])
    assert prepare_values(text, cat).periods == (2023, 2024)
    assert prepare_values(mixed, cat).periods == (2023, 2024)
    card = pmm.score(text, cat)
    assert card.periods == [2023, 2024] and list(card.wide(period=2024).index) == ["A"]
    assert card.levels.query("period == 2024 and kpi == 'e_decl'")["value"].tolist() == [2.0]
    assert prepare_values(text.assign(period=["2023-Q4", "2024-Q1"]), cat).periods == ("2023-Q4", "2024-Q1")


def test_a_catalog_name_or_path_goes_wherever_a_catalog_goes() -> None:
    values = pd.DataFrame({"member": ["A", "B", "C"], "kpi": "usefulness", "value": [40, 70, 90]})
    by_name = pmm.score(values, "rbm-example")
    by_path = pmm.score(values, "indicators/rbm-example")
    by_object = pmm.score(values, pmm.load_catalog("indicators/rbm-example"))
    assert by_name.levels.equals(by_object.levels) and by_path.scores.equals(by_object.scores)
    with pytest.raises(pmm.errors.CatalogError, match="shipped catalog"):
        pmm.score(values, "no-such-catalog")


def test_values_from_wide_errors() -> None:
    with pytest.raises(ScoringError, match="uCode"):
        pmm.values_from_wide(pd.DataFrame({"ucode": ["A"], "a": [1]}), member="uCode")
    with pytest.raises(ScoringError, match=r"\['zz'\]"):
        pmm.values_from_wide(pd.DataFrame({"member": ["A"], "a": [1]}), kpis=["zz"])


def test_status_missing_round_trips_and_refuses_a_value(cat) -> None:
    """card.levels marks cells without input as 'missing'; scoring that table again gives the same card."""
    values = pd.DataFrame({"member": ["AUT", "BEL", "AUT", "BEL"], "period": [2022] * 4,
                           "kpi": ["release_h", "release_h", "e_decl", "e_decl"], "value": [12.0, 20.0, 60.0, 80.0]})
    card = pmm.score(values, cat)
    levels = card.levels[["member", "period", "kpi", "value", "status"]]
    assert set(levels.loc[levels["kpi"] == "risk_mgmt", "status"]) == {"missing"}  # nobody answered it
    again = pmm.score(levels, cat)
    pd.testing.assert_frame_equal(again.scores, card.scores)
    pd.testing.assert_frame_equal(again.levels, card.levels)
    bad = levels.assign(value=levels["value"].fillna(1.0))
    with pytest.raises(ScoringError, match="status 'missing' with a value"):
        pmm.score(bad, cat)
