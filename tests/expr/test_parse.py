"""The safe expression language: what it accepts, what it refuses, and how it fails."""

import time

import pytest

from pmm.errors import ExpressionError
from pmm.expr import parse_expression

FIELDS = {
    "channel": "category", "flow": "category", "inspected": "boolean", "finding": "boolean",
    "lodgement_ts": "datetime", "release_ts": "datetime", "arrival_ts": "datetime",
    "customs_value": "float", "duty": "float", "hs_code": "string", "d": "date",
}


@pytest.mark.parametrize(
    ("text", "expected_type", "names"),
    [
        ('channel == "red"', "boolean", {"channel"}),
        ('channel in ["red", "orange"] and not finding', "boolean", {"channel", "finding"}),
        ("hours(release_ts - lodgement_ts)", "number", {"release_ts", "lodgement_ts"}),
        ("days(release_ts - arrival_ts) <= 1", "boolean", {"release_ts", "arrival_ts"}),
        ("duty / customs_value * 100", "number", {"duty", "customs_value"}),
        ("-customs_value + 1 % 3", "number", {"customs_value"}),
        ("year(d) == 2024 or month(lodgement_ts) > 6", "boolean", {"d", "lodgement_ts"}),
        ("is_null(release_ts)", "boolean", {"release_ts"}),
        ("coalesce(duty, 0)", "number", {"duty"}),
        ('startswith(hs_code, "22")', "boolean", {"hs_code"}),
        ("if_else(inspected, customs_value, 0)", "number", {"inspected", "customs_value"}),
        ('hs_code not in ["2203", "2204"]', "boolean", {"hs_code"}),
        ("abs(hours(release_ts - arrival_ts))", "number", {"release_ts", "arrival_ts"}),
        ("1 < customs_value <= 10", "boolean", {"customs_value"}),
    ],
)
def test_accepted_expressions_have_their_type_and_names(text, expected_type, names):
    e = parse_expression(text, FIELDS)
    assert e.type == expected_type
    assert e.names == frozenset(names)
    assert e.text == text


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os')", "__import__"),
        ("__import__('os').system('id')", "attribute"),
        ("x.__class__", "attribute"),
        ("channel.__class__.__mro__", "attribute"),
        ("[a for a in b]", "comprehension"),
        ("{a: 1 for a in b}", "comprehension"),
        ("(a for a in b)", "generator"),
        ("lambda: 1", "lambda"),
        ("open('f')", "unknown function 'open'"),
        ("eval('1')", "unknown function 'eval'"),
        ("9**9**9**9", "no power operator"),
        ("customs_value[0]", "indexing"),
        ("(x := 1)", "assignment"),
        ("f'{channel}'", "f-string"),
        ("channel is None", "'is'"),
        ("1 if inspected else 0", "conditional expression"),
        ("hours(release_ts - lodgement_ts, 2)", "takes 1 argument"),
        ("hours(customs_value)", "expected duration"),
        ("startswith(hs_code, channel)", "text literal"),
        ("inspected and 1", "expected boolean"),
        ("coalesce(duty, 'x')", "one type"),
        ("unknown_field > 1", "unknown field 'unknown_field'"),
        ("channel in flow", "list of literals"),
        ("", "empty"),
        ("a +", "syntax error"),
        ("hours", "must be called"),
        ("_private == 1", "may not start with '_'"),
        ("customs_value // 2", "'//'"),
        ("customs_value ** 2", "no power operator"),
    ],
)
def test_refused_expressions_raise_expression_error(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, FIELDS)
    assert fragment in str(info.value)


def test_unknown_field_error_names_the_known_fields_and_suggests_the_closest():
    with pytest.raises(ExpressionError) as info:
        parse_expression("relase_ts > lodgement_ts", FIELDS, where="k.yaml:3:9", node="kpi1")
    message = str(info.value)
    assert "k.yaml:3:9" in message and "[kpi1]" in message
    assert "did you mean 'release_ts'?" in message
    assert "lodgement_ts" in message  # the known fields are listed


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "not " * 10_000 + "inspected",
        "-" * 10_000 + "1",
        " + ".join(["customs_value"] * 10_000),
        "hours(" * 10_000 + "release_ts - lodgement_ts" + ")" * 10_000,
    ],
)
def test_deep_or_huge_expressions_fail_fast_without_recursion_error(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, FIELDS)
    assert time.perf_counter() - start < 2  # a guard against hangs, not a benchmark
    assert "limit" in str(info.value)


def test_nesting_just_inside_the_limit_is_accepted():
    e = parse_expression("(" * 10 + "customs_value" + ")" * 10 + " + 1", FIELDS)
    assert e.type == "number"


def test_filter_must_be_boolean_and_measure_must_be_number():
    with pytest.raises(ExpressionError, match="expected a boolean expression, found a number"):
        parse_expression("customs_value", FIELDS, expect="boolean")
    with pytest.raises(ExpressionError, match="expected a number expression, found a boolean"):
        parse_expression("inspected", FIELDS, expect="number")


def test_names_without_types_are_accepted_as_any():
    e = parse_expression("a / b * 100", ["a", "b"], expect="number")
    assert e.names == {"a", "b"}
    with pytest.raises(ExpressionError, match="unknown field 'c'"):
        parse_expression("a / c", ["a", "b"])


def test_parsing_never_evaluates(tmp_path):
    marker = tmp_path / "pwned"
    text = f"__import__('os').system('touch {marker}')"
    with pytest.raises(ExpressionError):
        parse_expression(text)
    assert not marker.exists()


def test_category_codes_are_checked_in_comparisons_and_lists():
    codes = {"channel": ["green", "yellow", "orange", "red"]}
    assert parse_expression('channel == "red"', FIELDS, codes=codes).type == "boolean"
    assert parse_expression('"red" != channel', FIELDS, codes=codes).type == "boolean"
    with pytest.raises(ExpressionError, match="'purple' is not a code of 'channel'"):
        parse_expression('channel == "purple"', FIELDS, codes=codes)
    with pytest.raises(ExpressionError, match="did you mean 'yellow'"):
        parse_expression('channel in ["red", "yelow"]', FIELDS, codes=codes)


def test_in_lists_are_type_checked():
    with pytest.raises(ExpressionError, match="cannot compare string with number"):
        parse_expression('hs_code in ["2203", 2204]', FIELDS)


def test_a_field_may_share_its_name_with_a_function():
    e = parse_expression("month(month) == 12", {"month": "date"})
    assert e.names == {"month"}
    with pytest.raises(ExpressionError, match="must be called"):
        parse_expression("month == 12", {"x": "date"})
