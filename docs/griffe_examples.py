"""A griffe extension for the API reference: pmm's docstrings title their doctests ``Example:``.

griffe's Google parser recognises only ``Examples:`` as a doctest section and renders ``Example:`` as
prose, where ``x[0]['a']`` would read as a Markdown link. This renames the title before parsing.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_TITLE = re.compile(r"^(\s*)Example:\s*$", flags=re.MULTILINE)


class DoctestExamples(griffe.Extension):
    """Treat every ``Example:`` section as an ``Examples:`` (doctest) section."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _TITLE.sub(r"\1Examples:", obj.docstring.value)
