"""Synthetic goods declarations in the canonical ``declarations`` layout (fully vectorised).

How a table is drawn (all with numpy, no Python loop over rows):

1. Rows are shared among member × year cells in proportion to each member's trade volume
   (its size class) with 4 % yearly growth; lodgement times are spread over the year (quiet
   weekends, an autumn peak), mostly in office hours, and numbered in lodgement order
   (``XMB-2024-0000001``).
2. Flow (62 % import, 33 % export, 5 % transit), e-commerce (more in mature members), transport
   mode (more road and rail for landlocked members, post and air for e-commerce), office
   (one of the member's offices serving that mode), express, AEO, electronic lodgement, single
   window and preferential treatment.
3. The risk channel: the red (physical inspection) share falls from about 30 % at latent
   maturity 0.2 to 5 % at 0.9; AEOs get fewer controls and faster release, the more so the
   more mature the member (a third of the red share at 0.9); orange (scanning) and yellow
   (documentary) shares fall too. Inspections find more in mature members (better targeting).
4. Lodgement → release: a log-normal duration whose median falls from about 13 h (maturity
   0.2) to under an hour (0.9) on the green channel, multiplied for yellow, orange and red,
   for sea, for paper declarations; a Pareto-tailed fraction gives the long tail.
   Goods are often declared before arrival (pre-arrival processing, more in mature members);
   some of them are released before the goods arrive, so arrival → release is negative for
   them. Physically inspected goods are never released before arrival plus the inspection.
   A small share (more in weak members, more on red) is not yet released (``release_ts`` missing).
5. Customs value (log-normal by mode, in the member's currency) and duties and taxes
   (tariff, reduced under preference, plus VAT; nothing on transit and most exports).

Example:
    >>> from pmm.datasets import synthetic_declarations
    >>> d = synthetic_declarations(20_000, members=4, years=[2024], seed=1)
    >>> d.shape
    (20000, 21)
    >>> sorted(d["channel"].unique())
    ['green', 'orange', 'red', 'yellow']
    >>> bool((d["release_ts"] < d["arrival_ts"]).any())  # pre-arrival releases exist
    True
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmm.datasets.columns import identifiers, labels, timestamps, year_starts
from pmm.datasets.members import (OFFICE_KINDS, REFERENCE_YEAR, MemberProfile, member_profiles, normalise_years,
                                  offices)
from pmm.errors import PmmError, Problem

__all__ = ["FLOWS", "CHANNELS", "TRANSPORT_MODES", "PARTNERS", "synthetic_declarations"]

FLOWS: tuple[str, ...] = ("import", "export", "transit")
CHANNELS: tuple[str, ...] = ("green", "yellow", "orange", "red")
TRANSPORT_MODES: tuple[str, ...] = ("sea", "air", "road", "rail", "post", "other")
#: Fictitious trading partners used as countries of origin (user-assigned ISO 3166 range).
PARTNERS: tuple[str, ...] = tuple(f"X{a}{b}" for a in "QRUWY" for b in "ABCDEFGH")

_HOUR = 3600
_FLOW_P = np.array([0.62, 0.33, 0.05])
# transport-mode probabilities (sea, air, road, rail, post, other) for a coastal member, a
# landlocked member, and an e-commerce shipment
_MODE_P = np.array([
    [0.38, 0.18, 0.30, 0.05, 0.06, 0.03],
    [0.08, 0.15, 0.58, 0.10, 0.06, 0.03],
    [0.00, 0.42, 0.06, 0.00, 0.52, 0.00],
])
# the office kind (index in OFFICE_KINDS) serving each transport mode; sea → inland when landlocked
_OFFICE_KIND_OF_MODE = np.array([0, 1, 2, 2, 4, 3])
_MODE_TIME_FACTOR = np.array([1.4, 0.6, 1.0, 1.2, 0.9, 1.0])
_CHANNEL_TIME_FACTOR = np.array([1.0, 3.0, 5.0, 10.0])
_ARRIVAL_GAP_H = np.array([72.0, 8.0, 6.0, 24.0, 24.0, 12.0])  # pre-lodgement lead time by mode
_VALUE_MEDIAN = np.array([25_000.0, 6_000.0, 9_000.0, 40_000.0, 120.0, 5_000.0])
_N_HS = 400
_MAX_PROCESSING_H = 120 * 24.0
_MAX_LEAD_H = 30 * 24.0  # declarations are accepted at most 30 days before arrival
_CHUNK = 1 << 20
# what each chunk draws, and its dtype (codes as small integers, times in seconds since 1970)
_DRAWN = {
    "flow": np.int8, "mode": np.int8, "channel": np.int8, "office": np.int32, "hs": np.int16, "origin": np.int16,
    "arrived": np.int64, "released": np.int64, "value": np.float64, "duty": np.float64,
    **dict.fromkeys(("inspected", "finding", "electronic", "aeo", "ecommerce", "express", "single_window",
                     "preferential", "no_arrival", "not_released"), bool),
}


def _choose(rng: np.random.Generator, probabilities: np.ndarray, table: np.ndarray | int, n: int) -> np.ndarray:
    """An option index per row, drawn with the probabilities of the row's table (tables × options).

    One binary search over every table's cut points: table ``t``'s cut points are shifted by
    ``t`` and so is the row's uniform draw, so the search only counts cut points of its table
    (plus all those of earlier tables, which are subtracted).
    """
    n_tables, n_options = probabilities.shape
    cuts = (np.cumsum(probabilities, axis=1)[:, :-1] + np.arange(n_tables)[:, None]).ravel()
    shift = np.asarray(table, dtype=np.int64)
    return (np.searchsorted(cuts, rng.random(n) + shift, side="right") - shift * (n_options - 1)).astype(np.int8)


def _day_weights(start: int, n_days: int) -> np.ndarray:
    """Relative lodgement volume of each day of a year starting at ``start`` (seconds since 1970)."""
    day = np.arange(n_days)
    weekday = (start // 86_400 + day + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    return np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.2])[weekday] * (1 + 0.12 * np.sin(2 * np.pi * (day - 180) / 365))


def _hs_pool(rng: np.random.Generator) -> list[str]:
    """Distinct six-digit HS codes weighted towards the most traded chapters."""
    chapters = np.concatenate([np.arange(1, 98)[np.arange(1, 98) != 77], [84, 85, 87, 39, 61, 62, 30, 27, 72, 94] * 8])
    codes: dict[str, None] = {}
    while len(codes) < _N_HS:
        chapter = int(rng.choice(chapters))
        codes.setdefault(f"{chapter:02d}{int(rng.integers(1, 100)):02d}{int(rng.integers(0, 100)):02d}", None)
    return list(codes)


@dataclass(frozen=True)
class _Members:
    """Per-member parameters as arrays indexed by member position, and the office table."""

    landlocked: np.ndarray
    preference_share: np.ndarray
    currency: np.ndarray
    duty_rate: np.ndarray
    vat_rate: np.ndarray
    office_codes: list[str]
    office_first: np.ndarray  # members × office kinds: first index in office_codes
    office_count: np.ndarray  # members × office kinds: how many offices of that kind

    @classmethod
    def of(cls, profiles: list[MemberProfile]) -> _Members:
        codes: list[str] = []
        first = np.zeros((len(profiles), len(OFFICE_KINDS)), dtype=np.int64)
        count = np.zeros_like(first)
        for i, profile in enumerate(profiles):
            member_offices = offices(profile)
            for k, kind in enumerate(OFFICE_KINDS):
                of_kind = [code for code, office_kind in member_offices if office_kind == kind]
                first[i, k], count[i, k] = len(codes), len(of_kind)
                codes += of_kind
        return cls(landlocked=np.array([p.landlocked for p in profiles]),
                   preference_share=np.array([p.preference_share for p in profiles]),
                   currency=np.array([p.currency for p in profiles]),
                   duty_rate=np.array([p.duty_rate for p in profiles]),
                   vat_rate=np.array([p.vat_rate for p in profiles]),
                   office_codes=codes, office_first=first, office_count=count)


def _draw_chunk(rng: np.random.Generator, maturity: np.ndarray, member_i: np.ndarray, lodged: np.ndarray,
                members: _Members, n_members: int) -> dict[str, np.ndarray]:
    """Every field but the identifiers for one chunk of rows (codes as small integers)."""
    n = len(maturity)
    landlocked = members.landlocked[member_i]

    # flow, e-commerce, transport mode, office
    flow = _choose(rng, _FLOW_P[None, :], 0, n)
    is_import, is_export = flow == 0, flow == 1
    ecommerce = rng.random(n) < np.where(is_import, 0.02 + 0.22 * maturity, np.where(is_export, 0.08 * maturity, 0.0))
    mode = _choose(rng, _MODE_P, np.where(ecommerce, 2, landlocked.astype(np.int64)), n)
    express = rng.random(n) < np.where(ecommerce, 0.65, np.where(mode == 1, 0.25, 0.01))
    kind = _OFFICE_KIND_OF_MODE[mode]
    kind = np.where((kind == 0) & landlocked, OFFICE_KINDS.index("I"), kind)
    office = members.office_first[member_i, kind] + (members.office_count[member_i, kind]
                                                     * rng.random(n) ** 2).astype(np.int64)

    # trader and procedure flags
    electronic = rng.random(n) < 1.0 - 0.6 * (1.0 - maturity) ** 1.5
    single_window = electronic & (rng.random(n) < 0.05 + 0.9 * maturity ** 1.5)
    aeo = rng.random(n) < (0.01 + 0.35 * maturity ** 2) * np.where(is_export, 1.3, 1.0)
    preference = np.where(is_import, members.preference_share[member_i], np.where(is_export, 0.1, 0.0))
    preferential = rng.random(n) < preference

    # risk channel, inspection, finding
    # AEO benefits (fewer controls, faster release) are real only where the programme is mature
    aeo_benefit = np.where(aeo, 1.0 - 0.75 * maturity, 1.0)
    red = (0.04 + 0.36 * (1.0 - maturity) ** 1.5) * aeo_benefit * np.where(electronic, 1.0, 1.3)
    red = np.where(flow == 2, red * 0.3, red)
    orange = 0.03 + 0.05 * (1.0 - maturity)
    yellow = 0.08 + 0.15 * (1.0 - maturity)
    u = rng.random(n)
    channel = (u < red).astype(np.int8) + (u < red + orange) + (u < red + orange + yellow)  # 3 red … 0 green
    inspected = rng.random(n) < np.array([0.005, 0.03, 0.5, 1.0])[channel]
    hit = np.where(channel >= 2, 0.03 + 0.32 * maturity ** 1.2, 0.02)
    documentary_hit = (channel == 1) & (rng.random(n) < 0.02 + 0.08 * maturity)
    finding = (inspected & (rng.random(n) < hit)) | documentary_hit

    # lodgement → release: log-normal body, Pareto tail
    median_h = 30.0 * np.exp(-4.3 * maturity) * _CHANNEL_TIME_FACTOR[channel] * _MODE_TIME_FACTOR[mode]
    median_h *= np.where(electronic, 1.0, 2.0) * aeo_benefit * np.where(express, 0.5, 1.0)
    tail = rng.random(n) < 0.04 + 0.06 * (1.0 - maturity)
    processing_h = median_h * rng.lognormal(0.0, 0.9, n) * np.where(tail, 3.0 * (1.0 + rng.pareto(1.2, n)), 1.0)
    released = lodged + (np.minimum(processing_h, _MAX_PROCESSING_H) * _HOUR).astype(np.int64)

    # arrival: before lodgement, or after it when pre-lodged; most exports have none
    pre_lodged = rng.random(n) < np.minimum(0.05 + 0.6 * maturity + 0.2 * express, 0.95)
    lead_h = np.minimum(_ARRIVAL_GAP_H[mode] * rng.lognormal(0.0, 0.7, n), _MAX_LEAD_H)
    wait_h = (4.0 + 40.0 * (1.0 - maturity)) * rng.lognormal(0.0, 1.0, n)
    arrival_gap_h = np.where(is_export, 12.0 * rng.lognormal(0.0, 0.8, n), np.where(pre_lodged, lead_h, -wait_h))
    no_arrival = is_export & (rng.random(n) >= 0.35)
    arrived = lodged + (arrival_gap_h * _HOUR).astype(np.int64)

    # inspected goods, and goods the administration holds until arrival, leave after arrival
    allowed_before_arrival = rng.random(n) < 0.3 + 0.5 * maturity
    hold = ~no_arrival & (inspected | ~allowed_before_arrival)
    after_arrival = (np.where(inspected, 3.0, 0.5) * rng.lognormal(0.0, 0.8, n) * _HOUR).astype(np.int64)
    released = np.where(hold, np.maximum(released, arrived + after_arrival), released)
    not_released = rng.random(n) < (0.001 + 0.012 * (1.0 - maturity)) * np.where(channel == 3, 3.0, 1.0)

    # value, duties and taxes
    currency = members.currency[member_i]
    value = np.where(ecommerce, 80.0, _VALUE_MEDIAN[mode]) * rng.lognormal(0.0, 1.3, n) * currency
    duty_rate = members.duty_rate[member_i] * rng.gamma(2.0, 0.5, n) * np.where(preferential, 0.15, 1.0)
    import_taxes = value * duty_rate + value * (1.0 + duty_rate) * members.vat_rate[member_i]
    de_minimis = ecommerce & (value < 150.0 * currency)
    export_duty = is_export & (rng.random(n) < 0.03)
    duty = np.where(is_import & ~de_minimis, import_taxes, np.where(export_duty, 0.05 * value, 0.0))

    hs = (_N_HS * rng.random(n) ** 2.5).astype(np.int16)
    origin = np.where(is_export, member_i, n_members + (len(PARTNERS) * rng.random(n) ** 2).astype(np.int64))
    return {
        "flow": flow, "mode": mode, "office": office, "channel": channel, "inspected": inspected,
        "finding": finding, "electronic": electronic, "aeo": aeo, "ecommerce": ecommerce, "express": express,
        "single_window": single_window, "preferential": preferential, "arrived": arrived, "no_arrival": no_arrival,
        "released": released, "not_released": not_released, "value": np.round(value, 2),
        "duty": np.round(duty, 2), "hs": hs, "origin": origin,
    }


def synthetic_declarations(n: int = 100_000, members: int | Iterable[str] = 22,
                           years: int | Iterable[int] = (2022, 2023, 2024), seed: int = 0) -> pd.DataFrame:
    """Synthetic goods declarations in the canonical ``declarations`` layout.

    Args:
        n: number of rows (declarations), shared among members and years by trade volume.
        members: how many fictitious members, or a list of member codes (see
            :func:`pmm.datasets.synthetic_members`).
        years: one year, a range or a list of calendar years (lodgement years).
        seed: random seed; the same arguments always give the same table.

    Returns:
        A DataFrame with the fields of the ``declarations`` source of ``indicators/wco-pmm``, in
        contract order: strings and category codes as ``str``, timestamps as
        ``datetime64[ns]`` (``arrival_ts`` missing for most exports, ``release_ts`` missing
        while not released), flags as ``bool``, value and duties as ``float64``.
        ``declaration_id`` is unique; rows are ordered by member, year and lodgement time.

    Example:
        >>> d = synthetic_declarations(5_000, members=["XMB", "XNV"], years=2024)
        >>> sorted(d["member"].unique()), d["lodgement_ts"].dt.year.unique().tolist()
        (['XMB', 'XNV'], [2024])
        >>> d["declaration_id"].is_unique, str(d["release_ts"].dtype)
        (True, 'datetime64[ns]')
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise PmmError(Problem(f"expected a non-negative number of declarations, found {n!r}", where="n",
                               hint="pass e.g. n=100_000"))
    profiles = member_profiles(members, seed)
    year_list = normalise_years(years)
    n, n_members, n_years = int(n), len(profiles), len(year_list)

    # member × year cells, in proportion to trade volume with 4 % yearly growth
    rng = np.random.default_rng([seed, zlib.crc32(b"declarations")])
    cell_weight = np.array([p.size_weight * 1.04 ** (y - REFERENCE_YEAR) for p in profiles for y in year_list])
    counts = rng.multinomial(n, cell_weight / cell_weight.sum())
    cell = np.repeat(np.arange(n_members * n_years, dtype=np.int32), counts)
    cell_maturity = np.array([p.maturity(y) for p in profiles for y in year_list])

    # lodgement: a working day (weekends are quiet, trade peaks in autumn), mostly in office hours;
    # sorted (and numbered) within each cell
    starts, days = year_starts(year_list)
    day_cdf = [np.cumsum(w) / w.sum() for w in (_day_weights(start, n_days) for start, n_days in zip(starts, days))]
    lodged = np.empty(n, dtype=np.int64)
    sequence = np.empty(n, dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    for c, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
        k, y = hi - lo, c % n_years
        second = np.where(rng.random(k) < 0.8, np.clip(rng.normal(11.5, 2.5, k), 0, 23.99) * _HOUR,
                          rng.random(k) * 24 * _HOUR).astype(np.int64)
        day = np.searchsorted(day_cdf[y], rng.random(k), side="right")
        lodged[lo:hi] = starts[y] + np.sort(day.astype(np.int64) * 86_400 + second)
        sequence[lo:hi] = np.arange(1, k + 1)

    # every other field, chunk by chunk (bounded temporaries; fixed chunks keep results reproducible)
    table = _Members.of(profiles)
    drawn = {name: np.empty(n, dtype=dtype) for name, dtype in _DRAWN.items()}
    for k, lo in enumerate(range(0, n, _CHUNK)):
        cells = cell[lo:lo + _CHUNK]
        part = _draw_chunk(np.random.default_rng([seed, zlib.crc32(b"declarations"), k]), cell_maturity[cells],
                           cells // n_years, lodged[lo:lo + _CHUNK], table, n_members)
        for name, values in part.items():
            drawn[name][lo:lo + _CHUNK] = values

    return pd.DataFrame({
        "member": labels([p.member for p in profiles], cell // n_years),
        "declaration_id": identifiers([f"{p.member}-{y}" for p in profiles for y in year_list], cell, sequence,
                                      width=max(7, len(str(int(counts.max(initial=0)))))),
        "office": labels(table.office_codes, drawn.pop("office")),
        "flow": labels(FLOWS, drawn.pop("flow")),
        "lodgement_ts": timestamps(lodged, copy=False),
        "arrival_ts": timestamps(drawn.pop("arrived"), missing=drawn.pop("no_arrival"), copy=False),
        "release_ts": timestamps(drawn.pop("released"), missing=drawn.pop("not_released"), copy=False),
        "channel": labels(CHANNELS, drawn.pop("channel")),
        "inspected": drawn["inspected"],
        "finding": drawn["finding"],
        "electronic": drawn["electronic"],
        "aeo": drawn["aeo"],
        "ecommerce": drawn["ecommerce"],
        "express": drawn["express"],
        "single_window": drawn["single_window"],
        "transport_mode": labels(TRANSPORT_MODES, drawn.pop("mode")),
        "preferential": drawn["preferential"],
        "customs_value": drawn["value"],
        "duty_assessed": drawn["duty"],
        "hs_code": labels(_hs_pool(np.random.default_rng([seed, zlib.crc32(b"hs")])), drawn.pop("hs")),
        "origin": labels([p.member for p in profiles] + list(PARTNERS), drawn.pop("origin")),
    }, copy=False)  # the arrays are ours: no need to copy them into consolidated blocks
