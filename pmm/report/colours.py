"""Maturity-level colours shared by the HTML report, the Excel workbook and the plots.

Level 1 is red, the top level is always the darkest green, whatever the number of levels a
framework declares; levels in between are spread over a red–yellow–green ramp.

Example:
    >>> level_colours(3)
    ['#d7301f', '#fee08b', '#1a9850']
    >>> level_colours(5)[-1] == level_colours(7)[-1] == "#1a9850"
    True
"""

from __future__ import annotations

__all__ = ["RAMP", "level_colours", "text_colour"]

#: The red–yellow–green ramp (ColorBrewer RdYlGn stops); its last stop is the top level's colour.
RAMP: tuple[str, ...] = ("#d7301f", "#fc8d59", "#fee08b", "#91cf60", "#1a9850")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def level_colours(n_levels: int) -> list[str]:
    """The colours of levels ``1 … n_levels`` (``#rrggbb``), red to the darkest green.

    Example:
        >>> level_colours(4)
        ['#d7301f', '#fda96a', '#b5d56e', '#1a9850']
    """
    if n_levels <= 1:
        return [RAMP[-1]] * max(n_levels, 0)
    if n_levels == len(RAMP):
        return list(RAMP)
    out = []
    for i in range(n_levels):
        position = i * (len(RAMP) - 1) / (n_levels - 1)
        low = min(int(position), len(RAMP) - 2)
        t = position - low
        a, b = _rgb(RAMP[low]), _rgb(RAMP[low + 1])
        out.append("#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b)))
    return out


def text_colour(background: str) -> str:
    """Black or white text, whichever reads better on ``background`` (relative luminance).

    Example:
        >>> text_colour("#1a9850"), text_colour("#fee08b")
        ('#ffffff', '#000000')
    """
    r, g, b = (c / 255 for c in _rgb(background))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "#ffffff"
