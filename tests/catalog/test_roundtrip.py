"""Property: any valid catalog dumps to YAML and loads back identically."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmm
from pmm.catalog.models import DISCLOSURE_ORDER, Framework, Group, Kpi, Source

SOURCE = Source(
    time="ts",
    key=("id",),
    fields={
        "member": {"type": "string", "required": True},
        "id": {"type": "string", "required": True},
        "ts": {"type": "datetime", "required": True},
        "done_ts": {"type": "datetime"},
        "value": {"type": "float"},
        "flag": {"type": "boolean"},
        "kind": {"type": "category", "codes": ["a", "b", "c"]},
    },
)
DEFINITIONS = [
    {"type": "reported"},
    {"type": "reported", "question": "How many?"},
    {"type": "simple", "source": "s", "agg": "count", "filter": 'kind == "a"'},
    {"type": "simple", "source": "s", "agg": "quantile", "q": 0.9, "expr": "hours(done_ts - ts)"},
    {"type": "simple", "source": "s", "agg": "share", "expr": "flag and value > 10", "scale": 100},
    {"type": "ratio", "source": "s", "numerator": {"agg": "sum", "expr": "value", "filter": "flag"},
     "denominator": {"agg": "sum", "expr": "value"}, "scale": 100},
    {"type": "derived", "source": "s", "measures": {"a": {"agg": "count"}, "b": {"agg": "count_distinct", "expr": "kind"}},
     "expr": "a / b"},
    {"type": "variation", "measure": {"source": "s", "agg": "count"}},
]

ids = st.text(string.ascii_lowercase, min_size=1, max_size=6).map(lambda s: "n_" + s)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def catalogs(draw):
    levels = draw(st.integers(2, 6))
    node_ids = draw(st.lists(ids, min_size=2, max_size=14, unique=True))
    n_groups = draw(st.integers(0, len(node_ids) - 1))
    group_ids, kpi_ids = node_ids[:n_groups], node_ids[n_groups:]
    groups = []
    for i, gid in enumerate(group_ids):  # a group's parent is an earlier group or the root: no cycles
        parent = draw(st.sampled_from([None, *group_ids[:i]]))
        groups.append({"id": gid, "name": gid.upper(), "parent": parent, "weight": draw(st.floats(0.1, 10)),
                       "kind": draw(st.sampled_from(["dimension", "outcome", "group"]))})
    # every group needs a child: give each childless group one KPI, the rest go anywhere
    has_child = {g["parent"] for g in groups}
    childless = [g["id"] for g in groups if g["id"] not in has_child]
    if len(childless) > len(kpi_ids):
        return draw(catalogs())
    kpis = []
    for i, kid in enumerate(kpi_ids):
        parent = childless[i] if i < len(childless) else draw(st.sampled_from([None, *group_ids]))
        direction = draw(st.sampled_from(["higher", "lower", "target"]))
        cuts = sorted(draw(st.lists(finite, min_size=levels - 1, max_size=levels - 1, unique=True)))
        if direction != "higher":
            cuts = cuts[::-1]
        maturity = draw(st.sampled_from([
            None,
            {"thresholds": cuts, "inclusive": draw(st.booleans()), "rationale": "because"},
            {"answers": {f"answer {j}": draw(st.integers(1, levels)) for j in range(3)}},
        ]))
        kpi = {"id": kid, "name": f"KPI {kid}", "parent": parent, "unit": draw(st.sampled_from(["percent", "hours", "count"])),
               "direction": direction, "definition": draw(st.sampled_from(DEFINITIONS)), "maturity": maturity,
               "disclosure": draw(st.sampled_from(DISCLOSURE_ORDER)),
               "tags": draw(st.lists(st.sampled_from(["pmm:v1", "SDG:16.4", "WCO:SAFE"]), unique=True))}
        if direction == "target" or draw(st.booleans()):
            kpi["target"] = draw(finite)
        if draw(st.booleans()):
            lo, hi = sorted(draw(st.lists(finite, min_size=2, max_size=2, unique=True)))
            kpi["goalposts"] = {"lower": lo, "upper": hi}
        if draw(st.booleans()):
            kpi["baseline"] = draw(finite)
        kpis.append(Kpi.model_validate(kpi))
    framework = Framework(id="root", name="Root", levels=tuple(f"L{i}" for i in range(1, levels + 1)),
                          scoring=draw(st.sampled_from([None, {"normalise": {"method": "minmax", "range": [0, 100]}}])),
                          weight_sets=draw(st.sampled_from([{}, {"alt": {kpi_ids[0]: 2.0}}])))
    return pmm.Catalog(framework, {"s": SOURCE}, [Group.model_validate(g) for g in groups], kpis)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(catalog=catalogs())
def test_random_catalogs_round_trip_through_yaml(catalog, tmp_path_factory):
    path = tmp_path_factory.mktemp("rt") / "catalog.yaml"
    path.write_text(catalog.to_yaml(), encoding="utf-8")
    again = pmm.load_catalog(path)
    assert again == catalog
    assert again.hash == catalog.hash
    assert again.kpis == catalog.kpis and again.groups == catalog.groups  # model equality, not just dicts
    assert again.to_yaml() == catalog.to_yaml()


def test_shipped_catalogs_round_trip(tmp_path):
    from pmm.catalog.shipped import shipped_catalogs

    assert {"wco-pmm", "rbm-example", "wto-ta"} <= set(shipped_catalogs())
    for name in shipped_catalogs():
        catalog = pmm.load_catalog(name)
        path = tmp_path / f"{name}.yaml"
        path.write_text(catalog.to_yaml(), encoding="utf-8")
        assert pmm.load_catalog(path) == catalog
