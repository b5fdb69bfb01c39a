"""ASEM end to end against an independent pandas implementation of COINr's Normalise + Aggregate.

The expected values are computed here from the raw iData/iMeta with plain pandas (COINr
semantics: x·Direction before min-max, weights renormalised over present children, dat_thresh
with a strict "<", ranks descending with ties "min"), never by calling pmm's scoring code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmm

DATA = Path(__file__).resolve().parent.parent / "data"
METHOD = {"normalise": {"method": "minmax", "range": [0, 100]}, "aggregate": {"method": "arithmetic"}}


def independent_index(data: pd.DataFrame, meta: pd.DataFrame, lo: float, hi: float, mean: str,
                      threshold: float | None = None) -> pd.DataFrame:
    ind = meta[meta["Type"] == "Indicator"]
    frame = data.set_index("uCode")[ind["iCode"].tolist()].astype(float).sort_index()
    out = pd.DataFrame(index=frame.index)
    for _, row in ind.iterrows():
        x = frame[row["iCode"]] * row["Direction"]
        out[row["iCode"]] = (x - x.min()) / (x.max() - x.min()) * (hi - lo) + lo
    aggs = meta[meta["Type"] == "Aggregate"]
    for level in sorted(aggs["Level"].unique()):
        for code in aggs.loc[aggs["Level"] == level, "iCode"]:
            kids = meta[meta["Parent"] == code]
            x = out[kids["iCode"].tolist()]
            w = kids["Weight"].to_numpy(dtype=float)
            present = x.notna()
            wsum = (present * w).sum(axis=1)
            if mean == "arithmetic":
                y = (x.fillna(0) * w).sum(axis=1) / wsum
            else:
                y = np.exp((np.log(x).fillna(0) * w).sum(axis=1) / wsum)
            if threshold is not None:
                y[present.sum(axis=1) / len(kids) < threshold] = np.nan
            out[code] = y
    return out


def test_asem_values_have_63_missing(asem_values: pd.DataFrame) -> None:
    assert asem_values["value"].isna().sum() == 63
    assert len(asem_values) == 51 * 49


def test_acceptance_api_arithmetic(asem_meta, asem_data, asem_values) -> None:
    cat = pmm.Catalog.from_table(asem_meta)
    card = pmm.score(asem_values, cat, method=METHOD)
    scores = card.scores
    assert {"member", "period", "node", "score", "rank"} <= set(scores.columns)
    expected = independent_index(asem_data, asem_meta, 0, 100, "arithmetic")
    got = card.wide()
    assert list(got.index) == sorted(asem_data["uCode"])
    for code in expected.columns:
        np.testing.assert_allclose(got[code].to_numpy(float), expected[code].to_numpy(float), rtol=0, atol=1e-9,
                                   err_msg=code)
    ranks = card.wide(value="rank")
    for code in ["Index", "Conn", "Sust", "Physical", "LPI", "Tariff"]:
        want = expected[code].rank(ascending=False, method="min")
        np.testing.assert_array_equal(ranks[code].to_numpy(float), want.to_numpy(float), err_msg=code)
    assert scores["period"].isna().all() and card.periods == [None]


def test_asem_geometric_on_1_100(asem_meta, asem_data, asem_values, asem_catalog) -> None:
    card = pmm.score(asem_values, asem_catalog, method={"normalise": {"method": "minmax", "range": [1, 100]},
                                                        "aggregate": {"method": "geometric"}})
    expected = independent_index(asem_data, asem_meta, 1, 100, "geometric")
    got = card.wide()
    for code in ["Physical", "Social", "Conn", "Sust", "Index"]:
        np.testing.assert_allclose(got[code].to_numpy(float), expected[code].to_numpy(float), rtol=0, atol=1e-9)


def test_asem_geometric_on_0_100_is_refused(asem_values, asem_catalog) -> None:
    with pytest.raises(pmm.errors.ScoringError, match=r"range: \[1, 100\]") as info:
        pmm.score(asem_values, asem_catalog, method={"aggregate": {"method": "geometric"}})
    assert info.value.problems[0].node in set(asem_catalog.nodes)


@pytest.mark.parametrize("threshold", [0.75, 0.9, 7 / 8])
def test_asem_min_coverage_is_strict(asem_meta, asem_data, asem_values, asem_catalog, threshold) -> None:
    card = pmm.score(asem_values, asem_catalog, method={**METHOD, "aggregate": {"method": "arithmetic",
                                                                                 "min_coverage": threshold}})
    expected = independent_index(asem_data, asem_meta, 0, 100, "arithmetic", threshold)
    got = card.wide()
    for code in ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin", "Conn", "Index"]:
        np.testing.assert_allclose(got[code].to_numpy(float), expected[code].to_numpy(float), rtol=0, atol=1e-9,
                                   err_msg=code)
    assert got.isna().any().any()


def test_asem_min_coverage_keeps_equality(asem_values, asem_catalog) -> None:
    full = pmm.score(asem_values, asem_catalog, method=METHOD)
    cov = full.wide(value="coverage")
    group, member = next((g, m) for g in ["Physical", "P2P", "Environ", "Social", "SusEcFin", "Instit"]
                         for m in cov.index if 0 < cov.loc[m, g] < 1)
    c = cov.loc[member, group]
    at = pmm.score(asem_values, asem_catalog, method={**METHOD, "aggregate": {"min_coverage": c}}).wide()
    above = pmm.score(asem_values, asem_catalog, method={**METHOD, "aggregate": {"min_coverage": c + 1e-9}}).wide()
    assert at.loc[member, group] == pytest.approx(full.wide().loc[member, group])
    assert np.isnan(above.loc[member, group])


def test_asem_coverage_counts_present_children(asem_values, asem_catalog, asem_meta, asem_data) -> None:
    card = pmm.score(asem_values, asem_catalog, method=METHOD)
    kids = asem_meta.loc[asem_meta["Parent"] == "P2P", "iCode"].tolist()
    present = asem_data.set_index("uCode")[kids].notna().mean(axis=1).sort_index()
    np.testing.assert_allclose(card.wide(value="coverage")["P2P"].to_numpy(float), present.to_numpy(float))


def test_asem_weights_and_effective_weights(asem_values, asem_catalog, asem_meta) -> None:
    w = pmm.score(asem_values, asem_catalog, method=METHOD).weights.set_index("node")
    n_physical = (asem_meta["Parent"] == "Physical").sum()
    assert w.loc["LPI", "weight"] == pytest.approx(1 / n_physical)
    # Index → Conn (1/2) → Physical (1/5 pillars of Conn) → LPI (1/8)
    assert w.loc["LPI", "effective_weight"] == pytest.approx(0.5 * (1 / 5) * (1 / n_physical))
    assert w.loc[w["parent"] == "Index", "weight"].sum() == pytest.approx(1.0)


def test_values_from_wide_matches_manual_melt(asem_data, asem_catalog, asem_values) -> None:
    long = pmm.values_from_wide(asem_data, asem_catalog, member="uCode")
    a = pmm.score(long, asem_catalog, method=METHOD).wide()
    b = pmm.score(asem_values, asem_catalog, method=METHOD).wide()
    pd.testing.assert_frame_equal(a, b)


def test_asem_panel_pooled_normalisation(asem_meta, asem_catalog) -> None:
    panel = pd.read_csv(DATA / "asem" / "asem_idata_panel.csv")
    values = pmm.values_from_wide(panel, asem_catalog, member="uCode", period="Time")
    pooled = pmm.score(values, asem_catalog, method={"normalise": {"method": "minmax", "pooled": True}})
    per_period = pmm.score(values, asem_catalog)
    ind = asem_meta[asem_meta["Type"] == "Indicator"].set_index("iCode")
    for code in ["LPI", "Tariff", "CO2"]:
        x = panel.set_index(["Time", "uCode"])[code] * ind.loc[code, "Direction"]
        want = (x - x.min()) / (x.max() - x.min()) * 100
        for year in (2018, 2022):
            got = pooled.wide(year)[code]
            np.testing.assert_allclose(got.to_numpy(float), want.loc[year].sort_index().to_numpy(float), atol=1e-9)
            y = x.loc[year]
            own = (y - y.min()) / (y.max() - y.min()) * 100
            np.testing.assert_allclose(per_period.wide(year)[code].to_numpy(float), own.sort_index().to_numpy(float),
                                       atol=1e-9)
