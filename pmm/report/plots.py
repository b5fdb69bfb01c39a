"""Matplotlib plots of a Scorecard; each function returns the Axes so that users can restyle and save.

Also available as ``pmm.plot.<name>(card, …)`` and ``card.plot.<name>(…)``.

Example:
    >>> import pmm
    >>> card = pmm.demo_scorecard(members=6)
    >>> ax = pmm.plot.ranking(card)
    >>> ax.get_xlabel()
    'score'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import PmmError, did_you_mean

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["radar", "ranking", "maturity_heatmap", "trend", "distribution", "rank_uncertainty", "sensitivity",
           "correlation_heatmap", "stage_distribution", "ScorecardPlots", "dimension_ids", "peer_members", "in_period",
           "LEVEL_HEX"]

#: Maturity level → colour (red … green), shared with the HTML report and the Excel workbook.
LEVEL_HEX: dict[int, str] = {1: "#d7301f", 2: "#fc8d59", 3: "#fee08b", 4: "#91cf60", 5: "#1a9850"}
MEMBER_COLOUR, PEER_COLOUR = "#1f5fa8", "#8c8c8c"


def _pyplot():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "svg", "pdf") and not _interactive():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _interactive() -> bool:
    import sys

    return "ipykernel" in sys.modules or hasattr(sys, "ps1")


def _axes(ax: Axes | None, figsize: tuple[float, float], **subplot_kw: Any) -> Axes:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=figsize, subplot_kw=subplot_kw or None)
    return ax


def _period(card: Any, period: Any) -> Any:
    periods = list(card.periods)
    if period is None:
        return periods[-1]
    if period not in periods:
        raise PmmError(f"unknown period {period!r}; hint: {did_you_mean(str(period), map(str, periods))}")
    return period


def in_period(frame: pd.DataFrame, period: Any) -> pd.Series:
    """Row mask of ``frame["period"] == period``, where the period ``None`` (values without periods) matches missing.

    Example:
        >>> import pandas as pd
        >>> in_period(pd.DataFrame({"period": [None, None]}), None).tolist()
        [True, True]
    """
    return frame["period"].isna() if period is None else frame["period"] == period


def _member(card: Any, member: str) -> str:
    known = card.scores["member"].unique().tolist()
    if member not in known:
        raise PmmError(f"unknown member {member!r}; hint: {did_you_mean(str(member), map(str, known))}")
    return member


def dimension_ids(card: Any) -> list[str]:
    """The ids of the root's children (the dimensions), in catalog order.

    Example:
        >>> import pmm
        >>> dimension_ids(pmm.demo_scorecard(members=4))[:2]
        ['tf', 'rc']
    """
    return list(card.catalog.children(card.catalog.root))


def peer_members(card: Any, member: str, peers: str | None) -> list[str]:
    """The members in the same peer group as ``member`` (all members when ``peers`` is ``None``).

    Args:
        card: a Scorecard.
        member: the member whose group is wanted.
        peers: a column of ``card.members`` (``region``, ``income_group`` …) or ``None``.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> len(peer_members(card, card.members["member"][0], None))
        6
    """
    everyone = card.scores["member"].unique().tolist()
    if peers is None:
        return everyone
    table = card.members
    if table is None or peers not in table.columns:
        columns = [] if table is None else [c for c in table.columns if c != "member"]
        raise PmmError(f"no member attribute {peers!r} to form peer groups; hint: {did_you_mean(peers, columns)}"
                       if columns else f"no member attributes to form peer groups by {peers!r}; hint: pass "
                                       "members= (a table with member, region …) to pmm.score, or --members")
    group = table.loc[table["member"] == member, peers]
    if group.empty:
        return [member]
    return table.loc[table[peers] == group.iloc[0], "member"].tolist()


def _node_scores(card: Any, period: Any, nodes: Sequence[str]) -> pd.DataFrame:
    s = card.scores
    s = s[in_period(s, period) & s["node"].isin(nodes)]
    return s.pivot_table(index="member", columns="node", values="score", aggfunc="first").reindex(columns=nodes)


def radar(card: Any, member: str, *, period: Any = None, peers: str | None = None,
          nodes: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Radar (spider) chart of a member's dimension scores against the median of its peers.

    Args:
        card: a Scorecard.
        member: the member drawn.
        period: the period (default: the latest).
        peers: a column of ``card.members`` forming the peer group (default: all members).
        nodes: the nodes on the axes (default: the dimensions).
        ax: a polar Axes to draw into (default: a new figure).

    Returns:
        The polar Axes.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> ax = pmm.plot.radar(card, card.members["member"][0])
        >>> ax.name
        'polar'
    """
    period, member = _period(card, period), _member(card, member)
    nodes = list(nodes or dimension_ids(card))
    table = _node_scores(card, period, nodes)
    own = table.loc[member].to_numpy(dtype=float)
    group = peer_members(card, member, peers)
    median = table.loc[table.index.isin(group)].median().to_numpy(dtype=float)
    ax = _axes(ax, (4.2, 4.2), projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    angles = np.linspace(0, 2 * np.pi, len(nodes), endpoint=False)
    closed = np.append(angles, angles[0])
    label = f"peer median ({peers}, n={len(group)})" if peers else f"median of all (n={len(group)})"
    ax.plot(closed, np.append(median, median[0]), color=PEER_COLOUR, linestyle="--", linewidth=1.5,
            label=literal(label))
    ax.plot(closed, np.append(own, own[0]), color=MEMBER_COLOUR, linewidth=2, label=literal(str(member)))
    ax.fill(closed, np.append(own, own[0]), color=MEMBER_COLOUR, alpha=0.15)
    ax.set_xticks(angles)
    ax.set_xticklabels([_short(card.catalog.name(n)) for n in nodes], fontsize=8)
    top = np.nanmax(np.concatenate([own, median, [100.0]])) if np.isfinite(own).any() else 100.0
    ax.set_ylim(0, top)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(literal(f"{member}, {period}"), fontsize=10)
    ax.legend(loc="lower left", bbox_to_anchor=(-0.32, -0.3), fontsize=7, frameon=False)
    return ax


def _short(name: str, width: int = 22) -> str:
    """Wrap a long node name on two lines for axis labels (shown literally, see :func:`literal`)."""
    if len(name) <= width:
        return literal(name)
    cut = name.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    rest = name[cut:].strip()
    return literal(name[:cut] + "\n" + (rest if len(rest) <= width else rest[: width - 1] + "…"))


def literal(text: str) -> str:
    """``text`` escaped so that matplotlib shows it as written, not as maths (``$x_{1}$`` stays as typed).

    Matplotlib reads text between two ``$`` as maths: a name such as ``Cost in $ per $100`` would
    lose its dollars, and ``$\\frac{$`` would stop the chart with an error. Escaped dollars (``\\$``)
    show as ``$``.

    Example:
        >>> literal("Revenue $ per $1,000")
        'Revenue \\\\$ per \\\\$1,000'
    """
    return text.replace("$", r"\$")


def ranking(card: Any, node: str | None = None, *, period: Any = None, highlight: str | None = None,
            ax: Axes | None = None) -> Axes:
    """Horizontal bars of every member's score on one node (default: the overall index), best on top.

    Example:
        >>> import pmm
        >>> ax = pmm.plot.ranking(pmm.demo_scorecard(members=5))
        >>> len(ax.patches)
        5
    """
    period = _period(card, period)
    node = node or card.catalog.root
    card.catalog.name(node)  # raises with a hint when unknown
    s = card.scores
    s = s[in_period(s, period) & (s["node"] == node)].dropna(subset=["score"]).sort_values("score")
    ax = _axes(ax, (6, max(2.0, 0.28 * len(s) + 0.8)))
    colours = [MEMBER_COLOUR if m == highlight else LEVEL_HEX.get(_int(lv), PEER_COLOUR)
               for m, lv in zip(s["member"], s["maturity"])]
    ax.barh(s["member"].astype(str).map(literal), s["score"], color=colours, edgecolor="#555555", linewidth=0.4)
    ax.set_xlabel("score")
    ax.set_title(literal(f"{card.catalog.name(node)}, {period}"), fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _int(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def maturity_heatmap(card: Any, *, period: Any = None, nodes: Sequence[str] | None = None,
                     ax: Axes | None = None) -> Axes:
    """Heatmap of maturity levels: members (rows) × nodes (columns, default the dimensions).

    Example:
        >>> import pmm
        >>> ax = pmm.plot.maturity_heatmap(pmm.demo_scorecard(members=5))
        >>> len(ax.get_yticklabels())
        5
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap

    period = _period(card, period)
    nodes = list(nodes or dimension_ids(card))
    s = card.scores
    s = s[in_period(s, period) & s["node"].isin(nodes)]
    table = s.pivot_table(index="member", columns="node", values="maturity", aggfunc="first").reindex(columns=nodes)
    n_levels = len(card.catalog.framework.levels)
    cmap = ListedColormap([LEVEL_HEX.get(i, "#cccccc") for i in range(1, n_levels + 1)]).with_extremes(bad="#eeeeee")
    ax = _axes(ax, (1.2 + 1.1 * len(nodes), 0.8 + 0.3 * len(table)))
    data = np.ma.masked_invalid(table.to_numpy(dtype=float))
    ax.imshow(data, cmap=cmap, norm=BoundaryNorm(np.arange(0.5, n_levels + 1), n_levels), aspect="auto")
    for (i, j), level in np.ndenumerate(table.to_numpy(dtype=float)):
        ax.text(j, i, "–" if np.isnan(level) else f"{level:.0f}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(nodes)), [_short(card.catalog.name(n), 16) for n in nodes], fontsize=7)
    ax.set_yticks(range(len(table)), table.index.astype(str).map(literal), fontsize=7)
    ax.set_title(f"Maturity level, {period}", fontsize=10)
    return ax


def trend(card: Any, member: str, *, nodes: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Score of a member over the periods: the overall index and each dimension.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=4)
        >>> ax = pmm.plot.trend(card, card.members["member"][0])
        >>> len(ax.get_lines())
        5
    """
    member = _member(card, member)
    nodes = list(nodes or [card.catalog.root, *dimension_ids(card)])
    s = card.scores
    s = s[(s["member"] == member) & s["node"].isin(nodes)]
    ax = _axes(ax, (6.6, 2.8))
    for node in nodes:
        line = s[s["node"] == node].sort_values("period")
        is_root = node == card.catalog.root
        ax.plot(line["period"].astype(str), line["score"], marker="o", linewidth=2.5 if is_root else 1.2,
                color="#222222" if is_root else None, label=_short(card.catalog.name(node), 34).replace("\n", " "))
    ax.set_ylabel("score")
    ax.set_title(literal(f"{member}: scores over time"), fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return ax


def distribution(card: Any, kpi: str, *, member: str | None = None, period: Any = None,
                 ax: Axes | None = None) -> Axes:
    """Distribution of one KPI's values across members, with one member highlighted.

    Numeric KPIs are drawn as sorted dots with the median line; categorical KPIs as the count
    of each answer.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> ax = pmm.plot.distribution(card, card.catalog.kpi_ids[0], member=card.members["member"][0])
        >>> ax.get_title().startswith(card.catalog.name(card.catalog.kpi_ids[0]))
        True
    """
    period = _period(card, period)
    spec = card.catalog.kpi(kpi)
    lv = card.levels
    lv = lv[in_period(lv, period) & (lv["kpi"] == kpi) & lv["value"].notna()]
    ax = _axes(ax, (5, 3))
    if spec.categorical:
        answers = list(spec.maturity.answers)
        counts = lv["value"].astype(str).value_counts().reindex(answers, fill_value=0)
        own = lv.loc[lv["member"] == member, "value"].astype(str).tolist()
        colours = [MEMBER_COLOUR if a in own else PEER_COLOUR for a in answers]
        ax.bar([_short(a, 14) for a in answers], counts.to_numpy(), color=colours)
        ax.set_ylabel("members")
    else:
        values = lv.assign(value=lv["value"].astype(float)).sort_values("value")
        ax.scatter(values["value"], range(len(values)), color=PEER_COLOUR, s=18)
        if member is not None and member in set(values["member"]):
            pos = list(values["member"]).index(member)
            ax.scatter([values["value"].iloc[pos]], [pos], color=MEMBER_COLOUR, s=60, zorder=3,
                       label=literal(str(member)))
            ax.legend(fontsize=7, frameon=False)
        if len(values):
            ax.axvline(values["value"].median(), color="#444444", linestyle=":", linewidth=1)
        ax.set_yticks(range(len(values)), values["member"].astype(str).map(literal), fontsize=6)
        ax.set_xlabel(literal(spec.unit))
    ax.set_title(literal(f"{spec.name}, {period}"), fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def correlation_heatmap(card: Any, *, method: str = "pearson", levels: int | tuple[int, int] = 1,
                        group: str | None = None, stage: str = "normalised", pval: float = 0.05,
                        threshold: float = 0.9, negative: float = -0.4, period: Any = None,
                        ax: Axes | None = None) -> Axes:
    """Heatmap of the correlations between the nodes of one level (or two), with the audit's flags.

    Cells are blank where the correlation is not significant at ``pval`` (COINr ``plot_corr``).
    Pairs of siblings (same parent) correlated above ``threshold`` are outlined in black
    (collinear), below ``negative`` in purple dashes (pulling their group apart).

    Args:
        card: a Scorecard.
        method: ``pearson``, ``spearman`` or ``kendall``.
        levels: one level (1 = KPIs) or two (rows, columns).
        group: only the nodes under this group.
        stage: the data of level 1 (see ``card.audit``).
        pval: significance level; 0 shows every correlation.
        threshold: siblings correlated above it are outlined as collinear.
        negative: siblings correlated below it are outlined as conflicting.
        period: the period (default: the latest).
        ax: an Axes to draw into.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> ax = pmm.plot.correlation_heatmap(card, group="tf")
        >>> ax.images[0].get_array().shape[0] == len([k for k in card.catalog.walk("tf") if k in card.catalog.kpi_ids])
        True
    """
    from matplotlib.patches import Rectangle

    period = _period(card, period)
    table = card.audit.correlations(method, levels, pval=pval, stage=stage, group=group, period=period)
    rows, cols = list(dict.fromkeys(table["x"])), list(dict.fromkeys(table["y"]))
    matrix = table.pivot(index="x", columns="y", values="correlation").reindex(index=rows, columns=cols)
    values = matrix.to_numpy(dtype=float)
    ax = _axes(ax, (1.5 + 0.32 * len(cols), 1.2 + 0.32 * len(rows)))
    cmap = _pyplot().get_cmap("RdBu_r").with_extremes(bad="#f2f2f2")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label=f"{method} correlation")
    parent = card.catalog.parent
    for (i, j), r in np.ndenumerate(values):
        a, b = rows[i], cols[j]
        if len(rows) <= 16 and len(cols) <= 16 and not np.isnan(r):
            ax.text(j, i, f"{r:.2f}", ha="center", va="center", fontsize=6, color="white" if abs(r) > 0.6 else "black")
        if a == b or np.isnan(r) or parent(a) != parent(b):
            continue
        if r > threshold:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.6))
        elif r < negative:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#7b3294", linewidth=1.6,
                                   linestyle="--"))
    size = 7 if max(len(rows), len(cols)) <= 20 else 5
    ax.set_xticks(range(len(cols)), [str(c) for c in cols], rotation=90, fontsize=size)
    ax.set_yticks(range(len(rows)), [str(r) for r in rows], fontsize=size)
    title = f"{method.capitalize()} correlations ({stage})"
    ax.set_title(title if period is None else f"{title}, {period}", fontsize=10)
    return ax


def stage_distribution(card: Any, kpi: str, *, stages: Sequence[str] | None = None, period: Any = None,
                       ax: Axes | None = None) -> Axes:
    """One KPI's values across members at several pipeline stages: quartile box, range, points, skew and kurtosis.

    By default the raw values and, when the method treats outliers, the treated ones; winsorised
    points are drawn in red. A stage on another scale (log or Box-Cox treatment, normalised
    scores) is drawn on its own x-axis at the top.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> ax = pmm.plot.stage_distribution(card, card.catalog.kpi_ids[0], stages=["raw", "normalised"])
        >>> [t.get_text().split()[0] for t in ax.get_yticklabels()]
        ['raw', 'normalised']
    """
    from pmm.analysis.frames import kpi_table

    period = _period(card, period)
    spec = card.catalog.kpi(kpi)
    treatment = getattr(card, "treatment", None)
    stages = list(stages or (["raw", "treated"] if treatment is not None else ["raw"]))
    rescaled = _rescaled_stages(card, kpi, period, stages)
    ax = _axes(ax, (6, 0.9 + 0.8 * len(stages)))
    top = ax.twiny() if any(rescaled) else None
    labels = []
    for i, (stage, other_scale) in enumerate(zip(stages, rescaled)):
        values = kpi_table(card, stage, period)[kpi].dropna()
        target = top if other_scale else ax
        stats = card.audit.stats(stage, period=period).set_index("kpi").loc[kpi]
        labels.append(f"{stage}\nskew {stats['skew']:.2f}, kurt {stats['kurt']:.2f}")
        if values.empty:
            continue
        low, q1, median, q3, high = np.percentile(values.to_numpy(), [0, 25, 50, 75, 100])
        target.barh(i, q3 - q1, left=q1, height=0.5, fill=False, edgecolor="#444444", linewidth=1)
        target.vlines(median, i - 0.25, i + 0.25, color="#222222", linewidth=1.5)
        target.hlines([i, i], [low, q3], [q1, high], color="#444444", linewidth=1)
        jitter = np.random.default_rng(i).uniform(-0.12, 0.12, len(values))
        colours = [PEER_COLOUR] * len(values)
        if stage == "treated" and getattr(card, "treatment_points", None) is not None:
            points = card.treatment_points
            points = points[in_period(points, period) & (points["kpi"] == kpi)]
            clipped = set(points.loc[points["winsorised_high"] | points["winsorised_low"], "member"])
            colours = [LEVEL_HEX[1] if m in clipped else PEER_COLOUR for m in values.index]
        target.scatter(values.to_numpy(), i + jitter, s=12, color=colours, zorder=3)
    ax.set_yticks(range(len(stages)), labels, fontsize=7)
    ax.set_ylim(-0.6, len(stages) - 0.4)
    ax.set_xlabel(spec.unit)
    if top is not None:
        top.set_xlabel("rescaled stages: " + ", ".join(s for s, r in zip(stages, rescaled) if r), fontsize=7)
    ax.set_title(spec.name + ("" if period is None else f", {period}"), fontsize=9)
    return ax


def _rescaled_stages(card: Any, kpi: str, period: Any, stages: Sequence[str]) -> list[bool]:
    """Whether each stage is on another scale than the raw values (normalised; log or Box-Cox treated)."""
    treatment = getattr(card, "treatment", None)
    transformed = False
    if treatment is not None:
        row = treatment[in_period(treatment, period) & (treatment["kpi"] == kpi)]
        transformed = bool(len(row)) and bool(row["log"].any() or row.get("boxcox", pd.Series([False])).any())
    return [s in ("normalised", "aggregated") or (s == "treated" and transformed) for s in stages]


def _analysis_period(stats: pd.DataFrame, period: Any) -> pd.DataFrame:
    if "period" not in stats.columns:
        return stats
    periods = list(dict.fromkeys(stats["period"]))
    chosen = periods[-1] if period is None else period
    if chosen not in periods:
        raise PmmError(f"period {chosen!r} is not in the analysis; found {periods}")
    return stats[stats["period"] == chosen]


def rank_uncertainty(ua: Any, node: str | None = None, *, period: Any = None, members: Sequence[str] | None = None,
                     ax: Axes | None = None) -> Axes:
    """Rank uncertainty of every member (COINr ``plot_uncertainty``): the q5–q95 range of its ranks over the runs
    as a bar, the median as a tick and the nominal rank as a dot; members sorted by nominal rank, best on top.

    Args:
        ua: a :class:`pmm.Uncertainty` (or a :class:`pmm.Sensitivity`, whose A and B runs are used).
        node: the node (default: the first node of the analysis, the index).
        period: the period for panels (default: the latest).
        members: only these members.
        ax: draw into these Axes.

    Example:
        >>> import pmm, pandas as pd
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
        ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
        >>> values = pd.DataFrame({"member": list("XXYYZZ"), "kpi": list("ababab"), "value": [1.0, 9, 5, 5, 9, 2]})
        >>> ua = pmm.uncertainty(values, pmm.Catalog.from_table(meta), n=30, seed=1,
        ...                      vary={"weights": {"noise": 0.5}})
        >>> ax = pmm.plot.rank_uncertainty(ua)
        >>> ax.get_xlabel(), len(ax.get_yticklabels())
        ('rank (1 = best)', 3)
    """
    ua = getattr(ua, "uncertainty", ua)
    node = node or ua.nodes[0]
    if node not in ua.nodes:
        raise PmmError(f"node {node!r} is not in the analysis (nodes: {list(ua.nodes)}); "
                       f"hint: {did_you_mean(str(node), ua.nodes)}")
    stats = _analysis_period(ua.rank_stats[ua.rank_stats["node"] == node], period)
    if members is not None:
        stats = stats[stats["member"].isin(list(members))]
    stats = stats.dropna(subset=["nominal"]).sort_values(["nominal", "median"], ascending=False)
    ax = _axes(ax, (6, max(2.0, 0.24 * len(stats) + 0.9)))
    labels = stats["member"].astype(str).map(literal).tolist()
    y = np.arange(len(stats))
    ax.hlines(y, stats["q5"], stats["q95"], color=PEER_COLOUR, linewidth=4, alpha=0.55, label="q5–q95")
    ax.scatter(stats["median"], y, marker="|", s=120, color="#333333", label="median", zorder=3)
    ax.scatter(stats["nominal"].astype(float), y, s=22, color=MEMBER_COLOUR, label="nominal", zorder=4)
    ax.set_yticks(y, labels)
    ax.invert_xaxis()
    ax.set_xlabel("rank (1 = best)")
    ax.set_title(f"Rank uncertainty: {node}, {ua.n_runs} runs", fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def sensitivity(sa: Any, *, ax: Axes | None = None) -> Axes:
    """Sensitivity indices with their bootstrap intervals (COINr ``plot_sensitivity``): for each varied input,
    a bar of the first-order index (main effect) and one of the total index (with interactions).

    Example:
        >>> import pmm, pandas as pd
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
        ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
        >>> values = pd.DataFrame({"member": list("XXYYZZ"), "kpi": list("ababab"), "value": [1.0, 9, 5, 5, 9, 2]})
        >>> sa = pmm.sensitivity(values, pmm.Catalog.from_table(meta), n=40, seed=1, bootstrap=50,
        ...     vary={"aggregate.method": ["arithmetic", "minimum"], "weights": {"noise": 0.2}})
        >>> ax = pmm.plot.sensitivity(sa)
        >>> len(ax.patches), ax.get_ylabel()
        (4, 'sensitivity index')
    """
    table = sa.indices
    ax = _axes(ax, (max(4.0, 1.3 * len(table) + 1.5), 3.2))
    x = np.arange(len(table))
    width = 0.38
    for offset, column, colour, label in ((-width / 2, "first_order", MEMBER_COLOUR, "first order"),
                                          (width / 2, "total", PEER_COLOUR, "total")):
        value = table[column].clip(lower=0).to_numpy(dtype=float)
        low = table[f"{column}_q5"].clip(lower=0).to_numpy(dtype=float)
        high = table[f"{column}_q95"].to_numpy(dtype=float)
        ax.bar(x + offset, value, width, color=colour, label=label, edgecolor="#555555", linewidth=0.4)
        if not np.isnan(low).all():
            ax.errorbar(x + offset, value, yerr=[np.maximum(value - low, 0), np.maximum(high - value, 0)],
                        fmt="none", ecolor="#222222", capsize=3, linewidth=0.8)
    ax.set_xticks(x, [_short(str(v), 18) for v in table["input"]], fontsize=8)
    ax.set_ylabel("sensitivity index")
    ax.set_title(f"What moves the ranks of {sa.node}? (5–95 % bootstrap intervals)", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


class ScorecardPlots:
    """The ``card.plot`` accessor: the plot functions with the Scorecard bound.

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=4)
        >>> card.plot.ranking().get_xlabel()
        'score'
    """

    def __init__(self, card: Any):
        self._card = card

    def radar(self, member: str, **kw: Any) -> Axes:
        """See :func:`pmm.report.plots.radar`."""
        return radar(self._card, member, **kw)

    def ranking(self, node: str | None = None, **kw: Any) -> Axes:
        """See :func:`pmm.report.plots.ranking`."""
        return ranking(self._card, node, **kw)

    def maturity_heatmap(self, **kw: Any) -> Axes:
        """See :func:`pmm.report.plots.maturity_heatmap`."""
        return maturity_heatmap(self._card, **kw)

    def trend(self, member: str, **kw: Any) -> Axes:
        """See :func:`pmm.report.plots.trend`."""
        return trend(self._card, member, **kw)

    def distribution(self, kpi: str, **kw: Any) -> Axes:
        """See :func:`pmm.report.plots.distribution`."""
        return distribution(self._card, kpi, **kw)

    def correlation_heatmap(self, **kw: Any) -> Axes:
        """See :func:`pmm.report.plots.correlation_heatmap`."""
        return correlation_heatmap(self._card, **kw)

    def stage_distribution(self, kpi: str, **kw: Any) -> Axes:
        """See :func:`pmm.report.plots.stage_distribution`."""
        return stage_distribution(self._card, kpi, **kw)
