"""synthetic_declarations: determinism, canonical layout, realistic properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmm import datasets
from pmm.datasets import declarations as decl_module
from pmm.datasets.declarations import CHANNELS, FLOWS, TRANSPORT_MODES
from pmm.errors import PmmError

from .conftest import YEARS


def test_same_seed_same_table_and_other_seed_other_table():
    a = datasets.synthetic_declarations(3_000, members=4, years=[2023, 2024], seed=7)
    pd.testing.assert_frame_equal(a, datasets.synthetic_declarations(3_000, members=4, years=[2023, 2024], seed=7))
    b = datasets.synthetic_declarations(3_000, members=4, years=[2023, 2024], seed=8)
    assert not a["release_ts"].equals(b["release_ts"])
    assert not a["channel"].equals(b["channel"])


def test_layout_matches_the_declarations_contract(declarations, catalog):
    contract = catalog.sources["declarations"]
    assert list(declarations.columns) == list(contract.fields)
    for name, field in contract.fields.items():
        col = declarations[name]
        if field.type in ("string", "category"):
            assert pd.api.types.is_string_dtype(col.dtype), name
        elif field.type in ("date", "datetime"):
            assert col.dtype == "datetime64[ns]", name
        elif field.type == "boolean":
            assert col.dtype == bool, name
        elif field.type == "float":
            assert col.dtype == "float64", name
        if field.codes:
            assert set(col.dropna()) <= set(field.codes), name
            assert set(col.dropna()) == set(field.codes), f"{name}: every code occurs"
        if field.required:
            assert col.notna().all(), name
    assert declarations["declaration_id"].is_unique
    assert declarations["lodgement_ts"].dt.year.isin(YEARS).all()
    assert len(declarations) == 60_000


def test_rows_are_numbered_in_lodgement_order_within_member_and_year(declarations):
    d = declarations
    year = d["lodgement_ts"].dt.year
    assert (d["declaration_id"].str.slice(0, 3) == d["member"]).all()
    assert (d["declaration_id"].str.slice(4, 8).astype(int) == year).all()
    for _, g in d.groupby([d["member"], year]):
        assert g["lodgement_ts"].is_monotonic_increasing
        assert g["declaration_id"].is_monotonic_increasing


def test_every_member_and_year_has_declarations_and_larger_members_more(declarations):
    members = datasets.synthetic_members(10, seed=11)
    counts = declarations.groupby("member").size()
    assert set(counts.index) == set(members["member"])
    by_size = counts.groupby(members.set_index("member")["size_class"]).mean()
    assert by_size["small"] < by_size["medium"] < by_size["large"]


def _per_member_year(declarations, maturity):
    d = declarations[declarations["flow"] == "import"]
    hours = (d["release_ts"] - d["lodgement_ts"]).dt.total_seconds() / 3600
    table = pd.DataFrame({
        "member": d["member"], "year": d["lodgement_ts"].dt.year, "hours": hours,
        "electronic": d["electronic"], "red": d["channel"] == "red", "aeo": d["aeo"],
    }).groupby(["member", "year"]).agg(median_h=("hours", "median"), electronic=("electronic", "mean"),
                                       red=("red", "mean"), aeo=("aeo", "mean"))
    return table.join(maturity.set_index(["member", "year"]))


def test_more_mature_members_release_faster_and_are_more_paperless(declarations, maturity):
    t = _per_member_year(declarations, maturity)
    # rank correlation over the 30 member-years, computed independently with pandas
    assert t["maturity"].corr(t["median_h"], method="spearman") < -0.7
    assert t["maturity"].corr(t["electronic"], method="spearman") > 0.7
    assert t["maturity"].corr(t["red"], method="spearman") < -0.7
    assert t["maturity"].corr(t["aeo"], method="spearman") > 0.7
    top, bottom = t["maturity"].idxmax(), t["maturity"].idxmin()
    assert t.loc[top, "median_h"] < t.loc[bottom, "median_h"] / 4


def test_durations_are_heavy_tailed_with_pre_arrival_releases(declarations):
    d = declarations
    released = d["release_ts"].notna()
    hours = (d.loc[released, "release_ts"] - d.loc[released, "lodgement_ts"]).dt.total_seconds() / 3600
    assert (hours > 0).all()  # never released before it was declared
    assert hours.quantile(0.99) > 10 * hours.median()  # heavy tail
    imports = d[(d["flow"] == "import") & released]
    before_arrival = (imports["release_ts"] < imports["arrival_ts"]).mean()
    assert 0.02 < before_arrival < 0.6
    inspected = imports[imports["inspected"]]
    assert (inspected["release_ts"] >= inspected["arrival_ts"]).all()  # inspected goods wait for arrival
    assert 0.001 < (~released).mean() < 0.03  # a few not yet released
    exports = d[d["flow"] == "export"]
    assert 0.4 < exports["arrival_ts"].isna().mean() < 0.9
    assert d.loc[d["flow"] != "export", "arrival_ts"].notna().all()


def test_controls_flags_values_and_duties_are_consistent(declarations):
    d = declarations
    assert d.loc[d["channel"] == "red", "inspected"].all()
    assert not d.loc[d["single_window"], "electronic"].eq(False).any()  # single window is electronic
    assert (d["customs_value"] > 0).all() and (d["duty_assessed"] >= 0).all()
    assert (d.loc[d["flow"] == "transit", "duty_assessed"] == 0).all()
    imports = d[(d["flow"] == "import") & ~d["ecommerce"]]
    assert (imports["duty_assessed"] > 0).mean() > 0.95
    hit_rate = d.loc[d["inspected"], "finding"].mean()
    assert 0.03 < hit_rate < 0.4
    assert d["hs_code"].str.fullmatch(r"\d{6}").all()
    assert (d["office"].str.slice(0, 3) == d["member"]).all()
    ecommerce = d[d["ecommerce"]]
    assert ecommerce["transport_mode"].isin(["air", "post", "road"]).all()
    assert ecommerce["customs_value"].median() < d.loc[~d["ecommerce"], "customs_value"].median() / 10


def test_chunked_generation_keeps_every_row_valid(monkeypatch):
    monkeypatch.setattr(decl_module, "_CHUNK", 1_000)
    d = datasets.synthetic_declarations(4_500, members=3, years=2024, seed=2)
    assert len(d) == 4_500 and d["declaration_id"].is_unique
    assert d["release_ts"].notna().mean() > 0.97
    # each chunk draws from its own stream: rows 0-999 and 1000-1999 are not copies
    assert not np.array_equal(d["customs_value"].iloc[:1000].to_numpy(), d["customs_value"].iloc[1000:2000].to_numpy())


def test_empty_and_bad_sizes():
    assert len(datasets.synthetic_declarations(0, members=2, years=2024)) == 0
    with pytest.raises(PmmError, match="number of declarations"):
        datasets.synthetic_declarations(-1)
    with pytest.raises(PmmError, match="number of declarations"):
        datasets.synthetic_declarations(10.5)


def test_lodgements_follow_the_working_week_and_cover_the_whole_year(declarations):
    when = declarations["lodgement_ts"]
    weekend = when.dt.day_of_week >= 5
    assert 0.05 < weekend.mean() < 0.5 * 2 / 7  # far fewer than on an even spread
    assert when.dt.month.nunique() == 12 and when.dt.day_of_year.max() >= 365
    office_hours = when.dt.hour.between(7, 16).mean()
    assert office_hours > 0.75


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 400), n_members=st.integers(1, 5), seed=st.integers(0, 2**31),
       years=st.lists(st.integers(2015, 2030), min_size=1, max_size=3, unique=True))
def test_any_small_table_keeps_the_invariants(n, n_members, seed, years):
    d = datasets.synthetic_declarations(n, members=n_members, years=years, seed=seed)
    assert len(d) == n and d["declaration_id"].is_unique
    assert d["lodgement_ts"].dt.year.isin(years).all()
    released = d["release_ts"].notna()
    assert (d.loc[released, "release_ts"] > d.loc[released, "lodgement_ts"]).all()
    assert d.loc[d["channel"] == "red", "inspected"].all()
    assert d["channel"].isin(CHANNELS).all() and d["flow"].isin(FLOWS).all()
    assert d["transport_mode"].isin(TRANSPORT_MODES).all()
    assert d["member"].isin(datasets.synthetic_members(n_members)["member"]).all()
