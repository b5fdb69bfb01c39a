"""The HTML scorecard report: one self-contained offline file rendered from jinja2 templates.

Sections: an overview (sortable ranking of the index and each dimension, a maturity heatmap,
KPI coverage, the peer groups), one scorecard per member (radar against the peer median, KPI
table, strengths and weaknesses, trend), and the methodology (method, weights, thresholds,
catalog version and hash, provenance, row accounting, the catalog's notice), and the statistical
audit (KPI statistics and flags, correlation flags, Cronbach's alpha per group). KPIs above the
chosen disclosure level are left out of the file entirely.

Example:
    >>> import pmm, tempfile, pathlib
    >>> card = pmm.demo_scorecard(members=4)
    >>> path = pmm.write_report(card, pathlib.Path(tempfile.mkdtemp()) / "report.html")
    >>> "<svg" in path.read_text(encoding="utf-8")
    True
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pmm.errors import PmmError
from pmm.report.describe import describe_definition, describe_method, describe_thresholds
from pmm.report.paths import atomic_write, output_path
from pmm.report.plots import dimension_ids, in_period, peer_members
from pmm.reproducible import build_time
from pmm.scoring.disclosure import disclosure_table
from pmm.scoring.disclosure import visible_kpi_ids as visible_kpis

__all__ = ["write_report", "render_report", "visible_kpis"]

_TEMPLATES = Path(__file__).parent / "templates"


def fmt(x: Any, digits: int = 1) -> str:
    """A number for display: ``–`` when missing, thousands separators, ``digits`` decimals."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return "–"
    if isinstance(x, str):
        return x
    x = float(x)
    if x.is_integer() and abs(x) >= 10:
        return f"{x:,.0f}"
    return f"{x:,.{digits if abs(x) >= 1 else digits + 1}f}"


def _whole(x: Any) -> str:
    """A percentile for display: a whole number (``7``, ``45``, ``100``) whatever its size, ``–`` when missing."""
    return "–" if x is None or pd.isna(x) else f"{float(x):.0f}"


def _signed(x: Any, digits: int = 1) -> str:
    text = fmt(x, digits)
    return text if text == "–" or text.startswith("-") or float(x) == 0 else "+" + text


@dataclass
class _Context:
    """Everything the template shows; built once from the Scorecard."""

    card: Any
    period: Any
    peers: str | None
    disclosure: str
    min_group_size: int
    accounting: pd.DataFrame | None
    title: str
    kpis: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        cat = self.card.catalog
        self.kpis = visible_kpis(cat, self.disclosure)
        self.dims = dimension_ids(self.card)
        self.levels_named = list(cat.framework.levels)
        scores = self.card.scores
        self.now = scores[in_period(scores, self.period)]
        members = self.card.members
        self.member_ids = sorted(scores["member"].unique().tolist(), key=str)
        self.names = dict(zip(members["member"], members["name"])) if members is not None and "name" in members else {}
        periods = list(self.card.periods)
        i = periods.index(self.period)
        self.previous = periods[i - 1] if i > 0 else None
        self.bench = self._benchmark()
        self._kpi_tables()
        self._chart_tables()

    def _benchmark(self) -> pd.DataFrame:
        kw: dict[str, Any] = {"min_group_size": self.min_group_size}
        if self.disclosure != "confidential":
            kw["disclosure"] = self.disclosure
        b = self.card.benchmark(by=self.peers, **kw)
        return b[in_period(b, self.period)].set_index(["member", "node"])

    # -- overview ----------------------------------------------------------------------------
    def ranking(self) -> list[dict[str, Any]]:
        root = self.card.catalog.root
        table = self.now.set_index(["member", "node"])
        lv = self.card.levels
        lv = lv[in_period(lv, self.period) & lv["kpi"].isin(self.kpis)]
        reported = lv.assign(ok=lv["status"] == "ok").groupby("member")["ok"].sum().to_dict()
        rows = []
        for m in self.member_ids:
            idx = table.loc[(m, root)] if (m, root) in table.index else None
            cells = []
            for d in self.dims:
                r = table.loc[(m, d)] if (m, d) in table.index else None
                cells.append(self._cell(r))
            rows.append({"member": m, "name": self.names.get(m, m), "anchor": _anchor(m), "index": self._cell(idx),
                         "dims": cells,
                         "rank": _int(idx["rank"]) if idx is not None else None,
                         "reported": int(reported.get(m, 0)), "n_kpis": len(self.kpis)})
        return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, str(r["member"])))

    def _cell(self, row: Any) -> dict[str, Any]:
        if row is None or pd.isna(row["score"]):
            return {"score": "–", "sort": "", "level": None, "label": "insufficient data"}
        level = _int(row["maturity"])
        return {"score": fmt(row["score"]), "sort": f"{float(row['score']):.6f}", "level": level,
                "label": row["maturity_label"] if isinstance(row["maturity_label"], str) else ""}

    def coverage(self) -> list[dict[str, Any]]:
        lv = self.card.levels
        lv = lv[in_period(lv, self.period) & lv["kpi"].isin(self.kpis)]
        keyed = lv.set_index(["kpi", "member"])
        status = keyed["status"].where(~keyed["imputed"].astype(bool), "imputed").to_dict()
        rows = []
        for k in self.kpis:
            cells = [status.get((k, m), "missing") for m in self.member_ids]
            rows.append({"id": k, "name": self.card.catalog.name(k), "cells": cells,
                         "n": sum(c == "ok" for c in cells)})
        return rows

    def peer_groups(self) -> list[dict[str, Any]]:
        members = self.card.members
        if self.peers is None or members is None:
            return [{"group": "all members", "members": [self._label(m) for m in self.member_ids],
                     "n": len(self.member_ids), "small": len(self.member_ids) < self.min_group_size}]
        out = []
        for group, sub in members[members["member"].isin(self.member_ids)].groupby(self.peers, sort=True):
            out.append({"group": group, "members": [self._label(m) for m in sub["member"]], "n": len(sub),
                        "small": len(sub) < self.min_group_size})
        return out

    def _label(self, m: str) -> str:
        name = self.names.get(m)
        return f"{name} ({m})" if name and name != m else str(m)

    # -- member pages ------------------------------------------------------------------------
    def _kpi_tables(self) -> None:
        """Index the KPI rows of the levels and benchmark tables once, as dicts (fast lookups per member)."""
        lv = self.card.levels
        lv = lv[lv["kpi"].isin(self.kpis)]
        self.kpi_now = {(r.member, r.kpi): r for r in lv[in_period(lv, self.period)].itertuples(index=False)}
        self.kpi_before = {(r.member, r.kpi): r for r in lv[in_period(lv, self.previous)].itertuples(index=False)} \
            if self.previous is not None else {}
        b = self.bench.reset_index()
        b = b[b["node"].isin(self.kpis)]
        self.kpi_bench = {(r.member, r.node): (bool(r.suppressed), r.percentile) for r in b.itertuples(index=False)}

    def _chart_tables(self) -> None:
        """The scores the charts draw, indexed once; members without any KPI value in the period."""
        cat = self.card.catalog
        now = self.now[self.now["node"].isin(self.dims)]
        self.dim_scores = now.pivot_table(index="member", columns="node", values="score",
                                          aggfunc="first").reindex(columns=self.dims)
        nodes = self.card.scores[self.card.scores["node"].isin([cat.root, *self.dims])]
        self.all_scores: dict[Any, dict[str, dict[Any, float]]] = {}
        for r in nodes.dropna(subset=["score"]).itertuples(index=False):
            self.all_scores.setdefault(r.member, {}).setdefault(r.node, {})[r.period] = float(r.score)
        lv = self.card.levels
        lv = lv[in_period(lv, self.period)]
        with_values = set(lv.loc[lv["status"] == "ok", "member"])
        self.without_values = [m for m in self.member_ids if m not in with_values]

    def member_page(self, m: str) -> dict[str, Any]:
        cat = self.card.catalog
        rows = []
        for k in self.kpis:
            spec = cat.kpi(k)
            r, p = self.kpi_now.get((m, k)), self.kpi_before.get((m, k))
            suppressed, pct = self.kpi_bench.get((m, k), (False, None))
            value = r.value if r is not None else None
            level = _int(r.level) if r is not None else None
            pct = None if suppressed else pct
            change = "–"
            if p is not None and r is not None and not spec.categorical and _num(value) and _num(p.value):
                change = _signed(float(value) - float(p.value))
            level_change = None
            if p is not None and level is not None and _int(p.level) is not None:
                level_change = level - _int(p.level)
            rows.append({"id": k, "name": spec.name, "unit": spec.unit, "parent": cat.name(cat.parent(k)),
                         "value": fmt(value), "level": level,
                         "status": ("imputed" if r.imputed else r.status) if r is not None else "missing",
                         "label": self.levels_named[level - 1] if level else "", "sort_value": _sort(value),
                         "percentile": "suppressed" if suppressed else _whole(pct),
                         "pct_sort": "" if pct is None or pd.isna(pct) else f"{float(pct):.3f}",
                         "change": change, "level_change": level_change,
                         "score": r.score if r is not None else None})
        scored = [row for row in rows if row["level"] is not None]
        ranked = sorted(scored, key=lambda row: (row["level"], _float(row["score"])), reverse=True)
        index = self.now[(self.now["member"] == m) & (self.now["node"] == cat.root)]
        head = self._cell(index.iloc[0] if len(index) else None)
        group = peer_members(self.card, m, self.peers)
        safe = _anchor(m)
        has_values = m not in self.without_values
        return {"member": m, "name": self.names.get(m, m), "anchor": safe, "kpis": rows,
                "index": head, "rank": _int(index["rank"].iloc[0]) if len(index) else None,
                "attributes": self._attributes(m), "peers_n": len(group), "has_values": has_values,
                "strengths": ranked[:3], "weaknesses": list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
                "radar": self._radar(m, group) if has_values else "",
                "trend": self._trend(m) if has_values and len(self.card.periods) > 1 else ""}

    def _radar(self, m: str, group: list[str]) -> str:
        from pmm.report.charts import radar_svg

        table = self.dim_scores
        own = table.loc[m].tolist() if m in table.index else [None] * len(self.dims)
        median = table.loc[table.index.isin(group)].median().tolist()
        peer_label = f"peer median ({self.peers}, n={len(group)})" if self.peers else f"median of all (n={len(group)})"
        return radar_svg([self.card.catalog.name(d) for d in self.dims], own, median, own_label=str(m),
                         peer_label=peer_label, title=f"{m}, {self.period}",
                         label=f"Radar chart of the dimension scores of {m} against the peer median")

    def _trend(self, m: str) -> str:
        from pmm.report.charts import trend_svg

        cat = self.card.catalog
        rows = self.all_scores.get(m)
        periods = list(self.card.periods)
        series = []
        for node in [cat.root, *self.dims]:
            by_period = rows.get(node, {}) if rows is not None else {}
            series.append((cat.name(node), [by_period.get(p) for p in periods], node == cat.root))
        return trend_svg(periods, series, title=f"{m}: scores over time",
                         label=f"Scores of {m} over the periods")

    # -- trends ------------------------------------------------------------------------------
    def trends(self) -> dict[str, Any] | None:
        """The Trends section of panels with :data:`TREND_MIN_PERIODS` periods or more (else ``None``):
        one small chart of the overall score per member, and its trend statistics."""
        from pmm.report.charts import small_multiples_svg

        periods = list(self.card.periods)
        if len(periods) < TREND_MIN_PERIODS:
            return None
        root = self.card.catalog.root
        table = self.card.trends(root).set_index("member")
        panels, rows = [], []
        for m in self.member_ids:
            t = table.loc[m]
            note = f"slope {_signed(t.slope)} per period" if _num(t.slope) else "no trend"
            panels.append((str(m), [self.all_scores.get(m, {}).get(root, {}).get(p) for p in periods], note))
            rows.append({"member": m, "name": self.names.get(m, m), "n": int(t.n_periods),
                         "first": fmt(t.first_value), "last": fmt(t.last_value), "change": _signed(t.change),
                         "slope": _signed(t.slope), "cagr": _signed(100 * t.cagr) if _num(t.cagr) else "–",
                         "reason": t.reason or ""})
        svg = small_multiples_svg(periods, panels, label=f"Overall score of each member, {periods[0]}–{periods[-1]}")
        return {"svg": svg, "rows": rows, "first": periods[0], "last": periods[-1]}

    def _attributes(self, m: str) -> list[tuple[str, str]]:
        members = self.card.members
        if members is None:
            return []
        row = members[members["member"] == m]
        if row.empty:
            return []
        return [(c.replace("_", " "), str(v)) for c, v in row.iloc[0].items() if c not in ("member", "name")]

    # -- methodology -------------------------------------------------------------------------
    def method_steps(self) -> list[tuple[str, str]]:
        """The scoring method as sentences, only the steps and settings in use."""
        return describe_method(self.card.method)

    def weights(self) -> list[dict[str, Any]]:
        cat = self.card.catalog
        hidden = set(cat.kpi_ids) - set(self.kpis)
        w = self.card.weights
        w = w[~w["node"].isin(hidden)]
        if "period" in w.columns:
            w = w[in_period(w, self.period)]
        order = {n: i for i, n in enumerate(cat.walk())}
        w = w.assign(_o=w["node"].map(order)).sort_values("_o")
        return [{"node": r.node, "name": cat.name(r.node), "kind": cat.kind(r.node),
                 "depth": len(cat.ancestors(r.node)), "parent": "" if pd.isna(r.parent) else r.parent,
                 "weight": fmt(r.weight, 2), "effective": fmt(100 * r.effective_weight, 2) + " %"}
                for r in w.itertuples()]

    def thresholds(self) -> list[dict[str, Any]]:
        cat = self.card.catalog
        return [{"id": k, "name": cat.name(k), "unit": cat.kpi(k).unit, "direction": cat.kpi(k).direction,
                 "definition": describe_definition(cat.kpi(k)), "rule": describe_thresholds(cat.kpi(k)),
                 "disclosure": cat.kpi(k).disclosure} for k in self.kpis]

    def provenance(self) -> list[tuple[str, str]]:
        hidden = set(self.card.catalog.kpi_ids) - set(self.kpis)
        out = []
        for key, value in (self.card.provenance or {}).items():
            if key == "method":
                continue
            if isinstance(value, dict):
                value = {k: v for k, v in value.items() if k not in hidden}
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            if not any(h in text for h in hidden):
                out.append((str(key).replace("_", " "), text))
        return out

    def audit(self) -> dict[str, list[dict[str, Any]]]:
        """The audit tables (:func:`pmm.report.audit_tables.audit_tables`) as display rows."""
        from pmm.report.audit_tables import audit_tables

        tables = audit_tables(self.card, self.kpis, self.period)
        flag_names = {"flag_availability": "low availability", "flag_nonzero": "mostly zeros",
                      "flag_unique": "few distinct values", "flag_outlier": "outliers (skew and kurtosis)"}
        stats = [{"kpi": r["kpi"], "name": r["name"], "stage": r["stage"],
                  "cells": [fmt(r[c], 2) for c in ("min", "max", "mean", "median", "sd", "skew", "kurt")],
                  "availability": fmt(100 * r["availability"], 0) + " %",
                  "flags": ", ".join(text for c, text in flag_names.items() if r[c])}
                 for r in tables["kpi statistics"].to_dict("records")]
        names = self.card.catalog.name
        flags = [{"flag": r["flag"], "group": names(r["group"]), "a": names(r["kpi_1"]), "b": names(r["kpi_2"]),
                  "r": fmt(r["correlation"], 2)} for r in tables["correlation flags"].to_dict("records")]
        reliability = [{"group": r["group"], "name": r["name"], "level": r["tree_level"], "n": r["n_kpis"],
                        "alpha": fmt(r["cronbach_alpha"], 2), "pc1": fmt(100 * r["pc1_share"], 0) + " %"
                        if r["pc1_share"] == r["pc1_share"] else "–"}
                       for r in tables["reliability"].to_dict("records")]
        return {"stats": stats, "flags": flags, "reliability": reliability}

    def robustness(self, analysis: Any) -> dict[str, Any] | None:
        """The "How robust are the ranks?" section: the first analysed node, in the report's period."""
        if analysis is None:
            return None
        from pmm.report.charts import rank_range_svg
        from pmm.report.robustness import analysis_parts, vary_summary

        ua, indices = analysis_parts(analysis)
        cat = self.card.catalog
        shown = [n for n in ua.nodes if cat.kind(n) != "kpi" or n in self.kpis]  # never a KPI above disclosure
        if not shown:
            return None
        node = shown[0]
        stats = ua.rank_stats[ua.rank_stats["node"] == node]
        if "period" in stats.columns:
            here = stats[stats["period"].astype(str) == str(self.period)]
            stats = here if len(here) else stats[stats["period"] == stats["period"].iloc[-1]]
        stats = stats.dropna(subset=["nominal"]).sort_values(["nominal", "median"])
        rows = [{"member": self._label(r.member), "anchor": _anchor(r.member), "nominal": int(r.nominal),
                 "median": fmt(r.median, 1), "q5": fmt(r.q5, 1), "q95": fmt(r.q95, 1),
                 "range": fmt(r.q95 - r.q5, 1), "range_sort": _sort(r.q95 - r.q5)} for r in stats.itertuples()]
        svg = rank_range_svg([(self._label(r.member), float(r.nominal), r.median, r.q5, r.q95)
                              for r in stats.itertuples()], label=f"Rank uncertainty of {node}", n_ranks=len(stats))
        sensitivity = None if indices is None else [
            {"input": r.input, "first": fmt(r.first_order, 2), "total": fmt(r.total, 2),
             "first_ci": f"{fmt(r.first_order_q5, 2)} – {fmt(r.first_order_q95, 2)}",
             "total_ci": f"{fmt(r.total_q5, 2)} – {fmt(r.total_q95, 2)}"} for r in indices.itertuples()]
        stable = sum(1 for r in stats.itertuples() if r.q95 - r.q5 <= 2)
        return {"node": self.card.catalog.name(node), "runs": ua.n_runs, "vary": vary_summary(ua), "rows": rows,
                "svg": svg, "sensitivity": sensitivity, "stable": stable, "failures": len(ua.failures)}

    def accounting_table(self) -> tuple[list[str], list[list[str]]]:
        if self.accounting is None or len(self.accounting) == 0:
            return [], []
        table = self.accounting
        return [str(c) for c in table.columns], [[fmt(v, 0) if not isinstance(v, str) else v for v in row]
                                                 for row in table.itertuples(index=False)]


#: The report shows a Trends section for panels of at least this many periods.
TREND_MIN_PERIODS = 5


def _int(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def _anchor(member: Any) -> str:
    return "member-" + "".join(ch if ch.isalnum() else "-" for ch in str(member))


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and not math.isnan(float(x))


def _float(x: Any) -> float:
    return float(x) if _num(x) else -math.inf


def _sort(x: Any) -> str:
    return f"{float(x):.9f}" if _num(x) else ("" if x is None or (isinstance(x, float)) else str(x))


def render_report(card: Any, *, period: Any = None, peers: str | None = None, disclosure: str = "confidential",
                  min_group_size: int = 3, accounting: pd.DataFrame | None = None, title: str | None = None,
                  progress: Any = None, uncertainty: Any = None) -> str:
    """The HTML report of a Scorecard as a string (see :func:`write_report`).

    Example:
        >>> import pmm
        >>> html = pmm.render_report(pmm.demo_scorecard(members=4), disclosure="public")
        >>> html.startswith("<!DOCTYPE html>")
        True
    """
    import jinja2

    from pmm import __version__

    periods = list(card.periods)
    if period is None:
        period = periods[-1]
    elif period not in periods:
        raise PmmError(f"unknown period {period!r}; expected one of {', '.join(map(str, periods))}")
    if peers is not None:
        peer_members(card, card.scores["member"].iloc[0], peers)  # raises with a hint when unknown
    cat = card.catalog
    visible_kpis(cat, disclosure)  # raises on an unknown level
    withheld = [] if disclosure == "confidential" else disclosure_table(cat, card.weights, disclosure)
    card = card.disclosed(disclosure)  # hidden KPIs out, revealing group scores suppressed (every table and chart)
    suppressed = [] if disclosure == "confidential" else \
        [cat.name(n) for n in withheld.loc[~withheld["published"], "node"]]
    ctx = _Context(card, period, peers, disclosure, min_group_size, accounting,
                   title or f"{cat.framework.name}: scorecard {period}")
    member_ids = ctx.member_ids
    pages = []
    for i, m in enumerate(member_ids, start=1):
        pages.append(ctx.member_page(m))
        if progress is not None:
            progress(f"member page {m}", i, len(member_ids))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("report.html.j2")
    return template.render(
        title=ctx.title, cat=cat, framework=cat.framework, period=period, previous=ctx.previous,
        periods=periods, peers=peers, disclosure=disclosure, min_group_size=min_group_size,
        dims=[(d, cat.name(d)) for d in ctx.dims], ranking=ctx.ranking(), coverage=ctx.coverage(),
        coverage_members=member_ids, peer_groups=ctx.peer_groups(), pages=pages, method=ctx.method_steps(),
        weights=ctx.weights(), thresholds=ctx.thresholds(), provenance=ctx.provenance(),
        accounting=ctx.accounting_table(), trends=ctx.trends(), robustness=ctx.robustness(uncertainty),
        audit=ctx.audit(),
        n_hidden=len(cat.kpis) - len(ctx.kpis), suppressed=suppressed, version=__version__,
        level_labels=ctx.levels_named, level_styles=_level_styles(len(ctx.levels_named)),
        without_values=[ctx._label(m) for m in ctx.without_values],
        generated=build_time().strftime("%Y-%m-%d %H:%M UTC"),
        svg_markup=_markup)


def _level_styles(n_levels: int) -> list[tuple[int, str, str]]:
    """``(level, background, text colour)`` of each maturity level: red … the darkest green at the top."""
    from pmm.report.colours import level_colours, text_colour

    return [(i, c, text_colour(c)) for i, c in enumerate(level_colours(n_levels), start=1)]


def _markup(svg: str) -> Any:
    from markupsafe import Markup

    return Markup(svg)


def write_report(card: Any, path: str | os.PathLike[str], *, period: Any = None, peers: str | None = None,
                 disclosure: str = "confidential", min_group_size: int = 3, accounting: pd.DataFrame | None = None,
                 title: str | None = None, force: bool = True, progress: Any = None,
                 uncertainty: Any = None) -> Path:
    """Write the HTML scorecard report of ``card`` to one self-contained file.

    Args:
        card: the Scorecard.
        path: the ``.html`` file to write.
        period: the period reported (default: the latest; the previous one gives the changes).
        peers: a column of ``card.members`` (``region``, ``income_group`` …) forming the peer groups
            of the percentiles and the radar's median (default: all members form one group).
        disclosure: the most closed level shown (``public``, ``wco``, ``restricted``,
            ``confidential``); KPIs above it are left out of the file entirely.
        min_group_size: peer statistics over smaller groups are suppressed.
        accounting: the row accounting of the mapping (``MappingResult.accounting``), shown in
            the methodology.
        title: the page title (default: the framework name and period).
        force: overwrite an existing file (``False`` raises :class:`~pmm.errors.PmmError`).
        progress: a callback ``f(step, done, total)`` called after each member page (for progress bars).
        uncertainty: a :class:`pmm.Uncertainty` or :class:`pmm.Sensitivity` of the same data; adds the section
            "How robust are the ranks?" (rank ranges of the first analysed node, sensitivity indices).

    Returns:
        The path written.

    Example:
        >>> import pmm, tempfile, pathlib
        >>> out = pmm.write_report(pmm.demo_scorecard(members=4), pathlib.Path(tempfile.mkdtemp()) / "r.html",
        ...                        disclosure="public")
        >>> out.stat().st_size > 10_000
        True
    """
    path = output_path(path, force=force)
    html = render_report(card, period=period, peers=peers, disclosure=disclosure, min_group_size=min_group_size,
                         accounting=accounting, title=title, progress=progress, uncertainty=uncertainty)
    with atomic_write(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path
