"""card.pooled: group rates as Σ numerator / Σ denominator, never a mean of rates (issue 11 §2)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmm
from pmm.errors import ScoringError
from pmm.scoring.pooled import POOLED_COLUMNS


@pytest.fixture
def cat():
    return pmm.load_catalog("rbm-example")


def test_regional_rate_is_ratio_of_sums_beside_the_mean_of_rates(cat):
    vals = pd.DataFrame({"member": ["A", "B", "C", "D"], "kpi": "objectives_achieved",
                         "value": [100.0, 50.0, 25.0, 80.0], "numerator": [2, 10, 1, 8],
                         "denominator": [2, 20, 4, 10]})
    members = pd.DataFrame({"member": ["A", "B", "C", "D"], "region": ["EU", "EU", "AF", "AF"]})
    p = pmm.score(vals, cat, members=members).pooled(by="region")
    assert list(p.columns) == POOLED_COLUMNS
    row = p.set_index("group")
    assert row.loc["EU", "value"] == pytest.approx(100 * (2 + 10) / (2 + 20))          # 54.5, not 75
    assert row.loc["EU", "mean_value"] == pytest.approx(75.0)
    assert row.loc["AF", "value"] == pytest.approx(100 * 9 / 14)
    assert row.loc["AF", "scale"] == 100.0                                            # implied by the rows
    assert set(row["basis"]) == {"ratio of sums"}


def test_missing_numerators_give_no_pooled_value_and_say_why(cat):
    vals = pd.DataFrame({"member": ["A", "B", "C"], "kpi": "usefulness", "value": [90.0, 50.0, 70.0],
                         "numerator": [9, 500, None], "denominator": [10, 1000, None]})
    p = pmm.score(vals, cat).pooled().iloc[0]
    assert np.isnan(p["value"]) and p["basis"] == "numerator/denominator for 2 of 3 members"
    assert p["mean_value"] == pytest.approx(70.0)
    plain = pmm.score(vals.drop(columns=["numerator", "denominator"]), cat).pooled().iloc[0]
    assert plain["basis"] == "no numerator/denominator" and np.isnan(plain["value"])


def test_inconsistent_numerators_are_an_error_naming_the_kpi(cat):
    vals = pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [90.0, 50.0],
                         "numerator": [9, 400], "denominator": [10, 1000]})
    with pytest.raises(ScoringError, match="usefulness"):
        pmm.score(vals, cat).pooled()


def test_small_groups_are_suppressed(cat):
    vals = pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [90.0, 50.0],
                         "numerator": [9, 500], "denominator": [10, 1000]})
    p = pmm.score(vals, cat).pooled(min_group_size=3).iloc[0]
    assert p["suppressed"] and np.isnan(p["value"]) and p["n_members"] == 2


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 1000)), min_size=1, max_size=8))
def test_pooled_rate_is_the_denominator_weighted_mean_of_rates(pairs):
    cat = pmm.load_catalog("rbm-example")
    pairs = [(min(n, d), d) for n, d in pairs]
    rates = [100.0 * n / d for n, d in pairs]
    vals = pd.DataFrame({"member": [f"M{i}" for i in range(len(pairs))], "kpi": "usefulness", "value": rates,
                         "numerator": [n for n, _ in pairs], "denominator": [d for _, d in pairs]})
    got = pmm.score(vals, cat).pooled()["value"].item()
    weights = np.array([d for _, d in pairs], dtype=float)
    assert got == pytest.approx(np.average(rates, weights=weights), rel=1e-9, abs=1e-9)


def test_mapped_ratio_parts_pool_to_the_regional_rate_of_the_raw_data():
    data = pmm.datasets.workshop(members=6, years=(2024,), declarations_per_member_year=300)
    mapped = pmm.map(data.sources, data.catalog, reported=data.answers, ratio_parts=True)
    assert {"numerator", "denominator"} <= set(mapped.values.columns)
    card = pmm.score(mapped.values, data.catalog, members=data.members)
    pooled = card.pooled(by="region").query("kpi == 'tf_e_declarations'").set_index("group")
    # independently: the share of electronic declarations among all of a region's declarations
    decl = data.sources["declarations"].merge(data.members[["member", "region"]], on="member")
    expected = decl.groupby("region")["electronic"].apply(lambda s: 100 * s.fillna(False).astype(bool).mean())
    assert set(pooled["basis"]) == {"ratio of sums"}
    np.testing.assert_allclose(pooled.loc[expected.index, "value"], expected.to_numpy(), rtol=1e-12)
    counts = decl.groupby("region").size()
    np.testing.assert_array_equal(pooled.loc[counts.index, "denominator"], counts.to_numpy(float))


def test_non_positive_denominator_is_an_error(cat):
    vals = pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [90.0, 50.0],
                         "numerator": [9, 0], "denominator": [10, 0]})
    with pytest.raises(ScoringError, match="denominators ≤ 0 for members \\['B'\\]"):
        pmm.score(vals, cat).pooled()
