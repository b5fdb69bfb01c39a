"""KPI models: maturity levels by hand-computed cut points, and per-item validation."""

import pytest
from pydantic import ValidationError

from pmm.catalog.models import Kpi, Measure, Source


def kpi(direction="higher", thresholds=(10, 20, 30, 40), inclusive=True, **extra):
    return Kpi(id="k", name="K", unit="percent", direction=direction,
               maturity={"thresholds": list(thresholds), "inclusive": inclusive}, **extra)


@pytest.mark.parametrize(("value", "level"), [(-5, 1), (9.99, 1), (10, 2), (25, 3), (40, 5), (1e9, 5)])
def test_higher_is_better_levels_reach_the_higher_level_at_a_cut_point(value, level):
    assert kpi().level_of(value) == level


@pytest.mark.parametrize(("value", "level"), [(10, 1), (10.01, 2), (40, 4), (40.5, 5)])
def test_exclusive_boundaries_need_to_pass_the_cut_point(value, level):
    assert kpi(inclusive=False).level_of(value) == level


@pytest.mark.parametrize(("value", "level"), [(100, 1), (72, 2), (48.5, 2), (48, 3), (6, 5), (0, 5)])
def test_lower_is_better_uses_descending_cut_points(value, level):
    assert kpi("lower", (72, 48, 24, 6)).level_of(value) == level


@pytest.mark.parametrize(("value", "level"), [(5, 5), (3, 5), (7, 5), (8, 4), (1, 3), (12, 2), (-10, 1)])
def test_target_band_scores_the_distance_to_the_band(value, level):
    # band [3, 7]; distance 0 → 5, ≤1 → 4, ≤3 → 3, ≤5 → 2, else 1
    k = kpi("target", (5, 3, 1, 0), band=(3, 7))
    assert k.level_of(value) == level


def test_categorical_answers_map_to_levels_and_unknown_answers_have_none():
    k = Kpi(id="k", name="K", unit="stage", direction="higher",
            maturity={"answers": {"no": 1, "partial": 3, "yes": 5}})
    assert k.categorical
    assert [k.level_of(a) for a in ("no", "partial", "yes", "maybe")] == [1, 3, 5, None]


def test_missing_value_has_no_level():
    assert kpi().level_of(None) is None
    assert kpi().level_of(float("nan")) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"direction": "higher", "maturity": {"thresholds": [1, 3, 2, 4]}}, "strictly ascending"),
        ({"direction": "lower", "maturity": {"thresholds": [1, 2, 3, 4]}}, "strictly descending"),
        ({"direction": "target"}, "needs a 'target' value or a 'band'"),
        ({"direction": "higher", "weight": 0}, "greater than 0"),
        ({"direction": "higher", "maturity": {}}, "either 'thresholds'"),
        ({"direction": "higher", "goalposts": {"lower": 5, "upper": 1}}, "lower < upper"),
        ({"direction": "sideways"}, "'higher', 'lower' or 'target'"),
        ({"direction": "higher", "id": "1abc"}, "should match pattern"),
    ],
)
def test_invalid_kpis_are_refused_with_a_reason(kwargs, message):
    base = {"id": "k", "name": "K", "unit": "percent"}
    with pytest.raises(ValidationError, match=message):
        Kpi(**{**base, **kwargs})


def test_definition_shorthand_and_inherited_sources():
    assert Kpi(id="k", name="K", unit="x", direction="higher", definition="reported").definition.type == "reported"
    k = Kpi(id="k", name="K", unit="percent", direction="higher",
            definition={"type": "ratio", "source": "declarations", "numerator": {"agg": "count", "filter": "x"},
                        "denominator": {"agg": "count"}, "scale": 100})
    assert k.definition.numerator.source == k.definition.denominator.source == "declarations"
    assert k.computed and not k.requires_previous_period
    v = Kpi(id="v", name="V", unit="percent", direction="higher",
            definition={"type": "variation", "measure": {"source": "seizures", "agg": "count"}})
    assert v.requires_previous_period and v.definition.lag == 1


@pytest.mark.parametrize(
    ("measure", "message"),
    [
        ({"source": "s", "agg": "quantile", "expr": "x"}, "needs 'q'"),
        ({"source": "s", "agg": "mean"}, "needs an 'expr'"),
        ({"source": "s", "agg": "count", "q": 0.5}, "only used with agg 'quantile'"),
        ({"source": "s", "agg": "quantile", "expr": "x", "q": 1.5}, "less than 1"),
    ],
)
def test_measure_arguments(measure, message):
    with pytest.raises(ValidationError, match=message):
        Measure(**measure)


def test_source_contract_checks_its_references():
    with pytest.raises(ValidationError, match="time field 'when' is not among"):
        Source(time="when", fields={"member": {"type": "string"}})
    with pytest.raises(ValidationError, match="must be a date or datetime"):
        Source(time="member", fields={"member": {"type": "string"}})
    with pytest.raises(ValidationError, match="needs a non-empty list of 'codes'"):
        Source(fields={"member": {"type": "string"}, "c": {"type": "category"}})
