"""What the scoring pipeline did, as tables: every stage's data, screening and treatment details.

:class:`PipelineTrace` keeps the stage arrays of one scoring run (replication 0) and turns them
into long tables on demand (``card.stage(name)``); it also holds the screening summary
(``card.screening``), the per-KPI treatment table (``card.treatment``) and the per-point
treatment flags (``card.treatment_points``). Columns are documented in ``docs/pipeline.md``.

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> vals = pd.DataFrame({"member": list("ABC"), "kpi": "usefulness", "value": [40.0, None, 90.0]})
    >>> card = pmm.score(vals, cat, method={"impute": {"method": "mean"}})
    >>> card.stage("imputed").query("kpi == 'usefulness'")[["member", "value", "imputed"]].values.tolist()
    [['A', 40.0, False], ['B', 65.0, True], ['C', 90.0, False]]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError, did_you_mean
from pmm.scoring.method import STAGES
from pmm.scoring.pipeline import nonzero_share
from pmm.scoring.tables import grid, long_column, take_labels
from pmm.scoring.values import NOT_APPLICABLE

if TYPE_CHECKING:
    from pmm.scoring.pipeline import StageContext, StageResult
    from pmm.scoring.plan import PlanResult, ScoringPlan
    from pmm.scoring.values import KpiData

__all__ = ["PipelineTrace"]


@dataclass(frozen=True)
class PipelineTrace:
    """Stage arrays ``(period, member, item)`` and the tables of what each stage did.

    Attributes:
        members, periods, kpis, nodes: the labels of the array axes (``nodes`` for ``aggregated``).
        arrays: stage name → array (KPI stages over ``kpis``, ``aggregated`` over ``nodes``).
        imputed: ``(period, member, kpi)`` cells filled by imputation.
        screening: one row per member and period (``None`` without ``screen``).
        treatment: one row per KPI and period (``None`` without ``treat``).
        treatment_points: one row per treated value (``None`` without ``treat``).
        aggregated_table: the ``aggregated`` stage as a table, when it is not built from ``arrays``
            (a disclosed view, see :meth:`restricted`).
    """

    members: tuple[Any, ...]
    periods: tuple[Any, ...]
    kpis: tuple[str, ...]
    nodes: tuple[str, ...]
    arrays: dict[str, np.ndarray]
    imputed: np.ndarray
    screening: pd.DataFrame | None
    treatment: pd.DataFrame | None
    treatment_points: pd.DataFrame | None
    aggregated_table: pd.DataFrame | None = None

    @classmethod
    def build(cls, stages: StageResult, context: StageContext, result: PlanResult, data: KpiData,
              plan: ScoringPlan) -> PipelineTrace:
        """The trace of one run: replication 0 of the stages and of the plan's result."""
        n_kpi = plan.n_kpis
        order = np.array([plan.nodes.index(n) for n in plan.catalog.walk()])
        arrays = {"raw": stages.raw[0], "denominated": stages.denominated[0], "imputed": stages.imputed[0],
                  "screened": stages.screened[0], "treated": stages.treated[0],
                  "normalised": result.scores[0][..., :n_kpi], "aggregated": result.scores[0][..., order]}
        treatment = points = None
        if stages.treatment is not None:
            treatment, points = _treatment_tables(stages, context, data, plan)
        screening = _screening_table(stages, context, data) if stages.included is not None else None
        return cls(members=data.members, periods=data.periods, kpis=tuple(plan.nodes[:n_kpi]),
                   nodes=tuple(plan.nodes[i] for i in order), arrays=arrays, imputed=stages.imputed_cells[0],
                   screening=screening, treatment=treatment, treatment_points=points)

    def restricted(self, visible: set[str], scores: pd.DataFrame) -> PipelineTrace:
        """The trace as published at a disclosure level: only the ``visible`` KPIs; ``aggregated`` from ``scores``.

        ``scores`` is the disclosed scores table (hidden KPIs removed, revealing groups blank).

        Example:
            >>> import pmm
            >>> card = pmm.demo_scorecard(members=4)
            >>> public = card.disclosed("public")
            >>> set(public.stage("raw")["kpi"]) == set(public.levels["kpi"])
            True
        """
        keep = [i for i, k in enumerate(self.kpis) if k in visible]
        kpis = tuple(self.kpis[i] for i in keep)

        def only(frame: pd.DataFrame | None) -> pd.DataFrame | None:
            return None if frame is None else frame[frame["kpi"].isin(visible)].reset_index(drop=True)

        aggregated = scores[["member", "period", "node", "score"]].rename(columns={"score": "value"})
        return replace(self, kpis=kpis, arrays={n: a[..., keep] for n, a in self.arrays.items() if n != "aggregated"},
                       imputed=self.imputed[..., keep], treatment=only(self.treatment),
                       treatment_points=only(self.treatment_points), aggregated_table=aggregated.reset_index(drop=True))

    def stage(self, name: str) -> pd.DataFrame:
        """The long table of one stage: ``member, period, kpi, value, imputed`` (``node`` for ``aggregated``).

        Raises:
            ScoringError: an unknown stage name.
        """
        if name == "aggregated" and self.aggregated_table is not None:
            return self.aggregated_table.copy()
        if name not in self.arrays:
            raise ScoringError(Problem(f"unknown stage {name!r}", where="stage", hint=did_you_mean(name, STAGES),
                                       code="unknown_stage"))
        a = self.arrays[name]
        items = self.nodes if name == "aggregated" else self.kpis
        order = np.arange(len(items))
        t, j, m = grid(len(self.periods), len(items), len(self.members))
        frame = pd.DataFrame({"member": take_labels(self.members, m), "period": take_labels(self.periods, t),
                              "node" if name == "aggregated" else "kpi": take_labels(items, j),
                              "value": long_column(a, order)})
        if name != "aggregated":
            after = STAGES.index(name) >= STAGES.index("imputed")
            frame["imputed"] = long_column(self.imputed, order) if after else False
        return frame


def _screening_table(stages: StageResult, context: StageContext, data: KpiData) -> pd.DataFrame:
    """One row per (period, member): coverage before screening, forced choice, kept or dropped and why."""
    x = stages.imputed[0]
    applicable = data.status != NOT_APPLICABLE
    n_per, n_mem = x.shape[:2]
    forced = context.forced[None, :]
    kept = stages.included[0]
    spec = context.method.screen
    nonzero = nonzero_share(x)
    zeros = nonzero < spec.min_nonzero if spec.min_nonzero is not None else np.zeros(nonzero.shape, dtype=bool)
    low = stages.coverage[0] < spec.min_coverage
    reason = np.where(forced > 0, "include", np.where(forced < 0, "exclude", np.where(
        low, "low coverage", np.where(zeros, "zeros", "coverage"))))
    return pd.DataFrame({
        "member": take_labels(data.members, np.tile(np.arange(n_mem), n_per)),
        "period": take_labels(data.periods, np.repeat(np.arange(n_per), n_mem)),
        "n_present": ((~np.isnan(x)) & applicable).sum(axis=-1).reshape(-1),
        "n_applicable": applicable.sum(axis=-1).reshape(-1),
        "coverage": stages.coverage[0].reshape(-1),
        "nonzero": nonzero.reshape(-1),
        "included": kept.reshape(-1),
        "reason": reason.reshape(-1),
    })


def _treatment_tables(stages: StageResult, context: StageContext, data: KpiData,
                      plan: ScoringPlan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-KPI treatment table and the per-point flags."""
    t = stages.treatment
    n_per, n_mem, n_kpi = stages.screened[0].shape
    kpis = plan.nodes[:n_kpi]
    args = context.treat_args
    method = np.where(args["active"], args["method"], "none")
    p = np.repeat(np.arange(n_per), n_kpi)
    k = np.tile(np.arange(n_kpi), n_per)
    table = pd.DataFrame({
        "period": take_labels(data.periods, p),
        "kpi": take_labels(kpis, k),
        "method": method[k],
        "winmax": args["winmax"][k],
        "skew": t.skew[0].reshape(-1),
        "kurt": t.kurt[0].reshape(-1),
        "flagged": t.flagged[0].reshape(-1),
        "winsorised": t.winsorised[0].reshape(-1),
        "log": t.log[0].reshape(-1),
        "boxcox": t.boxcox[0].reshape(-1),
        "skew_after": t.skew_after[0].reshape(-1),
        "kurt_after": t.kurt_after[0].reshape(-1),
        "passed": t.passed[0].reshape(-1),
    })
    high, low = t.high[0], t.low[0]
    logged = np.broadcast_to(t.log[0][:, None, :], high.shape) & ~np.isnan(stages.screened[0])
    boxed = np.broadcast_to(t.boxcox[0][:, None, :], high.shape) & ~np.isnan(stages.screened[0])
    pp, mm, kk = np.nonzero(high | low | logged | boxed)
    points = pd.DataFrame({
        "member": take_labels(data.members, mm),
        "period": take_labels(data.periods, pp),
        "kpi": take_labels(kpis, kk),
        "value": stages.screened[0][pp, mm, kk],
        "treated": stages.treated[0][pp, mm, kk],
        "winsorised_high": high[pp, mm, kk],
        "winsorised_low": low[pp, mm, kk],
        "log": logged[pp, mm, kk],
        "boxcox": boxed[pp, mm, kk],
    })
    return table, points
