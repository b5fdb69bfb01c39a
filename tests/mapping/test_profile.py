"""Source profiles: loading with file:line errors, parsing raw layouts, and escapes."""

from __future__ import annotations

import pandas as pd
import pytest

import pmm
from pmm.errors import ExpressionError, MappingError
from pmm.mapping import load_profile_text, shipped_profiles
from tests.mapping.small import small_catalog

RAW = pd.DataFrame({
    "Member": ["A", "A", "A", "A", "A"],
    "DeclNo": ["1", "2", "3", "4", "5"],
    "Lodged": ["31/01/2024 08:00", "01/02/2024 09:30", "garbage", "15/02/2024 10:00", "30/02/2024 10:00x"],
    "Released": ["31/01/2024 10:00", "01/02/2024 09:00", "01/02/2024 09:00", None, None],
    "Chan": ["V", "R", "V", "X", "V"],
    "Amount": ["1.234,50", "10,5", "n/a", "7", None],
})

PROFILE = """\
source: decl
name: test
rename: {Member: member, DeclNo: id, Lodged: lodged, Released: released, Chan: channel, Amount: value}
codes:
  channel: {V: green, R: red}
dates:
  lodged: {format: "%d/%m/%Y %H:%M"}
  released: {format: "%d/%m/%Y %H:%M"}
numbers:
  value: {decimal: ",", thousands: "."}
"""


def test_raw_layout_is_parsed_and_bad_rows_are_accounted(tmp_path):
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(PROFILE, "test.yaml")
    r = pmm.map({"test": RAW}, catalog, profile, period="month", kpis=["n_decl", "total_value", "median_h", "red_rate"])
    acc = r.accounting.iloc[0]
    # row 3 and row 5: unparseable lodgement; row 4: channel X outside the code list
    assert acc["excluded_unparseable"] == 2
    assert acc["excluded_code_outside_list"] == 1
    assert acc["rows_used"] == 2
    assert acc["negative_duration"] == 1  # released before lodged (row 2), used anyway
    jan = r.values[(r.values["period"] == "2024-01")].set_index("kpi")["value"]
    feb = r.values[(r.values["period"] == "2024-02")].set_index("kpi")["value"]
    assert jan["total_value"] == pytest.approx(1234.5)
    assert feb["total_value"] == pytest.approx(10.5)
    assert jan["median_h"] == pytest.approx(2.0)
    assert feb["median_h"] == pytest.approx(-0.5)
    assert feb["red_rate"] == pytest.approx(100.0)


def test_profile_errors_name_file_line_and_hint():
    with pytest.raises(MappingError) as info:
        load_profile_text("source: decl\nrenam: {a: b}\n", "p.yaml")
    assert "p.yaml:2:1" in str(info.value) and "did you mean 'rename'" in str(info.value)
    with pytest.raises(MappingError, match="missing required key 'source'"):
        load_profile_text("rename: {a: b}\n", "p.yaml")
    with pytest.raises(MappingError, match=r"p.yaml:2:\d+.*unsupported directive"):
        load_profile_text("source: decl\ndates: {lodged: {format: '%Q'}}\n", "p.yaml")
    with pytest.raises(MappingError, match="invalid YAML"):
        load_profile_text("source: [decl\n", "p.yaml")


def test_profile_is_checked_against_the_source(tmp_path):
    catalog = small_catalog(tmp_path)
    profile = load_profile_text("source: decl\ncodes:\n  channel: {V: gren}\n", "p.yaml")
    problems = profile.check_against(catalog.sources["decl"], "decl")
    assert len(problems) == 1
    assert problems[0].where == "p.yaml:3:13" and "did you mean 'green'" in problems[0].hint


def test_rename_of_a_missing_column_suggests_the_right_one(tmp_path):
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(PROFILE.replace("DeclNo: id", "DeclNr: id"), "p.yaml")
    with pytest.raises(MappingError, match="'DeclNr' named in 'rename' is not in the table.*did you mean 'DeclNo'"):
        pmm.map({"test": RAW}, catalog, profile)


@pytest.mark.parametrize("expression", [
    "__import__('os').system('id')",
    "channel.__class__",
    "[c for c in channel]",
    "(lambda: 1)()",
    "open('/etc/passwd')",
    "getattr(channel, 'upper')()",
    "channel[0]",
    "eval('1')",
])
def test_escapes_in_profiles_are_rejected_at_load_time(expression):
    text = f'source: decl\nderived:\n  flag: "{expression}"\n'
    with pytest.raises(MappingError) as info:
        load_profile_text(text, "evil.yaml")
    assert "evil.yaml:3" in str(info.value)


@pytest.mark.parametrize("expression", [
    "__import__('os').system('id')", "value.__class__", "[v for v in value]", "(lambda: 1)()", "open('x')",
])
def test_escapes_in_catalogs_are_rejected(tmp_path, expression):
    from pmm.errors import CatalogError
    from tests.mapping.small import CATALOG

    path = tmp_path / "evil.yaml"
    path.write_text(CATALOG.replace("expr: value}", f'expr: "{expression}"}}', 1), encoding="utf-8")
    with pytest.raises(CatalogError):
        pmm.load_catalog(path)


def test_the_compiler_refuses_hand_made_trees():
    import ast

    from pmm.expr import Expression
    from pmm.mapping.compile import compile_expression

    tree = ast.parse("x.__class__", mode="eval").body
    with pytest.raises(ExpressionError, match="cannot be compiled"):
        compile_expression(Expression("x.__class__", tree, frozenset({"x"}), "any"), "pandas")


def test_shipped_kcs_profile_loads():
    assert "kcs" in shipped_profiles()
    assert pmm.load_profile("kcs").constants["member"] == "KOR"
    with pytest.raises(MappingError, match="does not exist"):
        pmm.load_profile("no-such-profile")


@pytest.mark.parametrize("to_polars", [False, True])
def test_time_zone_keeps_wall_clock_periods_and_true_durations(tmp_path, to_polars):
    catalog = small_catalog(tmp_path)
    raw = pd.DataFrame({"member": ["A"], "id": ["1"], "lodged": ["2024-03-31 23:30:00"], "released": ["2024-04-01 01:30:00"]})
    profile = load_profile_text("source: decl\ndates:\n  lodged: {format: '%Y-%m-%d %H:%M:%S', timezone: Asia/Seoul}\n"
                                "  released: {format: '%Y-%m-%d %H:%M:%S', timezone: Asia/Seoul}\n", "tz.yaml")
    if to_polars:
        import polars as pl

        raw = pl.from_pandas(raw)
    r = pmm.map({"decl": raw}, catalog, profile, period="month", kpis=["median_h"])
    assert r.values[["period", "value"]].values.tolist() == [["2024-03", 2.0]]


def test_map_refuses_a_profile_with_non_canonical_codes(tmp_path):
    catalog = small_catalog(tmp_path)
    profile = load_profile_text(PROFILE.replace("R: red", "R: rouge"), "fr.yaml")
    with pytest.raises(MappingError, match=r"fr.yaml:\d+:\d+ \[test\]: code 'rouge' for raw 'R' is not a code of channel"):
        pmm.map({"test": RAW}, catalog, profile)


def test_time_zone_on_duckdb_is_a_clear_error(tmp_path):
    catalog = small_catalog(tmp_path)
    raw = pd.DataFrame({"member": ["A"], "id": ["1"], "lodged": ["2024-03-31 23:30:00"], "released": ["2024-04-01 01:30:00"]})
    profile = load_profile_text("source: decl\ndates:\n  lodged: {format: '%Y-%m-%d %H:%M:%S', timezone: Asia/Seoul}\n"
                                "  released: {format: '%Y-%m-%d %H:%M:%S', timezone: Asia/Seoul}\n", "tz.yaml")
    with pytest.raises(MappingError, match=r"\[decl\]: source 'decl' cannot be mapped on duckdb: .*time ?zone") as info:
        pmm.map({"decl": raw}, catalog, profile, engine="duckdb", kpis=["median_h"])
    assert "engine='polars'" in str(info.value)
