"""The :class:`Scorecard`: the immutable result of :func:`pmm.score` — tidy tables plus provenance.

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> vals = pd.DataFrame({"member": ["A", "B", "C"], "kpi": "usefulness", "value": [40, 70, 90]})
    >>> card = pmm.score(vals, cat)
    >>> card.wide()["usefulness"].tolist()
    [40.0, 70.0, 90.0]
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.benchmark import benchmark_table, changes_table, profile_table, unknown_member
from pmm.scoring.disclosure import disclose_scores, visible_kpi_ids
from pmm.scoring.progress import group_progress_table, progress_table
from pmm.scoring.pooled import pooled_table
from pmm.scoring.trends import trend_table

if TYPE_CHECKING:
    from pmm.catalog import Catalog
    from pmm.scoring.method import ScoringMethod
    from pmm.scoring.trace import PipelineTrace

__all__ = ["Scorecard"]

_WIDE_VALUES = ("score", "rank", "maturity", "coverage")


class Scorecard:
    """Scores of every node for every member and period, KPI levels, weights and provenance.

    Built by :func:`pmm.score`; immutable (attributes cannot be set; tables are returned as
    copies).

    Attributes:
        catalog: the :class:`~pmm.Catalog` scored against.
        method: the complete :class:`~pmm.ScoringMethod` used.
        members: the member attributes given to :func:`pmm.score` (or ``None``).
        scores: one row per (period, node, member): ``member, period, node, kind`` (kpi, group,
            index), ``level`` (COINr tree level), ``parent, score, rank`` (1 = best, ties min),
            ``maturity`` (level or NA), ``maturity_label``, ``maturity_plus`` (PEFA "+"),
            ``coverage`` (share of applicable children present), ``not_applicable``,
            ``insufficient_data`` (the value rests on an ``insufficient_data`` KPI).
        levels: one row per (period, KPI, member): ``member, period, kpi, value`` (as given),
            ``status`` (``missing`` when no row was given), ``n, level, level_label, score``.
        weights: ``period, node, parent, weight`` (within the parent), ``effective_weight``.
        screening: members kept or dropped by the ``screen`` step (``None`` without it).
        treatment: per-KPI outlier treatment (``None`` without ``treat``).
        treatment_points: per-value treatment flags (``None`` without ``treat``).
        provenance: catalog id/version/hash, method, pmm version, input row counts, what each
            pipeline step did (``pipeline``), timestamp.
        periods: the sorted periods (``[None]`` when the values had no period column).
    """

    def __init__(self, *, catalog: Catalog, method: ScoringMethod, members: pd.DataFrame | None,
                 scores: pd.DataFrame, levels: pd.DataFrame, weights: pd.DataFrame, provenance: dict[str, Any],
                 periods: list[Any], trace: PipelineTrace, goals: pd.DataFrame | None = None):
        for name, value in [("catalog", catalog), ("method", method), ("_members", members), ("_scores", scores),
                            ("_levels", levels), ("_weights", weights), ("_provenance", provenance),
                            ("_periods", list(periods)), ("_trace", trace), ("_goals", goals)]:
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Scorecard is immutable; score again to change it")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Scorecard is immutable")

    def __repr__(self) -> str:
        n_members = self._scores["member"].nunique()
        return (f"Scorecard({self.catalog.root!r}, {n_members} members, {len(self._periods)} period(s), "
                f"{self._scores['node'].nunique()} nodes)")

    def _repr_html_(self) -> str:
        """Framework, method and the latest ranking as HTML, for Jupyter (see :mod:`pmm.report.display`)."""
        from pmm.report.display import scorecard_html

        return scorecard_html(self)

    # -- tables (copies, so the scorecard stays unchanged) ----------------------------------------
    @property
    def scores(self) -> pd.DataFrame:
        """The long table of every node's score, rank, maturity and coverage."""
        return self._scores.copy()

    @property
    def levels(self) -> pd.DataFrame:
        """KPI values with status, maturity level and normalised score."""
        return self._levels.copy()

    @property
    def weights(self) -> pd.DataFrame:
        """Weight of every node within its parent and in the overall index, per period."""
        return self._weights.copy()

    def stage(self, name: str) -> pd.DataFrame:
        """The data after one pipeline stage: ``member, period, kpi, value, imputed``, one row per cell.

        Stages: ``raw`` (the input values), ``denominated``, ``imputed``, ``screened``, ``treated``,
        ``normalised`` and ``aggregated`` (every node: column ``node`` instead of ``kpi``). A step
        the method omits leaves the data as the stage before it. See ``docs/pipeline.md``.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("indicators/rbm-example")
            >>> vals = pd.DataFrame({"member": list("ABC"), "kpi": "usefulness", "value": [40, 70, 90]})
            >>> pmm.score(vals, cat).stage("normalised").query("kpi == 'usefulness'")["value"].tolist()
            [40.0, 70.0, 90.0]
        """
        return self._trace.stage(name)

    @property
    def screening(self) -> pd.DataFrame | None:
        """Members kept or dropped by ``screen``: ``member, period, n_present, n_applicable, coverage, nonzero, included,
        reason``.

        ``reason`` is ``coverage`` (kept), ``low coverage`` or ``zeros`` (dropped), ``include`` or
        ``exclude`` (forced by the method). ``None`` when the method has no ``screen`` step.
        """
        frame = self._trace.screening
        return None if frame is None else frame.copy()

    @property
    def treatment(self) -> pd.DataFrame | None:
        """One row per KPI (and period): ``period, kpi, method, winmax, skew, kurt, flagged, winsorised, log, boxcox,
        skew_after, kurt_after, passed``; ``None`` when the method has no ``treat`` step."""
        frame = self._trace.treatment
        return None if frame is None else frame.copy()

    @property
    def treatment_points(self) -> pd.DataFrame | None:
        """One row per treated value: ``member, period, kpi, value, treated, winsorised_high, winsorised_low, log,
        boxcox``; ``None`` when the method has no ``treat`` step."""
        frame = self._trace.treatment_points
        return None if frame is None else frame.copy()

    @property
    def members(self) -> pd.DataFrame | None:
        """The member attributes (``None`` when none were given)."""
        return None if self._members is None else self._members.copy()

    @property
    def provenance(self) -> dict[str, Any]:
        """Where the scores come from: catalog hash, method, versions, input row counts."""
        return copy.deepcopy(self._provenance)

    @property
    def periods(self) -> list[Any]:
        """The sorted periods."""
        return list(self._periods)

    # -- views ------------------------------------------------------------------------------------
    def _period(self, period: Any) -> Any:
        if period is None:
            return self._periods[-1]
        if period not in self._periods:
            raise ScoringError(Problem(f"unknown period {period!r}", where="period",
                                       hint=did_you_mean(str(period), [str(p) for p in self._periods]),
                                       code="unknown_period"))
        return period

    def _at(self, frame: pd.DataFrame, period: Any) -> pd.DataFrame:
        return frame[frame["period"].isna()] if period is None else frame[frame["period"] == period]

    def wide(self, period: Any = None, value: str = "score") -> pd.DataFrame:
        """A member × node table of one period (default: the latest) in tree order.

        Args:
            period: the period; ``None`` for the latest.
            value: ``score``, ``rank``, ``maturity`` or ``coverage``.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("indicators/rbm-example")
            >>> card = pmm.score(pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [40, 90]}), cat)
            >>> int(card.wide(value="rank").loc["B", "usefulness"])
            1
        """
        if value not in _WIDE_VALUES:
            raise ScoringError(Problem(f"unknown value {value!r}", where="wide", hint=did_you_mean(value, _WIDE_VALUES)))
        rows = self._at(self._scores, self._period(period))
        table = rows.pivot(index="member", columns="node", values=value)
        return table[list(dict.fromkeys(rows["node"]))].rename_axis(columns=None)

    def disclosed(self, disclosure: str) -> Scorecard:
        """The scorecard as published at a disclosure level: hidden KPIs left out, revealing group scores suppressed.

        KPIs above ``disclosure`` leave every table; a group whose score would reveal them (see
        :mod:`pmm.scoring.disclosure`) keeps its rows with score, rank and maturity missing. Every
        output at a disclosure level (workbook, report, CSV tables, benchmarks) is made from this view.

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=4)
            >>> public = card.disclosed("public")
            >>> set(public.levels["kpi"]) < set(card.levels["kpi"])
            True
        """
        if disclosure == "confidential":
            return self
        visible = set(visible_kpi_ids(self.catalog, disclosure))
        hidden = set(self.catalog.kpi_ids) - visible
        goals = self._goals
        if goals is not None and "kpi" in goals.columns:
            goals = goals[~goals["kpi"].isin(hidden)]
        scores = disclose_scores(self._scores, self.catalog, self._weights, disclosure)
        return Scorecard(catalog=self.catalog, method=self.method, members=self._members, scores=scores,
                         levels=self._levels[self._levels["kpi"].isin(visible)],
                         weights=self._weights[~self._weights["node"].isin(hidden)],
                         provenance={**self._provenance, "disclosure": disclosure}, periods=self._periods,
                         trace=self._trace.restricted(visible, scores), goals=goals)

    def benchmark(self, by: str | None = None, *, min_group_size: int = 3, disclosure: str | None = None) -> pd.DataFrame:
        """Peer-group statistics and each member's place in its group (see :func:`pmm.scoring.benchmark.benchmark_table`).

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("indicators/rbm-example")
            >>> card = pmm.score(pd.DataFrame({"member": list("ABC"), "kpi": "usefulness", "value": [40, 70, 90]}), cat)
            >>> card.benchmark().query("node == 'usefulness' and member == 'B'")["gap_to_best"].item()
            -20.0
        """
        scores = self._scores if disclosure is None else self.disclosed(disclosure)._scores
        return benchmark_table(scores, self._members, self.catalog, by=by, min_group_size=min_group_size,
                               disclosure=disclosure)

    @property
    def progress(self) -> pd.DataFrame:
        """Achievement against baseline and target of every KPI that has both (see :mod:`pmm.scoring.progress`).

        Columns ``member, period, kpi, value, baseline, target, achievement, status``;
        ``achievement = (value − baseline) / (target − baseline)``; ``status`` from the catalog's
        ``progress`` block. ``baseline``/``target`` columns of the values table override the catalog.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("rbm-example")
            >>> vals = pd.DataFrame({"member": ["A"], "kpi": ["usefulness"], "value": [70.0], "baseline": [50.0]})
            >>> pmm.score(vals, cat).progress[["value", "baseline", "target", "achievement", "status"]].values.tolist()
            [[70.0, 50.0, 80.0, 0.6666666666666666, 'partly achieved']]
        """
        return progress_table(self._levels, self.catalog, self._goals, self._periods)

    @property
    def group_progress(self) -> pd.DataFrame:
        """Progress of every group and the index: the weighted share of their KPIs achieved, and a status.

        Columns ``member, period, node, kind, n_kpis, n_achieved, achievement, status`` (see
        :func:`pmm.scoring.progress.group_progress_table`). A group is "achieved" only when
        every KPI under it is.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("rbm-example")
            >>> vals = pd.DataFrame({"member": "A", "kpi": ["participants", "usefulness"], "value": [400.0, 90.0]})
            >>> pmm.score(vals, cat).group_progress.query("node == 'rbm'")["status"].item()
            'achieved'
        """
        return group_progress_table(self.progress, self.catalog, self._weights)

    def pooled(self, by: str | None = None, *, min_group_size: int = 1) -> pd.DataFrame:
        """Pooled KPI values per peer group: Σ numerator / Σ denominator, not the mean of the rates.

        Needs ``numerator`` and ``denominator`` columns in the values table for the KPIs to pool;
        see :func:`pmm.scoring.pooled.pooled_table` for the columns.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("rbm-example")
            >>> vals = pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [90.0, 50.0],
            ...                      "numerator": [9, 500], "denominator": [10, 1000]})
            >>> round(pmm.score(vals, cat).pooled()["value"].item(), 2)
            50.4
        """
        return pooled_table(self._levels, self._goals, self.catalog, self._members, by=by,
                            min_group_size=min_group_size)

    def changes(self) -> pd.DataFrame:
        """Period-over-period change of raw value (``value_previous, value_change, value_change_pct``),
        score, maturity level and rank (``rank_change`` > 0 = moved up); see
        :func:`pmm.scoring.benchmark.changes_table`.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("indicators/rbm-example")
            >>> vals = pd.DataFrame({"member": ["A", "B"] * 2, "period": [2023, 2023, 2024, 2024],
            ...                      "kpi": "usefulness", "value": [40, 70, 90, 60]})
            >>> pmm.score(vals, cat).changes().query("node == 'usefulness'")[["member", "rank_change"]].values.tolist()
            [['A', 1], ['B', -1]]
        """
        return changes_table(self._scores, self._periods, self._levels)

    def trends(self, node: str, since: Any = None, *, on: str | None = None) -> pd.DataFrame:
        """Long-run trend of one KPI or group per member: CAGR, slope per period, change, periods observed.

        Args:
            node: a KPI id (its raw values, ``ok`` ones only) or a group/index id (its scores).
            since: the first period included (default: all periods).
            on: ``"value"`` or ``"score"`` to choose explicitly (a group has scores only).

        Returns:
            ``member, node, n_periods, first_period, last_period, first_value, last_value, change,
            change_pct, cagr, slope, reason`` (see :func:`pmm.scoring.trends.trend_table`); a
            member with one value has no trend and says why in ``reason``.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("rbm-example")
            >>> vals = pd.DataFrame({"member": "A", "period": [2020, 2021, 2022], "kpi": "participants",
            ...                      "value": [100.0, 150.0, 225.0]})
            >>> pmm.score(vals, cat).trends("participants")[["cagr", "slope", "change"]].values.tolist()
            [[0.5, 62.5, 125.0]]
        """
        if node not in set(self.catalog.walk()):
            raise ScoringError(Problem(f"unknown node {node!r}", where="trends",
                                       hint=did_you_mean(node, list(self.catalog.walk())), code="unknown_node"))
        is_kpi = self.catalog.kind(node) == "kpi"
        on = on or ("value" if is_kpi else "score")
        if on not in ("value", "score") or (on == "value" and not is_kpi):
            raise ScoringError(Problem(f"trends on {on!r} of {node!r}: expected 'score', or 'value' for a KPI",
                                       where="trends", node=node, code="trend_on"))
        periods = self._periods
        if since is not None:
            try:
                periods = [p for p in periods if p is not None and p >= since]
            except TypeError:
                raise ScoringError(Problem(f"since={since!r} cannot be compared with the periods "
                                           f"{[p for p in self._periods][:5]}", where="trends", node=node,
                                           hint="give a period of the same type, e.g. since=2020",
                                           code="since")) from None
        if on == "value":
            lv = self._levels[self._levels["kpi"] == node]
            series = lv.assign(value=lv["value"].where(lv["status"] == "ok"))
        else:
            series = self._scores[self._scores["node"] == node].rename(columns={"score": "value"})
        series = series.assign(value=series["value"].where(series["period"].isin(periods)))  # every member stays
        table = trend_table(series[["member", "period", "value"]], periods)
        table.insert(1, "node", node)
        return table

    def profile(self, member: Any, period: Any = None, top: int = 5) -> pd.DataFrame:
        """The member's strengths and weaknesses: its ``top`` best- and worst-ranked KPIs.

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("indicators/rbm-example")
            >>> vals = pd.DataFrame({"member": ["A", "B", "A", "B"], "kpi": ["usefulness"] * 2 + ["participants"] * 2,
            ...                      "value": [40, 90, 300, 100]})
            >>> pmm.score(vals, cat).profile("A", top=1)[["type", "kpi", "rank"]].values.tolist()
            [['strength', 'participants', 1], ['weakness', 'usefulness', 2]]
        """
        members = self._scores["member"].unique()
        if member not in set(members):
            raise unknown_member(member, members)
        return profile_table(self._scores, self._levels, self.catalog, member, self._period(period), top)

    @property
    def audit(self) -> Any:
        """The statistical audit (COINr's analysis functions): ``card.audit.stats()``, ``.correlations()``,
        ``.correlation_flags()``, ``.cronbach(group)``, ``.pca()``, ``.effective_weights``,
        ``.strengths_weaknesses(member)`` … (see :class:`pmm.analysis.Audit` and ``docs/audit.md``).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=6)
            >>> card.audit.stats("raw").columns[:3].tolist()
            ['kpi', 'min', 'max']
        """
        from pmm.analysis import Audit

        return Audit(self)

    # -- export -----------------------------------------------------------------------------------
    @property
    def plot(self) -> Any:
        """Plots of this scorecard: ``card.plot.radar(member)``, ``.ranking()``, ``.maturity_heatmap()``,
        ``.trend(member)``, ``.distribution(kpi, member=…)``, the audit's ``.correlation_heatmap()`` and
        ``.stage_distribution(kpi)`` (see :mod:`pmm.report.plots`).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=4)
            >>> card.plot.ranking().get_xlabel()
            'score'
        """
        from pmm.report.plots import ScorecardPlots

        return ScorecardPlots(self)

    def to_excel(self, path: Any, **kw: Any) -> Any:
        """Write an Excel workbook (see :func:`pmm.report.excel.write_workbook` for the options).

        Example:
            >>> import pmm, tempfile, pathlib
            >>> pmm.demo_scorecard(members=4).to_excel(pathlib.Path(tempfile.mkdtemp()) / "card.xlsx").name
            'card.xlsx'
        """
        from pmm.report.excel import write_workbook

        return write_workbook(self, path, **kw)

    def to_html(self, path: Any, **kw: Any) -> Any:
        """Write the HTML scorecard report (see :func:`pmm.write_report` for the options).

        Example:
            >>> import pmm, tempfile, pathlib
            >>> pmm.demo_scorecard(members=4).to_html(pathlib.Path(tempfile.mkdtemp()) / "report.html").name
            'report.html'
        """
        from pmm.report.html import write_report

        return write_report(self, path, **kw)

    def to_frame(self) -> pd.DataFrame:
        """The scores table with node names, ready to save (``to_csv``/``to_parquet``).

        Example:
            >>> import pandas as pd, pmm
            >>> cat = pmm.load_catalog("indicators/rbm-example")
            >>> card = pmm.score(pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [40, 90]}), cat)
            >>> card.to_frame().loc[0, ["node", "name"]].tolist()
            ['rbm', 'Technical assistance programme results framework']
        """
        names = {n: self.catalog.name(n) for n in self.catalog.walk()}
        frame = self.scores
        frame.insert(frame.columns.get_loc("node") + 1, "name", frame["node"].map(names))
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready: missing values as ``None``): provenance, method and every table.

        Example:
            >>> import json, pandas as pd, pmm
            >>> cat = pmm.load_catalog("indicators/rbm-example")
            >>> card = pmm.score(pd.DataFrame({"member": ["A", "B"], "kpi": "usefulness", "value": [40, 90]}), cat)
            >>> sorted(json.loads(json.dumps(card.to_dict(), default=str)))[:3]
            ['levels', 'members', 'method']
        """

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return frame.astype(object).where(frame.notna(), None).to_dict("records")

        return {"provenance": self.provenance, "method": self.method.model_dump(mode="json"),
                "periods": self.periods, "scores": records(self._scores), "levels": records(self._levels),
                "weights": records(self._weights),
                "members": None if self._members is None else records(self._members),
                **{name: None if frame is None else records(frame)
                   for name, frame in (("screening", self._trace.screening), ("treatment", self._trace.treatment))}}
