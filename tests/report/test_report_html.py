"""The HTML report of the real demo pipeline: content, disclosure, suppression, escaping, self-containment."""

from __future__ import annotations

import html
import re

import matplotlib.pyplot
import openpyxl
import pandas as pd
import pytest

import pmm
from pmm.catalog import DISCLOSURE_ORDER


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _table(page: str, table_id: str) -> list[list[str]]:
    """The body rows of the table with this id, as lists of cell texts."""
    match = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', page, re.S)
    assert match, f"no table {table_id!r}"
    body = match.group(1).split("<tbody>", 1)[1]
    return [[_text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _member_section(page: str, member: str) -> str:
    match = re.search(rf'<section class="member" id="member-{member}">(.*?)</section>', page, re.S)
    assert match, f"no section of {member}"
    return match.group(1)


def _kpi_rows(section: str) -> dict[str, list[str]]:
    rows = re.findall(r'<tr data-kpi="([^"]+)">(.*?)</tr>', section, re.S)
    return {kpi: [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)] for kpi, body in rows}


@pytest.fixture(scope="module")
def page(demo) -> str:
    return demo.report.read_text(encoding="utf-8")


def test_one_scorecard_per_member_with_names(page, workshop):
    members = workshop.members
    assert page.count('<section class="member"') == len(members) == 22
    for code, name in zip(members["member"], members["name"]):
        assert f'id="member-{code}"' in page
        assert html.escape(name) in page


def test_ranking_table_is_ordered_by_the_index_score(page, card):
    rows = _table(page, "ranking-table")
    latest = card.scores[(card.scores["period"] == card.periods[-1]) & (card.scores["node"] == card.catalog.root)]
    expected = latest.sort_values(["score", "member"], ascending=[False, True])
    assert [r[1] for r in rows] == expected["member"].tolist()
    assert [r[3] for r in rows] == [f"{s:.1f}" for s in expected["score"]]
    assert [int(r[0]) for r in rows] == sorted(int(r[0]) for r in rows)
    lv = card.levels[card.levels["period"] == card.periods[-1]]
    ok = lv[lv["status"] == "ok"].groupby("member").size()
    assert [r[-1] for r in rows] == [f"{ok.get(m, 0)} / {len(card.catalog.kpis)}" for m in expected["member"]]
    # one column per dimension after the index
    header = re.search(r'<table[^>]*id="ranking-table".*?</thead>', page, re.S).group(0)
    for dim in card.catalog.children(card.catalog.root):
        assert f'data-node="{dim}"' in header


def test_kpi_table_shows_value_level_percentile_and_change(page, card):
    member, kpi = card.members.sort_values("member")["member"].iloc[5], "tf_e_declarations"
    lv = card.levels.set_index(["member", "period", "kpi"])
    now, before = lv.loc[(member, card.periods[-1], kpi)], lv.loc[(member, card.periods[-2], kpi)]
    row = _kpi_rows(_member_section(page, member))[kpi]
    name, outcome, value, unit, level, percentile, change = row
    assert name == card.catalog.name(kpi) and unit == "percent"
    assert value == f"{now['value']:.1f}"
    assert level == f"{int(now['level'])} {card.catalog.framework.levels[int(now['level']) - 1]}"
    assert change.startswith(f"{now['value'] - before['value']:+.1f}")
    # percentile among the member's region, computed here from the KPI scores: 100 (rank - 1) / (n - 1)
    region = card.members.set_index("member")["region"]
    peers = region[region == region[member]].index
    s = card.scores[(card.scores["period"] == card.periods[-1]) & (card.scores["node"] == kpi)
                    & card.scores["member"].isin(peers)].dropna(subset=["score"])
    below = (s["score"] < s.loc[s["member"] == member, "score"].item()).sum()
    assert len(s) >= 3
    assert percentile == f"{100 * below / (len(s) - 1):.0f}"


def test_member_page_has_radar_trend_and_strengths(page, card):
    member = card.members["member"].iloc[0]
    section = _member_section(page, member)
    assert section.count("<svg") == 2
    assert f'aria-label="Radar chart of the dimension scores of {member}' in section
    strengths = re.search(r"<h3>Strengths</h3><ul>(.*?)</ul>", section, re.S).group(1)
    assert strengths.count("<li>") == 3
    best_level = card.levels[(card.levels["member"] == member) & (card.levels["period"] == card.periods[-1])]["level"].max()
    assert f"(level {int(best_level)} " in strengths


def test_methodology_names_method_weights_hash_and_notice(page, card, demo):
    method = {row[0]: row[1] for row in _table(page, "method-table")}
    # the settings in use, as sentences (demo: goalposts, catalog weights, arithmetic mean, mean of levels)
    assert list(method) == ["Normalisation", "Weights", "Aggregation", "Maturity levels"]
    assert method["Normalisation"].startswith("Each KPI is scored between its goalposts")
    assert "weighted arithmetic mean" in method["Aggregation"] and "50 %" in method["Aggregation"]
    assert "Imputation" not in method and "min_coverage" not in page and "truncate" not in page
    assert card.catalog.hash in page
    text = html.unescape(page)
    assert card.catalog.framework.notice in text and "pmm's own" in text
    weights = _table(page, "weights-table")
    dims = [r for r in weights if r[1] == "group" and any(r[0].startswith(card.catalog.name(d))
                                                           for d in card.catalog.children(card.catalog.root))]
    assert len(dims) == 4
    assert sum(float(r[3].rstrip(" %")) for r in dims) == pytest.approx(100, abs=0.05)
    accounting = _table(page, "accounting-table")
    assert {r[0] for r in accounting} >= {"declarations"}


def test_report_is_self_contained(page):
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert "@import" not in page and "<link" not in page
    assert "<script>" in page and "table.sortable" in page


@pytest.mark.parametrize("level", ["public", "wco", "restricted"])
def test_disclosure_leaves_undisclosed_kpis_out_of_the_file(small_card, level):
    card = small_card
    page = pmm.render_report(card, disclosure=level)
    allowed = DISCLOSURE_ORDER[: DISCLOSURE_ORDER.index(level) + 1]
    shown = [k for k in card.catalog.kpis if k.disclosure in allowed]
    hidden = [k for k in card.catalog.kpis if k.disclosure not in allowed]
    assert hidden, f"the catalog has no KPI above {level!r}, so this test would prove nothing"
    shown_names = {k.name for k in shown}
    for k in hidden:
        assert k.id not in page, k.id
        if k.name not in shown_names:
            assert html.escape(k.name) not in page, k.name
    member = card.members["member"].iloc[0]
    assert set(_kpi_rows(_member_section(page, member))) == {k.id for k in shown}
    # values of a hidden KPI do not appear in its place either: no row carries its id
    assert not any(f'data-kpi="{k.id}"' in page for k in hidden)


def test_small_peer_groups_have_their_statistics_suppressed(small_card):
    card = small_card
    page = pmm.render_report(card, peers="region", min_group_size=2)  # every region holds one member
    member = card.members["member"].iloc[0]
    rows = _kpi_rows(_member_section(page, member))
    percentiles = {r[5] for r in rows.values()}
    assert percentiles <= {"suppressed", "–"} and "suppressed" in percentiles
    assert all("(statistics suppressed)" in r[0] for r in _table(page, "peer-table"))


def test_member_names_are_escaped(small_card):
    card = small_card
    values = card.levels[["member", "period", "kpi", "value", "status"]]
    members = card.members
    members.loc[0, "name"] = '<script>alert("x")</script> & Co'
    evil = pmm.score(values, card.catalog, members=members)
    page = pmm.render_report(evil)
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in page


def test_unknown_peer_column_and_disclosure_level(card):
    with pytest.raises(pmm.errors.PmmError, match="did you mean 'region'"):
        pmm.render_report(card, peers="regoin")
    with pytest.raises(pmm.errors.PmmError, match="unknown disclosure level 'secret'"):
        pmm.render_report(card, disclosure="secret")


def test_write_report_refuses_to_overwrite(card, tmp_path):
    path = tmp_path / "r.html"
    path.write_text("keep me")
    with pytest.raises(pmm.errors.PmmError, match="exists; pass --force"):
        pmm.write_report(card, path, force=False)
    assert path.read_text() == "keep me"


def test_values_without_periods_give_a_report_without_trends(small_card, tmp_path):
    latest = small_card.levels[small_card.levels["period"] == small_card.periods[-1]]
    values = latest[["member", "kpi", "value", "status"]]  # no period column: one unnamed period
    card = pmm.score(values, small_card.catalog, members=small_card.members)
    assert card.periods == [None]
    page = pmm.render_report(card)
    member = latest["member"].iloc[0]
    section = _member_section(page, member)
    assert section.count("<svg") == 1  # the radar; no trend over a single period
    row = _kpi_rows(section)["tf_e_declarations"]
    expected = latest[(latest["member"] == member) & (latest["kpi"] == "tf_e_declarations")]["value"].item()
    assert row[2] == f"{expected:.1f}" and row[6] == "–"
    workbook = card.to_excel(tmp_path / "single.xlsx")
    summary = openpyxl.load_workbook(workbook)["summary"]
    assert [summary.cell(r, 1).value for r in range(1, 20)].count("member") == 1
    ax = pmm.plot.ranking(card)
    assert len(ax.patches) == 6
    matplotlib.pyplot.close(ax.figure)


def test_percentiles_are_whole_numbers_and_levels_have_a_legend(page, card):
    member = card.members["member"].iloc[0]
    rows = _table(_member_section(page, member).replace('<table class="sortable kpis">', '<table id="k">'), "k")
    percentiles = [r[5] for r in rows if r[5] not in ("–", "suppressed")]
    assert percentiles and all(re.fullmatch(r"\d{1,3}", p) for p in percentiles)
    legend = re.search(r'<ul class="legend" id="level-legend"[^>]*>(.*?)</ul>', page, re.S).group(1)
    labels = card.catalog.framework.levels
    assert [_text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", legend)] == \
        [f"{i} {label}" for i, label in enumerate(labels, start=1)] + ["– no score"]


def test_the_top_level_is_the_darkest_green_whatever_the_number_of_levels(tmp_path):
    import warnings

    cat = pmm.load_catalog("rbm-example")  # four levels, not five
    values = pd.DataFrame({"member": list("ABCD"), "kpi": "usefulness", "value": [10.0, 55.0, 70.0, 95.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        html_text = pmm.render_report(pmm.score(values, cat))
    n = len(cat.framework.levels)
    styles = dict(re.findall(r"\.lvl([1-9]) \{ background: (#[0-9a-f]{6});", html_text))
    assert n == 4 and len(styles) == n and styles[str(n)] == "#1a9850" and styles["1"] == "#d7301f"
