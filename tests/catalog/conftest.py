"""Helpers for catalog tests: write small catalogs to temporary files."""

import textwrap
from pathlib import Path

import pytest

FRAMEWORK = """\
framework:
  id: fw
  name: Test framework
sources:
  declarations:
    time: lodgement_ts
    key: [declaration_id]
    fields:
      member: {type: string, required: true}
      declaration_id: {type: string, required: true}
      lodgement_ts: {type: datetime, required: true}
      release_ts: {type: datetime}
      channel: {type: category, codes: [green, red]}
"""


@pytest.fixture
def framework_yaml() -> str:
    """A minimal framework block with one canonical source."""
    return FRAMEWORK


@pytest.fixture
def write_catalog(tmp_path: Path):
    """Write ``{filename: yaml_text}`` into a fresh directory and return its path."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "cat"
        root.mkdir(exist_ok=True)
        for name, text in files.items():
            (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write
