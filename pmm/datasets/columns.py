"""Fast builders of typed pandas columns from numpy arrays (strings, identifiers, timestamps).

The generators draw everything as numpy numbers (codes, offsets in seconds); these helpers turn
them into the canonical column types: ``str`` for strings and category codes, ``datetime64[ns]``
for dates and datetimes (``NaT`` where missing). Strings go through pyarrow when it is
installed (about 20× faster than Python objects for millions of rows).

Example:
    >>> import numpy as np
    >>> from pmm.datasets.columns import labels, identifiers, timestamps
    >>> labels(["green", "red"], np.array([1, 0, 1])).tolist()
    ['red', 'green', 'red']
    >>> identifiers(["XMB-2024"], np.array([0, 0]), np.array([1, 12]), width=4).tolist()
    ['XMB-2024-0001', 'XMB-2024-0012']
    >>> str(timestamps(np.array([0, 86_400]), missing=np.array([False, True])).iloc[0])
    '1970-01-01 00:00:00'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

try:  # pyarrow is optional (the parquet extra); pandas' own str dtype works without it
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - exercised only without pyarrow
    pa = pc = None

__all__ = ["labels", "identifiers", "timestamps", "year_starts"]

_NS_PER_SECOND = 1_000_000_000


def labels(values: Sequence[str], index: np.ndarray) -> pd.Series:
    """A ``str`` column holding ``values[index]`` for each row.

    Example:
        >>> labels(["sea", "air"], np.array([1, 1])).tolist()
        ['air', 'air']
    """
    index = np.asarray(index)  # any integer type: small codes stay small
    if pa is not None:
        return pd.Series(pa.array(list(values), type=pa.large_string()).take(pa.array(index)), dtype="str")
    return pd.Series(np.asarray(list(values), dtype=object)[index], dtype="str")


def identifiers(prefixes: Sequence[str], prefix_index: np.ndarray, numbers: np.ndarray, width: int) -> pd.Series:
    """A ``str`` column of ``"<prefix>-<number zero-padded to width>"``.

    Example:
        >>> identifiers(["A", "B"], np.array([1]), np.array([7]), width=3).tolist()
        ['B-007']
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    if pa is not None:
        digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
        heads = pa.array(list(prefixes), type=pa.string()).take(pa.array(np.asarray(prefix_index, dtype=np.int64)))
        return pd.Series(pc.binary_join_element_wise(heads, digits, "-"), dtype="str")
    heads = labels(prefixes, prefix_index)
    return heads + "-" + pd.Series(numbers).astype("str").str.zfill(width)


def timestamps(seconds: np.ndarray, missing: np.ndarray | None = None, *, copy: bool = True) -> pd.Series:
    """A ``datetime64[ns]`` column from seconds since 1970-01-01 (``NaT`` where ``missing``).

    ``copy=False`` converts an ``int64`` array in place (saves memory for millions of rows; the
    array then holds nanoseconds).

    Example:
        >>> timestamps(np.array([3600])).tolist()
        [Timestamp('1970-01-01 01:00:00')]
    """
    seconds = np.asarray(seconds, dtype=np.int64)
    ns = np.multiply(seconds, _NS_PER_SECOND, out=None if copy else seconds)
    if missing is not None:
        ns[np.asarray(missing, dtype=bool)] = np.iinfo(np.int64).min  # the NaT sentinel
    return pd.Series(ns.view("datetime64[ns]"))


def year_starts(years: Sequence[int]) -> np.ndarray:
    """Seconds since 1970 of 1 January of each year, and the length of each year in days.

    Example:
        >>> year_starts([1970, 1971])
        (array([       0, 31536000]), array([365, 365]))
    """
    starts = np.array([np.datetime64(f"{y}-01-01", "s").astype(np.int64) for y in years], dtype=np.int64)
    days = np.array([(np.datetime64(f"{y + 1}-01-01") - np.datetime64(f"{y}-01-01")).astype(int) for y in years])
    return starts, days
