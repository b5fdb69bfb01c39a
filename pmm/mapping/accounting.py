"""Row accounting: every row read is either used or excluded for a stated reason.

Example:
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"__pmm_reason": [0, 1, 2, 0], "__pmm_len": [3, 1, 2, 1], "__pmm_neg": [1, 0, 0, 0]})
    >>> row = accounting_row("declarations", "kcs", counts)
    >>> row["rows_read"], row["rows_used"], row["excluded_unparseable"], row["excluded_null_member_or_time"]
    (7, 4, 1, 2)
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw
import pandas as pd

from pmm.errors import MappingError, Problem
from pmm.mapping.plan import LEN
from pmm.mapping.prepare import REASON, REASONS, TABLE

__all__ = ["ACCOUNTING_COLUMNS", "AMBIGUOUS_COUNT", "NEGATIVE", "accounting_row", "raise_first_exclusion"]

NEGATIVE = "__pmm_neg"
#: Columns of ``MappingResult.accounting``.
ACCOUNTING_COLUMNS = ("source", "table", "rows_read", "rows_used", *REASONS.values(), "negative_duration",
                      "ambiguous_time")
#: Per-group count of used rows with a time in a repeated daylight-saving hour (see :mod:`pmm.mapping.zones`).
AMBIGUOUS_COUNT = "__pmm_ambn"
#: Reason codes in the order ``strict=True`` reports them.
_STRICT_ORDER = (1, 4, 2, 3, 5)


def accounting_row(source: str, table: str, counts: pd.DataFrame) -> dict[str, object]:
    """One accounting row from per-group counts: ``__pmm_reason``, ``__pmm_len``, ``__pmm_neg`` (and ``__pmm_ambn``)."""
    by_reason = counts.groupby(REASON)[LEN].sum()
    row: dict[str, object] = {"source": source, "table": table, "rows_read": int(by_reason.sum()),
                              "rows_used": int(by_reason.get(0, 0))}
    for code, name in REASONS.items():
        row[name] = int(by_reason.get(code, 0))
    row["negative_duration"] = int(counts[NEGATIVE].sum())
    row["ambiguous_time"] = int(counts[AMBIGUOUS_COUNT].sum()) if AMBIGUOUS_COUNT in counts else 0
    return {c: row[c] for c in ACCOUNTING_COLUMNS}


def raise_first_exclusion(frame: nw.DataFrame | nw.LazyFrame, rows: Sequence[dict[str, object]], tables: Sequence[str],
                          columns: Sequence[str], examples: int = 5) -> None:
    """For ``strict=True``: raise :class:`MappingError` on the first reason that excluded rows.

    The message names the reason, how many rows it excluded and up to ``examples`` of them.
    """
    for code in _STRICT_ORDER:
        count = sum(int(r[REASONS[code]]) for r in rows)  # type: ignore[call-overload]
        if not count:
            continue
        sample = frame.filter(nw.col(REASON) == code).select(TABLE, *columns).head(examples)
        sample = sample.collect() if isinstance(sample, nw.LazyFrame) else sample
        shown = sample.to_pandas()
        shown[TABLE] = [tables[int(i)] for i in shown[TABLE]]
        shown = shown.rename(columns={TABLE: "table"})
        reason = REASONS[code].removeprefix("excluded_").replace("_", " ")
        raise MappingError(Problem(
            f"{count:,} row(s) excluded: {reason}; examples (canonical values after the profile):\n"
            + shown.to_string(index=False), where=rows[0]["source"], code=REASONS[code],  # type: ignore[arg-type]
            hint="fix the data or the profile (codes, dates, numbers), or run with strict=False to exclude "
                 "and count these rows"))
