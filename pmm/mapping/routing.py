"""``engine="auto"`` for pandas input: run on DuckDB when it is installed and reads the data alike.

DuckDB reads pandas columns through Arrow (numbers, naive datetimes and pandas' Arrow-backed text
without copying) and computes the same values several times faster than pandas
(``docs/performance.md``). A source stays on pandas when DuckDB could read one of its tables
differently: a profile converts time zones, a column holds zoned datetimes or has another dtype
than booleans, numbers, naive datetimes or text, an ``object`` column is not text to Arrow, or the
column names are not unique strings.

Example:
    >>> import pandas as pd
    >>> on_duckdb([(pd.DataFrame({"a": [1, 2], "b": ["x", None]}), None)]) is not None
    True
    >>> on_duckdb([(pd.DataFrame({"a": pd.Categorical(["x"])}), None)]) is None
    True
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import narwhals as nw
import pandas as pd

from pmm.mapping.profile import SourceProfile

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = ["on_duckdb", "duckdb_connection"]

# one in-memory DuckDB connection per thread: a connection is not shared across threads, and
# relations of older DuckDB releases do not keep their connection open
_CONNECTIONS = threading.local()


def on_duckdb(tables: Sequence[tuple[pd.DataFrame, SourceProfile | None]]) -> list[nw.LazyFrame] | None:
    """The pandas tables of one source as DuckDB relations, or ``None`` when they should stay on pandas.

    Args:
        tables: each table with its profile (``None``: already canonical).
    """
    try:
        import pyarrow as pa

        connection = duckdb_connection()
    except ImportError:  # without duckdb (or pyarrow) pandas input stays on pandas
        return None
    if not all(_plain_columns(df, profile) for df, profile in tables):
        return None
    try:
        arrow = [pa.Table.from_pandas(df, preserve_index=False) for df, _ in tables]
    except (pa.ArrowException, ValueError, TypeError):  # e.g. mixed Python objects in a column
        return None
    if not all(_objects_are_text(df, a) for (df, _), a in zip(tables, arrow)):
        return None
    return [nw.from_native(connection.from_arrow(a)) for a in arrow]


def duckdb_connection() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB connection, where pmm puts pandas and polars input."""
    import duckdb

    if getattr(_CONNECTIONS, "duckdb", None) is None:
        _CONNECTIONS.duckdb = duckdb.connect()
    return _CONNECTIONS.duckdb


def _plain_columns(df: pd.DataFrame, profile: SourceProfile | None) -> bool:
    if profile is not None and any(d.timezone for d in profile.dates.values()):
        return False  # DuckDB keeps the time zone in the connection, not in the column
    if not all(isinstance(c, str) for c in df.columns) or df.columns.has_duplicates:
        return False
    api = pd.api.types
    return all(api.is_bool_dtype(d) or api.is_numeric_dtype(d) or isinstance(d, pd.StringDtype) or api.is_object_dtype(d)
               or (api.is_datetime64_dtype(d) and not isinstance(d, pd.DatetimeTZDtype)) for d in df.dtypes)


def _objects_are_text(df: pd.DataFrame, arrow: pa.Table) -> bool:
    """pandas sees ``object`` columns as text: Arrow must too (not as booleans, numbers or no type)."""
    import pyarrow as pa

    return all(pa.types.is_string(t) or pa.types.is_large_string(t)
               for name, t in zip(arrow.schema.names, arrow.schema.types) if df[name].dtype == object)
