"""The statistical audit (card.audit / pmm.audit) against independent computations.

Expected values come from pandas (``corr``, ``cov``, ``skew``, ``kurt``, ``rank``), scipy.stats
(p-values), numpy's SVD, hand calculations on 3×3 cases and COINr's definitions re-implemented
here in a few lines on the ASEM example — never from pmm's audit code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import pmm

ASEM_MEMBER_COLUMNS = ["Area", "Energy", "GDP", "Population", "EurAsia_group"]


@pytest.fixture(scope="module")
def asem_card(asem_values, asem_catalog, asem_data):
    members = asem_data[["uCode", *ASEM_MEMBER_COLUMNS]].rename(columns={"uCode": "member"})
    return pmm.score(asem_values, asem_catalog, members=members)


@pytest.fixture(scope="module")
def raw(asem_data, asem_meta):
    kpis = asem_meta.loc[asem_meta["Type"] == "Indicator", "iCode"].tolist()
    return asem_data.set_index("uCode")[kpis].astype(float)


@pytest.fixture(scope="module")
def lineage(asem_meta):
    """iCode → parent, and each indicator's ancestor per level, from iMeta by hand."""
    parent = asem_meta.dropna(subset=["Parent"]).set_index("iCode")["Parent"].to_dict()
    return parent


def tiny_card(rows: dict[str, list[float]], members=None):
    """A one-group card with KPIs a, b, c under group G (all 'higher is better')."""
    kpis = list(rows)
    meta = pd.DataFrame({"iCode": [*kpis, "G"], "Parent": ["G"] * len(kpis) + [None],
                         "Level": [1] * len(kpis) + [2], "Direction": [1] * len(kpis) + [None],
                         "Weight": [1] * (len(kpis) + 1), "Type": ["Indicator"] * len(kpis) + ["Aggregate"]})
    n = len(next(iter(rows.values())))
    names = [f"M{i}" for i in range(n)]
    vals = pd.DataFrame([{"member": m, "kpi": k, "value": rows[k][i]} for k in kpis for i, m in enumerate(names)])
    return pmm.score(vals, pmm.Catalog.from_table(meta), members=members)


# -- stats ---------------------------------------------------------------------------------------
def test_stats_match_pandas_and_coinr_definitions_on_asem(asem_card, raw):
    got = asem_card.audit.stats("raw").set_index("kpi")
    assert list(got.index) == list(raw.columns)
    n = len(raw)
    avail = raw.notna().sum()
    nonzero = (raw.fillna(0) != 0).sum()
    unique = raw.nunique()
    np.testing.assert_allclose(got["min"], raw.min(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(got["max"], raw.max(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(got["mean"], raw.mean(), rtol=1e-12)
    np.testing.assert_allclose(got["median"], raw.median(), rtol=1e-12)
    np.testing.assert_allclose(got["sd"], raw.std(ddof=1), rtol=1e-10)
    np.testing.assert_allclose(got["skew"], raw.skew(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got["kurt"], raw.kurt(), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(got["n_available"], avail)
    np.testing.assert_allclose(got["availability"], avail / n)
    np.testing.assert_allclose(got["zero_share"], (avail - nonzero) / avail)
    np.testing.assert_allclose(got["unique_share"], unique / avail)
    np.testing.assert_array_equal(got["n_same"], [raw[c].value_counts().max() for c in raw])
    # COINr flags: availability vs n, non-zero and unique counted against ALL members, strict outlier test
    np.testing.assert_array_equal(got["flag_availability"], avail / n < 0.65)
    np.testing.assert_array_equal(got["flag_nonzero"], nonzero / n < 0.5)
    np.testing.assert_array_equal(got["flag_unique"], unique / n < 0.5)
    np.testing.assert_array_equal(got["flag_outlier"], (raw.skew().abs() > 2) & (raw.kurt() > 3.5))
    assert got.loc["Flights", "flag_outlier"]  # COINr's own test: Flights is "OUT"
    assert got["flag_outlier"].sum() >= 3


def test_stats_thresholds_and_hand_case():
    card = tiny_card({"a": [0.0, 0.0, 0.0, 5.0], "b": [1.0, 1.0, 2.0, float("nan")], "c": [1.0, 2.0, 3.0, 4.0]})
    s = card.audit.stats().set_index("kpi")
    assert s.loc["a", "zero_share"] == 0.75 and s.loc["a", "flag_nonzero"]          # 1 non-zero of 4 < 0.5
    assert s.loc["b", "availability"] == 0.75 and not s.loc["b", "flag_availability"]
    assert s.loc["b", "unique_share"] == pytest.approx(2 / 3) and not s.loc["b", "flag_unique"]  # 2/4 members, not < 0.5
    assert s.loc["c", "sd"] == pytest.approx(np.sqrt(5 / 3))
    strict = card.audit.stats(t_avail=0.8, t_unq=0.6).set_index("kpi")
    assert strict.loc["b", "flag_availability"] and strict.loc["b", "flag_unique"]


def test_stats_before_and_after_treatment(asem_values, asem_catalog, raw):
    card = pmm.score(asem_values, asem_catalog, method={"treat": {"method": "winsorise"}})
    before = card.audit.stats("raw").set_index("kpi")
    after = card.audit.stats("treated").set_index("kpi")
    np.testing.assert_allclose(before["skew"], raw.skew(), rtol=1e-9, atol=1e-12)
    treated = card.stage("treated").pivot(index="member", columns="kpi", values="value")[raw.columns]
    np.testing.assert_allclose(after["skew"], treated.skew(), rtol=1e-9, atol=1e-12)
    assert after["flag_outlier"].sum() < before["flag_outlier"].sum()


# -- correlations --------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_correlations_within_level_match_pandas_pairwise(asem_card, raw, method):
    got = asem_card.audit.correlations(method, stage="raw", pval=0)
    matrix = got.pivot(index="x", columns="y", values="correlation").loc[raw.columns, raw.columns]
    want = raw.corr(method=method)
    np.testing.assert_allclose(matrix.to_numpy(), want.to_numpy(), rtol=0, atol=1e-10)
    assert set(got["x_level"]) == {1} and len(got) == raw.shape[1] ** 2


def _has_ties(a, b):
    return a.nunique() < len(a) or b.nunique() < len(b)


PAIRS = [("LPI", "Flights"), ("Goods", "Services"), ("CO2", "Renew"), ("Ship", "Tariff"), ("TBTs", "RTAs"),
         ("StMob", "CultGood"), ("Research", "CultServ"), ("FDI", "PRemit")]


@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_correlation_p_values_as_cor_test(asem_card, raw, method):
    """R's cor.test: Pearson t; Spearman t with ties (else AS 89); Kendall exact below 50 pairs without ties."""
    got = asem_card.audit.correlations(method, stage="raw", pval=0).set_index(["x", "y"])
    checked = {"t": 0, "exact": 0}
    for x, y in PAIRS:
        both = raw[[x, y]].dropna()
        a, b = both[x], both[y]
        if method == "pearson":
            res, kind = stats.pearsonr(a, b), "t"
        elif method == "spearman":
            res = stats.spearmanr(a, b)
            if not _has_ties(a, b):
                # AS 89's Edgeworth series is within a few thousandths of the t approximation here
                assert got.loc[(x, y), "p_value"] == pytest.approx(res.pvalue, abs=5e-3)
                continue
            kind = "t"
        else:
            exact = len(both) < 50 and not _has_ties(a, b)
            res = stats.kendalltau(a, b, method="exact" if exact else "asymptotic")
            kind = "exact" if exact else "t"
        checked[kind] += 1
        assert got.loc[(x, y), "p_value"] == pytest.approx(res.pvalue, rel=1e-8, abs=1e-15), (x, y)
        assert got.loc[(x, y), "correlation"] == pytest.approx(res.statistic, abs=1e-12)
        assert got.loc[(x, y), "n"] == len(both)
    assert checked["t"] + checked["exact"] >= 2
    assert method != "kendall" or checked["exact"] >= 1   # Research × CultServ: 47 pairs, no ties


def test_rank_correlation_p_values_of_r_documentation():
    """R's ?cor.test example (Hollander & Wolfe): Spearman S = 48, p = 0.0968; Kendall T = 26, p = 0.1194."""
    x = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1]
    y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8]
    card = tiny_card({"a": x, "b": y})
    spearman = card.audit.correlations("spearman", stage="raw", pval=0).set_index(["x", "y"]).loc[("a", "b")]
    kendall = card.audit.correlations("kendall", stage="raw", pval=0).set_index(["x", "y"]).loc[("a", "b")]
    assert spearman["correlation"] == pytest.approx(0.6) and round(spearman["p_value"], 4) == 0.0968
    assert kendall["correlation"] == pytest.approx(4 / 9) and round(kendall["p_value"], 4) == 0.1194
    assert kendall["p_value"] == pytest.approx(stats.kendalltau(x, y, method="exact").pvalue, rel=1e-12)


def test_spearman_small_samples_by_permutation():
    """n <= 9 without ties: the two-sided p-value counts permutations (written out here by brute force)."""
    import itertools

    rng = np.random.default_rng(3)
    for n in (5, 7, 8):
        x, y = rng.permutation(n) + 1.0, rng.permutation(n) + 1.0
        card = tiny_card({"a": list(x), "b": list(y)})
        got = card.audit.correlations("spearman", stage="raw", pval=0).set_index(["x", "y"]).loc[("a", "b"), "p_value"]
        s = ((x - y) ** 2).sum()
        perms = np.array(list(itertools.permutations(range(1, n + 1))))
        all_s = ((perms - np.arange(1, n + 1)) ** 2).sum(axis=1)
        mid = (n ** 3 - n) / 6
        tail = (all_s >= s).mean() if s > mid else (all_s <= s).mean()
        assert got == pytest.approx(min(2 * tail, 1.0), abs=1e-12), n


def test_insignificant_correlations_become_missing(asem_card, raw):
    got = asem_card.audit.correlations(stage="raw")  # pval = 0.05 (COINr default)
    assert got["correlation"].isna().any()
    masked = got[got["correlation"].isna()]
    assert (masked["p_value"] > 0.05).all()
    kept = got[got["correlation"].notna()]
    assert (kept["p_value"] <= 0.05).all()
    x, y = masked.iloc[0][["x", "y"]]
    both = raw[[x, y]].dropna()
    assert stats.pearsonr(both[x], both[y]).pvalue > 0.05


def test_correlations_with_parent_and_family(asem_card, lineage):
    wide = asem_card.wide()
    with_parent = asem_card.audit.correlations(levels=(1, 2), with_parent=True, pval=0)
    assert (with_parent["y"] == with_parent["x"].map(lineage)).all()
    assert len(with_parent) == 49
    for _, row in with_parent.sample(8, random_state=1).iterrows():
        assert row["correlation"] == pytest.approx(wide[row["x"]].corr(wide[row["y"]]), abs=1e-12)
    family = asem_card.audit.correlations(with_parent="family", pval=0)
    assert len(family) == 49 * 3 and sorted(set(family["y_level"])) == [2, 3, 4]
    lpi = family[family["x"] == "LPI"].set_index("y")["correlation"]
    assert list(lpi.index) == ["Physical", "Conn", "Index"]
    assert lpi["Index"] == pytest.approx(wide["LPI"].corr(wide["Index"]), abs=1e-12)
    # one level given: each node against its parent, as levels (l, l+1)
    same = asem_card.audit.correlations(levels=2, with_parent=True, pval=0)
    assert (same["y"] == same["x"].map(lineage)).all() and len(same) == 8
    between = asem_card.audit.correlations(levels=(2, 3), pval=0)
    assert len(between) == 8 * 2


def test_correlations_in_a_group(asem_card, asem_meta):
    got = asem_card.audit.correlations(group="Environ", pval=0)
    kids = asem_meta.loc[asem_meta["Parent"] == "Environ", "iCode"].tolist()
    assert set(got["x"]) == set(kids) and len(got) == len(kids) ** 2


def test_correlation_flags_as_get_corr_flags(asem_card, lineage):
    wide = asem_card.wide()
    kpis = [k for k in wide.columns if k in asem_card.catalog.kpi_ids]
    corr = wide[kpis].corr()
    want = {(a, b) for i, a in enumerate(kpis) for b in kpis[i + 1:]
            if lineage[a] == lineage[b] and corr.loc[a, b] > 0.75}
    flags = asem_card.audit.correlation_flags(0.75)
    assert set(zip(flags["kpi_1"], flags["kpi_2"])) == want and want
    assert (flags["group"] == flags["kpi_1"].map(lineage)).all()
    np.testing.assert_allclose(flags["correlation"], [corr.loc[a, b] for a, b in zip(flags["kpi_1"], flags["kpi_2"])])
    low = asem_card.audit.correlation_flags(kind="low")
    want_low = {(a, b) for i, a in enumerate(kpis) for b in kpis[i + 1:]
                if lineage[a] == lineage[b] and corr.loc[a, b] < -0.4}
    assert set(zip(low["kpi_1"], low["kpi_2"])) == want_low
    by_sub_index = asem_card.audit.correlation_flags(0.75, group_level=3)
    assert len(by_sub_index) >= len(flags)


def test_denominator_correlations_as_get_denom_corr(asem_card, raw, asem_data):
    got = asem_card.audit.denominator_correlations(0.7)
    denoms = asem_data.set_index("uCode")[["Area", "Energy", "GDP", "Population"]].astype(float)
    full = pd.DataFrame({d: raw.corrwith(denoms[d]) for d in denoms.columns})
    assert len(got) == int((full.abs() > 0.7).sum().sum())  # COINr's own test counts the same
    for _, row in got.iterrows():
        assert row["correlation"] == pytest.approx(full.loc[row["kpi"], row["denominator"]], abs=1e-12)
    assert set(asem_card.audit.denominator_correlations(0.0)["denominator"]) == {"Area", "Energy", "GDP", "Population"}


def test_denominator_correlations_need_denominators_and_members(asem_values, asem_catalog):
    card = pmm.score(asem_values, asem_catalog)
    with pytest.raises(pmm.errors.AuditError, match="members table"):
        card.audit.denominator_correlations()
    plain = tiny_card({"a": [1.0, 2.0, 3.0], "b": [2.0, 1.0, 3.0]})
    with pytest.raises(pmm.errors.AuditError, match="no KPI declares a denominator"):
        plain.audit.denominator_correlations()


# -- Cronbach and PCA ----------------------------------------------------------------------------
def test_cronbach_by_hand_3x3():
    # columns a, b, c over 3 members; covariances by hand: var a=1, var b=1, var c=4, cov ab=0.5, ac=2, bc=1
    card = tiny_card({"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0], "c": [2.0, 4.0, 6.0]})
    cov_sum = 1 + 1 + 4 + 2 * (0.5 + 2 + 1)
    mean_off = 2 * (0.5 + 2 + 1) / 6
    assert card.audit.cronbach("G", stage="raw") == pytest.approx(9 * mean_off / cov_sum, abs=1e-12)


def test_cronbach_on_asem_pairwise_covariances(asem_card, asem_meta, raw):
    kids = asem_meta.loc[asem_meta["Parent"] == "P2P", "iCode"].tolist()
    assert raw[kids].isna().any().any()  # pairwise-complete covariances matter here
    cov = raw[kids].cov()  # pandas: pairwise complete, n-1
    k = len(kids)
    want = k * k * ((cov.to_numpy().sum() - np.trace(cov)) / (k * (k - 1))) / cov.to_numpy().sum()
    assert asem_card.audit.cronbach("P2P", stage="raw") == pytest.approx(want, rel=1e-12)
    # a higher group, level 1 = every indicator under it
    kids_conn = [c for c in raw.columns if lineage_of(asem_meta, c, "Conn")]
    cov = raw[kids_conn].cov().to_numpy()
    k = len(kids_conn)
    want = k * k * ((cov.sum() - np.trace(cov)) / (k * (k - 1))) / cov.sum()
    assert asem_card.audit.cronbach("Conn", stage="raw") == pytest.approx(want, rel=1e-12)


def lineage_of(meta: pd.DataFrame, code: str, ancestor: str) -> bool:
    parent = meta.dropna(subset=["Parent"]).set_index("iCode")["Parent"]
    while code in parent.index:
        code = parent[code]
        if code == ancestor:
            return True
    return False


def test_pca_matches_svd_of_standardised_complete_cases(asem_card, asem_meta, raw):
    result = asem_card.audit.pca(group="Sust", stage="raw")
    assert set(result.variance["group"]) == {"Environ", "Social", "SusEcFin"}  # by groups, as COINr's test
    for group in ["Environ", "Social", "SusEcFin"]:
        kids = asem_meta.loc[asem_meta["Parent"] == group, "iCode"].tolist()
        x = raw[kids].dropna()
        z = (x - x.mean()) / x.std(ddof=1)
        _, s, vt = np.linalg.svd(z.to_numpy(), full_matrices=False)
        share = s ** 2 / (s ** 2).sum()
        v = result.variance[result.variance["group"] == group]
        np.testing.assert_allclose(v["variance_share"], share, atol=1e-10)
        np.testing.assert_allclose(v["eigenvalue"], s ** 2 / (len(x) - 1), atol=1e-10)
        assert (v["n_complete"] == len(x)).all()
        pc1 = vt[0] if vt[0].sum() >= 0 else -vt[0]
        loadings = result.loadings[result.loadings["group"] == group].set_index("node")["loading"]
        np.testing.assert_allclose(loadings[kids], pc1, atol=1e-9)


def test_pca_one_group_and_aggregates(asem_card):
    wide = asem_card.wide()
    result = asem_card.audit.pca(level=2, by_groups=False)
    pillars = ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin"]
    x = wide[pillars].dropna()
    eig = np.linalg.eigvalsh(x.corr().to_numpy())[::-1]
    np.testing.assert_allclose(result.variance["eigenvalue"], eig, atol=1e-10)
    assert set(result.loadings["node"]) == set(pillars) and set(result.variance["group"]) == {"Index"}


# -- weights and members -------------------------------------------------------------------------
def test_effective_weights_are_products_along_the_path(asem_card, asem_meta):
    w = asem_card.audit.effective_weights.set_index("node")
    assert w.loc["LPI", "effective_weight"] == pytest.approx(0.5 * (1 / 5) * (1 / 8))
    assert w.loc[w["kind"] == "kpi", "effective_weight"].sum() == pytest.approx(1.0)
    assert w.loc["Conn", "level"] == 3 and w.loc["Index", "effective_weight"] == 1.0


@pytest.mark.parametrize("unit", ["ESP", "HRV", "CHN", "SGP", "MNG"])
def test_strengths_weaknesses_as_get_str_weak(asem_card, raw, asem_meta, unit):
    direction = asem_meta.set_index("iCode")["Direction"]
    ranks = (raw * direction[raw.columns]).rank(ascending=False, method="min", na_option="keep")
    mine = ranks.loc[unit].dropna()
    mine = mine[mine != ranks[mine.index].max()]  # min_discard
    # COINr sorts iMeta by (Level, Parent) in new_coin; ties keep that order (R's order() is stable)
    imeta_order = asem_meta[asem_meta["Type"] == "Indicator"].sort_values(["Level", "Parent"], kind="stable")
    order = mine.reindex([c for c in imeta_order["iCode"] if c in mine.index]).sort_values(kind="stable")
    got = asem_card.audit.strengths_weaknesses(unit)
    strengths, weaknesses = got[got["type"] == "strength"], got[got["type"] == "weakness"]
    assert strengths["kpi"].tolist() == order.index[:5].tolist()
    assert weaknesses["kpi"].tolist() == order.index[-5:].tolist()
    assert got["rank"].tolist() == [int(order[k]) for k in got["kpi"]]
    np.testing.assert_allclose(got["value"], [raw.loc[unit, k] for k in got["kpi"]])
    assert (got["group"] == got["kpi"].map(asem_meta.set_index("iCode")["Parent"])).all()
    short = asem_card.audit.strengths_weaknesses(unit, top=2, bottom=3, unique_discard=0.9)
    assert len(short) == 5 and set(short["kpi"]) <= set(raw.columns[raw.nunique(dropna=False) / 51 > 0.9])


def test_unit_summary_as_get_unit_summary(asem_card, asem_meta):
    got = asem_card.audit.unit_summary("IND", levels=[4, 3, 2])
    wide, ranks = asem_card.wide(), asem_card.wide(value="rank")
    aggs = asem_meta[asem_meta["Type"] == "Aggregate"].sort_values(["Level", "Parent"], kind="stable")
    want_order = aggs.sort_values("Level", ascending=False, kind="stable")["iCode"].tolist()   # COINr's order
    assert got["node"].tolist() == want_order
    np.testing.assert_allclose(got["score"], [wide.loc["IND", n] for n in got["node"]])
    want_rank = [int(wide[n].rank(ascending=False, method="min")["IND"]) for n in got["node"]]
    assert got["rank"].tolist() == want_rank


# -- entry points and errors ---------------------------------------------------------------------
def test_pmm_audit_equals_card_audit(asem_values, asem_catalog, asem_card):
    direct = pmm.audit(asem_values, asem_catalog)
    assert isinstance(direct, pmm.Audit)
    pd.testing.assert_frame_equal(direct.stats(), asem_card.audit.stats())


def test_audit_errors_name_what_was_expected(asem_card):
    audit = asem_card.audit
    with pytest.raises(pmm.errors.AuditError, match="unknown stage 'trated'.*treated"):
        audit.stats("trated")
    with pytest.raises(pmm.errors.AuditError, match="unknown correlation method"):
        audit.correlations("pearsn")
    with pytest.raises(pmm.errors.AuditError, match="unknown group 'P2Q'.*P2P"):
        audit.cronbach("P2Q")
    with pytest.raises(pmm.errors.AuditError, match="only after normalisation"):
        audit.correlations(levels=(1, 2), stage="raw")
    with pytest.raises(pmm.errors.AuditError, match="unknown member"):
        audit.strengths_weaknesses("XXX")
    with pytest.raises(pmm.errors.AuditError, match="level must be"):
        audit.correlations(levels=9)
    with pytest.raises(pmm.errors.AuditError, match="with_parent"):
        audit.correlations(with_parent="parents")


@pytest.mark.parametrize("module", ["pmm.analysis", "pmm.analysis.auditor", "pmm.analysis.frames",
                                    "pmm.analysis.stats", "pmm.analysis.correlation", "pmm.analysis.pvalues",
                                    "pmm.analysis.reliability", "pmm.analysis.profile", "pmm.report.audit_tables"])
def test_docstring_examples_run(module):
    import doctest
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_docs_audit_examples_run():
    import doctest

    path = Path(__file__).resolve().parents[2] / "docs" / "audit.md"
    result = doctest.testfile(str(path), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5 and result.failed == 0


def test_audit_of_one_period_of_a_panel(asem_catalog):
    panel = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "asem" / "asem_idata_panel.csv")
    values = pmm.values_from_wide(panel, asem_catalog, member="uCode", period="Time")
    audit = pmm.audit(values, asem_catalog)
    year = panel[panel["Time"] == 2019].set_index("uCode")[list(asem_catalog.kpi_ids)].astype(float)
    got = audit.stats(period=2019).set_index("kpi")
    np.testing.assert_allclose(got["skew"], year.skew(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got["availability"], year.notna().mean())
    latest = audit.stats().set_index("kpi")   # default: the latest period
    last = panel[panel["Time"] == panel["Time"].max()].set_index("uCode")[list(asem_catalog.kpi_ids)]
    np.testing.assert_allclose(latest["mean"], last.mean(), rtol=1e-12)
    with pytest.raises(pmm.errors.AuditError, match="unknown period 1999"):
        audit.stats(period=1999)


def test_stages_after_screening_leave_dropped_members_out(asem_values, asem_catalog, raw):
    card = pmm.score(asem_values, asem_catalog, method={"screen": {"min_coverage": 0.95}})
    kept = raw.notna().mean(axis=1) >= 0.95
    assert 0 < (~kept).sum() < len(raw)
    screened = card.audit.stats("screened").set_index("kpi")
    assert (screened["n"] == kept.sum()).all()
    np.testing.assert_allclose(screened["mean"], raw[kept].mean(), rtol=1e-12)
    assert (card.audit.stats("raw")["n"] == len(raw)).all()
