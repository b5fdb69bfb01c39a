"""Loading catalogs: the shipped ones, and every kind of fault reported at once with file:line."""

import re
import shutil
from pathlib import Path

import pytest

import pmm
from pmm.errors import CatalogError

REPO = Path(__file__).resolve().parents[2]


def test_shipped_wco_pmm_catalog_has_the_published_shape():
    cat = pmm.load_catalog(REPO / "indicators" / "wco-pmm")
    dimensions = cat.children(cat.root)
    assert [cat.name(d) for d in dimensions] == [
        "Trade Facilitation and Economic Competitiveness",
        "Revenue Collection",
        "Enforcement, Security and Protection of Society",
        "Organizational Development",
    ]
    outcomes = [g for d in dimensions for g in cat.children(d) if cat.kind(g) == "group"]
    assert len(outcomes) >= 20
    assert len(cat.kpis) >= 45
    # every KPI sits under an outcome, which sits under a dimension
    assert all(cat.ancestors(k)[1] in dimensions for k in cat.kpi_ids)
    # the PMM v1 KPI names published by the WCO are all there
    names = {k.name for k in cat.kpis}
    for published in ["Rate of electronic declarations", "AEO involvement in trade", "Share of e-commerce shipments"]:
        assert published in names
    assert all(k.maturity is not None and k.maturity.rationale for k in cat.kpis)


def test_shipped_catalogs_load_by_name():
    assert pmm.load_catalog("rbm-example").root == "rbm"
    assert pmm.load_catalog("wco-pmm") == pmm.load_catalog(REPO / "indicators" / "wco-pmm")


def test_four_planted_faults_are_reported_together_with_file_and_line(tmp_path):
    copy = tmp_path / "wco"
    shutil.copytree(REPO / "indicators" / "wco-pmm", copy)
    dim = copy / "1-trade-facilitation.yaml"
    lines = dim.read_text(encoding="utf-8").splitlines()

    def line_of(pattern: str, start: int = 0) -> int:
        return next(i for i in range(start, len(lines)) if re.search(pattern, lines[i]))

    # 1. misspelt key: 'weight' → 'weigth' on a new line after the first KPI's id
    k1 = line_of(r"^  - id: tf_e_declarations")
    lines.insert(k1 + 1, "    weigth: 2")
    # 2. duplicate id: the release-within-24h KPI takes the median KPI's id
    k3 = line_of(r"^  - id: tf_release_24h")
    lines[k3] = "  - id: tf_release_median_h"
    # 3. non-monotone thresholds on that same KPI
    t3 = line_of(r"thresholds:", k3)
    lines[t3] = "      thresholds: [40, 80, 60, 95]"
    # 4. unknown parent on the median KPI
    k2 = line_of(r"^  - id: tf_release_median_h")
    p2 = line_of(r"^    parent:", k2)
    lines[p2] = "    parent: tf.relase"
    dim.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CatalogError) as info:
        pmm.load_catalog(copy)
    problems = info.value.problems
    name = str(dim)

    def find(code: str):
        found = [p for p in problems if p.code == code]
        assert found, f"no {code} problem in {problems}"
        return found[0]

    misspelt = find("unknown_key")
    assert misspelt.where == f"{name}:{k1 + 2}:5" and "did you mean 'weight'?" in misspelt.hint
    duplicate = find("duplicate_id")
    assert duplicate.where == f"{name}:{k3 + 1}:5" and duplicate.node == "tf_release_median_h"
    assert f"{name}:{k2 + 1}:5" in duplicate.message  # points at the first declaration
    thresholds = next(p for p in problems if "ascending" in p.message)
    assert thresholds.where == f"{name}:{t3}:5"  # the 'maturity:' key just above the list
    parent = find("unknown_parent")
    assert parent.where == f"{name}:{p2 + 1}:5" and "did you mean 'tf.release'?" in parent.hint
    assert len(problems) == 4, problems


def test_python_tags_are_refused_and_nothing_runs(write_catalog, framework_yaml, tmp_path):
    marker = tmp_path / "pwned"
    root = write_catalog({"fw.yaml": framework_yaml + f"  evil: !!python/object/apply:os.system ['touch {marker}']\n"})
    with pytest.raises(CatalogError, match="tag .* is not allowed") as info:
        pmm.load_catalog(root)
    assert not marker.exists()
    assert re.search(r"fw\.yaml:\d+:\d+", str(info.value))


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!!python/name:os.system", "!!set", "!!binary"])
def test_other_non_plain_tags_are_refused(write_catalog, framework_yaml, tag):
    root = write_catalog({"fw.yaml": framework_yaml + f"  x: {tag} {{}}\n" if tag != "!!binary" else framework_yaml + "  x: !!binary aGk=\n"})
    with pytest.raises(CatalogError, match="not allowed"):
        pmm.load_catalog(root)


def test_alias_bomb_is_refused(write_catalog, framework_yaml):
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        bomb.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    root = write_catalog({"fw.yaml": framework_yaml, "bomb.yaml": "\n".join(bomb) + "\n"})
    with pytest.raises(CatalogError, match="alias bomb"):
        pmm.load_catalog(root)


def test_structural_faults_are_all_reported(write_catalog, framework_yaml):
    root = write_catalog({
        "fw.yaml": framework_yaml,
        "kpis.yaml": """\
            groups:
              - {id: g1, name: G1, parent: g2}
              - {id: g2, name: G2, parent: g1}
              - {id: g3, name: Empty}
              - {id: g4, name: Heavy, weight: 0}
            kpis:
              - id: k1
                name: K1
                parent: g1
                unit: hours
                direction: lower
                definition: {type: simple, source: declarations, agg: median, expr: "hours(release_ts - lodgement)"}
              - id: k2
                name: K2
                parent: k1
                unit: percent
                direction: higher
                definition: {type: ratio, source: declaratons, numerator: {agg: count}, denominator: {agg: count}}
              - id: k3
                name: K3
                parent: g4
                unit: percent
                direction: higher
                definition: {type: simple, source: declarations, agg: share, expr: "channel.__class__"}
              - id: k4
                name: K4
                unit: count
                direction: higher
                definition: {type: simple, source: declarations, agg: count}
                maturity: {thresholds: [1, 2]}
            """,
    })
    with pytest.raises(CatalogError) as info:
        pmm.load_catalog(root)
    text = str(info.value)
    codes = {p.code for p in info.value.problems}
    assert "cycle in the framework tree" in text
    assert "group 'g3' has no children" in text
    assert "greater than 0" in text  # weight 0
    assert "unknown field 'lodgement'" in text and "did you mean 'lodgement_ts'?" in text
    assert "parent 'k1' is a KPI" in text
    assert "unknown source 'declaratons'" in text and "did you mean 'declarations'?" in text
    assert "attribute access" in text
    assert "expected 4 maturity thresholds for 5 levels, found 2" in text
    assert {"cycle", "empty_group", "unknown_parent", "unknown_source", "expression", "threshold_count"} <= codes
    assert all(re.search(r"kpis\.yaml:\d+:\d+", p.where) for p in info.value.problems)


def test_missing_required_field_and_unknown_top_level_key(write_catalog, framework_yaml):
    root = write_catalog({"fw.yaml": framework_yaml, "k.yaml": "kpi:\n  - id: x\nkpis:\n  - id: k\n    unit: count\n"})
    with pytest.raises(CatalogError) as info:
        pmm.load_catalog(root)
    text = str(info.value)
    assert "unknown top-level key 'kpi'" in text and "did you mean 'kpis'?" in text
    assert "missing required field 'name'" in text and "missing required field 'direction'" in text
    assert "k.yaml:4:5" in text


def test_yaml_syntax_error_names_the_line(write_catalog, framework_yaml):
    root = write_catalog({"fw.yaml": framework_yaml, "k.yaml": "kpis:\n  - id: k\n    name: [unclosed\n"})
    with pytest.raises(CatalogError, match=r"k\.yaml:\d+:\d+: invalid YAML"):
        pmm.load_catalog(root)


def test_duplicate_yaml_keys_are_refused(write_catalog, framework_yaml):
    root = write_catalog({"fw.yaml": framework_yaml, "k.yaml": "kpis:\n  - id: k\n    name: A\n    name: B\n"})
    with pytest.raises(CatalogError, match=r"k\.yaml:4:5: duplicate key 'name'"):
        pmm.load_catalog(root)


def test_exactly_one_framework_block(write_catalog, framework_yaml):
    root = write_catalog({"a.yaml": framework_yaml, "b.yaml": framework_yaml.replace("id: fw", "id: fw2").split("sources:")[0]})
    with pytest.raises(CatalogError, match="expected exactly one 'framework:' block, found 2"):
        pmm.load_catalog(root)


def test_missing_path_lists_the_shipped_catalogs(tmp_path):
    with pytest.raises(CatalogError, match="does not exist.*wco-pmm"):
        pmm.load_catalog(tmp_path / "nope")


def test_unknown_weight_set_node_and_bad_weight(write_catalog, framework_yaml):
    fw = framework_yaml.replace("  name: Test framework\n", "  name: Test framework\n  weight_sets:\n    alt: {kk: 2, k: -1}\n")
    root = write_catalog({"fw.yaml": fw, "k.yaml": "kpis:\n  - {id: k, name: K, unit: count, direction: higher}\n"})
    with pytest.raises(CatalogError) as info:
        pmm.load_catalog(root)
    text = str(info.value)
    assert "weight set 'alt' names unknown node 'kk'" in text
    assert "weight of 'k' must be > 0" in text
