"""Normalisation methods against COINr's formulas written out independently with numpy/scipy."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

import pmm
from pmm.errors import ScoringError
from pmm.scoring.method import NormaliseSpec
from pmm.scoring.normalise import KpiScale, normalise
from pmm.scoring.notices import ScoringWarning

RNG = np.random.default_rng(7)


def sample(n_periods: int = 2, n_members: int = 9, n_kpis: int = 3) -> np.ndarray:
    x = RNG.normal(50, 20, size=(n_periods, n_members, n_kpis))
    x[0, 2, 0] = np.nan
    x[1, 5, 2] = np.nan
    x[1, 1, 1] = x[1, 3, 1]  # a tie
    return x


def run(x: np.ndarray, spec: dict, directions=(1.0, -1.0, 1.0), target=None, goalposts=None) -> np.ndarray:
    s = NormaliseSpec.model_validate(spec)
    scales = [KpiScale(s, d, target, goalposts) for d in directions[: x.shape[-1]]]
    return normalise(x, scales, [f"k{i}" for i in range(x.shape[-1])])


def per_column(x: np.ndarray, directions, fn) -> np.ndarray:
    out = np.full(x.shape, np.nan)
    for t in range(x.shape[0]):
        for k in range(x.shape[2]):
            col = x[t, :, k] * directions[k]
            ok = ~np.isnan(col)
            out[t, ok, k] = fn(col[ok])
    return out


DIRS = (1.0, -1.0, 1.0)


@pytest.mark.parametrize("spec,fn", [
    ({"method": "minmax", "range": [0, 100]}, lambda v: (v - v.min()) / (v.max() - v.min()) * 100),
    ({"method": "minmax", "range": [1, 10]}, lambda v: (v - v.min()) / (v.max() - v.min()) * 9 + 1),
    ({"method": "zscore"}, lambda v: (v - v.mean()) / v.std(ddof=1)),
    ({"method": "zscore", "mean": 100, "sd": 10}, lambda v: (v - v.mean()) / v.std(ddof=1) * 10 + 100),
    ({"method": "frontier"}, lambda v: 1 - (v.max() - v) / (v.max() - v.min())),
    ({"method": "rank"}, lambda v: rankdata(v, method="min")),
    ({"method": "borda"}, lambda v: rankdata(v, method="min") - 1),
    ({"method": "percentile_rank"}, lambda v: (rankdata(v, method="min") - 1) / (len(v) - 1)),
    ({"method": "none"}, lambda v: v),
])
def test_methods_match_coinr_formulas(spec, fn) -> None:
    x = sample()
    np.testing.assert_allclose(run(x, spec), per_column(x, DIRS, fn), rtol=0, atol=1e-9)


def test_fraction_of_max_on_positive_data() -> None:
    x = np.abs(sample()) + 1
    np.testing.assert_allclose(run(x, {"method": "fraction_of_max"}, (1.0, 1.0, 1.0)),
                               per_column(x, (1, 1, 1), lambda v: v / v.max()), atol=1e-12)


def test_fraction_of_max_refuses_nonpositive_max() -> None:
    x = np.abs(sample()) + 1
    with pytest.raises(ScoringError, match="frontier"):
        run(x, {"method": "fraction_of_max"}, (1.0, -1.0, 1.0))


def test_pooled_minmax_uses_all_periods() -> None:
    x = sample()
    got = run(x, {"method": "minmax", "pooled": True})
    for k, d in enumerate(DIRS):
        v = x[..., k] * d
        want = (v - np.nanmin(v)) / (np.nanmax(v) - np.nanmin(v)) * 100
        np.testing.assert_allclose(got[..., k], want, atol=1e-9)


def test_pooled_rank_ranks_over_all_periods() -> None:
    x = sample()
    got = run(x, {"method": "rank", "pooled": True})
    v = x[..., 0].reshape(-1)
    want = pd.Series(v).rank(method="min").to_numpy().reshape(x.shape[:2])
    np.testing.assert_array_equal(got[..., 0], want)


def test_goalposts_flip_with_direction() -> None:
    x = np.array([[[0.0, 0.0], [5.0, 5.0], [10.0, 10.0], [20.0, 20.0]]])
    got = run(x, {"method": "goalposts", "lower": 0, "upper": 10, "scale": 100}, (1.0, -1.0))
    np.testing.assert_allclose(got[0, :, 0], [0, 50, 100, 100])
    np.testing.assert_allclose(got[0, :, 1], [100, 50, 0, 0])  # lower is better: (u − x)/(u − l), clipped
    free = run(x, {"method": "goalposts", "lower": 0, "upper": 10, "scale": 1, "truncate": False}, (1.0, -1.0))
    np.testing.assert_allclose(free[0, :, 1], [1, 0.5, 0, -1])


def test_goalposts_need_posts() -> None:
    with pytest.raises(ScoringError, match="goalposts"):
        run(sample(), {"method": "goalposts"})


def test_distance_to_target_flips_with_direction() -> None:
    x = np.array([[[2.0], [4.0], [6.0], [10.0]]])
    up = run(x, {"method": "target"}, (1.0,), target=6.0)
    np.testing.assert_allclose(up[0, :, 0], [(v - 2) / (6 - 2) for v in [2, 4, 6, 10]])
    capped = run(x, {"method": "target", "cap": True}, (1.0,), target=6.0)
    np.testing.assert_allclose(capped[0, :, 0], [0, 0.5, 1, 1])
    down = run(x, {"method": "target"}, (-1.0,), target=4.0)  # (max − x)/(max − target)
    np.testing.assert_allclose(down[0, :, 0], [(10 - v) / (10 - 4) for v in [2, 4, 6, 10]])


def test_constant_kpi_gets_the_centre_and_a_warning() -> None:
    x = np.array([[[3.0, 1.0], [3.0, 2.0], [np.nan, 3.0]]])
    with pytest.warns(ScoringWarning, match="k0"):
        got = run(x, {"method": "minmax", "range": [0, 100]}, (1.0, 1.0))
    np.testing.assert_allclose(got[0, :, 0], [50, 50, np.nan])
    np.testing.assert_allclose(got[0, :, 1], [0, 50, 100])
    with pytest.warns(ScoringWarning):
        assert np.allclose(run(x, {"method": "zscore", "mean": 10}, (1.0, 1.0))[0, :2, 0], 10)


def test_no_warning_without_constant_kpi() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run(sample(), {"method": "minmax"})


def test_replication_axis_is_free() -> None:
    x = np.stack([sample(), sample()])
    both = run(x, {"method": "zscore"})
    np.testing.assert_allclose(both[1], run(x[1], {"method": "zscore"}))


def _catalog(kpis: list[dict]) -> pmm.Catalog:
    from pmm.catalog.models import Framework, Kpi
    return pmm.Catalog(Framework(id="I", name="Index"), {}, [], [Kpi(**k) for k in kpis])


def test_catalog_overrides_and_target_band_kpis() -> None:
    cat = _catalog([
        {"id": "share", "name": "Share", "unit": "percent", "direction": "target", "band": [40, 60]},
        {"id": "days", "name": "Days", "unit": "days", "direction": "lower", "goalposts": {"lower": 0, "upper": 10},
         "normalise": {"method": "goalposts", "scale": 1}},
    ])
    values = pd.DataFrame({"member": list("ABCD") * 2, "kpi": ["share"] * 4 + ["days"] * 4,
                           "value": [50, 30, 70, 0, 0, 5, 10, 12]})
    card = pmm.score(values, cat)
    s = card.wide()
    # distance to the band: 0, 10, 10, 40 → lower is better → minmax [0, 100]
    np.testing.assert_allclose(s["share"].to_numpy(float), [100, 75, 75, 0])
    np.testing.assert_allclose(s["days"].to_numpy(float), [1, 0.5, 0, 0])


def test_invalid_kpi_override_names_the_kpi() -> None:
    cat = _catalog([{"id": "k1", "name": "K", "unit": "x", "direction": "higher", "normalise": {"methd": "rank"}}])
    with pytest.raises(ScoringError) as info:
        pmm.score(pd.DataFrame({"member": ["A"], "kpi": ["k1"], "value": [1.0]}), cat)
    assert info.value.problems[0].node == "k1" and "methd" in str(info.value)


def test_goalposts_of_target_and_categorical_kpis() -> None:
    cat = _catalog([
        {"id": "rate", "name": "Inspection rate", "unit": "percent", "direction": "target", "band": [2, 8],
         "goalposts": {"lower": 0, "upper": 100}},
        {"id": "stage", "name": "Stage", "unit": "stage", "direction": "higher",
         "maturity": {"answers": {"none": 1, "planned": 2, "pilot": 3, "partial": 4, "full": 5}}},
    ])
    values = pd.DataFrame({"member": list("ABC") * 2, "kpi": ["rate"] * 3 + ["stage"] * 3,
                           "value": [50, 5, 0, "pilot", "full", "none"]})
    card = pmm.score(values, cat, method={"normalise": {"method": "goalposts"}})
    s = card.wide()
    # band [2, 8] within goalposts [0, 100]: distances run from 0 to max(2 - 0, 100 - 8) = 92
    # A: 50 is 42 points above the band → (92 - 42) / 92; B: inside → 1; C: 0 is 2 below → 90 / 92
    np.testing.assert_allclose(s["rate"].to_numpy(float), [100 * 50 / 92, 100, 100 * 90 / 92])
    # answers are levels 3, 5, 1 of 5 → (level - 1) / 4
    np.testing.assert_allclose(s["stage"].to_numpy(float), [50, 100, 0])
