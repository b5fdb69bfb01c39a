"""Light inline SVG charts of the HTML report, written as text (no matplotlib): radar, trend, rank ranges.

A report has two charts per member; drawing them with matplotlib took most of the report's time.
These are plain SVG with the text kept as text, a ``viewBox`` wide enough for every label (nothing
is cut), and ``role="img"`` with an ``aria-label``. Missing scores are left out of the shapes.

Example:
    >>> svg = radar_svg(["Trade", "Revenue", "Enforcement"], [80, 40, None], [50, 50, 50],
    ...                 label="Radar of AAA", own_label="AAA", peer_label="median of all (n=3)")
    >>> svg.startswith("<svg") and 'aria-label="Radar of AAA"' in svg and svg.count("<polygon") == 7
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["radar_svg", "trend_svg", "small_multiples_svg", "rank_range_svg", "wrap_label", "MEMBER_COLOUR",
           "PEER_COLOUR", "SERIES_COLOURS"]

MEMBER_COLOUR, PEER_COLOUR = "#1f5fa8", "#8c8c8c"
#: Line colours of the dimensions in the trend chart (the overall index is drawn in near-black).
SERIES_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


def _finite(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def wrap_label(text: str, width: int = 18, lines: int = 3) -> list[str]:
    """Split ``text`` into at most ``lines`` lines of about ``width`` characters (the last one ellipsised).

    Example:
        >>> wrap_label("Enforcement, Security and Protection of Society")
        ['Enforcement,', 'Security and', 'Protection of…']
    """
    out: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1] + "…"
    return out


def _text(x: float, y: float, lines: Sequence[str], *, anchor: str = "middle", size: int = 11,
          colour: str = "#1d2733", line_height: float = 1.2) -> str:
    if len(lines) == 1:
        return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{colour}">'
                f'{escape(lines[0])}</text>')
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_height:.1f}em">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{colour}">{spans}</text>'


def _open(width: int, height: int, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(label)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {_FONT}>')


def radar_svg(axes: Sequence[str], own: Sequence[float | None], peers: Sequence[float | None], *, label: str,
              own_label: str, peer_label: str, top: float = 100.0, title: str = "") -> str:
    """A radar (spider) chart of one member's scores against its peers' median, as inline SVG.

    Args:
        axes: the axis labels (dimension names), clockwise from the top.
        own: the member's score on each axis (``None``/NaN when missing).
        peers: the peer median on each axis.
        label: the accessible description (``aria-label``).
        own_label, peer_label: the legend entries.
        top: the value at the outer ring (raised to the largest score when one is above it).
        title: a line above the chart.
    """
    n = len(axes)
    values = [v for v in (*own, *peers) if _finite(v)]
    top = max([top, *values]) if values else top
    width, height, cx, cy, radius = 540, 410, 270.0, 200.0, 112.0

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(value, 0.0) / top
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [_open(width, height, label)]
    if title:
        parts.append(_text(cx, 18, [title], size=13))
    for ring in (0.2, 0.4, 0.6, 0.8, 1.0):  # grid
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring * top) for i in range(n)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#d9dee5" stroke-width="1"/>')
        parts.append(_text(cx + 3, cy - radius * ring + 10, [f"{ring * top:g}"], anchor="start", size=9,
                           colour="#5b6776"))
    for i, name in enumerate(axes):
        x, y = point(i, top)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d9dee5"/>')
        lx, ly = point(i, top * 1.1)
        dx = lx - cx
        anchor = "middle" if abs(dx) < 8 else ("start" if dx > 0 else "end")
        lines = wrap_label(name, lines=4)
        if ly < cy - radius * 0.5:
            ly -= 13.2 * (len(lines) - 1)  # labels above the chart grow upwards
        elif abs(ly - cy) <= radius * 0.5:
            ly -= 6.6 * (len(lines) - 1)
        parts.append(_text(lx, ly + 4, lines, anchor=anchor))
    for series, colour, fill, dash in ((peers, PEER_COLOUR, "none", ' stroke-dasharray="5 4"'),
                                       (own, MEMBER_COLOUR, MEMBER_COLOUR, "")):
        shown = [point(i, float(v)) for i, v in enumerate(series) if _finite(v)]
        if not shown:
            continue
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in shown)
        parts.append(f'<polygon points="{pts}" fill="{fill}" fill-opacity="0.15" stroke="{colour}" '
                     f'stroke-width="2"{dash}/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in shown)
    legend_y = height - 14
    parts.append(f'<line x1="20" y1="{legend_y - 4}" x2="44" y2="{legend_y - 4}" stroke="{MEMBER_COLOUR}" '
                 'stroke-width="2"/>')
    parts.append(_text(50, legend_y, [own_label], anchor="start", size=10))
    parts.append(f'<line x1="200" y1="{legend_y - 4}" x2="224" y2="{legend_y - 4}" stroke="{PEER_COLOUR}" '
                 'stroke-width="2" stroke-dasharray="5 4"/>')
    parts.append(_text(230, legend_y, [peer_label], anchor="start", size=10))
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(periods: Sequence[object], series: Sequence[tuple[str, Sequence[float | None], bool]], *,
              label: str, title: str = "", bottom: float = 0.0, top: float = 100.0) -> str:
    """Lines of scores over the periods, as inline SVG; the emphasised series is drawn thick and dark.

    Args:
        periods: the x positions, in order.
        series: ``(name, scores by period, emphasised)`` for each line.
        label: the accessible description.
        title: a line above the chart.
        bottom, top: the y range (widened to the data when a score falls outside).

    Example:
        >>> svg = trend_svg([2022, 2023], [("Index", [40.0, 55.5], True), ("Trade", [None, 60.0], False)],
        ...                 label="Scores of AAA over time")
        >>> svg.count("<polyline"), svg.count("<circle")
        (2, 3)
    """
    values = [float(v) for _, line, _ in series for v in line if _finite(v)]
    bottom, top = min([bottom, *values]), max([top, *values])
    width, height, left, right, top_px, bottom_px = 620, 260, 40, 380, 28, 226
    span = top - bottom or 1.0

    def x(i: int) -> float:
        return left + (right - left) * (i + 0.5) / max(len(periods), 1)

    def y(v: float) -> float:
        return bottom_px - (bottom_px - top_px) * (v - bottom) / span

    parts = [_open(width, height, label)]
    if title:
        parts.append(_text((left + right) / 2, 16, [title], size=13))
    for k in range(5):  # horizontal grid and y labels
        v = bottom + span * k / 4
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" stroke="#e6e9ee"/>')
        parts.append(_text(left - 4, y(v) + 3, [f"{v:g}"], anchor="end", size=9, colour="#5b6776"))
    for i, period in enumerate(periods):
        parts.append(_text(x(i), bottom_px + 16, [str(period)], size=10, colour="#5b6776"))
    colour_index = 0
    for row, (name, line, emphasised) in enumerate(series):
        colour = "#222222" if emphasised else SERIES_COLOURS[colour_index % len(SERIES_COLOURS)]
        colour_index += 0 if emphasised else 1
        stroke = 3 if emphasised else 1.5
        shown = [(x(i), y(float(v))) for i, v in enumerate(line) if _finite(v)]
        if shown:
            pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in shown)
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{stroke}"/>')
            parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{3.5 if emphasised else 2.5}" fill="{colour}"/>'
                         for px, py in shown)
        ly = top_px + 8 + row * 30
        parts.append(f'<line x1="{right + 16}" y1="{ly:.1f}" x2="{right + 36}" y2="{ly:.1f}" stroke="{colour}" '
                     f'stroke-width="{stroke}"/>')
        parts.append(_text(right + 42, ly + 4, wrap_label(name, 30, 2), anchor="start", size=10))
    parts.append("</svg>")
    return "".join(parts)


def small_multiples_svg(periods: Sequence[object], panels: Sequence[tuple[str, Sequence[float | None], str]], *,
                        label: str, columns: int = 4, bottom: float = 0.0, top: float = 100.0) -> str:
    """One small line chart per panel on a shared scale, as one inline SVG (the report's Trends section).

    Args:
        periods: the x positions, in order (the first and last are labelled under each panel).
        panels: ``(title, values by period, note)`` for each panel; the note (e.g. the CAGR) is
            written under the title. Missing values are gaps in the line.
        label: the accessible description.
        columns: panels per row.
        bottom, top: the shared y range (widened to the data when a value falls outside).

    Example:
        >>> svg = small_multiples_svg([2020, 2021, 2022], [("AAA", [40.0, None, 60.0], "slope +10.0"),
        ...                           ("BBB", [50.0, 55.0, 52.0], "")], label="Index over time")
        >>> svg.count("<polyline"), svg.count("<circle"), "slope +10.0" in svg
        (2, 5, True)
    """
    values = [float(v) for _, line, _ in panels for v in line if _finite(v)]
    bottom, top = min([bottom, *values]), max([top, *values])
    span = top - bottom or 1.0
    cell_w, cell_h, pad = 170, 120, 10
    rows = max(1, math.ceil(len(panels) / columns))
    width, height = columns * cell_w, rows * cell_h
    n = max(len(periods), 1)
    parts = [_open(width, height, label)]
    for k, (title, line, note) in enumerate(panels):
        ox, oy = (k % columns) * cell_w, (k // columns) * cell_h
        left, right, top_px, bottom_px = ox + 30, ox + cell_w - pad, oy + 34, oy + cell_h - 22

        def x(i: int, left: float = left, right: float = right) -> float:
            return left + (right - left) * i / max(n - 1, 1)

        def y(v: float, top_px: float = top_px, bottom_px: float = bottom_px) -> float:
            return bottom_px - (bottom_px - top_px) * (v - bottom) / span

        parts.append(_text(ox + cell_w / 2, oy + 13, [title], size=11))
        if note:
            parts.append(_text(ox + cell_w / 2, oy + 26, [note], size=9, colour="#5b6776"))
        parts.append(f'<rect x="{left}" y="{top_px}" width="{right - left}" height="{bottom_px - top_px}" '
                     'fill="none" stroke="#e6e9ee"/>')
        for v in (bottom, top):
            parts.append(_text(left - 3, y(v) + 3, [f"{v:g}"], anchor="end", size=8, colour="#5b6776"))
        parts.append(_text(left, bottom_px + 12, [str(periods[0])], anchor="start", size=8, colour="#5b6776"))
        parts.append(_text(right, bottom_px + 12, [str(periods[-1])], anchor="end", size=8, colour="#5b6776"))
        shown = [(x(i), y(float(v))) for i, v in enumerate(line) if _finite(v)]
        if len(shown) > 1:
            pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in shown)
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{MEMBER_COLOUR}" stroke-width="1.5"/>')
        parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2" fill="{MEMBER_COLOUR}"/>' for px, py in shown)
    parts.append("</svg>")
    return "".join(parts)


def rank_range_svg(rows: Sequence[tuple[str, float, float, float, float]], *, label: str, n_ranks: int) -> str:
    """Rank uncertainty as inline SVG: per member a bar from q5 to q95, a tick at the median and a dot at the
    nominal rank; rank 1 on the left.

    Args:
        rows: ``(member, nominal, median, q5, q95)``, drawn top to bottom.
        label: the accessible description.
        n_ranks: the worst possible rank (the axis length).

    Example:
        >>> svg = rank_range_svg([("AAA", 1, 1, 1, 2), ("BBB", 2, 2.5, 1, 3)], label="Rank ranges", n_ranks=3)
        >>> svg.count("<circle"), svg.count("<rect")
        (2, 2)
    """
    left, right, top_px, step = 110, 580, 34, 18
    width, height = 620, top_px + step * len(rows) + 16

    def x(rank: float) -> float:
        return left + (right - left) * (rank - 1) / max(n_ranks - 1, 1)

    parts = [_open(width, height, label)]
    ticks = sorted({1, *range(5, n_ranks + 1, 5 if n_ranks <= 40 else 10), n_ranks})
    for t in ticks:
        parts.append(f'<line x1="{x(t):.1f}" y1="{top_px - 6}" x2="{x(t):.1f}" y2="{height - 14}" stroke="#e6e9ee"/>')
        parts.append(_text(x(t), top_px - 10, [str(t)], size=9, colour="#5b6776"))
    parts.append(_text((left + right) / 2, 12, ["rank (1 = best): q5–q95 bar, median tick, nominal dot"], size=10,
                       colour="#5b6776"))
    for i, (member, nominal, median, q5, q95) in enumerate(rows):
        cy = top_px + step * i + step / 2
        parts.append(_text(left - 6, cy + 4, [member], anchor="end", size=10))
        if not all(_finite(v) for v in (q5, q95)):
            continue
        x0 = x(q5)
        parts.append(f'<rect x="{x0:.1f}" y="{cy - 4:.1f}" width="{max(x(q95) - x0, 2.0):.1f}" height="8" '
                     f'fill="{PEER_COLOUR}" fill-opacity="0.55"/>')
        if _finite(median):
            parts.append(f'<line x1="{x(median):.1f}" y1="{cy - 7:.1f}" x2="{x(median):.1f}" y2="{cy + 7:.1f}" '
                         f'stroke="#222222" stroke-width="2"/>')
        if _finite(nominal):
            parts.append(f'<circle cx="{x(nominal):.1f}" cy="{cy:.1f}" r="4" fill="{MEMBER_COLOUR}"/>')
    parts.append("</svg>")
    return "".join(parts)
