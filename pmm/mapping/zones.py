"""Wall-clock times in a time zone → instants, with one rule for daylight-saving changes.

A profile's ``dates: {field: {timezone: Europe/Paris}}`` says that text times are local wall-clock
times. Twice a year some of them do not name exactly one instant:

* **ambiguous** (the repeated hour when clocks go back, e.g. 2024-10-27 02:30 in Paris): the row
  is kept and takes the **earliest** of the two instants (the first pass, still on summer time);
  such used rows are counted in the accounting column ``ambiguous_time``;
* **nonexistent** (the hour skipped when clocks go forward, e.g. 2024-03-31 02:30 in Paris): no
  clock showed it, like 30 February, so the row is excluded as ``unparseable``.

The same rule runs on pandas and polars (the engines that localise text times; DuckDB and Spark
keep the zone in the connection or session and raise a ``MappingError`` naming source and engine).

Example:
    >>> import narwhals as nw, pandas as pd
    >>> df = nw.from_native(pd.DataFrame({"t": pd.to_datetime(["2024-10-27 02:30", "2024-03-31 02:30", "2024-06-01 12:00"])}))
    >>> out, bad, ambiguous = localize(df, "pandas", {"t": "Europe/Paris"})
    >>> native = out.to_native()
    >>> [str(v) for v in native["t"]], native[bad[0]].tolist(), native[ambiguous[0]].tolist()
    (['2024-10-27 02:30:00+02:00', 'NaT', '2024-06-01 12:00:00+02:00'], [False, True, False], [True, False, False])
"""

from __future__ import annotations

from collections.abc import Mapping

import narwhals as nw
import numpy as np

__all__ = ["localize", "AMBIGUOUS"]

#: Name of the per-row "some time of this row was ambiguous" column in judged tables.
AMBIGUOUS = "__pmm_amb"


def localize(frame: nw.DataFrame | nw.LazyFrame, backend: str,
             zones: Mapping[str, str]) -> tuple[nw.DataFrame | nw.LazyFrame, list[str], list[str]]:
    """Give naive datetime columns their zone (see the module rule).

    Args:
        frame: the table, the columns of ``zones`` holding naive datetimes (wall-clock times).
        backend: backend name (:func:`pmm.mapping.compile.backend_of`).
        zones: column → IANA zone.

    Returns:
        The frame with the columns localised, the names of the added boolean "nonexistent
        time" flag columns (``__pmm_bad_<field>_dst``, for the unparseable reason) and of the
        "ambiguous time" columns (``__pmm_amb_<field>``).
    """
    bad = [f"__pmm_bad_{n}_dst" for n in zones]
    ambiguous = [f"__pmm_amb_{n}" for n in zones]
    if not zones:
        return frame, [], []
    if backend == "pandas":
        native = frame.to_native()
        added = {}
        for name, zone in zones.items():
            naive = native[name]
            earliest = naive.dt.tz_localize(zone, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="NaT")
            unique = naive.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
            added[name] = earliest
            added[f"__pmm_bad_{name}_dst"] = (naive.notna() & earliest.isna()).to_numpy()
            added[f"__pmm_amb_{name}"] = (earliest.notna() & unique.isna()).to_numpy()
        return nw.from_native(native.assign(**added)), bad, ambiguous
    if backend == "polars":
        import polars as pl

        exprs = []
        for name, zone in zones.items():
            col = pl.col(name)
            earliest = col.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
            latest = col.dt.replace_time_zone(zone, ambiguous="latest", non_existent="null")
            exprs += [earliest.alias(name), (col.is_not_null() & earliest.is_null()).alias(f"__pmm_bad_{name}_dst"),
                      (earliest != latest).fill_null(False).alias(f"__pmm_amb_{name}")]
        return nw.from_native(frame.to_native().with_columns(exprs)), bad, ambiguous
    # other engines: narwhals' own conversion, or its NotImplementedError (reported with source and engine)
    frame = frame.with_columns(*[nw.col(n).dt.replace_time_zone(z) for n, z in zones.items()])
    return frame.with_columns(*[nw.lit(False).alias(c) for c in bad + ambiguous]), bad, ambiguous
