"""The statistical audit of a scorecard (``card.audit``, ``pmm.audit``): COINr's analysis functions.

Every method reads one pipeline stage (``card.stage``) in one period (default: the latest):
``stats`` (``get_stats``), ``correlations`` (``get_corr``), ``correlation_flags``
(``get_corr_flags``), ``denominator_correlations`` (``get_denom_corr``), ``cronbach``
(``get_cronbach``), ``pca`` (``get_PCA``), ``effective_weights`` (``get_eff_weights``),
``strengths_weaknesses`` (``get_str_weak``) and ``unit_summary`` (``get_unit_summary``).
Formulas, defaults and the differences from COINr are in ``docs/audit.md``.

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> vals = pd.DataFrame({"member": list("ABCD"), "kpi": "usefulness", "value": [40, 70, 90, 95]})
    >>> pmm.score(vals, cat).audit.stats().query("kpi == 'usefulness'")["median"].item()
    80.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pmm.analysis.correlation import check_method, correlate
from pmm.analysis.frames import ancestor_at_level, kpi_table, level_table, nodes_at_level, resolve_period
from pmm.analysis.profile import strengths_weaknesses, unit_summary
from pmm.analysis.reliability import cronbach_alpha, principal_components
from pmm.analysis.stats import kpi_stats
from pmm.errors import AuditError, Problem, ScoringError, did_you_mean

__all__ = ["Audit", "PcaResult", "audit"]


@dataclass(frozen=True)
class PcaResult:
    """Principal components per group.

    Attributes:
        variance: ``group, component, eigenvalue, variance_share, cumulative_share, n_complete``.
        loadings: ``group, node, loading`` (PC1, unit length, oriented to a non-negative sum).
    """

    variance: pd.DataFrame
    loadings: pd.DataFrame


class Audit:
    """The statistical audit of one :class:`~pmm.Scorecard` (see the module docstring).

    Example:
        >>> import pmm
        >>> card = pmm.demo_scorecard(members=6)
        >>> w = card.audit.effective_weights
        >>> round(float(w.loc[(w["kind"] == "kpi") & (w["period"] == card.periods[-1]), "effective_weight"].sum()), 6)
        1.0
    """

    def __init__(self, card: Any):
        self._card = card
        self._kpi_correlations: dict[tuple[str, str, Any], tuple[list[str], np.ndarray]] = {}

    def __repr__(self) -> str:
        return f"Audit({self._card!r})"

    # -- distributions -----------------------------------------------------------------------------
    def stats(self, stage: str = "raw", *, period: Any = None, t_skew: float = 2.0, t_kurt: float = 3.5,
              t_avail: float = 0.65, t_zero: float = 0.5, t_unq: float = 0.5) -> pd.DataFrame:
        """Per KPI: min, max, mean, median, sd, skew, kurt, availability, zero/unique shares and flags (``get_stats``).

        Args:
            stage: the data described (``raw``, ``denominated``, ``imputed``, ``screened``,
                ``treated``, ``normalised``).
            period: the period (default: the latest).
            t_skew: outlier flag when \\|skew\\| > t_skew (and kurtosis > t_kurt).
            t_kurt: outlier flag when kurtosis > t_kurt (and \\|skew\\| > t_skew).
            t_avail: availability flag below this share of members.
            t_zero: non-zero flag when non-zero values are below this share of members.
            t_unq: uniqueness flag when distinct values are below this share of members.

        Returns:
            See :func:`pmm.analysis.stats.kpi_stats`.

        Example:
            >>> import pmm
            >>> s = pmm.demo_scorecard(members=6).audit.stats()
            >>> {"kpi", "skew", "kurt", "availability", "flag_outlier"} <= set(s.columns)
            True
        """
        return kpi_stats(kpi_table(self._card, stage, period), t_skew=t_skew, t_kurt=t_kurt, t_avail=t_avail,
                         t_zero=t_zero, t_unq=t_unq)

    # -- correlations ------------------------------------------------------------------------------
    def correlations(self, method: str = "pearson", levels: int | tuple[int, int] = 1,
                     with_parent: bool | str = False, pval: float = 0.05, *, stage: str = "normalised",
                     group: str | None = None, period: Any = None) -> pd.DataFrame:
        """Correlations between the nodes of one level, of two levels, or of nodes with their parents (``get_corr``).

        Args:
            method: ``pearson``, ``spearman`` or ``kendall``.
            levels: one level (every pair within it), or two levels (each node of the first
                against each of the second).
            with_parent: ``True``: each node only against its ancestor at the second level (the
                level above with one level given); ``"family"``: against its ancestor at every
                higher level; ``False``: every pair.
            pval: correlations with a p-value above this become NaN (0 keeps all).
            stage: the data of level 1 (levels above are the aggregated scores).
            group: only the nodes under this group (default: all).
            period: the period (default: the latest).

        Returns:
            ``x, y, x_level, y_level, correlation, p_value, n`` (``n`` = members with both values).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=6)
            >>> c = card.audit.correlations(levels=(1, 2), with_parent=True, pval=0)
            >>> bool((c["y"] == c["x"].map(card.catalog.parent)).all())
            True
        """
        check_method(method)
        card = self._card
        low, high = (levels, levels) if np.ndim(levels) == 0 else tuple(levels)
        low, high = min(low, high), max(low, high)
        nodes_at_level(card, low), nodes_at_level(card, high)  # both valid levels
        if with_parent == "family":
            pairs = [(low, up) for up in range(low + 1, card.catalog.max_level + 1)]
        elif with_parent is True:
            pairs = [(low, high if high > low else low + 1)]
        elif with_parent is False:
            pairs = [(low, high)]
        else:
            raise AuditError(Problem(f"with_parent must be True, False or 'family', found {with_parent!r}",
                                     where="with_parent", code="with_parent"))
        frames = [self._correlate_levels(a, b, method, bool(with_parent), pval, stage, group, period)
                  for a, b in pairs]
        return pd.concat(frames, ignore_index=True)

    def _correlate_levels(self, a: int, b: int, method: str, parents_only: bool, pval: float, stage: str,
                          group: str | None, period: Any) -> pd.DataFrame:
        card = self._card
        if b > card.catalog.max_level:
            raise AuditError(Problem(f"level {a} is the index; it has no parent to correlate with", where="levels",
                                     hint=f"use levels below {card.catalog.max_level}", code="level"))
        x = self._scoped(level_table(card, a, stage, period), group)
        y = level_table(card, b, stage, period).reindex(x.index)
        if not parents_only and a == b:
            y = x
        r, p, n = correlate(x.to_numpy(float), y.to_numpy(float), method)
        if pval > 0:
            r = np.where(p > pval, np.nan, r)
        xi, yi = np.meshgrid(np.arange(x.shape[1]), np.arange(y.shape[1]), indexing="ij")
        frame = pd.DataFrame({"x": np.asarray(x.columns, dtype=object)[xi.ravel()],
                              "y": np.asarray(y.columns, dtype=object)[yi.ravel()], "x_level": a, "y_level": b,
                              "correlation": r.ravel(), "p_value": p.ravel(), "n": n.ravel()})
        if parents_only:
            ancestor = frame["x"].map(lambda node: ancestor_at_level(card.catalog, node, b))
            frame = frame[frame["y"] == ancestor].reset_index(drop=True)
        return frame

    def _scoped(self, table: pd.DataFrame, group: str | None) -> pd.DataFrame:
        if group is None:
            return table
        catalog = self._card.catalog
        if group != catalog.root and group not in catalog.nodes:
            raise AuditError(Problem(f"unknown group {group!r}", where="group",
                                     hint=did_you_mean(str(group), catalog.nodes), code="unknown_group"))
        inside = set(catalog.walk(group))
        columns = [c for c in table.columns if c in inside]
        if not columns:
            raise AuditError(Problem(f"group {group!r} has no nodes at this level", where="group", node=group,
                                     hint="choose a level below the group's own", code="empty_group"))
        return table[columns]

    def correlation_flags(self, threshold: float | None = None, kind: str = "high", *, group_level: int = 2,
                          method: str = "pearson", stage: str = "normalised", period: Any = None) -> pd.DataFrame:
        """Pairs of KPIs in the same group correlated above (collinear) or below (conflicting) a threshold (``get_corr_flags``).

        Args:
            threshold: default 0.9 for ``high`` (COINr's default) and −0.4 for ``low``.
            kind: ``high`` (correlation > threshold) or ``low`` (correlation < threshold).
            group_level: pairs share their ancestor at this level (2 = same parent).
            method: ``pearson``, ``spearman`` or ``kendall``.
            stage: the data (default ``normalised``: directions applied, so a negative
                correlation means two KPIs pull the group apart).
            period: the period (default: the latest).

        Returns:
            ``group, kpi_1, kpi_2, correlation``: each pair once, no p-value filter.

        Example:
            >>> import pmm
            >>> flags = pmm.demo_scorecard(members=6).audit.correlation_flags(0.5)
            >>> bool((flags["correlation"] > 0.5).all())
            True
        """
        if kind not in ("high", "low"):
            raise AuditError(Problem(f"kind must be 'high' or 'low', found {kind!r}", where="kind", code="kind"))
        threshold = (0.9 if kind == "high" else -0.4) if threshold is None else threshold
        card = self._card
        nodes_at_level(card, group_level)
        kpis, r = self._kpi_correlation(method, stage, period)
        groups = [ancestor_at_level(card.catalog, k, group_level) for k in kpis]
        i, j = np.triu_indices(len(kpis), 1)
        keep = np.array([groups[a] is not None and groups[a] == groups[b] for a, b in zip(i, j)], dtype=bool)
        values = r[i, j]
        hit = keep & ~np.isnan(values) & ((values > threshold) if kind == "high" else (values < threshold))
        return pd.DataFrame({"group": [groups[a] for a in i[hit]], "kpi_1": [kpis[a] for a in i[hit]],
                             "kpi_2": [kpis[b] for b in j[hit]], "correlation": values[hit]})

    def _kpi_correlation(self, method: str, stage: str, period: Any) -> tuple[list[str], np.ndarray]:
        """The KPIs and their correlation matrix (no p-value filter), computed once per method, stage and period."""
        key = (method, stage, resolve_period(self._card, period))
        if key not in self._kpi_correlations:
            table = kpi_table(self._card, stage, period)
            r, _, _ = correlate(table.to_numpy(float), table.to_numpy(float), method)
            self._kpi_correlations[key] = (list(table.columns), r)
        return self._kpi_correlations[key]

    def denominator_correlations(self, threshold: float = 0.6, method: str = "pearson", *, stage: str = "raw",
                                 denominators: list[str] | None = None, period: Any = None) -> pd.DataFrame:
        """KPIs correlated with a denominator (population, GDP …) beyond ±threshold (``get_denom_corr``).

        Args:
            threshold: keep \\|correlation\\| > threshold.
            method: ``pearson``, ``spearman`` or ``kendall``.
            stage: the KPI data (default ``raw``).
            denominators: columns of the members table (default: every column a KPI names as its
                ``denominator``).
            period: the period (default: the latest); a ``period`` column in the members table
                selects its rows.

        Returns:
            ``kpi, denominator, correlation, n``.

        Raises:
            AuditError: no members table, no denominators declared, or a column it lacks.

        Example:
            >>> import pandas as pd, pmm
            >>> meta = pd.DataFrame({"iCode": ["a", "I"], "Parent": ["I", None], "Level": [1, 2],
            ...                      "Direction": [1, None], "Weight": [1, 1], "Type": ["Indicator", "Aggregate"]})
            >>> vals = pd.DataFrame({"member": list("WXYZ"), "kpi": "a", "value": [1.0, 2.0, 3.0, 5.0]})
            >>> members = pd.DataFrame({"member": list("WXYZ"), "pop": [10.0, 20.0, 30.0, 40.0]})
            >>> card = pmm.score(vals, pmm.Catalog.from_table(meta), members=members)
            >>> card.audit.denominator_correlations(denominators=["pop"]).round(4).values.tolist()
            [['a', 'pop', 0.9827, 4]]
        """
        card = self._card
        check_method(method)
        members = card.members
        if denominators is None:
            denominators = list(dict.fromkeys(k.denominator for k in card.catalog.kpis
                                              if getattr(k, "denominator", None)))
        if not denominators:
            raise AuditError(Problem("no KPI declares a denominator", where="denominators",
                                     hint="pass denominators=[...] naming columns of the members table, or give "
                                     "KPIs a 'denominator'", code="no_denominators"))
        if members is None:
            raise AuditError(Problem(f"denominator correlations need the members table with columns {denominators}",
                                     where="members", hint="pass members= to pmm.score", code="members"))
        missing = [d for d in denominators if d not in members.columns]
        if missing:
            raise AuditError(Problem(f"the members table has no column(s) {missing}", where="members",
                                     hint=did_you_mean(missing[0], members.columns), code="denominator_column"))
        table = kpi_table(card, stage, period)
        period = resolve_period(card, period)
        if "period" in members.columns and period is not None:
            members = members[members["period"] == period]
        denoms = members.set_index("member")[denominators].apply(pd.to_numeric, errors="coerce").reindex(table.index)
        r, _, n = correlate(table.to_numpy(float), denoms.to_numpy(float), method)
        ki, di = np.nonzero(np.abs(np.nan_to_num(r)) > threshold)
        return pd.DataFrame({"kpi": [table.columns[k] for k in ki], "denominator": [denominators[d] for d in di],
                             "correlation": r[ki, di], "n": n[ki, di]})

    # -- internal consistency ---------------------------------------------------------------------
    def cronbach(self, group: str | None = None, *, level: int = 1, stage: str = "normalised",
                 period: Any = None) -> float:
        """Cronbach's alpha of the nodes at ``level`` under ``group`` (default: the whole index) (``get_cronbach``).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=6)
            >>> -1 < card.audit.cronbach("tf") <= 1
            True
        """
        table = self._scoped(level_table(self._card, level, stage, period), group)
        if table.shape[1] < 2:
            raise AuditError(Problem(f"Cronbach's alpha needs at least 2 nodes, {group!r} has {table.shape[1]} at "
                                     f"level {level}", where="group", node=group or "", code="cronbach"))
        return cronbach_alpha(table.to_numpy(float))

    def pca(self, group: str | None = None, level: int = 1, *, by_groups: bool = True, stage: str = "normalised",
            period: Any = None) -> PcaResult:
        """Principal components of the nodes at ``level`` under ``group``, per parent group (``get_PCA``).

        Args:
            group: the scope (default: the whole index).
            level: the level of the nodes analysed (1 = KPIs).
            by_groups: one PCA per parent group at ``level + 1`` (COINr's default); else one for all.
            stage: the data of level 1 (levels above are the aggregated scores).
            period: the period (default: the latest).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=6)
            >>> result = card.audit.pca(level=3)      # the dimensions
            >>> result.variance.groupby("group")["variance_share"].sum().round(6).eq(1).all()
            np.True_
        """
        table = self._scoped(level_table(self._card, level, stage, period), group)
        catalog = self._card.catalog
        if by_groups:
            parents = [ancestor_at_level(catalog, n, level + 1) for n in table.columns]
        else:
            parents = [group or catalog.root] * table.shape[1]
        variance, loadings = [], []
        for parent in dict.fromkeys(parents):
            part = table[[c for c, p in zip(table.columns, parents) if p == parent]]
            if part.shape[1] < 2:
                continue
            try:
                v, w = principal_components(part, group=parent or "")
            except ScoringError as err:
                raise AuditError([Problem(p.message, where="pca", node=p.node, hint=p.hint, code=p.code)
                                  for p in err.problems]) from None
            variance.append(v.assign(group=parent))
            loadings.append(w.assign(group=parent))
        if not variance:
            raise AuditError(Problem(f"no group has 2 or more nodes at level {level} to analyse", where="pca",
                                     node=group or "", code="pca_groups"))
        v, w = pd.concat(variance, ignore_index=True), pd.concat(loadings, ignore_index=True)
        return PcaResult(v[["group", *v.columns[:-1]]], w[["group", "node", "loading"]])

    # -- weights and members ----------------------------------------------------------------------
    @property
    def effective_weights(self) -> pd.DataFrame:
        """``period, node, kind, level, parent, weight`` (within the parent), ``effective_weight`` (in the index).

        The effective weight is the product of the within-parent weights on the path to the index
        (COINr ``get_eff_weights``); it is ``card.weights`` with each node's kind and level.
        """
        weights = self._card.weights
        catalog = self._card.catalog
        weights.insert(2, "kind", weights["node"].map(catalog.kind))
        weights.insert(3, "level", weights["node"].map(catalog.level))
        return weights

    def strengths_weaknesses(self, member: Any, top: int = 5, bottom: int | None = None, **kw: Any) -> pd.DataFrame:
        """See :func:`pmm.analysis.profile.strengths_weaknesses` (COINr ``get_str_weak``).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=6)
            >>> len(card.audit.strengths_weaknesses(card.members["member"][0], top=3))
            6
        """
        return strengths_weaknesses(self._card, member, top, bottom, **kw)

    def unit_summary(self, member: Any, levels: list[int] | None = None, period: Any = None) -> pd.DataFrame:
        """See :func:`pmm.analysis.profile.unit_summary` (COINr ``get_unit_summary``).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=6)
            >>> card.audit.unit_summary(card.members["member"][0], levels=[2])["level"].unique().tolist()
            [2]
        """
        return unit_summary(self._card, member, levels, period)


def audit(values: pd.DataFrame, catalog: Any, method: Any = None, members: pd.DataFrame | None = None) -> Audit:
    """Score ``values`` (as :func:`pmm.score`) and return the scorecard's :class:`Audit`.

    Example:
        >>> import pandas as pd, pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> vals = pd.DataFrame({"member": list("ABC"), "kpi": "usefulness", "value": [40, 70, 90]})
        >>> pmm.audit(vals, cat).stats().query("kpi == 'usefulness'")["mean"].item()
        66.66666666666667
    """
    from pmm.scoring.engine import score

    return score(values, catalog, method, members).audit
