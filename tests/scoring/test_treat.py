"""Outlier treatment against an independent port of COINr 1.1.14's Treat default (winsorise + log_CT).

The reference (``coinr_treat`` in ``conftest.py``) is written from COINr's R source (``R/treat.R``: ``check_SkewKurt``,
``winsorise``, ``log_CT``, ``Treat.numeric``) one vector at a time with plain Python loops and
``scipy.stats.skew/kurtosis(bias=False)`` — it shares no code with ``pmm.scoring.treat``.
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import pmm
from pmm.scoring.treat import skew_kurt, treat

ASEM_METHOD = {"treat": {"winmax": 5}, "normalise": {"method": "minmax"}, "aggregate": {"method": "arithmetic"}}


@pytest.fixture(scope="module")
def asem_matrix(asem_data, asem_meta) -> tuple[list[str], np.ndarray]:
    kpis = asem_meta.loc[asem_meta["Type"] == "Indicator", "iCode"].tolist()
    return kpis, asem_data.sort_values("uCode")[kpis].to_numpy(float)


def test_type2_skew_and_kurtosis_equal_scipy_and_pandas(asem_matrix) -> None:
    _, x = asem_matrix
    s, k = skew_kurt(x)
    frame = pd.DataFrame(x)
    np.testing.assert_allclose(s, frame.skew().to_numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(k, frame.kurt().to_numpy(), rtol=1e-12, atol=1e-12)
    for j in range(x.shape[1]):
        v = x[~np.isnan(x[:, j]), j]
        assert s[j] == pytest.approx(stats.skew(v, bias=False), abs=1e-12)
        assert k[j] == pytest.approx(stats.kurtosis(v, bias=False), abs=1e-12)


@pytest.mark.parametrize("winmax", [1, 2, 5])
def test_asem_treatment_matches_the_coinr_port(asem_matrix, winmax, coinr_treat) -> None:
    kpis, x = asem_matrix
    got = treat(x, winmax=winmax)
    for j, kpi in enumerate(kpis):
        want = coinr_treat(x[:, j], winmax)
        np.testing.assert_allclose(got.values[:, j], want["x"], rtol=0, atol=1e-9, err_msg=kpi)
        assert int(got.winsorised[j]) == want["nwin"], kpi
        assert bool(got.log[j]) == want["log"], kpi
        assert set(np.flatnonzero(got.high[:, j])) == want["hi"], kpi
        assert set(np.flatnonzero(got.low[:, j])) == want["lo"], kpi


def test_asem_published_facts_winsorising_is_enough_at_5_and_winmax_1_logs(asem_matrix) -> None:
    _, x = asem_matrix
    five, one = treat(x, winmax=5), treat(x, winmax=1)
    assert five.flagged.sum() > 0 and not five.log.any()
    assert one.log.any()
    assert five.passed.all()


def test_only_both_limits_flag_and_the_limits_are_inclusive() -> None:
    rng = np.random.default_rng(1)
    x = rng.lognormal(0, 1.2, size=(60, 30))
    s, k = skew_kurt(x)
    got = treat(x, skew=np.abs(s[0]), kurt=k[0])     # KPI 0 sits exactly on both limits: flagged (≥)
    assert got.flagged[0]
    just_above = treat(x, skew=np.abs(s[0]) * (1 + 1e-9), kurt=k[0])
    assert not just_above.flagged[0]
    np.testing.assert_array_equal(treat(x).flagged, (np.abs(s) >= 2) & (k >= 3.5))


def test_ties_at_the_extreme_are_all_replaced(coinr_treat) -> None:
    x = np.array([*np.arange(1.0, 29.0), 100.0, 100.0])
    got = treat(x[:, None], winmax=5)
    want = coinr_treat(x, 5)
    np.testing.assert_array_equal(got.values[:, 0], want["x"])
    np.testing.assert_array_equal(got.values[-2:, 0], [28.0, 28.0])          # both 100s take the next value
    assert got.high[-2:, 0].all() and int(got.winsorised[0]) == want["nwin"] == 2


def test_the_replication_axis_and_per_kpi_parameters() -> None:
    rng = np.random.default_rng(2)
    x = rng.lognormal(0, 1.5, size=(5, 2, 40, 6))
    x[rng.random(x.shape) < 0.05] = np.nan
    winmax = np.arange(1, 6).reshape(5, 1, 1)                    # one winmax per replication
    together = treat(x, winmax=winmax)
    for r in range(5):
        alone = treat(x[r], winmax=r + 1)
        np.testing.assert_array_equal(together.values[r], alone.values)
        np.testing.assert_array_equal(together.winsorised[r], alone.winsorised)
    per_kpi = treat(x[0, 0], winmax=np.array([1, 5, 1, 5, 1, 5]), active=np.array([True] * 5 + [False]))
    for j in range(5):
        np.testing.assert_allclose(per_kpi.values[:, j], treat(x[0, 0, :, j:j + 1], winmax=[1, 5][j % 2]).values[:, 0])
    np.testing.assert_array_equal(per_kpi.values[:, 5], x[0, 0, :, 5])


def test_boxcox_and_combined_log() -> None:
    x = np.array([*range(1, 18), 100.0, 200.0, 300.0])[:, None]
    box = treat(x, method="boxcox", lam=0.5)
    shifted = x[:, 0] - 1 + 1
    np.testing.assert_allclose(box.values[:, 0], (shifted ** 0.5 - 1) / 0.5)
    assert box.boxcox[0] and not box.log[0]
    zero = treat(x, method="boxcox", lam=0.0)
    np.testing.assert_allclose(zero.values[:, 0], np.log(shifted))
    combined = treat(x, winmax=1, combine=True)
    w = x[:, 0].copy()
    w[-1] = 200.0
    np.testing.assert_allclose(combined.values[:, 0], np.log(w - 1 + 0.01 * (200 - 1)))


def test_force_winsorises_up_to_winmax(asem_matrix, coinr_treat) -> None:
    kpis, x = asem_matrix
    got = treat(x, winmax=4, force=True)
    for j, kpi in enumerate(kpis):
        want = coinr_treat(x[:, j], 4, force=True)
        np.testing.assert_allclose(got.values[:, j], want["x"], rtol=0, atol=1e-9, err_msg=kpi)
        assert int(got.winsorised[j]) == want["nwin"], kpi
    assert (got.winsorised[got.flagged] >= 4).all()


def test_small_or_constant_kpis_are_left_alone() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0], [50.0, 5.0]])
    got = treat(x)
    np.testing.assert_array_equal(got.values, x)
    assert not got.flagged.any()


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(5, 40), st.integers(1, 4)),
              elements=st.floats(-1e3, 1e6, allow_nan=False, allow_infinity=False)),
       st.integers(0, 6))
def test_treatment_preserves_order(x, winmax) -> None:
    got = treat(x, winmax=winmax).values
    for j in range(x.shape[1]):
        order = np.argsort(x[:, j], kind="stable")
        assert np.all(np.diff(got[order, j]) >= -1e-9 * max(1.0, np.abs(got[:, j]).max()))


def test_card_treatment_tables_and_overrides(asem_values, asem_meta, coinr_treat) -> None:
    meta = asem_meta.copy()
    cat = pmm.Catalog.from_table(meta)
    kpis = {k.id: k for k in cat.kpis}
    flagged_kpis = [k for k, f in zip(cat.kpi_ids, treat(
        pd.pivot_table(asem_values, index="member", columns="kpi", values="value", dropna=False)[list(cat.kpi_ids)]
        .to_numpy(float)).flagged) if f]
    none_kpi, three_kpi = flagged_kpis[0], flagged_kpis[1]
    overridden = [kpis[k].model_copy(update={"treat": "none" if k == none_kpi else {"winmax": 1}})
                  if k in (none_kpi, three_kpi) else kpis[k] for k in cat.kpi_ids]
    cat2 = pmm.Catalog(cat.framework, {}, [cat.node(g) for g in cat.nodes if cat.kind(g) != "kpi" and g != cat.root],
                       overridden)
    card = pmm.score(asem_values, cat2, method=ASEM_METHOD)
    table = card.treatment.set_index("kpi")
    assert list(table.columns[:3]) == ["period", "method", "winmax"]
    assert {"skew", "kurt", "winsorised", "skew_after", "kurt_after", "log"} <= set(table.columns)
    assert table.loc[none_kpi, "method"] == "none" and table.loc[none_kpi, "winsorised"] == 0
    assert table.loc[three_kpi, "winmax"] == 1
    raw = card.stage("raw").set_index(["member", "kpi"])["value"]
    treated = card.stage("treated").set_index(["member", "kpi"])["value"]
    pd.testing.assert_series_equal(raw.xs(none_kpi, level="kpi"), treated.xs(none_kpi, level="kpi"))
    want = coinr_treat(raw.xs(three_kpi, level="kpi").to_numpy(), 1)
    np.testing.assert_allclose(treated.xs(three_kpi, level="kpi").to_numpy(), want["x"], atol=1e-9)
    points = card.treatment_points
    assert {"member", "kpi", "winsorised_high", "winsorised_low", "log"} <= set(points.columns)
    flags = points.groupby("kpi")[["winsorised_high", "winsorised_low"]].sum().sum(axis=1)
    assert flags[flags > 0].to_dict() == table.loc[table["winsorised"] > 0, "winsorised"].to_dict()
    with pytest.raises(pmm.errors.ScoringError, match="winmax"):
        bad = [k.model_copy(update={"treat": {"winmax": -1}}) if k.id == none_kpi else k for k in overridden]
        pmm.score(asem_values, pmm.Catalog(cat.framework, {}, [cat.node(g) for g in cat.nodes
                                                                 if cat.kind(g) != "kpi" and g != cat.root], bad),
                  method=ASEM_METHOD)
    with pytest.warns(pmm.scoring.notices.ScoringWarning, match="no 'treat' section"):
        pmm.score(asem_values, cat2)


@pytest.mark.parametrize("module", ["pmm.scoring.treat", "pmm.scoring.pipeline", "pmm.scoring.trace",
                                    "pmm.scoring.tables"])
def test_docstring_examples_run(module) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
