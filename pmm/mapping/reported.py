"""Merge self-assessment (reported) KPI values into the mapped values.

A reported table is long: ``member, period, kpi, value`` and optionally ``status``. Values may
be numbers or, for categorical KPIs, answers (text). Every member/period of the result that has no
answer to a reported KPI of the catalog gets a ``not_reported`` row, so the gap stays visible.

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> answers = pd.DataFrame({"member": ["KEN"], "period": ["2024"], "kpi": ["objectives_achieved"], "value": [60]})
    >>> out = merge_reported(pd.DataFrame(columns=["member", "period", "kpi", "value", "n", "status"]), answers, cat, None, [])
    >>> out[["kpi", "value", "status"]].values.tolist()
    [['objectives_achieved', 60.0, 'ok'], ['reform_stage', nan, 'not_reported']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pmm.catalog.catalog import Catalog
from pmm.errors import MappingError, Problem, did_you_mean
from pmm.mapping.result import STATUSES

__all__ = ["merge_reported"]

_REQUIRED = ("member", "period", "kpi", "value")


def merge_reported(values: pd.DataFrame, reported: pd.DataFrame | None, catalog: Catalog,
                   kpis: Sequence[str] | None, by: Sequence[str]) -> pd.DataFrame:
    """``values`` with the reported rows appended (see the module docstring).

    Raises:
        MappingError: missing columns, unknown KPIs, unknown statuses, duplicate answers, or an
            answer for a value that was also computed.
    """
    values = values.copy()
    values["n"] = values["n"].astype("Int64")
    if reported is None:
        return values
    if not isinstance(reported, pd.DataFrame):
        raise MappingError(Problem(f"reported must be a pandas DataFrame, found {type(reported).__name__}", code="reported"))
    missing = [c for c in _REQUIRED if c not in reported.columns]
    if missing:
        raise MappingError(Problem(f"reported table lacks column(s) {', '.join(missing)}; found {', '.join(map(str, reported.columns))}",
                                   where="reported", hint="columns: member, period, kpi, value[, status]", code="reported"))
    rep = reported[[*_REQUIRED, *(["status"] if "status" in reported.columns else [])]].copy()
    rep["member"], rep["period"], rep["kpi"] = rep["member"].astype(str), rep["period"].astype(str), rep["kpi"].astype(str)
    problems = []
    for row, kpi in rep["kpi"].items():
        if kpi not in catalog.kpi_ids:
            problems.append(Problem(f"unknown KPI {kpi!r}", where=f"reported row {row}", hint=did_you_mean(kpi, catalog.kpi_ids),
                                    code="unknown_kpi"))
    if "status" not in rep.columns:
        rep["status"] = np.where(rep["value"].isna(), "not_reported", "ok")
    for row, status in rep["status"].items():
        if status not in STATUSES:
            problems.append(Problem(f"unknown status {status!r}", where=f"reported row {row}",
                                    hint=did_you_mean(str(status), STATUSES), code="status"))
    dup = rep.duplicated(["member", "period", "kpi"], keep=False)
    if dup.any():
        first = rep[dup].iloc[0]
        problems.append(Problem(f"{int(dup.sum())} reported rows repeat a member/period/kpi, e.g. "
                                f"{first['member']}/{first['period']}/{first['kpi']}", where="reported",
                                hint="give one answer per member, period and KPI", code="duplicate"))
    clash = rep.merge(values[["member", "period", "kpi"]], on=["member", "period", "kpi"])
    if len(clash):
        first = clash.iloc[0]
        problems.append(Problem(f"{len(clash)} reported value(s) were also computed from data, e.g. "
                                f"{first['member']}/{first['period']}/{first['kpi']}", where="reported",
                                hint="report only KPIs without data, or drop the reported row", code="conflict"))
    if problems:
        raise MappingError(problems)
    if kpis is not None:
        rep = rep[rep["kpi"].isin(kpis)]
    numeric = pd.to_numeric(rep["value"], errors="coerce")
    if numeric.notna().sum() == rep["value"].notna().sum():
        rep["value"] = numeric.astype(float)
    rep["n"] = pd.array([pd.NA] * len(rep), dtype="Int64")
    asked = [k for k in (kpis if kpis is not None else catalog.kpi_ids) if not catalog.kpi(k).computed]
    cells = pd.concat([values[["member", "period"]], rep[["member", "period"]]]).drop_duplicates()
    grid = cells.merge(pd.DataFrame({"kpi": asked}), how="cross")
    absent = grid.merge(rep[["member", "period", "kpi"]], how="left", indicator=True)
    absent = absent[absent["_merge"] == "left_only"].drop(columns="_merge")
    absent = absent.assign(value=np.nan, n=pd.array([pd.NA] * len(absent), dtype="Int64"), status="not_reported")
    out = pd.concat([values, rep, absent], ignore_index=True)
    order = {k: i for i, k in enumerate(catalog.kpi_ids)}
    out = out.assign(__order=out["kpi"].map(order)).sort_values(["member", "period", "__order"], kind="stable")
    return out.drop(columns="__order")[values.columns].reset_index(drop=True)
