"""Deliberately invalid rows, to demonstrate and test the mapping's row accounting.

:func:`add_dirty_rows` copies a few valid rows of a table, breaks each copy in one way and
inserts the copies at random places. The kinds of fault, read from the source contract:

- ``missing_required``: a required field is empty (one set of copies per required field);
- ``code_outside_list``: a category field holds a raw code that is not in its code list
  (``"GREEN"`` where ``green`` is expected, or ``"n/a"``);
- ``non_finite_number``: a number field holds infinity (what a lenient parser makes of
  ``"1e999"``; a typed table cannot hold an unparseable string);
- ``end_before_start``: a closing date or time before the opening one (release before
  lodgement, audit completed before it started …).

The copies keep unique keys (``-DIRTY<n>`` is appended to string key fields). The table's
``attrs["dirty_rows"]`` counts the inserted rows per kind, so a test or a demo can check
that ``rows read = used + excluded``.

Example:
    >>> import numpy as np, pmm
    >>> from pmm.datasets import synthetic_sources
    >>> from pmm.datasets.dirty import add_dirty_rows
    >>> clean = synthetic_sources(members=2, years=2024, declarations_per_member_year=50)["appeals"]
    >>> contract = pmm.load_catalog("wco-pmm").sources["appeals"]
    >>> dirty = add_dirty_rows(clean, contract, np.random.default_rng(0))
    >>> len(dirty) - len(clean) == sum(dirty.attrs["dirty_rows"].values())
    True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmm.catalog.models import Source

__all__ = ["DIRTY_KINDS", "ORDERED_DATES", "add_dirty_rows"]

DIRTY_KINDS: tuple[str, ...] = ("missing_required", "code_outside_list", "non_finite_number", "end_before_start")
#: Pairs of (opening, closing) date fields where the closing one may not come first.
ORDERED_DATES: tuple[tuple[str, str], ...] = (
    ("lodgement_ts", "release_ts"), ("started_date", "completed_date"), ("requested_date", "issued_date"),
    ("lodged_date", "decided_date"), ("opened_date", "closed_date"), ("sent_date", "answered_date"),
)


def _copies(table: pd.DataFrame, rng: np.random.Generator, k: int, where: pd.Series | None = None) -> pd.DataFrame:
    pool = np.flatnonzero(where.to_numpy()) if where is not None else np.arange(len(table))
    return table.iloc[rng.choice(pool, size=min(k, len(pool)), replace=False)].copy()


def add_dirty_rows(table: pd.DataFrame, contract: Source, rng: np.random.Generator,
                   share: float = 0.0005) -> pd.DataFrame:
    """The table with a few broken copies of its rows inserted (about ``share`` of rows per fault, at least one).

    Args:
        table: a valid table in the canonical layout of ``contract``.
        contract: the source contract (required fields, category codes, number fields).
        rng: random generator choosing the copied rows and where they go.
        share: copies per fault and field, as a share of the table's rows (at least one).

    Returns:
        A new table (the input is unchanged); ``attrs["dirty_rows"]`` counts the copies per kind.

    Example:
        >>> import pandas as pd, pmm
        >>> contract = pmm.load_catalog("wco-pmm").sources["budget"]
        >>> t = pd.DataFrame({"member": ["XMB"], "year_end": pd.to_datetime(["2024-12-31"]),
        ...                   "line": ["ict"], "expenditure": [10.0]})
        >>> add_dirty_rows(t, contract, np.random.default_rng(0)).attrs["dirty_rows"]
        {'missing_required': 3, 'code_outside_list': 1, 'non_finite_number': 1, 'end_before_start': 0}
    """
    if table.empty:  # nothing to copy
        empty = table.copy()
        empty.attrs["dirty_rows"] = dict.fromkeys(DIRTY_KINDS, 0)
        return empty
    k = max(1, int(round(share * len(table))))
    broken: dict[str, list[pd.DataFrame]] = {kind: [] for kind in DIRTY_KINDS}
    for name, field in contract.fields.items():
        if field.required:
            rows = _copies(table, rng, k)
            rows[name] = None
            broken["missing_required"].append(rows)
        if field.type == "category":
            rows = _copies(table, rng, k)
            rows[name] = np.where(rng.random(len(rows)) < 0.5, field.codes[0].upper(), "n/a")
            broken["code_outside_list"].append(rows)
        if field.type == "float":
            rows = _copies(table, rng, k)
            rows[name] = np.inf
            broken["non_finite_number"].append(rows)
    for opening, closing in ORDERED_DATES:
        if opening in table and closing in table:
            rows = _copies(table, rng, k, where=table[closing].notna())
            rows[closing] = rows[opening] - pd.Timedelta(hours=25)
            broken["end_before_start"].append(rows)

    extra = pd.concat([part for parts in broken.values() for part in parts], ignore_index=True)
    for key in contract.key:
        if contract.fields[key].type == "string":
            suffix = pd.Series([f"-DIRTY{i}" for i in range(len(extra))], dtype="str")
            extra[key] = extra[key] + suffix  # a missing key stays missing
    clean = table.reset_index(drop=True)
    for name in clean.columns:  # a missing value in a bool column needs the nullable dtype
        if clean[name].dtype == bool and extra[name].isna().any():
            clean[name] = clean[name].astype("boolean")
            extra[name] = extra[name].astype("boolean")
    combined = pd.concat([clean, extra.astype(clean.dtypes.to_dict())], ignore_index=True)
    slots = np.sort(rng.integers(0, len(clean) + 1, len(extra)))  # dirty row i goes before clean row slots[i]
    order = np.insert(np.arange(len(clean)), slots, np.arange(len(clean), len(combined)))
    result = combined.iloc[order].reset_index(drop=True)
    result.attrs["dirty_rows"] = {kind: sum(len(p) for p in parts) for kind, parts in broken.items()}
    return result
