"""``pmm uncertainty``: the CSV outputs, the sensitivity table, and bad vary files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pmm.cli import main


@pytest.fixture(scope="module")
def values_csv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ua") / "demo"
    assert main(["demo", "-o", str(folder), "--members", "6", "--seed", "1", "-q"]) == 0
    return folder / "kpi_values.csv"


def test_uncertainty_writes_rank_stats_runs_and_sensitivity(values_csv, tmp_path, capsys):
    vary = tmp_path / "vary.yaml"
    vary.write_text("aggregate.method: [arithmetic, median]\nweights: {noise: 0.2, levels: [1, 2]}\n")
    out = tmp_path / "out"
    assert main(["uncertainty", "wco-pmm", str(values_csv), "--vary", str(vary), "-n", "40", "--sensitivity",
                 "--bootstrap", "20", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "first_order" in printed and "wrote" in printed
    stats = pd.read_csv(out / "rank_stats.csv")
    assert stats.columns.tolist()[:2] == ["member", "node"] and {"nominal", "q5", "q95"} <= set(stats.columns)
    assert stats["member"].nunique() == 6
    assert len(pd.read_csv(out / "runs.csv")) == 40 * 4
    assert pd.read_csv(out / "sensitivity.csv")["input"].tolist() == ["aggregate.method", "weights"]
    assert main(["uncertainty", "wco-pmm", str(values_csv), "--vary", str(vary), "-n", "5", "-o", str(out)]) == 1


def test_the_issue_command_line_writes_the_default_folder(values_csv, tmp_path, monkeypatch):
    vary = tmp_path / "vary.yaml"
    vary.write_text("aggregate.method: [arithmetic, median]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["uncertainty", "wco-pmm", str(values_csv), "--vary", str(vary), "-n", "10", "-q"]) == 0
    assert (tmp_path / "pmm-uncertainty" / "rank_stats.csv").is_file()


@pytest.mark.parametrize(("text", "message"), [("[1, 2]", "maps method paths"),
                                               ("normalize: [{method: zscore}]", "vary 'normalize'")])
def test_a_bad_vary_file_is_an_error(values_csv, tmp_path, capsys, text, message):
    vary = tmp_path / "vary.yaml"
    vary.write_text(text + "\n")
    assert main(["uncertainty", "wco-pmm", str(values_csv), "--vary", str(vary), "-n", "5",
                 "-o", str(tmp_path / "o")]) == 1
    assert message in capsys.readouterr().err
