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

__all__ = ["on_duckdb", "duckdb_connection", "arrow_zone"]

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


def duckdb_connection(zone: str = "UTC") -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB connection for data in time zone ``zone``.

    DuckDB keeps the time zone in the connection (``TimeZone``), not in the column: zoned
    timestamps are placed in calendar periods by the connection's zone. pmm therefore keeps one
    connection per zone, set explicitly, so that results never depend on the machine's zone.

    Example:
        >>> duckdb_connection("Europe/Paris").sql("SELECT current_setting('TimeZone')").fetchall()
        [('Europe/Paris',)]
    """
    import duckdb

    connections = getattr(_CONNECTIONS, "duckdb", None)
    if connections is None:
        connections = _CONNECTIONS.duckdb = {}
    if zone not in connections:
        connection = duckdb.connect()
        connection.execute("SET TimeZone = ?", [zone])
        connections[zone] = connection
    return connections[zone]


def arrow_zone(table: pa.Table) -> str | None:
    """The one time zone of an Arrow table's zoned timestamp columns (``None`` without any).

    Raises:
        ValueError: columns in different zones (one DuckDB connection holds one zone).

    Example:
        >>> import pandas as pd, pyarrow as pa
        >>> arrow_zone(pa.table({"t": pd.to_datetime(["2024-01-01"]).tz_localize("Asia/Seoul")}))
        'Asia/Seoul'
    """
    import pyarrow as pa

    zones = {str(f.name): f.type.tz for f in table.schema if pa.types.is_timestamp(f.type) and f.type.tz}
    if len(set(zones.values())) > 1:
        raise ValueError("columns in different time zones: " + ", ".join(f"{n} ({z})" for n, z in zones.items()))
    return next(iter(zones.values()), None)


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
