"""denominate → impute → screen → treat against independent pandas/numpy computations of COINr 1.1.14's rules.

Expected values are built here from the ASEM iData/iMeta with pandas (``Denominate``: x / denominator;
``i_mean_grp``: group means; ``Screen`` byNA: drop when availability < threshold) and the COINr
treatment port in ``conftest.py`` — never by calling pmm's pipeline code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import pmm
from pmm.scoring.pipeline import impute, screen

EXAMPLE = {"denominate": {}, "impute": {"method": "mean", "by": "EurAsia_group"}, "screen": {"min_coverage": 0.9},
           "treat": {"winmax": 5}, "normalise": {"method": "minmax", "range": [0, 100]},
           "aggregate": {"method": "arithmetic"}}


@pytest.fixture(scope="module")
def members(asem_data) -> pd.DataFrame:
    return asem_data[["uCode", "EurAsia_group", "GDP_group", "Area", "Energy", "GDP", "Population"]].rename(
        columns={"uCode": "member"})


@pytest.fixture(scope="module")
def wide(asem_data, asem_meta) -> pd.DataFrame:
    kpis = asem_meta.loc[asem_meta["Type"] == "Indicator", "iCode"].tolist()
    return asem_data.set_index("uCode")[kpis].astype(float).sort_index()


def expected_denominated(wide: pd.DataFrame, asem_data: pd.DataFrame, asem_meta: pd.DataFrame) -> pd.DataFrame:
    units = asem_data.set_index("uCode").sort_index()
    out = wide.copy()
    pairs = asem_meta.dropna(subset=["Denominator"])
    for code, denom in zip(pairs["iCode"], pairs["Denominator"]):
        out[code] = wide[code] / units[denom]
    return out


def stage_wide(card: pmm.Scorecard, name: str) -> pd.DataFrame:
    return card.stage(name).pivot(index="member", columns="kpi", values="value")


def test_denominate_asem(asem_values, asem_catalog, asem_data, asem_meta, members, wide) -> None:
    card = pmm.score(asem_values, asem_catalog, method={"denominate": {}}, members=members)
    got = stage_wide(card, "denominated")[wide.columns]
    want = expected_denominated(wide, asem_data, asem_meta)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-15, atol=0)
    pd.testing.assert_frame_equal(stage_wide(card, "raw")[wide.columns], wide, check_names=False)
    energy_missing = members.loc[members["Energy"].isna(), "member"].tolist()              # one member: BRN
    assert card.provenance["pipeline"]["denominate"] == {"no_denominator": 2 * len(energy_missing)}  # Elec, Gas


def test_missing_or_zero_denominator_gives_no_value_and_is_counted(asem_values, asem_catalog, members) -> None:
    broken = members.copy()
    broken.loc[broken["member"] == "AUT", "Population"] = 0.0
    broken.loc[broken["member"] == "BEL", "Population"] = np.nan
    broken = broken[broken["member"] != "BGR"]
    card = pmm.score(asem_values, asem_catalog, method={"denominate": {}}, members=broken)
    levels = card.levels.set_index(["member", "kpi"])
    observed = asem_values.set_index(["member", "kpi"])["value"].notna()
    table = broken.set_index("member")
    lost = [(m, k.id) for m in sorted(asem_values["member"].unique()) for k in asem_catalog.kpis
            if k.denominator and observed[(m, k.id)]
            and (m not in table.index or not table.loc[m, k.denominator] or np.isnan(table.loc[m, k.denominator]))]
    assert {("AUT", "Flights"), ("BEL", "Flights"), ("BGR", "Goods")} <= set(lost)
    for cell in lost:
        assert levels.loc[cell, "status"] == "insufficient_data", cell
        assert levels.loc[cell, "value"] == asem_values.set_index(["member", "kpi"]).loc[cell, "value"]
    assert card.provenance["pipeline"]["denominate"]["no_denominator"] == len(lost)
    den = card.stage("denominated").set_index(["member", "kpi"])["value"]
    assert den[lost].isna().all()


@pytest.mark.filterwarnings("ignore::pmm.scoring.notices.ScoringWarning")
def test_denominators_by_period(asem_catalog) -> None:
    values = pd.DataFrame({"member": ["A", "B"] * 2, "period": [2020, 2020, 2021, 2021], "kpi": "Flights",
                           "value": [10.0, 20.0, 30.0, 40.0]})
    members = pd.DataFrame({"member": ["A", "B", "A", "B"], "period": [2020, 2020, 2021, 2021],
                            "Population": [2.0, 4.0, 3.0, 8.0]})
    card = pmm.score(values, asem_catalog, method={"denominate": {}}, members=members)
    got = card.stage("denominated").query("kpi == 'Flights'").set_index(["period", "member"])["value"]
    assert got.to_dict() == {(2020, "A"): 5.0, (2020, "B"): 5.0, (2021, "A"): 10.0, (2021, "B"): 5.0}
    with pytest.raises(pmm.errors.ScoringError, match="Populaton|Population"):
        pmm.score(values, asem_catalog, method={"denominate": {}},
                  members=members.rename(columns={"Population": "Populaton"}))


@pytest.mark.parametrize("how", ["mean", "median"])
@pytest.mark.parametrize("by", [None, "EurAsia_group"])
def test_impute_asem_like_coinr(asem_values, asem_catalog, members, wide, how, by) -> None:
    card = pmm.score(asem_values, asem_catalog, method={"impute": {"method": how, "by": by}}, members=members)
    got = stage_wide(card, "imputed")[wide.columns]
    if by is None:
        want = wide.fillna(wide.agg(how))
    else:
        groups = members.set_index("member")[by].reindex(wide.index)
        want = wide.fillna(wide.groupby(groups).transform(how))
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-14, atol=0)
    observed = wide.notna()
    np.testing.assert_array_equal(got.to_numpy()[observed.to_numpy()], wide.to_numpy()[observed.to_numpy()])
    flags = card.levels.pivot(index="member", columns="kpi", values="imputed")[wide.columns]
    np.testing.assert_array_equal(flags.to_numpy(), wide.isna().to_numpy() & want.notna().to_numpy())
    assert card.levels["value"].isna().sum() == 63                       # the observed values are as given
    scores = card.scores.set_index(["member", "node"])["imputed"]
    member, kpi = flags.stack()[flags.stack()].index[0]
    assert scores[(member, kpi)] and scores[(member, asem_catalog.parent(kpi))] and scores[(member, "Index")]


def test_impute_panel_latest_and_linear() -> None:
    # member A: 1, NaN, 5, NaN;  B: NaN, 2, NaN, NaN;  C: only NaN
    x = np.array([[1.0, np.nan, np.nan], [np.nan, 2.0, np.nan], [5.0, np.nan, np.nan], [np.nan, np.nan, np.nan]])
    x = x[None, :, :, None]                                             # (rep, period, member, kpi)
    latest, flagged = impute(x, "latest")
    np.testing.assert_array_equal(latest[0, :, 0, 0], [1.0, 1.0, 5.0, 5.0])
    np.testing.assert_array_equal(latest[0, :, 1, 0], [np.nan, 2.0, 2.0, 2.0])
    assert np.isnan(latest[0, :, 2, 0]).all()
    recent, _ = impute(x, "latest", max_periods=1)                     # B's 2 reaches one period on only
    np.testing.assert_array_equal(recent[0, :, 1, 0], [np.nan, 2.0, 2.0, np.nan])
    linear, _ = impute(x, "linear", times=np.array([2018.0, 2019.0, 2021.0, 2022.0]))
    # A: 2019 between 1 (2018) and 5 (2021): 1 + 4·(1/3); 2022 beyond the end: 5 (rule = 2)
    np.testing.assert_allclose(linear[0, :, 0, 0], [1.0, 1.0 + 4.0 / 3.0, 5.0, 5.0])
    np.testing.assert_array_equal(linear[0, :, 1, 0], [2.0, 2.0, 2.0, 2.0])   # one value: constant (COINr #63)
    assert np.isnan(linear[0, :, 2, 0]).all()
    np.testing.assert_array_equal(flagged[0, :, 0, 0], [False, True, False, True])


@pytest.mark.filterwarnings("ignore::pmm.scoring.notices.ScoringWarning")
def test_impute_panel_through_score(asem_catalog) -> None:
    values = pd.DataFrame({"member": ["A", "B"] * 3, "period": [2020, 2020, 2021, 2021, 2022, 2022],
                           "kpi": "LPI", "value": [1.0, 2.0, np.nan, 3.0, 5.0, np.nan]})
    card = pmm.score(values, asem_catalog, method={"impute": {"method": "linear"}})
    got = card.stage("imputed").query("kpi == 'LPI'").set_index(["period", "member"])["value"]
    assert got.to_dict() == {(2020, "A"): 1.0, (2020, "B"): 2.0, (2021, "A"): 3.0, (2021, "B"): 3.0,
                             (2022, "A"): 5.0, (2022, "B"): 3.0}


def test_impute_leaves_not_applicable_and_insufficient_cells(asem_catalog) -> None:
    values = pd.DataFrame({"member": list("ABCD"), "kpi": "LPI", "value": [1.0, 3.0, np.nan, np.nan],
                           "status": ["ok", "ok", "not_applicable", "insufficient_data"]})
    card = pmm.score(values, asem_catalog, method={"impute": {"method": "mean"}})
    got = card.stage("imputed").query("kpi == 'LPI'")["value"]
    assert got.iloc[:2].tolist() == [1.0, 3.0] and got.iloc[2:].isna().all()


def test_screen_asem_by_na(asem_values, asem_catalog, wide) -> None:
    card = pmm.score(asem_values, asem_catalog, method={"screen": {"min_coverage": 0.9}})
    availability = wide.notna().mean(axis=1)
    table = card.screening.set_index("member")
    assert list(table.index) == list(wide.index)                            # every member accounted for
    np.testing.assert_allclose(table["coverage"], availability)
    assert table["included"].tolist() == (availability >= 0.9).tolist()
    dropped = availability.index[availability < 0.9]
    assert len(dropped) > 0 and card.provenance["pipeline"]["screen"]["members"] == sorted(dropped)
    assert set(table.loc[dropped, "reason"]) == {"low coverage"}
    scores = card.wide()
    assert scores.loc[dropped].isna().all().all() and scores.drop(dropped)["Index"].notna().all()
    kept = wide.drop(dropped)
    lpi = (kept["LPI"] - kept["LPI"].min()) / (kept["LPI"].max() - kept["LPI"].min()) * 100
    np.testing.assert_allclose(scores.loc[kept.index, "LPI"], lpi, atol=1e-9)
    default = pmm.score(asem_values, asem_catalog, method={"screen": {}}).screening
    assert default["included"].tolist() == (availability >= 2 / 3).tolist()    # COINr dat_thresh default


def test_screen_include_exclude(asem_values, asem_catalog, wide) -> None:
    availability = wide.notna().mean(axis=1)
    low = availability.idxmin()
    high = availability.idxmax()
    card = pmm.score(asem_values, asem_catalog, method={"screen": {"min_coverage": 0.9, "include": [low],
                                                                   "exclude": [high]}})
    table = card.screening.set_index("member")
    assert table.loc[low, "included"] and table.loc[low, "reason"] == "include"
    assert not table.loc[high, "included"] and table.loc[high, "reason"] == "exclude"
    with pytest.raises(pmm.errors.ScoringError, match="unknown members"):
        pmm.score(asem_values, asem_catalog, method={"screen": {"exclude": ["XXX"]}})


def test_the_coinr_example_pipeline(asem_values, asem_catalog, asem_data, asem_meta, members, wide,
                                    coinr_treat) -> None:
    card = pmm.score(asem_values, asem_catalog, method=EXAMPLE, members=members)
    # independent: Denominate → Impute(i_mean_grp, EurAsia_group) → Screen(byNA, 0.9) → Treat → minmax → a_amean
    x = expected_denominated(wide, asem_data, asem_meta)
    groups = members.set_index("member")["EurAsia_group"].reindex(x.index)
    x = x.fillna(x.groupby(groups).transform("mean"))
    keep = x.notna().mean(axis=1) >= 0.9
    x = x[keep]
    treated = x.apply(lambda col: pd.Series(coinr_treat(col.to_numpy(), 5)["x"], index=col.index))
    ind = asem_meta[asem_meta["Type"] == "Indicator"].set_index("iCode")
    scores = pd.DataFrame(index=x.index)
    for code in x.columns:
        v = treated[code] * ind.loc[code, "Direction"]
        scores[code] = (v - v.min()) / (v.max() - v.min()) * 100
    aggs = asem_meta[asem_meta["Type"] == "Aggregate"]
    for level in sorted(aggs["Level"].unique()):
        for code in aggs.loc[aggs["Level"] == level, "iCode"]:
            kids = asem_meta[asem_meta["Parent"] == code]
            v = scores[kids["iCode"].tolist()]
            w = kids["Weight"].to_numpy(float)
            scores[code] = (v.fillna(0) * w).sum(axis=1) / (v.notna() * w).sum(axis=1)
    got = card.wide().loc[x.index]
    for code in scores.columns:
        np.testing.assert_allclose(got[code].to_numpy(float), scores[code].to_numpy(float), rtol=0, atol=1e-9,
                                   err_msg=code)
    stages = {name: stage_wide(card, name) for name in ("raw", "denominated", "imputed", "screened", "treated",
                                                        "normalised")}
    np.testing.assert_allclose(stages["treated"].loc[x.index, x.columns], treated, atol=1e-9)
    np.testing.assert_allclose(stages["normalised"].loc[x.index, x.columns], scores[x.columns], atol=1e-9)
    assert set(card.stage("aggregated")["node"]) == set(asem_catalog.walk())
    assert card.treatment["flagged"].sum() > 0 and not card.treatment["log"].any()
    # the method is recorded and regenerates the same numbers, also through YAML
    recorded = yaml.safe_load(yaml.safe_dump(card.provenance["method"]))
    again = pmm.score(asem_values, asem_catalog, method=recorded, members=members)
    pd.testing.assert_frame_equal(again.wide(), card.wide())
    assert card.method == pmm.ScoringMethod.model_validate(recorded)


def test_stage_names_are_checked(asem_values, asem_catalog) -> None:
    card = pmm.score(asem_values, asem_catalog)
    with pytest.raises(pmm.errors.ScoringError, match="did you mean 'treated'"):
        card.stage("treatd")
    raw = card.stage("raw")
    assert {"member", "period", "kpi", "value"} <= set(raw.columns) and len(raw) == 51 * 49
    pd.testing.assert_frame_equal(raw, card.stage("treated"))            # absent steps are the identity


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(2, 8), st.integers(1, 5)),
              elements=st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(np.nan))),
       st.sampled_from(["mean", "median", "latest", "linear"]))
def test_imputation_never_changes_an_observed_value(x, how) -> None:
    y, filled = impute(x[None], how)
    observed = ~np.isnan(x)
    np.testing.assert_array_equal(y[0][observed], x[observed])
    assert not (filled[0] & observed).any()
    assert np.array_equal(np.isnan(y[0]), np.isnan(x) & ~filled[0])


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(1, 6)),
              elements=st.one_of(st.floats(-10, 10, allow_nan=False), st.just(np.nan))),
       st.floats(0, 1))
def test_screening_accounts_for_every_member(x, threshold) -> None:
    y, coverage, kept = screen(x, threshold)
    assert kept.shape == (x.shape[0],) and coverage.shape == (x.shape[0],)
    np.testing.assert_allclose(coverage, (~np.isnan(x)).mean(axis=1))
    np.testing.assert_array_equal(kept, coverage >= threshold)
    np.testing.assert_array_equal(y[kept], x[kept])
    assert np.isnan(y[~kept]).all()


def test_yaml_catalog_fields_denominator_and_treat(tmp_path) -> None:
    (tmp_path / "cat.yaml").write_text("""
framework: {id: idx, name: Index}
kpis:
  - {id: seizures, name: Seizures per 1000 officers, unit: count, direction: higher,
     denominator: officers, denominator_scale: 1000, treat: none}
  - {id: rate, name: Rate, unit: percent, direction: higher, treat: {winmax: 1}}
""", encoding="utf-8")
    cat = pmm.load_catalog(tmp_path / "cat.yaml")
    assert cat.kpi("seizures").denominator == "officers" and cat.kpi("seizures").treat == "none"
    values = pd.DataFrame({"member": ["A", "B", "C"] * 2, "kpi": ["seizures"] * 3 + ["rate"] * 3,
                           "value": [10.0, 20.0, 30.0, 1.0, 2.0, 3.0]})
    members = pd.DataFrame({"member": ["A", "B", "C"], "officers": [100.0, 400.0, 1000.0]})
    card = pmm.score(values, cat, method={"denominate": {}, "treat": {}}, members=members)
    got = card.stage("denominated").query("kpi == 'seizures'")["value"].tolist()
    assert got == pytest.approx([100.0, 50.0, 30.0])                     # 10 / 100 × 1000 …
    table = card.treatment.set_index("kpi")
    assert table.loc["seizures", "method"] == "none" and table.loc["rate", "winmax"] == 1
    back = pmm.Catalog.from_table(cat.to_table())
    assert back.kpi("seizures").denominator == "officers" and back.kpi("seizures").denominator_scale == 1000


def test_asem_panel_screen_and_treat_per_period(asem_meta, asem_catalog, coinr_treat) -> None:
    # COINr's example purse: Screen(byNA, 0.9) then Treat, each year on its own
    panel = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "asem" / "asem_idata_panel.csv")
    values = pmm.values_from_wide(panel, asem_catalog, member="uCode", period="Time")
    card = pmm.score(values, asem_catalog, method={"screen": {"min_coverage": 0.9}, "treat": {}})
    kpis = list(asem_catalog.kpi_ids)
    treated = card.stage("treated").pivot(index=["period", "member"], columns="kpi", values="value")
    for year in (2018, 2020, 2022):
        x = panel[panel["Time"] == year].set_index("uCode")[kpis].astype(float).sort_index()
        keep = x.notna().mean(axis=1) >= 0.9
        screening = card.screening[card.screening["period"] == year].set_index("member")["included"]
        assert screening.to_dict() == keep.to_dict()
        for kpi in kpis:
            want = coinr_treat(x.loc[keep, kpi].to_numpy(), 5)["x"]
            np.testing.assert_allclose(treated.loc[year].loc[keep[keep].index, kpi].to_numpy(), want, atol=1e-9,
                                       err_msg=f"{year} {kpi}")


def test_screen_by_na_and_zeros(asem_values, asem_catalog, wide) -> None:
    # COINr byNAandzeros: drop when Dat_Avail < dat_thresh or Non_Zero = 1 − zeros/(ncol − NAs) < nonzero_thresh
    card = pmm.score(asem_values, asem_catalog, method={"screen": {"min_coverage": 0.9, "min_nonzero": 0.94}})
    availability = wide.notna().mean(axis=1)
    nonzero = 1 - (wide == 0).sum(axis=1) / wide.notna().sum(axis=1)
    table = card.screening.set_index("member")
    np.testing.assert_allclose(table["nonzero"], nonzero)
    assert table["included"].tolist() == ((availability >= 0.9) & (nonzero >= 0.94)).tolist()
    zeros_only = (availability >= 0.9) & (nonzero < 0.94)
    assert zeros_only.sum() > 0 and set(table.loc[zeros_only, "reason"]) == {"zeros"}


@pytest.mark.filterwarnings("ignore::pmm.scoring.notices.ScoringWarning")
def test_a_disclosed_card_shows_no_hidden_kpi_in_the_stages() -> None:
    demo = pmm.demo_scorecard(members=6)
    card = pmm.score(demo.levels, demo.catalog, method={"impute": {}, "treat": {}}, members=demo.members)
    public = card.disclosed("public")
    visible = set(public.levels["kpi"])
    assert visible < set(card.levels["kpi"])
    for name in ("raw", "imputed", "treated", "normalised"):
        assert set(public.stage(name)["kpi"]) == visible, name
    assert set(public.treatment["kpi"]) <= visible and set(public.treatment_points["kpi"]) <= visible
    aggregated = public.stage("aggregated")
    pd.testing.assert_series_equal(aggregated["value"].reset_index(drop=True),
                                   public.scores["score"].reset_index(drop=True), check_names=False)
