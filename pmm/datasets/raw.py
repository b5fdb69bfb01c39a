"""Synthetic declarations as a fictitious national customs system exports them (a raw layout).

:func:`raw_declarations` holds the same rows as :func:`pmm.datasets.synthetic_declarations`
with the same arguments, written the way an ASYCUDA-like clearance system of a francophone
administration would extract them: upper-case column names, regime codes instead of the flow
(``IM4``/``IM7`` import, ``EX1``/``EX3`` export, ``TR`` transit), lane letters
(``V`` vert/green, ``J`` jaune/yellow, ``O`` orange, ``R`` rouge/red), numeric transport-mode codes
(1 sea, 2 rail, 3 road, 4 air, 5 post, 9 other), ``"Y"``/``"N"`` flags, times as
``"dd/mm/yyyy HH:MM:SS"`` text and amounts as text with a decimal comma and a ``.`` thousands
separator (``"1.234,56"``). The shipped profile ``synthetic-raw``
(``pmm.load_profile("synthetic-raw")``) maps it back to the canonical ``declarations``.

Every column is built with numpy (text as fixed-width byte matrices handed to pyarrow when it is
installed): no Python loop over rows.

Example:
    >>> from pmm.datasets import raw_declarations
    >>> r = raw_declarations(2_000, members=3, years=2024, seed=1)
    >>> r.iloc[0][["DECL_NO", "REGIME", "LODGE_DT", "LANE", "MODE", "PHYS_EXAM"]].tolist()
    ['XMB-2024-0000001', 'IM4', '01/01/2024 09:18:12', 'V', '3', 'N']
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pmm.datasets.columns import labels
from pmm.datasets.declarations import CHANNELS, FLOWS, TRANSPORT_MODES, synthetic_declarations

try:  # pyarrow is optional (the parquet extra); without it text goes through numpy's unicode arrays
    import pyarrow as pa
except ImportError:  # pragma: no cover - exercised by a test that hides pyarrow
    pa = None

__all__ = ["RAW_COLUMNS", "raw_declarations"]

#: Raw column → canonical ``declarations`` field, in the raw table's column order.
RAW_COLUMNS: dict[str, str] = {
    "DECL_NO": "declaration_id",
    "CUSTOMS_ADMIN": "member",
    "OFFICE_CODE": "office",
    "REGIME": "flow",
    "LODGE_DT": "lodgement_ts",
    "ARRIVAL_DT": "arrival_ts",
    "RELEASE_DT": "release_ts",
    "LANE": "channel",
    "PHYS_EXAM": "inspected",
    "OFFENCE_FOUND": "finding",
    "E_LODGED": "electronic",
    "AEO_FLAG": "aeo",
    "ECOM_FLAG": "ecommerce",
    "EXPRESS_FLAG": "express",
    "SW_FLAG": "single_window",
    "MODE": "transport_mode",
    "PREF_FLAG": "preferential",
    "CIF_VALUE": "customs_value",
    "DUTY": "duty_assessed",
    "HS6": "hs_code",
    "ORIGIN_CTY": "origin",
}

# regime codes per flow (import, export, transit) and the share of the second code of a flow:
# IM7 (entry into a customs warehouse) among imports, EX3 (re-export) among exports
_REGIMES: tuple[tuple[str, ...], ...] = (("IM4", "IM7"), ("EX1", "EX3"), ("TR",))
_SECOND_REGIME_SHARE = np.array([0.07, 0.05, 0.0])
_LANES: dict[str, str] = {"green": "V", "yellow": "J", "orange": "O", "red": "R"}
_MODES: dict[str, str] = {"sea": "1", "rail": "2", "road": "3", "air": "4", "post": "5", "other": "9"}
_FLAGS: tuple[str, ...] = ("PHYS_EXAM", "OFFENCE_FOUND", "E_LODGED", "AEO_FLAG", "ECOM_FLAG", "EXPRESS_FLAG",
                           "SW_FLAG", "PREF_FLAG")
_SPACE, _ZERO = ord(" "), ord("0")
_DATETIME_WIDTH = len("dd/mm/yyyy HH:MM:SS")


def raw_declarations(n: int = 100_000, members: int | Iterable[str] = 22,
                     years: int | Iterable[int] = (2022, 2023, 2024), seed: int = 0) -> pd.DataFrame:
    """The rows of :func:`~pmm.datasets.synthetic_declarations` in a national system's raw layout.

    Args:
        n: number of rows (declarations).
        members: how many fictitious members, or a list of member codes.
        years: one year, a range or a list of calendar years (lodgement years).
        seed: random seed; the same arguments always give the same table, holding the rows of
            ``synthetic_declarations(n, members, years, seed)`` in the same order.

    Returns:
        A DataFrame with the columns of :data:`RAW_COLUMNS`, every one of them text (``str``):
        codes, ``"Y"``/``"N"`` flags, ``"dd/mm/yyyy HH:MM:SS"`` times (missing arrival and
        release times are missing values, not empty text) and amounts such as ``"1.234,56"``.
        ``pmm.load_profile("synthetic-raw")`` maps it to the canonical ``declarations``.

    Example:
        >>> r = raw_declarations(3_000, members=["XMB", "XNV"], years=2024, seed=2)
        >>> sorted(r["REGIME"].unique()), sorted(r["LANE"].unique())
        (['EX1', 'EX3', 'IM4', 'IM7', 'TR'], ['J', 'O', 'R', 'V'])
        >>> bool(r["CIF_VALUE"].str.contains(r"^\\d{1,3}(?:\\.\\d{3})*,\\d\\d$").all())
        True
    """
    canonical = synthetic_declarations(n, members=members, years=years, seed=seed)
    flow = _codes(canonical.pop("flow"), FLOWS)
    second = np.random.default_rng([seed, zlib.crc32(b"raw regimes")]).random(len(flow)) < _SECOND_REGIME_SHARE[flow]
    regimes = [code for pair in _REGIMES for code in pair]
    regime_index = np.array([regimes.index(pair[0]) for pair in _REGIMES])[flow] + second
    flags = {raw: labels(["N", "Y"], canonical.pop(RAW_COLUMNS[raw]).to_numpy().view(np.int8)) for raw in _FLAGS}
    columns = {
        "DECL_NO": canonical.pop("declaration_id"),
        "CUSTOMS_ADMIN": canonical.pop("member"),
        "OFFICE_CODE": canonical.pop("office"),
        "REGIME": labels(regimes, regime_index),
        "LODGE_DT": _datetime_text(canonical.pop("lodgement_ts")),
        "ARRIVAL_DT": _datetime_text(canonical.pop("arrival_ts")),
        "RELEASE_DT": _datetime_text(canonical.pop("release_ts")),
        "LANE": labels([_LANES[c] for c in CHANNELS], _codes(canonical.pop("channel"), CHANNELS)),
        **{raw: flags[raw] for raw in _FLAGS[:-1]},
        "MODE": labels([_MODES[m] for m in TRANSPORT_MODES], _codes(canonical.pop("transport_mode"), TRANSPORT_MODES)),
        "PREF_FLAG": flags["PREF_FLAG"],
        "CIF_VALUE": _amount_text(canonical.pop("customs_value").to_numpy()),
        "DUTY": _amount_text(canonical.pop("duty_assessed").to_numpy()),
        "HS6": canonical.pop("hs_code"),
        "ORIGIN_CTY": canonical.pop("origin"),
    }
    return pd.DataFrame(columns, copy=False)


def _codes(values: pd.Series, codes: tuple[str, ...]) -> np.ndarray:
    """Position of each value in ``codes`` (the generator only writes listed codes).

    Example:
        >>> _codes(pd.Series(["red", "green", "red"]), ("green", "red")).tolist()
        [1, 0, 1]
    """
    found, uniques = pd.factorize(values)  # fast on text; the few distinct values are then looked up
    return np.array([codes.index(u) for u in uniques], dtype=np.int8)[found]


def _put(matrix: np.ndarray, column: int, numbers: np.ndarray, width: int) -> None:
    """Write non-negative ``numbers`` zero-padded to ``width`` digits into ``matrix[:, column:column + width]``."""
    numbers = np.asarray(numbers, dtype=np.int64)
    for position in range(column + width - 1, column - 1, -1):
        quotient = numbers // 10
        matrix[:, position] = numbers - quotient * 10 + _ZERO
        numbers = quotient


def _datetime_text(times: pd.Series) -> pd.Series:
    """``"dd/mm/yyyy HH:MM:SS"`` text of a ``datetime64[ns]`` column (whole seconds); missing stays missing.

    Example:
        >>> _datetime_text(pd.Series(pd.to_datetime(["2024-02-29 07:05:09", None]))).tolist()
        ['29/02/2024 07:05:09', nan]
    """
    stamps = times.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(stamps)
    seconds = np.where(missing, 0, stamps.view(np.int64) // 1_000_000_000)
    days = (seconds // 86_400).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    of_day = seconds % 86_400
    matrix = np.empty((len(stamps), _DATETIME_WIDTH), dtype=np.uint8, order="F")
    matrix[:, [2, 5]], matrix[:, 10], matrix[:, [13, 16]] = ord("/"), _SPACE, ord(":")
    _put(matrix, 0, (days - months).astype(np.int64) + 1, 2)
    _put(matrix, 3, months.astype(np.int64) % 12 + 1, 2)
    _put(matrix, 6, months.astype("datetime64[Y]").astype(np.int64) + 1970, 4)
    _put(matrix, 11, of_day // 3600, 2)
    _put(matrix, 14, of_day // 60 % 60, 2)
    _put(matrix, 17, of_day % 60, 2)
    return _text(matrix, np.full(len(stamps), _DATETIME_WIDTH), missing)


def _amount_text(amounts: np.ndarray) -> pd.Series:
    """Non-negative amounts as text with two decimals, a decimal comma and ``.`` between thousands.

    Example:
        >>> _amount_text(np.array([0.0, 7.5, 1234.56, 98765432.1])).tolist()
        ['0,00', '7,50', '1.234,56', '98.765.432,10']
    """
    cents = np.rint(np.asarray(amounts, dtype=np.float64) * 100).astype(np.int64)
    units = cents // 100
    digits = np.maximum(np.searchsorted(10 ** np.arange(19, dtype=np.int64), units, side="right"), 1)
    groups = int(-(-digits.max(initial=1) // 3))
    width = 4 * groups + 2  # groups of three digits, each after a separator ("," before the decimals)
    matrix = np.empty((len(cents), width), dtype=np.uint8, order="F")
    for group in range(groups):  # from the right; the leading zeros are cut off by the text's length
        end = width - 3 - 4 * group
        _put(matrix, end - 3, units // 1000 ** group, 3)
        matrix[:, end] = ord(",") if group == 0 else ord(".")
    _put(matrix, width - 2, cents % 100, 2)
    return _text(matrix, digits + (digits - 1) // 3 + 3, np.zeros(len(cents), dtype=bool))


def _text(matrix: np.ndarray, lengths: np.ndarray, missing: np.ndarray) -> pd.Series:
    """A ``str`` column from a matrix of ASCII bytes: each row's last ``lengths`` bytes, or missing.

    Example:
        >>> _text(np.frombuffer(b"x12345", dtype=np.uint8).reshape(2, 3), np.array([2, 3]), np.array([False, True])).tolist()
        ['12', nan]
    """
    matrix = np.ascontiguousarray(matrix)  # one row per value, as the text buffer lays them out
    width = matrix.shape[1]
    kept = np.arange(width) >= (width - lengths)[:, None]
    if pa is None:
        text = np.where(kept, matrix, _SPACE).view(f"S{width}").ravel().astype(f"U{width}")
        return pd.Series(text, dtype="str").str.lstrip().where(~missing)
    offsets = np.zeros(len(matrix) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = matrix.ravel() if bool((lengths == width).all()) else matrix[kept]
    valid = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    array = pa.LargeStringArray.from_buffers(len(matrix), pa.py_buffer(offsets), pa.py_buffer(data), valid)
    return pd.Series(array, dtype="str")
