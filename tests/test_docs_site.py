"""The documentation site builds with ``mkdocs build --strict``: guides, API reference, notebooks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbconvert

ROOT = Path(__file__).resolve().parents[1]


def test_docs_site_builds_strict(tmp_path: Path) -> None:
    # nbconvert's page templates live under the prefix it was installed into (share/jupyter)
    templates = Path(nbconvert.__file__).resolve().parents[4] / "share" / "jupyter"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "JUPYTER_PATH": os.pathsep.join(filter(None, [str(templates), os.environ.get("JUPYTER_PATH")]))}
    site = tmp_path / "site"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "pmm.scoring.engine.score" in api and "Scorecard" in api
    notebooks = sorted(p.name for p in (ROOT / "examples" / "notebooks").glob("*.ipynb"))
    assert notebooks and all((site / "notebooks" / Path(n).stem / "index.html").is_file() for n in notebooks)
