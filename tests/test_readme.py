"""README.md stays true: its first command's folder names exist and its Python example runs."""

import re
import runpy
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_python_example_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "README.md has no Python example"
    script = tmp_path / "readme_example.py"
    script.write_text(blocks[0] + "\nRESULT = card\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path(str(script))
    card = namespace["RESULT"]
    index = card.scores[card.scores["kind"] == "index"]
    assert index["member"].nunique() == 22 and sorted(index["period"].unique()) == [2022, 2023, 2024]
    assert (tmp_path / "scorecard.xlsx").stat().st_size > 0
    assert isinstance(card.benchmark(by="region"), pd.DataFrame)


def test_readme_opens_with_the_two_commands():
    commands = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    assert commands[0].strip().endswith("pmm demo")
    assert "<!-- test-command -->" in README.split(commands[1])[0]
    assert "pytest" in commands[1]
