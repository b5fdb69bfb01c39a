"""Duplicate keys: an exact, cheap "may any key repeat?" check, then flags on every copy.

Most tables have unique keys, so :func:`key_may_repeat` first answers that question as cheaply
as each engine allows, and :func:`flag_duplicates` runs the per-row window that flags each copy
only when the answer is yes. On polars and DuckDB the check compares the number of distinct
64-bit *hashes* of the key with the number of non-missing keys: distinct hashes prove distinct
keys, so "no repeat" is exact; a hash collision only sends the table to the exact window.

Example:
    >>> import narwhals as nw, pandas as pd
    >>> f = nw.from_native(pd.DataFrame({"id": ["a", "a", "b", "b"], "__pmm_reason": [0, 0, 0, 2]}))
    >>> key_may_repeat([f], ["id"])
    True
    >>> flag_duplicates(f, ["id"]).to_native()["__pmm_reason"].tolist()
    [5, 5, 0, 2]
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw

from pmm.mapping.compile import backend_of
from pmm.mapping.prepare import REASON, REASONS

__all__ = ["key_may_repeat", "flag_duplicates"]

_DUPLICATE = next(code for code, name in REASONS.items() if name == "excluded_duplicate_key")

Frame = nw.DataFrame | nw.LazyFrame


def key_may_repeat(frames: Sequence[Frame], key: Sequence[str]) -> bool:
    """``False`` only when no non-missing value of a one-column ``key`` occurs twice across ``frames``.

    Keys of several columns always answer ``True`` (the window decides). Missing keys are not
    counted: such rows are excluded for their missing key, not as duplicates.

    Example:
        >>> import narwhals as nw, polars as pl
        >>> key_may_repeat([nw.from_native(pl.LazyFrame({"id": ["a", None, None]}))], ["id"])
        False
    """
    if len(key) != 1:
        return True
    name = key[0]
    parts = [f.select(nw.col(name)) for f in frames]
    column = parts[0] if len(parts) == 1 else nw.concat(parts, how="vertical")
    backend = backend_of(column)
    if backend == "pandas":  # eager: pandas' own hash table beats hashing strings first
        series = nw.to_native(column.get_column(name)).dropna()  # type: ignore[union-attr]
        return not series.is_unique
    if backend == "polars":
        return _polars_may_repeat(column, name)
    if backend == "duckdb":
        return _duckdb_may_repeat(column, name)
    col = nw.col(name)
    counts = column.select(col.n_unique().alias("distinct"), col.null_count().alias("nulls"), nw.len().alias("rows"))
    row = (counts.collect() if isinstance(counts, nw.LazyFrame) else counts).rows()[0]
    distinct, nulls, rows = (int(x or 0) for x in row)  # some engines count nothing as NULL
    return distinct - (nulls > 0) != rows - nulls


def _polars_may_repeat(column: Frame, name: str) -> bool:
    import polars as pl

    values = pl.col(name).drop_nulls()
    native = column.to_native().lazy()
    hashes, rows = native.select(values.hash().n_unique(), values.len().alias("rows")).collect().row(0)
    if hashes == rows:
        return False
    distinct = native.select(values.n_unique()).collect().item()  # a collision, or a real repeat
    return bool(distinct != rows)


def _duckdb_may_repeat(column: Frame, name: str) -> bool:
    import duckdb

    value = duckdb.ColumnExpression(name)
    known = column.to_native().filter(value.isnotnull())
    hashes, rows = known.select(duckdb.FunctionExpression("hash", value).alias("h")).aggregate(
        "count(DISTINCT h), count(*)").fetchall()[0]
    if hashes == rows:
        return False
    distinct, = known.distinct().aggregate("count(*)").fetchall()[0]  # a collision, or a real repeat
    return bool(distinct != rows)


def flag_duplicates(frame: Frame, key: Sequence[str]) -> Frame:
    """Flag (reason 5) every otherwise usable row whose key occurs in more than one usable row.

    All copies are flagged, since no copy is more authoritative than another; this keeps the
    result independent of row order. Rows already excluded for another reason do not count as
    copies. Call it when :func:`key_may_repeat` says so.
    """
    usable = nw.col(REASON) == 0
    frame = frame.with_columns(nw.when(usable).then(nw.lit(1)).otherwise(nw.lit(0)).alias("__pmm_usable"))
    copies = nw.col("__pmm_usable").sum().over(*key)
    return frame.with_columns(nw.when(usable & (copies > 1)).then(nw.lit(_DUPLICATE)).otherwise(nw.col(REASON))
                              .alias(REASON))
