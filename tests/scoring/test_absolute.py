"""Absolute scoring by default: a member's scores do not depend on who else is scored (issue 11 §1)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmm
from pmm.scoring.method import default_method
from pmm.scoring.notices import ScoringWarning


@pytest.fixture(scope="module")
def workshop_values():
    data = pmm.datasets.workshop(members=22, years=(2023, 2024), declarations_per_member_year=300)
    return data, pmm.map(data.sources, data.catalog, reported=data.answers).values


def test_shipped_catalogs_score_absolutely_by_default():
    for name in ("wco-pmm", "rbm-example"):
        cat = pmm.load_catalog(name)
        assert all(k.goalposts is not None or k.categorical for k in cat.kpis), name
        assert all(k.goalposts is None or k.goalposts.rationale for k in cat.kpis), name
        assert default_method(cat)["normalise"]["method"] == "goalposts"


def test_member_alone_scores_as_in_the_22_member_workshop(workshop_values):
    data, values = workshop_values
    member = sorted(values["member"].unique())[3]
    everyone = pmm.score(values, data.catalog).scores
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScoringWarning)          # no relative-method warning under goalposts
        alone = pmm.score(values[values["member"] == member], data.catalog).scores
    groups = everyone[(everyone["member"] == member) & (everyone["kind"] != "kpi")].set_index(["period", "node"])
    mine = alone[alone["kind"] != "kpi"].set_index(["period", "node"])
    assert len(mine) == len(groups) > 4
    np.testing.assert_allclose(mine["score"].to_numpy(float), groups.loc[mine.index, "score"].to_numpy(float),
                               rtol=0, atol=1e-9)
    assert (mine["maturity"] == groups.loc[mine.index, "maturity"]).all()
    assert mine["score"].nunique() > 3                               # not all at the centre of a scale


def test_relative_method_with_one_member_gives_one_warning_naming_kpis():
    cat = pmm.load_catalog("rbm-example")
    vals = pd.DataFrame({"member": ["A", "A"], "kpi": ["usefulness", "participants"], "value": [70, 200]})
    with pytest.warns(ScoringWarning) as record:
        card = pmm.score(vals, cat, method={"normalise": {"method": "minmax"}})
    messages = [str(w.message) for w in record if issubclass(w.category, ScoringWarning)]
    assert len(messages) == 1
    assert "participants" in messages[0] and "usefulness" in messages[0] and "goalposts" in messages[0]
    assert card.wide()["usefulness"].tolist() == [50.0]              # the documented centre, flagged


def test_two_members_warn_three_do_not():
    cat = pmm.load_catalog("rbm-example")
    two = pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [40.0, 90.0]})
    with pytest.warns(ScoringWarning, match="fewer than 3 members"):
        pmm.score(two, cat, method={"normalise": {"method": "zscore"}, "maturity": {"method": "mean"}})
    three = pd.DataFrame({"member": ["A", "B", "C"], "kpi": "usefulness", "value": [40.0, 90.0, 60.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScoringWarning)
        pmm.score(three, cat, method={"normalise": {"method": "minmax"}})


def test_catalog_without_goalposts_keeps_minmax():
    meta = pd.DataFrame({"iCode": ["a", "I"], "Parent": ["I", None], "Level": [1, 2], "Direction": [1, None],
                         "Weight": [1, 1], "Type": ["Indicator", "Aggregate"]})
    cat = pmm.Catalog.from_table(meta)
    assert default_method(cat) is None
    card = pmm.score(pd.DataFrame({"member": list("XYZ"), "kpi": "a", "value": [1.0, 2.0, 3.0]}), cat)
    assert card.method.normalise.method == "minmax"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 800), st.floats(-80, 80)), min_size=1, max_size=6),
       st.integers(0, 5))
def test_scores_invariant_to_adding_members_under_goalposts(rows, pick):
    cat = pmm.load_catalog("rbm-example")
    kpis = ["usefulness", "participants", "activities_growth"]
    vals = pd.DataFrame([{"member": f"M{i}", "kpi": k, "value": v} for i, row in enumerate(rows)
                         for k, v in zip(kpis, row)])
    member = f"M{pick % len(rows)}"
    everyone = pmm.score(vals, cat).scores.set_index(["member", "node"])["score"]
    alone = pmm.score(vals[vals["member"] == member], cat).scores.set_index(["member", "node"])["score"]
    np.testing.assert_allclose(alone.loc[member].to_numpy(float), everyone.loc[member].loc[alone.loc[member].index]
                               .to_numpy(float), atol=1e-9)
