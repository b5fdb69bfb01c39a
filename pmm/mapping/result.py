"""The result of :func:`pmm.map`: KPI values, row accounting, and what was skipped.

Example:
    >>> import pandas as pd
    >>> r = MappingResult(pd.DataFrame(columns=VALUE_COLUMNS), pd.DataFrame(), {}, "year", ())
    >>> r.kpis
    []
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["MappingResult", "VALUE_COLUMNS", "STATUSES"]

#: Columns of ``MappingResult.values`` (``by`` keys come between ``period`` and ``kpi``).
VALUE_COLUMNS = ("member", "period", "kpi", "value", "n", "status")
#: Allowed statuses of a KPI value.
STATUSES = ("ok", "insufficient_data", "not_reported", "not_applicable")


@dataclass(frozen=True)
class MappingResult:
    """What :func:`pmm.map` returns.

    Attributes:
        values: the long KPI-values table ``member, period, [by keys…], kpi, value, n, status``
            that :func:`pmm.score` takes. ``n`` is the number of rows behind the value.
        accounting: one row per input table: ``source, table, rows_read, rows_used``, one
            ``excluded_<reason>`` column per reason, and ``negative_duration`` (rows used whose
            durations are negative, e.g. release before arrival; counted, not excluded) and
            ``ambiguous_time`` (rows used with a local time in a repeated daylight-saving hour,
            placed at its earliest instant).
            ``rows_read == rows_used + sum(excluded_*)`` always holds.
        skipped: KPIs of the catalog that were not computed, with the reason.
        period: the period kind (``year``, ``quarter`` or ``month``).
        by: the extra grouping keys.
        engines: the engine each source ran on (``pandas``, ``polars``, ``duckdb``, ``pyspark``).
    """

    values: pd.DataFrame
    accounting: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)
    period: str = "year"
    by: tuple[str, ...] = ()
    engines: dict[str, str] = field(default_factory=dict)

    @property
    def kpis(self) -> list[str]:
        """The KPI ids present in ``values``, in order of first appearance."""
        return list(dict.fromkeys(self.values["kpi"]))

    def wide(self) -> pd.DataFrame:
        """``values`` pivoted: one row per member/period (and ``by`` keys), one column per KPI.

        Example:
            >>> import pandas as pd
            >>> v = pd.DataFrame({"member": ["A", "A"], "period": ["2024", "2024"], "kpi": ["k1", "k2"],
            ...                   "value": [1.0, 2.0], "n": [3, 3], "status": ["ok", "ok"]})
            >>> MappingResult(v, pd.DataFrame()).wide().to_dict("records")
            [{'member': 'A', 'period': '2024', 'k1': 1.0, 'k2': 2.0}]
        """
        index = ["member", "period", *self.by]
        table = self.values.pivot_table(index=index, columns="kpi", values="value", aggfunc="first", dropna=False)
        table = table.reindex(columns=self.kpis).reset_index()
        table.columns.name = None
        return table

    def __repr__(self) -> str:
        members = self.values["member"].nunique() if len(self.values) else 0
        excluded = int(self.accounting.filter(like="excluded_").to_numpy().sum()) if len(self.accounting) else 0
        read = int(self.accounting["rows_read"].sum()) if len(self.accounting) else 0
        return (f"MappingResult({len(self.kpis)} KPIs, {members} members, {len(self.values)} values, "
                f"per {self.period}; rows read {read:,}, excluded {excluded:,}; skipped {len(self.skipped)})")
