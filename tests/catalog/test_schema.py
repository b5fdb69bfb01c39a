"""The shipped JSON Schema matches the models, and shipped YAML files point at it."""

import json
import re
from pathlib import Path

import pmm
from pmm.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_shipped_schema_has_not_drifted_from_the_models():
    shipped = json.loads((REPO / "indicators" / "pmm-catalog.schema.json").read_text(encoding="utf-8"))
    assert shipped == pmm.json_schema(), "regenerate with: pmm schema -o indicators/pmm-catalog.schema.json --force"


def test_schema_describes_every_kpi_field():
    kpi = pmm.json_schema()["$defs"]["Kpi"]
    assert {"id", "name", "unit", "direction", "definition", "maturity", "disclosure", "tags", "weight"} <= set(kpi["properties"])
    assert kpi["additionalProperties"] is False
    assert kpi["properties"]["direction"]["enum"] == ["higher", "lower", "target"]


def test_shipped_yaml_files_reference_the_schema():
    for path in (REPO / "indicators").rglob("*.yaml"):
        first_lines = path.read_text(encoding="utf-8").splitlines()[:3]
        assert any("yaml-language-server: $schema=../pmm-catalog.schema.json" in line for line in first_lines), path


def test_cli_schema_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == pmm.json_schema()
    assert main(["schema", "-o", str(out)]) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["schema", "-o", str(out), "--force"]) == 0


def test_cli_validate_prints_the_tree_or_the_errors(tmp_path, capsys):
    assert main(["validate", "rbm-example"]) == 0
    out = capsys.readouterr().out
    assert "women_share: Share of women among participants (percent, target, derived)" in out
    assert "6 KPIs" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("framework: {id: x, name: X}\nkpis:\n  - {id: k, name: K, unit: u, direction: up}\n")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(bad))}:3:\d+ \[k\]: direction:", err) and "'higher', 'lower' or 'target'" in err
