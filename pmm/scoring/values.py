"""The KPI-values table: validation, and the dense ``(period, member, kpi)`` arrays scoring runs on.

The long table has columns ``member, period (optional), kpi, value`` and optionally ``status``
(``ok``, ``not_applicable``, ``not_reported``, ``insufficient_data``) and ``n`` (records behind
the value). :func:`prepare_values` checks every row against the catalog and raises one
:class:`~pmm.errors.ScoringError` listing all problems with their row labels.
:func:`values_from_wide` turns a wide table (one column per KPI, e.g. COINr's ``iData``) into it.

Example:
    >>> import pandas as pd, pmm
    >>> wide = pd.DataFrame({"uCode": ["AUT", "BEL"], "a": [1.0, 2.0], "b": [3.0, None]})
    >>> values_from_wide(wide, member="uCode").to_dict("records")[:2]
    [{'member': 'AUT', 'kpi': 'a', 'value': 1.0}, {'member': 'BEL', 'kpi': 'a', 'value': 2.0}]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmm.errors import Problem, ScoringError, did_you_mean

if TYPE_CHECKING:
    from pmm.catalog import Catalog

__all__ = ["STATUSES", "KpiData", "prepare_values", "values_from_wide"]

#: Status codes of a KPI value; ``missing`` marks a (member, period, KPI) without any input row.
STATUSES: tuple[str, ...] = ("ok", "not_applicable", "not_reported", "insufficient_data", "missing")
OK, NOT_APPLICABLE, NOT_REPORTED, INSUFFICIENT, MISSING = range(5)
_MAX_ROWS_SHOWN = 20


@dataclass(frozen=True)
class KpiData:
    """Validated KPI values as dense arrays over ``(period, member, kpi)``.

    Attributes:
        members: member codes, sorted (COINr sorts units by code).
        periods: periods, sorted; ``[None]`` when the table has no ``period`` column.
        kpis: KPI ids in catalog order.
        numeric: the value as a number (categorical answers → their level), NaN when absent.
        status: status codes (index into :data:`STATUSES`).
        n: records behind each value (NaN when not given).
        cells: the ``(period, member, kpi)`` position of every input row.
        raw: the input values as given (floats, or objects when answers are text).
        input_rows: number of input rows.
    """

    members: tuple[Any, ...]
    periods: tuple[Any, ...]
    kpis: tuple[str, ...]
    numeric: np.ndarray
    status: np.ndarray
    n: np.ndarray
    cells: tuple[np.ndarray, np.ndarray, np.ndarray]
    raw: np.ndarray
    input_rows: int


def _rows_text(labels: Sequence[Any]) -> str:
    shown = ", ".join(str(x) for x in labels[:_MAX_ROWS_SHOWN])
    more = f" … ({len(labels)} rows in all)" if len(labels) > _MAX_ROWS_SHOWN else ""
    return f"row{'s' if len(labels) != 1 else ''} {shown}{more}"


def prepare_values(values: pd.DataFrame, catalog: Catalog) -> KpiData:
    """Validate the long KPI-values table and build the dense arrays.

    Raises:
        ScoringError: listing every problem: missing columns, unknown KPI ids, duplicate
            (member, period, kpi) rows, non-numeric values of numeric KPIs, answers outside a
            categorical KPI's answer set, unknown statuses, negative ``n``.

    Example:
        >>> import pandas as pd, pmm
        >>> meta = pd.DataFrame({"iCode": ["a", "I"], "Parent": ["I", None], "Level": [1, 2],
        ...                      "Direction": [1, None], "Weight": [1, 1], "Type": ["Indicator", "Aggregate"]})
        >>> data = prepare_values(pd.DataFrame({"member": ["X", "Y"], "kpi": "a", "value": [1, 2]}),
        ...                       pmm.Catalog.from_table(meta))
        >>> data.numeric.shape, data.members
        ((1, 2, 1), ('X', 'Y'))
    """
    if not isinstance(values, pd.DataFrame):
        raise ScoringError(Problem(f"KPI values must be a pandas DataFrame, found {type(values).__name__}",
                                   where="values", hint="use pmm.values_from_wide() for a wide table"))
    required = ["member", "kpi", "value"]
    absent = [c for c in required if c not in values.columns]
    if absent:
        hints = "; ".join(f"{c!r}: {did_you_mean(c, map(str, values.columns))}" for c in absent)
        raise ScoringError(Problem(f"the values table lacks column(s) {absent}; found {list(map(str, values.columns))}",
                                   where="values", hint=f"expected member, period (optional), kpi, value, status "
                                   f"(optional), n (optional); {hints}", code="missing_column"))
    if values.empty:
        raise ScoringError(Problem("the values table has no rows", where="values",
                                   hint="give at least one (member, kpi, value) row", code="empty"))
    has_period = "period" in values.columns
    problems: list[Problem] = []
    index = values.index
    member_s, kpi_s, value_s = values["member"], values["kpi"], values["value"]
    key_columns = [("member", member_s), ("kpi", kpi_s)] + ([("period", values["period"])] if has_period else [])
    for column, series in key_columns:
        bad = series.isna().to_numpy()
        if bad.any():
            problems.append(Problem(f"empty {column!r} in {_rows_text(index[bad])}", where=f"values column {column!r}",
                                    hint="every row needs a member, a KPI id" + (" and a period" if has_period else ""),
                                    code="missing_key"))
    kpi_codes = pd.Index(catalog.kpi_ids).get_indexer(kpi_s)
    unknown = (kpi_codes < 0) & kpi_s.notna().to_numpy()
    if unknown.any():
        names = kpi_s[unknown].astype(str)
        for name in sorted(set(names)):
            rows = index[unknown][(names == name).to_numpy()]
            problems.append(Problem(f"unknown KPI {name!r} in {_rows_text(rows)}", where="values column 'kpi'",
                                    node=name, hint=did_you_mean(name, catalog.kpi_ids), code="unknown_kpi"))
    value_missing = value_s.isna().to_numpy()
    status = _statuses(values, value_missing, index, problems)
    n = _counts(values, index, problems)
    numeric = _numeric_values(value_s, kpi_codes, status, value_missing, catalog, index, problems)
    member_codes, members = pd.factorize(member_s, sort=True)
    period_codes, periods = _periods(values["period"] if has_period else None, len(values), problems)
    valid = (member_codes >= 0) & (kpi_codes >= 0) & (period_codes >= 0)
    cell = (period_codes * len(members) + member_codes) * len(catalog.kpi_ids) + kpi_codes
    dup = valid & pd.Series(np.where(valid, cell, -1 - np.arange(len(cell)))).duplicated(keep=False).to_numpy()
    if dup.any():
        keys = ["member", "period", "kpi"] if has_period else ["member", "kpi"]
        for key, idx in values[dup].groupby(keys, sort=True).indices.items():
            key_text = ", ".join(f"{k}={v!r}" for k, v in zip(keys, key))
            problems.append(Problem(f"duplicate rows for ({key_text}): {_rows_text(index[dup][idx])}",
                                    where="values", hint="keep one value per member, period and KPI",
                                    code="duplicate"))
    if problems:
        raise ScoringError(problems)
    shape = (len(periods), len(members), len(catalog.kpi_ids))
    cells = (period_codes, member_codes, kpi_codes)
    dense = np.full(shape, np.nan)
    dense_status = np.full(shape, MISSING, dtype=np.int8)
    dense_n = np.full(shape, np.nan)
    dense[cells] = numeric
    dense_status[cells] = status
    dense_n[cells] = n
    as_numbers = pd.api.types.is_numeric_dtype(value_s) and not pd.api.types.is_bool_dtype(value_s)
    raw = value_s.to_numpy(dtype=float, na_value=np.nan) if as_numbers else value_s.to_numpy(dtype=object)
    return KpiData(tuple(members.tolist()), periods, catalog.kpi_ids, dense, dense_status, dense_n, cells, raw,
                   len(values))


def _periods(period: pd.Series | None, n_rows: int, problems: list[Problem]) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Period codes (sorted order) and the periods; one period ``None`` without a period column."""
    if period is None:
        return np.zeros(n_rows, dtype=np.intp), (None,)
    period = year_periods(period)
    if period.dtype == object:
        kinds = {"number" if isinstance(p, (int, float, np.number)) else type(p).__name__ for p in period.dropna()}
        if len(kinds) > 1:
            problems.append(Problem(f"periods of mixed types ({', '.join(sorted(kinds))}) cannot be ordered",
                                    where="values column 'period'", code="period_type",
                                    hint="use one type for periods, e.g. all integers (2022) or all strings ('2022-Q1')"))
            return np.full(len(period), -1, dtype=np.intp), ()
    codes, uniques = pd.factorize(period, sort=True)
    return codes, tuple(uniques.tolist())


def year_periods(period: pd.Series) -> pd.Series:
    """Periods written as whole numbers in text (``"2024"``, what ``pmm.map`` labels years) as integers.

    One period type for every input: a CSV read by pandas gives ``2024``, a mapping result or a form
    ``"2024"``; both score to the period ``2024``. Other text periods (``"2024-Q1"``) are kept.

    Example:
        >>> import pandas as pd
        >>> year_periods(pd.Series(["2023", "2024"])).tolist(), year_periods(pd.Series(["2024-Q1"])).tolist()
        ([2023, 2024], ['2024-Q1'])
    """
    if period.dtype.kind in "iufb":
        return period
    present = period.dropna()
    text = present.astype(str).str.strip()
    if len(present) == 0 or not all(isinstance(p, (str, int, np.integer)) for p in present) \
            or not text.str.fullmatch(r"-?\d{1,6}").all():
        return period
    out = pd.Series(pd.NA, index=period.index, dtype=object)
    out[present.index] = text.astype(int).tolist()
    return out if period.isna().any() else out.astype("int64")


def _statuses(values: pd.DataFrame, value_missing: np.ndarray, index: pd.Index, problems: list[Problem]) -> np.ndarray:
    if "status" not in values.columns:
        return np.where(value_missing, NOT_REPORTED, OK).astype(np.int8)
    given = values["status"]
    given_missing = given.isna().to_numpy()
    text = given.astype(object).where(~given_missing, "").astype(str).to_numpy()
    allowed = STATUSES  # 'missing' too: a scorecard's own tables (card.levels) go back in unchanged
    status = np.full(len(values), OK, dtype=np.int8)
    for code, name in enumerate(allowed):
        status[text == name] = code
    bad = ~np.isin(text, allowed) & ~given_missing
    for name in sorted(set(text[bad])):
        problems.append(Problem(f"unknown status {name!r} in {_rows_text(index[text == name])}",
                                where="values column 'status'", hint=did_you_mean(name, allowed), code="status"))
    status[given_missing & value_missing] = NOT_REPORTED
    missing_with_value = (text == "missing") & ~value_missing
    if missing_with_value.any():
        problems.append(Problem(f"status 'missing' with a value in {_rows_text(index[missing_with_value])}",
                                where="values column 'status'", hint="give status 'ok', or no value", code="status"))
    ok_without_value = (text == "ok") & value_missing
    if ok_without_value.any():
        problems.append(Problem(f"status 'ok' without a value in {_rows_text(index[ok_without_value])}",
                                where="values column 'value'",
                                hint="give the value, or a status such as 'not_reported' or 'insufficient_data'",
                                code="ok_without_value"))
    return status


def _counts(values: pd.DataFrame, index: pd.Index, problems: list[Problem]) -> np.ndarray:
    if "n" not in values.columns:
        return np.full(len(values), np.nan)
    n = pd.to_numeric(values["n"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = (np.isnan(n) & values["n"].notna().to_numpy()) | (n < 0)
    if bad.any():
        problems.append(Problem(f"'n' must be a non-negative number, found {values['n'][bad].head(3).tolist()} "
                                f"in {_rows_text(index[bad])}", where="values column 'n'", code="n"))
    return n


def _numeric_values(value: pd.Series, kpi_codes: np.ndarray, status: np.ndarray, value_missing: np.ndarray,
                    catalog: Catalog, index: pd.Index, problems: list[Problem]) -> np.ndarray:
    """Numbers for numeric KPIs, levels for categorical ones; NaN for absent or unusable values."""
    categorical = {i: k.maturity.answers for i, k in enumerate(catalog.kpis) if k.categorical}
    is_cat = np.isin(kpi_codes, list(categorical))
    numeric_rows = ~is_cat & ~value_missing & (kpi_codes >= 0)
    if pd.api.types.is_numeric_dtype(value) and not pd.api.types.is_bool_dtype(value):
        out = value.to_numpy(dtype=float, na_value=np.nan).copy()
    else:
        out = np.full(len(value), np.nan)
        out[numeric_rows] = pd.to_numeric(value[numeric_rows], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = numeric_rows & ~np.isfinite(out)
    for code in sorted(set(kpi_codes[bad])):
        sel = bad & (kpi_codes == code)
        name = catalog.kpi_ids[code]
        problems.append(Problem(f"KPI {name!r} is numeric but {_rows_text(index[sel])} hold non-numeric or infinite "
                                f"values such as {value[sel].head(3).tolist()}", where="values column 'value'",
                                node=name, hint="give numbers (a dot as decimal separator), or leave the value empty "
                                "with a status", code="not_numeric"))
    for code, answers in categorical.items():
        sel = (kpi_codes == code) & ~value_missing
        if not sel.any():
            continue
        text = value[sel].astype(str)
        levels = text.map(answers).to_numpy(dtype=float, na_value=np.nan)
        unmatched = np.isnan(levels)
        if unmatched.any():
            kpi_id = catalog.kpi_ids[code]
            problems.append(Problem(f"answers {sorted(set(text[unmatched]))[:5]} of categorical KPI {kpi_id!r} in "
                                    f"{_rows_text(index[sel][unmatched])} are not in its answer set",
                                    where="values column 'value'", node=kpi_id,
                                    hint=f"expected one of {sorted(answers)}", code="unknown_answer"))
        out[sel] = levels
    out[is_cat & value_missing] = np.nan
    out[status != OK] = np.nan
    return out


def values_from_wide(table: pd.DataFrame, catalog: Catalog | None = None, *, member: str = "member",
                     period: str | None = None, kpis: Sequence[str] | None = None) -> pd.DataFrame:
    """Turn a wide table (one row per member[/period], one column per KPI) into the long KPI-values table.

    Args:
        table: the wide table, e.g. COINr's ``iData``.
        catalog: if given, the KPI columns are the catalog's KPI ids found in the table (other
            columns such as names or group labels are left out).
        member: the column holding member codes (``"uCode"`` for COINr data).
        period: the column holding periods (``"Time"`` for COINr panels), if any.
        kpis: the KPI columns; default every column other than ``member`` and ``period``.

    Returns:
        A long DataFrame ``member, [period,] kpi, value`` — one row per cell, empty cells kept
        as missing values (they become ``not_reported``).

    Raises:
        ScoringError: when a named column is absent.

    Example:
        >>> import pandas as pd
        >>> wide = pd.DataFrame({"uCode": ["AUT"], "Time": [2020], "a": [1.5]})
        >>> values_from_wide(wide, member="uCode", period="Time").to_dict("records")
        [{'member': 'AUT', 'period': 2020, 'kpi': 'a', 'value': 1.5}]
    """
    ids = [member] + ([period] if period else [])
    absent = [c for c in ids if c not in table.columns]
    if absent:
        raise ScoringError(Problem(f"the wide table lacks column(s) {absent}", where="values",
                                   hint=did_you_mean(absent[0], map(str, table.columns)), code="missing_column"))
    if kpis is None:
        kpis = [c for c in table.columns if c not in ids]
        if catalog is not None:
            from pmm.catalog import as_catalog

            kpis = [c for c in kpis if c in set(as_catalog(catalog).kpi_ids)]
    else:
        missing = [k for k in kpis if k not in table.columns]
        if missing:
            raise ScoringError(Problem(f"KPI column(s) {missing} are not in the wide table", where="values",
                                       hint=did_you_mean(missing[0], map(str, table.columns)), code="missing_column"))
    long = table.melt(id_vars=ids, value_vars=list(kpis), var_name="kpi", value_name="value")
    return long.rename(columns={member: "member", **({period: "period"} if period else {})})

