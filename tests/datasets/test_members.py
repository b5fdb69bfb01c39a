"""Fictitious members: codes, attributes, latent maturity."""

import numpy as np
import pandas as pd
import pytest

from pmm import datasets
from pmm.datasets.members import INCOME_GROUPS, REGIONS, SIZE_CLASSES
from pmm.errors import PmmError

# Real ISO 3166-1 alpha-3 codes never start with X (XAA-XZZ is user-assigned); XKX is used for Kosovo.


def test_members_table_has_the_contract_columns_and_fictitious_codes():
    m = datasets.synthetic_members(22)
    assert list(m.columns) == ["member", "name", "region", "income_group", "landlocked", "size_class"]
    assert len(m) == 22 and m["member"].is_unique and m["name"].is_unique
    assert m["member"].str.fullmatch(r"X[A-JL-Z][A-Z]").all()
    assert set(m["region"]) == set(REGIONS)  # 22 members cover the six WCO regions
    assert m["region"].value_counts().min() >= 3  # peer groups large enough to compare
    assert set(m["income_group"]) <= set(INCOME_GROUPS)
    assert set(m["size_class"]) <= set(SIZE_CLASSES)
    assert m["landlocked"].dtype == bool


def test_members_are_deterministic_and_independent_of_how_many_are_asked():
    a = datasets.synthetic_members(22, seed=5)
    pd.testing.assert_frame_equal(a, datasets.synthetic_members(22, seed=5))
    pd.testing.assert_frame_equal(a.head(7), datasets.synthetic_members(7, seed=5))
    b = datasets.synthetic_members(22, seed=6)
    assert not a.equals(b)
    assert a["member"].equals(b["member"])  # the seed changes attributes, not identities


def test_more_members_than_named_ones_get_distinct_user_assigned_codes():
    m = datasets.synthetic_members(45)
    assert m["member"].is_unique and m["member"].str.fullmatch(r"X[A-JL-Z][A-Z]").all()


def test_members_given_as_codes_keep_their_order():
    m = datasets.synthetic_members(["XNV", "ZZZ", "XMB"])
    assert m["member"].tolist() == ["XNV", "ZZZ", "XMB"]
    assert m.loc[1, "region"] in REGIONS


@pytest.mark.parametrize("members", [0, -3, "XMB", [], ["XMB", "XMB"], [""]])
def test_bad_members_raise_a_clear_error(members):
    with pytest.raises(PmmError, match="members"):
        datasets.synthetic_members(members)


@pytest.mark.parametrize("years", [[], ["2024"], [2024, 2024], 1800, [True]])
def test_bad_years_raise_a_clear_error(years):
    with pytest.raises(PmmError, match="years"):
        datasets.latent_maturity(3, years=years)


def test_bad_seed_raises_a_clear_error():
    with pytest.raises(PmmError, match="seed"):
        datasets.synthetic_members(3, seed=-1)


def test_latent_maturity_is_stable_with_a_small_trend_both_ways():
    lm = datasets.latent_maturity(22, years=range(2020, 2027), seed=0)
    assert lm["maturity"].between(0, 1).all()
    wide = lm.pivot(index="member", columns="year", values="maturity")
    steps = wide.diff(axis=1).iloc[:, 1:]
    assert (steps.abs() <= 0.1 + 1e-12).all().all()  # stable: at most 0.1 a year
    slope = wide[2026] - wide[2020]
    assert (slope > 0.01).sum() >= 3 and (slope < -0.01).sum() >= 2  # some improve, some decline
    # members differ much more between themselves than over the years
    assert wide.mean(axis=1).std() > 2 * steps.abs().mean().mean()


def test_income_group_goes_with_latent_maturity():
    m = datasets.synthetic_members(30, seed=0).merge(datasets.latent_maturity(30, years=2023), on="member")
    order = m.groupby("income_group")["maturity"].mean().reindex(list(INCOME_GROUPS)).dropna()
    assert np.all(np.diff(order.to_numpy()) > 0)
