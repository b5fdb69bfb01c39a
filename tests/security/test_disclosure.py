"""Disclosure through aggregates: a group's score is published at a level only when it cannot give
back the KPIs hidden at that level (docs/scoring.md, "Disclosure"); benchmarks add a dominance rule.

Expected outcomes are worked out by hand from the weights in each catalog below.
"""

from __future__ import annotations

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import pmm
from pmm.cli import main
from pmm.errors import ScoringError
from pmm.scoring.benchmark import benchmark_table
from pmm.scoring.disclosure import disclosure_table

# g1: one public KPI and one confidential KPI of equal weight -> exactly one hidden KPI: never published.
# g2: public only.  g3: public p3 (weight 2) and confidential c3a, c3b (1 each): 50 % visible, two hidden.
# g4: only a confidential child (the dominant-child case of the issue).
CATALOG = """
framework: {id: idx, name: Index, levels: [Low, Mid, High]}
groups:
  - {id: g1, name: G1}
  - {id: g2, name: G2}
  - {id: g3, name: G3}
  - {id: g4, name: G4, weight: 0.5}
kpis:
  - {id: p1, name: P1, parent: g1, unit: u, direction: higher, maturity: {thresholds: [30, 60]}}
  - {id: c1, name: Secret KPI one, parent: g1, unit: u, direction: higher, disclosure: confidential, maturity: {thresholds: [30, 60]}}
  - {id: p2, name: P2, parent: g2, unit: u, direction: higher, maturity: {thresholds: [30, 60]}}
  - {id: p3, name: P3, parent: g3, weight: 2, unit: u, direction: higher, maturity: {thresholds: [30, 60]}}
  - {id: c3a, name: Secret KPI 3a, parent: g3, unit: u, direction: higher, disclosure: confidential, maturity: {thresholds: [30, 60]}}
  - {id: c3b, name: Secret KPI 3b, parent: g3, unit: u, direction: higher, disclosure: confidential, maturity: {thresholds: [30, 60]}}
  - {id: c4, name: Secret KPI four, parent: g4, unit: u, direction: higher, disclosure: confidential, maturity: {thresholds: [30, 60]}}
"""
MEMBERS = ["AAA", "BBB", "CCC", "DDD", "EEE"]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "catalog.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    return pmm.load_catalog(path)


def _values(catalog, drop=()):
    rng = np.random.default_rng(7)
    rows = [{"member": m, "period": p, "kpi": k, "value": float(rng.uniform(0, 100))}
            for p in (2023, 2024) for m in MEMBERS for k in catalog.kpi_ids if (m, p, k) not in drop]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def card(catalog):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pmm.score(_values(catalog), catalog, method={"normalise": {"method": "minmax"}})


def test_the_rule_by_hand(card):
    table = disclosure_table(card.catalog, card.weights, "public").set_index("node")
    assert table.loc["g1", "visible_weight"] == pytest.approx(0.5) and not table.loc["g1", "published"]
    assert "reveal the score of hidden KPI 'c1'" in table.loc["g1", "reason"]
    assert table.loc["g2", "published"] and table.loc["g2", "hidden_kpis"] == 0
    assert table.loc["g3", "visible_weight"] == pytest.approx(0.5) and table.loc["g3", "published"]
    assert table.loc["g4", "visible_weight"] == 0 and "less than 50%" in table.loc["g4", "reason"]
    # the index: g1..g3 weigh 1, g4 0.5 -> visible = (0.5 + 1 + 0.5) / 3.5 = 57 %, hidden c1, c3a, c3b, c4;
    # its equation holds c1 and c4, which no published group pins down, so it is published
    assert table.loc["idx", "visible_weight"] == pytest.approx(2 / 3.5) and table.loc["idx", "published"]
    assert list(disclosure_table(card.catalog, card.weights, "confidential")["published"]) == [True] * 5


def test_a_single_hidden_kpi_is_not_published_at_any_weight(tmp_path):
    text = CATALOG.replace("{id: p1, name: P1, parent: g1,", "{id: p1, name: P1, parent: g1, weight: 99,")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    cat = pmm.load_catalog(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card = pmm.score(_values(cat), cat)
    table = disclosure_table(cat, card.weights, "public").set_index("node")
    assert table.loc["g1", "visible_weight"] == pytest.approx(0.99) and not table.loc["g1", "published"]


def test_suppressed_groups_are_blank_in_every_output(card, tmp_path, capsys):
    full = card.scores.set_index(["member", "period", "node"])
    public = card.disclosed("public")
    s = public.scores
    assert set(s["node"]) == {"idx", "g1", "g2", "g3", "g4", "p1", "p2", "p3"}
    for node in ("g1", "g4"):
        rows = s[s["node"] == node]
        assert rows[["score", "rank", "maturity"]].isna().all().all() and len(rows) == 10
    assert s.loc[s["node"] == "g3", "score"].notna().all()
    # the HTML report: no suppressed score anywhere, not even in data-sort attributes
    html = pmm.render_report(card, disclosure="public")
    shown = {round(v, 6) for v in s["score"].dropna()}  # a secret equal to a published score proves nothing
    for m in MEMBERS:
        for node in ("g1", "g4"):
            secret = full.loc[(m, 2024, node), "score"]
            if round(secret, 6) not in shown:
                assert f"{secret:.6f}" not in html and f">{secret:.1f}<" not in html
    assert "Secret KPI" not in html and "c3a" not in html
    assert "the scores of 2 groups that would reveal them are withheld: G1, G4" in html
    # the workbook and the CSV tables of `pmm score`
    values = tmp_path / "values.csv"
    _values(card.catalog).to_csv(values, index=False)
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    method = tmp_path / "method.yaml"
    method.write_text("normalise: {method: minmax}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["score", str(catalog), str(values), "--method", str(method), "--disclosure", "public",
                     "-o", str(tmp_path / "out"), "-q"]) == 0
    csv = pd.read_csv(tmp_path / "out" / "scores.csv")
    assert csv.loc[csv["node"].isin(["g1", "g4"]), "score"].isna().all()
    assert np.allclose(csv.loc[csv["node"] == "g3", "score"], s.loc[s["node"] == "g3", "score"])
    book = openpyxl.load_workbook(tmp_path / "out" / "scorecard.xlsx")
    sheet = book["scores"]
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    start = header.index("node") if "node" in header else None
    if start is None:  # a title row above the header
        rows = list(sheet.iter_rows(values_only=True))
        at = next(i for i, r in enumerate(rows) if "node" in r)
        header, body = list(rows[at]), rows[at + 1:]
    else:
        body = list(sheet.iter_rows(min_row=2, values_only=True))
    frame = pd.DataFrame(body, columns=header)
    assert frame.loc[frame["node"].isin(["g1", "g4"]), "score"].isna().all()
    assert not frame["node"].isin(["c1", "c3a", "c3b", "c4"]).any()
    everything = {v for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None}
    secrets = {round(full.loc[(m, p, n), "score"], 6) for m in MEMBERS for p in (2023, 2024) for n in ("g1", "g4")}
    secrets = {x for x in secrets if not float(x).is_integer()}  # 0, 50, 100 are also percentiles
    assert not {round(v, 6) for v in everything if isinstance(v, float)} & (secrets - shown)


def test_a_member_missing_a_hidden_kpi_has_its_cell_and_the_ranks_suppressed(catalog):
    # without c3b, BBB's g3 score is (2 p3 + c3a) / 3: with p3 published, c3a would follow
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card = pmm.score(_values(catalog, drop={("BBB", 2024, "c3b")}), catalog)
    s = card.disclosed("public").scores
    g3 = s[(s["node"] == "g3") & (s["period"] == 2024)].set_index("member")
    assert np.isnan(g3.loc["BBB", "score"]) and g3.drop("BBB")["score"].notna().all()
    assert g3["rank"].isna().all()
    g3_2023 = s[(s["node"] == "g3") & (s["period"] == 2023)]
    assert g3_2023["score"].notna().all() and g3_2023["rank"].notna().all()


def test_benchmarks_use_only_published_cells(card):
    bench = card.benchmark(disclosure="public", min_group_size=1)
    assert not bench["node"].isin(["c1", "c3a", "c3b", "c4"]).any()
    g1 = bench[bench["node"] == "g1"]
    assert (g1["n"] == 0).all() and g1["mean"].isna().all()
    g3 = bench[(bench["node"] == "g3") & (bench["period"] == 2024)]
    published = card.disclosed("public").scores
    expected = published.loc[(published["node"] == "g3") & (published["period"] == 2024), "score"]
    assert g3["mean"].iloc[0] == pytest.approx(expected.mean())


def _scores(values: dict[tuple[int, str], float]) -> pd.DataFrame:
    return pd.DataFrame([{"member": m, "period": p, "node": "I", "kind": "index", "score": v, "rank": 1,
                          "maturity": 1, "insufficient_data": False} for (p, m), v in values.items()])


def test_the_dominance_rule_and_stable_suppression():
    # 2023: 90 of 100 is one member's (90 % >= 85 %) -> suppressed; 2024 is balanced but stays suppressed
    scores = _scores({(2023, "A"): 90.0, (2023, "B"): 5.0, (2023, "C"): 5.0,
                      (2024, "A"): 40.0, (2024, "B"): 30.0, (2024, "C"): 30.0})
    bench = benchmark_table(scores, None, None, min_group_size=3)
    assert bench["suppressed"].all() and bench["mean"].isna().all()
    balanced = _scores({(2023, "A"): 80.0, (2023, "B"): 10.0, (2023, "C"): 10.0,  # 80 % < 85 %
                        (2024, "A"): 40.0, (2024, "B"): 30.0, (2024, "C"): 30.0})
    bench = benchmark_table(balanced, None, None, min_group_size=3)
    assert not bench["suppressed"].any()
    assert bench.loc[bench["period"] == 2023, "mean"].iloc[0] == pytest.approx(100 / 3)
    assert benchmark_table(balanced, None, None, min_group_size=3, dominance=0.8)["suppressed"].all()


@pytest.mark.parametrize("kw, message", [({"min_group_size": -5}, "min_group_size must be a whole number"),
                                         ({"min_group_size": 0}, "at least 1, found 0"),
                                         ({"dominance": 0}, "dominance must be a share")])
def test_bad_benchmark_settings_are_refused(kw, message):
    with pytest.raises(ScoringError, match=message):
        benchmark_table(_scores({(2024, "A"): 1.0}), None, None, **kw)
