"""pmm.uncertainty and pmm.sensitivity: the contract, the nominal result, an independent loop of pmm.score,
known sensitivity indices, reproducibility and bad vary paths."""

from __future__ import annotations

import doctest
import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm.errors import ScoringError
from pmm.scoring.sensitivity import bootstrap_indices, saltelli_design, saltelli_indices

BASE = {"treat": {"winmax": 5}, "normalise": {"method": "minmax", "range": [1, 100]},
        "aggregate": {"method": "arithmetic"}}
VARY = {"treat.winmax": [1, 2, 3, 4, 5],
        "normalise": [{"method": "minmax", "range": [1, 100]}, {"method": "zscore", "mean": 10, "sd": 2}],
        "weights": {"noise": 0.25, "levels": [1, 2]},
        "aggregate.method": ["arithmetic", "geometric"]}


@pytest.fixture(scope="module")
def panel() -> tuple[pmm.Catalog, pd.DataFrame]:
    """A small panel: 9 KPIs → 3 pillars → index, 20 members, 2 periods, some values missing.

    k1 and k5 hold COINr's textbook outliers (1 … 17, 100, 200, 300 shuffled): one winsorised point is not
    enough, so treat.winmax = 1 takes the log branch and larger winmax values winsorise.
    """
    rng = np.random.default_rng(5)
    rows = [("I", None, 3, None, 1, "Aggregate")]
    rows += [(f"P{p}", "I", 2, None, 1 + p % 2, "Aggregate") for p in range(3)]
    rows += [(f"k{k}", f"P{k // 3}", 1, -1 if k % 4 == 0 else 1, 1 + k % 3, "Indicator") for k in range(9)]
    meta = pd.DataFrame(rows, columns=["iCode", "Parent", "Level", "Direction", "Weight", "Type"])
    grid = pd.MultiIndex.from_product([[2022, 2023], [f"M{i:02d}" for i in range(20)], [f"k{k}" for k in range(9)]],
                                      names=["period", "member", "kpi"]).to_frame(index=False)
    value = rng.lognormal(2, 0.5, len(grid))
    value[rng.random(len(grid)) < 0.08] = np.nan
    for kpi in ("k1", "k5"):
        for period in (2022, 2023):
            rows_at = ((grid["kpi"] == kpi) & (grid["period"] == period)).to_numpy()
            value[rows_at] = rng.permutation([*range(1, 18), 100.0, 200.0, 300.0])
    return pmm.Catalog.from_table(meta), grid.assign(value=value)


def test_contract_columns_and_nominal_equals_pmm_score(asem_values, asem_catalog):
    ua = pmm.uncertainty(asem_values, asem_catalog, method=BASE, vary=VARY, n=40, seed=1, members=None)
    assert ua.rank_stats.columns.tolist() == ["member", "node", "nominal", "mean", "median", "q5", "q95"]
    assert ua.score_stats.columns.tolist() == ["member", "node", "nominal", "mean", "median", "q5", "q95"]
    card = pmm.score(asem_values, asem_catalog, BASE)
    index = card.scores.query("node == 'Index'").set_index("member")
    stats = ua.rank_stats.set_index("member")
    assert (stats["nominal"] == index.loc[stats.index, "rank"]).all()
    assert (ua.score_stats.set_index("member")["nominal"] == index.loc[stats.index, "score"]).all()
    assert set(ua.runs.columns) == {"run", *VARY}
    assert len(ua.scores) == 40 * len(stats) and {"run", "member", "node", "score"} <= set(ua.scores.columns)
    assert ((stats["q5"] <= stats["median"]) & (stats["median"] <= stats["q95"])).all()


def test_one_choice_only_every_run_equals_the_nominal_exactly(panel):
    catalog, values = panel
    vary = {"normalise": [BASE["normalise"]], "aggregate.method": ["arithmetic"]}
    ua = pmm.uncertainty(values, catalog, method=BASE, vary=vary, n=15, seed=3, nodes=["I", "P1", "k4"])
    nominal = ua.ensemble.nominal_scores
    assert np.array_equal(ua.ensemble.scores, np.broadcast_to(nominal, ua.ensemble.scores.shape), equal_nan=True)
    assert np.array_equal(ua.ensemble.ranks, np.broadcast_to(ua.ensemble.nominal_ranks, ua.ensemble.ranks.shape),
                          equal_nan=True)
    stats = ua.rank_stats.dropna(subset=["nominal"])
    assert (stats["nominal"] == stats["q5"]).all() and (stats["nominal"] == stats["q95"]).all()
    assert "period" in ua.rank_stats.columns


def _catalog_with_weights(catalog: pmm.Catalog, weights: pd.Series) -> pmm.Catalog:
    table = catalog.to_table()
    table["Weight"] = table["iCode"].map(weights).where(table["Parent"].notna(), table["Weight"])
    return pmm.Catalog.from_table(table)


def test_equals_a_loop_of_pmm_score_over_the_same_parameters(panel):
    """The independent reference: pmm.score once per run with the run's method, weights and exclusions."""
    catalog, values = panel
    vary = {**VARY, "exclude": [[], ["k2"], ["P1"]]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ua = pmm.uncertainty(values, catalog, method=BASE, vary=vary, n=24, seed=7, nodes=["I", "P0", "P2"])
    assert ua.failures.empty
    assert ua.runs["exclude"].map(len).nunique() > 1 and ua.runs["aggregate.method"].nunique() == 2
    assert ua.runs["treat.winmax"].nunique() >= 4
    weights = ua.weights.set_index(["run", "node"])["weight"]
    for _, run in ua.runs.iterrows():
        method = {"treat": {"winmax": run["treat.winmax"]}, "normalise": run["normalise"],
                  "aggregate": {"method": run["aggregate.method"]}}
        excluded = {k for node in run["exclude"] for k in catalog.walk(node)}
        out = values["kpi"].isin(excluded)
        status = np.where(out, "not_applicable", np.where(values["value"].isna(), "missing", "ok"))
        run_values = values.assign(status=status, value=values["value"].where(~out))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            card = pmm.score(run_values, _catalog_with_weights(catalog, weights.loc[run['run']]), method)
        ours = ua.scores[ua.scores["run"] == run["run"]].set_index(["period", "member", "node"])["score"]
        ref = card.scores.set_index(["period", "member", "node"])["score"].reindex(ours.index)
        np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-9)
        ranks = ua.ranks[ua.ranks["run"] == run["run"]].set_index(["period", "member", "node"])["rank"]
        ref_rank = card.scores.set_index(["period", "member", "node"])["rank"].reindex(ranks.index)
        np.testing.assert_array_equal(ranks.to_numpy(), ref_rank.to_numpy(dtype=float, na_value=np.nan))


def test_other_aggregations_with_weight_noise_equal_the_loop(panel):
    """Weighted median, minimum and Copeland take the per-run weights through their own functions."""
    catalog, values = panel
    vary = {"aggregate.method": ["median", "minimum", "copeland"], "weights": {"noise": 0.4, "levels": [1, 2]}}
    ua = pmm.uncertainty(values, catalog, method=BASE, vary=vary, n=12, seed=3, nodes=["I", "P1"])
    assert ua.runs["aggregate.method"].nunique() == 3
    weights = ua.weights.set_index(["run", "node"])["weight"]
    for _, run in ua.runs.iterrows():
        method = {**BASE, "aggregate": {"method": run["aggregate.method"]}}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            card = pmm.score(values, _catalog_with_weights(catalog, weights.loc[run["run"]]), method)
        ours = ua.scores[ua.scores["run"] == run["run"]].set_index(["period", "member", "node"])["score"]
        ref = card.scores.set_index(["period", "member", "node"])["score"].reindex(ours.index)
        np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-9)


def test_weight_noise_stays_within_its_band_and_levels(panel):
    catalog, values = panel
    ua = pmm.uncertainty(values, catalog, method=BASE, vary={"weights": {"noise": 0.2, "levels": [2]}}, n=200, seed=2)
    table = catalog.to_table().set_index("iCode")
    w = ua.weights.assign(base=lambda f: f["node"].map(table["Weight"]),
                          level=lambda f: f["node"].map(table["Level"]))
    ratio = w["weight"] / w["base"]
    assert ((ratio[w["level"] == 2] >= 0.8) & (ratio[w["level"] == 2] <= 1.2)).all()
    assert ratio[w["level"] == 2].std() > 0.05
    assert (ratio[w["level"] != 2] == 1).all()


def test_a_pool_of_n_draws_weight_sets_as_coinr(panel):
    """With n_draws, a pool of weight sets is drawn once and every run takes one of them."""
    catalog, values = panel
    ua = pmm.uncertainty(values, catalog, method=BASE, vary={"weights": {"noise": 0.3, "n_draws": 3},
                                                           "aggregate.method": ["arithmetic", "geometric"]},
                         n=60, seed=4)
    wide = ua.weights.pivot(index="run", columns="node", values="weight")
    assert len(wide.drop_duplicates()) == 3 and ua.runs["weights"].between(0, 2).all()
    assert (wide.groupby(ua.runs["weights"].to_numpy()).nunique() == 1).all().all()


def test_discrete_alternatives_are_equally_likely(panel):
    catalog, values = panel
    ua = pmm.uncertainty(values, catalog, method=BASE, vary={"treat.winmax": [1, 2, 3, 4, 5]}, n=2000, seed=8)
    share = ua.runs["treat.winmax"].value_counts(normalize=True)
    assert sorted(share.index) == [1, 2, 3, 4, 5] and (share - 0.2).abs().max() < 0.03


def test_vary_from_a_yaml_file(panel, tmp_path):
    catalog, values = panel
    path = tmp_path / "vary.yaml"
    path.write_text("aggregate.method: [arithmetic, geometric]\nweights: {noise: 0.25, levels: [1, 2]}\n")
    from_file = pmm.uncertainty(values, catalog, method=BASE, vary=path, n=20, seed=1)
    inline = pmm.uncertainty(values, catalog, method=BASE, n=20, seed=1,
                             vary={"aggregate.method": ["arithmetic", "geometric"],
                                   "weights": {"noise": 0.25, "levels": [1, 2]}})
    pd.testing.assert_frame_equal(from_file.rank_stats, inline.rank_stats)
    for text, message in (("- 1\n", "maps method paths"), ("a: [1\n", "invalid YAML")):
        path.write_text(text)
        with pytest.raises(ScoringError, match=message):
            pmm.uncertainty(values, catalog, vary=path, n=5)
    with pytest.raises(ScoringError, match="does not exist"):
        pmm.uncertainty(values, catalog, vary=tmp_path / "nope.yaml", n=5)


def test_same_seed_same_results_other_seed_differs(panel):
    catalog, values = panel
    a = pmm.uncertainty(values, catalog, method=BASE, vary=VARY, n=30, seed=11)
    b = pmm.uncertainty(values, catalog, method=BASE, vary=VARY, n=30, seed=11)
    c = pmm.uncertainty(values, catalog, method=BASE, vary=VARY, n=30, seed=12)
    pd.testing.assert_frame_equal(a.rank_stats, b.rank_stats)
    assert np.array_equal(a.ensemble.scores, b.ensemble.scores, equal_nan=True)
    assert not np.array_equal(a.ensemble.scores, c.ensemble.scores, equal_nan=True)
    sa1 = pmm.sensitivity(values, catalog, method=BASE, vary=VARY, n=20, seed=4, bootstrap=30)
    sa2 = pmm.sensitivity(values, catalog, method=BASE, vary=VARY, n=20, seed=4, bootstrap=30)
    pd.testing.assert_frame_equal(sa1.indices, sa2.indices)


@pytest.mark.parametrize(("path", "spec", "expected"), [
    ("normalize", [{"method": "zscore"}], "'normalise'"),
    ("aggregate.methd", ["geometric"], "did you mean 'method'"),
    ("maturity.method", ["mean"], "cannot change"),
    ("aggregate.method", ["mean"], "alternative 1"),
    ("aggregate.method", "geometric", "list of alternatives"),
    ("weights", {"noise": 1.5}, "[0, 1)"),
    ("weights", {"noise": 0.1, "levels": [7]}, "levels"),
    ("weights", {"noise": 0.1, "lvls": [1]}, "unknown key"),
    ("weights.set", ["nope"], "unknown weight set"),
    ("exclude", [["k99"]], "'k99'"),
])
def test_bad_vary_paths_are_errors_naming_the_path(panel, path, spec, expected):
    catalog, values = panel
    with pytest.raises(ScoringError) as err:
        pmm.uncertainty(values, catalog, method=BASE, vary={path: spec}, n=5, seed=1)
    assert f"vary {path!r}" in str(err.value) and expected in str(err.value)


def test_a_step_the_base_method_does_not_run_is_an_error(panel):
    catalog, values = panel
    for path, spec in [("treat.winmax", [1, 2]), ("impute", [{"method": "mean"}]), ("impute.method", ["mean"])]:
        with pytest.raises(ScoringError) as err:
            pmm.uncertainty(values, catalog, method={"normalise": {"method": "zscore"}}, vary={path: spec}, n=5)
        assert f"vary {path!r}" in str(err.value) and "does not run" in str(err.value)
    with pytest.raises(ScoringError, match="pca|PCA"):
        pmm.uncertainty(values, catalog, method={"weights": {"method": "pca"}},
                        vary={"weights": {"noise": 0.1}}, n=5, seed=1)


def test_weight_noise_on_a_pca_alternative_is_an_error(panel):
    catalog, values = panel
    with pytest.raises(ScoringError, match="vary 'weights'.*PCA"):
        pmm.uncertainty(values, catalog, method=BASE, n=20, seed=1,
                        vary={"weights.method": ["catalog", "pca"], "weights": {"noise": 0.1}})


def test_failed_runs_are_listed_and_warned_like_coinr(panel):
    catalog, values = panel
    vary = {"normalise": [{"method": "minmax", "range": [1, 100]}, {"method": "zscore"}],
            "aggregate.method": ["geometric"]}
    with pytest.warns(pmm.scoring.ScoringWarning, match="could not be scored"):
        ua = pmm.uncertainty(values, catalog, method=BASE, vary=vary, n=20, seed=1)
    failed = ua.runs.loc[ua.failures["run"], "normalise"]
    assert len(failed) > 0 and all(f["method"] == "zscore" for f in failed)
    assert np.isnan(ua.ensemble.scores[ua.failures["run"]]).all()


def _ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices_within_bootstrap_intervals():
    """Analytic indices of the Ishigami function (a = 7, b = 0.1), Saltelli et al. 2010."""
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    first = np.array([v1, v2, 0.0]) / var
    total = np.array([v1 + v13, v2, v13]) / var
    n = 20000
    rng = np.random.default_rng(42)
    y = _ishigami(saltelli_design(n, 3, rng))
    s1, st, _ = saltelli_indices(y, n, 3)
    b1, bt = bootstrap_indices(y, n, 3, 300, rng)
    lo1, hi1 = np.quantile(b1, [0.05, 0.95], axis=0)
    lot, hit = np.quantile(bt, [0.05, 0.95], axis=0)
    assert ((lo1 <= first) & (first <= hi1)).all(), (s1, first)
    assert ((lot <= total) & (total <= hit)).all(), (st, total)
    np.testing.assert_allclose(s1, first, atol=0.03)
    np.testing.assert_allclose(st, total, atol=0.03)


def test_linear_model_indices():
    """y = Σ aᵢ xᵢ with xᵢ ~ U(0, 1): Sᵢ = STᵢ = aᵢ² / Σ aⱼ²."""
    coef = np.array([1.0, 2.0, 0.0, 3.0])
    n = 20000
    rng = np.random.default_rng(1)
    y = saltelli_design(n, 4, rng) @ coef
    s1, st, var = saltelli_indices(y, n, 4)
    expected = coef ** 2 / (coef ** 2).sum()
    b1, bt = bootstrap_indices(y, n, 4, 300, rng)
    lo1, hi1 = np.quantile(b1, [0.05, 0.95], axis=0)
    lot, hit = np.quantile(bt, [0.05, 0.95], axis=0)
    inside = (lo1 <= expected) & (expected <= hi1) & (lot <= expected) & (expected <= hit)
    assert inside[[0, 1, 3]].all(), (s1, st, expected)
    np.testing.assert_allclose(s1, expected, atol=0.05)
    np.testing.assert_allclose(st, expected, atol=0.02)
    assert s1[2] == 0.0
    assert st[2] == 0.0
    assert var == pytest.approx((coef ** 2).sum() / 12, rel=0.03)


def test_saltelli_design_structure():
    u = saltelli_design(50, 3, np.random.default_rng(0))
    a, b = u[:50], u[50:100]
    for i in range(3):
        ab = u[100 + 50 * i:150 + 50 * i]
        assert np.array_equal(ab[:, i], b[:, i])
        assert np.array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))


def test_sensitivity_contract_and_an_input_without_effect(panel):
    """A minmax range change is affine on every KPI, so arithmetic ranks never move: total index exactly 0."""
    catalog, values = panel
    vary = {"normalise.range": [[0, 100], [1, 100]], "weights": {"noise": 0.25, "levels": [1, 2]},
            "aggregate.method": ["arithmetic", "median"]}
    sa = pmm.sensitivity(values, catalog, method=BASE, vary=vary, n=60, seed=1, bootstrap=100, node="I")
    assert sa.indices.columns.tolist() == ["input", "first_order", "total", "first_order_q5", "first_order_q95",
                                           "total_q5", "total_q95"]
    assert sa.indices["input"].tolist() == list(vary)
    assert len(sa.runs) == 60 * (3 + 2) and len(sa.target) == 300
    idx = sa.indices.set_index("input")
    assert idx.loc["normalise.range", "total"] == 0.0
    assert idx.loc["aggregate.method", "total"] > 0.05
    assert (idx["first_order_q5"] <= idx["first_order_q95"]).all() and (idx["total_q5"] <= idx["total_q95"]).all()
    assert sa.uncertainty.n_runs == 120
    one = pmm.sensitivity(values, catalog, method=BASE, vary=vary, n=20, seed=1, bootstrap=None, target="rank",
                          member="M03")
    assert one.indices["first_order_q5"].isna().all()
    assert one.target["y"].between(1, 20).all()


def test_sensitivity_target_is_the_mean_absolute_rank_change(panel):
    catalog, values = panel
    vary = {"aggregate.method": ["arithmetic", "geometric"], "weights": {"noise": 0.3}}
    sa = pmm.sensitivity(values, catalog, method=BASE, vary=vary, n=10, seed=9, bootstrap=None)
    ranks = sa.analysis.ranks.query("node == 'I'")
    nominal = pmm.score(values, catalog, BASE).scores.query("node == 'I'").set_index(["period", "member"])["rank"]
    merged = ranks.merge(nominal.astype(float).rename("nominal").reset_index(), on=["period", "member"])
    expected = (merged["rank"] - merged["nominal"]).abs().groupby(merged["run"]).mean().sort_index()
    np.testing.assert_allclose(sa.target["y"].to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)


def test_sensitivity_needs_two_inputs(panel):
    catalog, values = panel
    with pytest.raises(ScoringError, match="at least 2"):
        pmm.sensitivity(values, catalog, vary={"aggregate.method": ["arithmetic", "geometric"]}, n=5)


@pytest.mark.parametrize("module", ["pmm.scoring.vary", "pmm.scoring.ensemble", "pmm.scoring.uncertainty",
                                    "pmm.scoring.sensitivity"])
def test_docstring_examples(module):
    failures, tried = doctest.testmod(importlib.import_module(module),
                                      optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


def test_weight_sets_and_imputation_equal_the_loop_on_the_shipped_catalog():
    card = pmm.demo_scorecard(members=6)
    values = card.levels[["member", "period", "kpi", "value", "status"]]
    base = card.method.model_dump(mode="json") | {"impute": {"method": "mean"}}
    vary = {"weights.set": [None, "revenue_focus", "pmm_v1_emphasis"], "impute.method": ["mean", "latest", "linear"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ua = pmm.uncertainty(values, card.catalog, method=base, vary=vary, n=12, seed=5, nodes=[card.catalog.root])
        assert ua.runs["weights.set"].nunique() >= 2 and ua.runs["impute.method"].nunique() >= 2
        for _, run in ua.runs.iterrows():
            method = {**base, "weights": {**base["weights"], "set": run["weights.set"]},
                      "impute": {"method": run["impute.method"]}}
            ref = pmm.score(values, card.catalog, method).scores.query("node == @card.catalog.root")
            ours = ua.scores[ua.scores["run"] == run["run"]].set_index(["period", "member"])["score"]
            ref = ref.set_index(["period", "member"])["score"].reindex(ours.index)
            np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-9)


def test_the_whole_asem_pipeline_varied_equals_the_loop(asem_values, asem_catalog, asem_data):
    """COINr's example pipeline (denominate → impute by group → screen → treat → minmax → arithmetic) with the
    members table, varying imputation, screening and treatment, against pmm.score run by run."""
    members = asem_data[["uCode", "EurAsia_group", "GDP_group", "Area", "Energy", "GDP", "Population"]].rename(
        columns={"uCode": "member"})
    base = {"denominate": {}, "impute": {"method": "mean", "by": "EurAsia_group"}, "screen": {"min_coverage": 0.9},
            "treat": {"winmax": 5}, "normalise": {"method": "minmax", "range": [1, 100]},
            "aggregate": {"method": "arithmetic"}}
    vary = {"impute.by": ["EurAsia_group", "GDP_group", None], "screen.min_coverage": [0.8, 0.9],
            "treat.winmax": [1, 5], "aggregate.method": ["arithmetic", "geometric"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ua = pmm.uncertainty(asem_values, asem_catalog, method=base, vary=vary, n=16, seed=2, members=members,
                             nodes=["Index", "Conn"])
        assert ua.failures.empty and ua.runs["impute.by"].nunique(dropna=False) >= 2
        for _, run in ua.runs.iterrows():
            method = {**base, "impute": {"method": "mean", "by": run["impute.by"]},
                      "screen": {"min_coverage": run["screen.min_coverage"]}, "treat": {"winmax": run["treat.winmax"]},
                      "aggregate": {"method": run["aggregate.method"]}}
            card = pmm.score(asem_values, asem_catalog, method, members=members)
            ours = ua.scores[ua.scores["run"] == run["run"]].set_index(["member", "node"])["score"]
            ref = card.scores.set_index(["member", "node"])["score"].reindex(ours.index)
            np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-9)
