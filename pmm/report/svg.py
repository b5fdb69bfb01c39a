"""Matplotlib figures as inline SVG for the HTML report (text kept as text, ids unique per figure).

Example:
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2], [3, 4])
    >>> svg = figure_svg(fig, "demo", "a line")
    >>> svg.startswith("<svg") and 'aria-label="a line"' in svg
    True
"""

from __future__ import annotations

import io
import re
from typing import Any

__all__ = ["figure_svg"]

_ID = re.compile(r'id="([^"]+)"')


def figure_svg(fig: Any, prefix: str, label: str, *, tight: bool = True) -> str:
    """Render a matplotlib figure as an ``<svg>`` element for inline HTML, then close the figure.

    Element ids get ``prefix`` so that many figures can share one page; the SVG gets
    ``role="img"`` and an ``aria-label``.

    Args:
        fig: the matplotlib Figure.
        prefix: a prefix unique within the page (letters, digits, ``-``).
        label: the accessible description of the chart.
        tight: crop to the drawn content (an extra layout pass; pass ``False`` when the figure's
            margins are already set, which is about twice as fast).
    """
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        fig.savefig(buffer, format="svg", **({"bbox_inches": "tight"} if tight else {}))
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    ids = set(_ID.findall(text))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        text = text.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})").replace(
            f'href="#{old}"', f'href="#{new}"')
    safe_label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return text.replace("<svg ", f'<svg role="img" aria-label="{safe_label}" class="chart" ', 1)
