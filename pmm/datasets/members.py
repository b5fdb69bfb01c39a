"""Fictitious member administrations and their latent performance.

Every synthetic table in :mod:`pmm.datasets` is driven by one hidden number per member and
year, the **latent maturity** (0 = very weak, 1 = leading practice). It sets release times,
the electronic rate, inspection and hit rates, the AEO share, revenue performance, answers to
the self-assessment… so that the scores computed from the synthetic data differ between members
in a consistent, explainable way.

The administrations are fictitious on purpose (nobody should read a synthetic score as a real
finding). Their codes are in ``XAA``–``XZZ``, the range ISO 3166-1 leaves to user-assigned codes,
so they never clash with a real country code.

A member's attributes and latent maturity depend only on the seed and its own code, never on
which other members are generated, so ``synthetic_members(5)`` is the first five rows of
``synthetic_members(22)`` and a member performs alike in every generated table.

Example:
    >>> from pmm.datasets import synthetic_members, latent_maturity
    >>> m = synthetic_members(6, seed=1)
    >>> list(m.columns)
    ['member', 'name', 'region', 'income_group', 'landlocked', 'size_class']
    >>> m["region"].nunique()
    6
    >>> lm = latent_maturity(m["member"], years=[2023, 2024], seed=1)
    >>> len(lm), bool(lm["maturity"].between(0, 1).all())
    (12, True)
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmm.errors import PmmError, Problem

__all__ = [
    "REGIONS", "INCOME_GROUPS", "SIZE_CLASSES", "SIZE_WEIGHT", "OFFICE_KINDS", "REFERENCE_YEAR",
    "MemberProfile", "member_codes", "member_profiles", "normalise_years", "member_rng", "offices",
    "synthetic_members", "latent_maturity",
]

#: WCO regions (the six regional groupings of WCO Members).
REGIONS: tuple[str, ...] = (
    "East and Southern Africa",
    "West and Central Africa",
    "North of Africa, Near and Middle East",
    "Americas and Caribbean",
    "Europe",
    "Asia/Pacific",
)
INCOME_GROUPS: tuple[str, ...] = ("low", "lower-middle", "upper-middle", "high")
SIZE_CLASSES: tuple[str, ...] = ("small", "medium", "large")
#: The year at which a member's latent maturity equals its base level; trends pivot around it.
REFERENCE_YEAR = 2023

# (code, name, region index, can be landlocked). Listed round-robin over the six regions so that
# the first n members spread over all regions. Codes are user-assigned ISO 3166 codes (X..),
# avoiding XK* (used for Kosovo by some organisations).
_NAMED: tuple[tuple[str, str, int, bool], ...] = (
    ("XMB", "Mbarani Revenue Authority", 0, True),
    ("XSH", "Sahelia Customs", 1, True),
    ("XQD", "Qadiris Customs Authority", 2, True),
    ("XCV", "Costa Verada Customs", 3, True),
    ("XNV", "Nordhavia Customs and Excise", 4, True),
    ("XSV", "Suvanna Customs Department", 5, True),
    ("XTS", "Tsalunga Customs Service", 0, True),
    ("XDO", "Dounara Customs", 1, True),
    ("XMR", "Marosh Customs Administration", 2, True),
    ("XIM", "Isla Morena Customs", 3, False),
    ("XVD", "Valdora Customs", 4, True),
    ("XTL", "Teralang Customs", 5, True),
    ("XLV", "Livuria Revenue Authority", 0, True),
    ("XBK", "Bakore Customs", 1, True),
    ("XZF", "Zafirah Customs", 2, True),
    ("XMV", "Montevar Customs Service", 3, True),
    ("XBM", "Belmoria Customs", 4, True),
    ("XPI", "Pacifica Isles Customs", 5, False),
    ("XZE", "Zembesa Revenue Service", 0, True),
    ("XLG", "Lagorin Customs", 1, True),
    ("XSB", "Sarabel Customs Authority", 2, True),
    ("XCB", "Caribella Customs", 3, False),
    ("XCZ", "Carpenza Customs", 4, True),
    ("XMW", "Meriwai Customs", 5, True),
    ("XNK", "Nkoralia Revenue Authority", 0, True),
    ("XFT", "Fontara Customs", 1, True),
    ("XNH", "Nahrani Customs", 2, True),
    ("XPP", "Pampera Customs", 3, True),
    ("XLM", "Lusmark Customs", 4, True),
    ("XJV", "Jaravan Customs", 5, True),
)
_BY_CODE = {code: (name, region, coastal_possible) for code, name, region, coastal_possible in _NAMED}

# Probabilities of the income groups (low → high) by region index, and the base latent maturity
# of each income group.
_INCOME_BY_REGION = np.array([
    [0.45, 0.35, 0.15, 0.05],
    [0.50, 0.35, 0.10, 0.05],
    [0.10, 0.30, 0.35, 0.25],
    [0.05, 0.25, 0.45, 0.25],
    [0.00, 0.05, 0.30, 0.65],
    [0.10, 0.30, 0.30, 0.30],
])
_BASE_MATURITY = np.array([0.20, 0.38, 0.58, 0.80])
_LANDLOCKED_BY_REGION = np.array([0.35, 0.30, 0.05, 0.10, 0.20, 0.15])
_SIZE_PROBS = np.array([0.40, 0.40, 0.20])
#: Relative trade volume (declarations) of a small, medium and large administration.
SIZE_WEIGHT = np.array([1.0, 3.0, 8.0])


@dataclass(frozen=True)
class MemberProfile:
    """The attributes and hidden parameters of one member administration.

    ``maturity0`` is the latent maturity in :data:`REFERENCE_YEAR`; ``trend`` its change per
    year; ``currency`` the value of one unit of trade in national currency; ``duty_rate`` and
    ``vat_rate`` the average tariff and VAT rates; ``preference_share`` the share of imports
    claiming a preferential (FTA) tariff.
    """

    member: str
    name: str
    region: str
    income_group: str
    landlocked: bool
    size_class: str
    maturity0: float
    trend: float
    currency: float
    duty_rate: float
    vat_rate: float
    preference_share: float

    def maturity(self, year: int | np.ndarray) -> np.ndarray:
        """Latent maturity in ``year`` (clipped to 0.02–0.98)."""
        return np.clip(self.maturity0 + self.trend * (np.asarray(year) - REFERENCE_YEAR), 0.02, 0.98)

    @property
    def size_weight(self) -> float:
        """Relative trade volume of the member."""
        return float(SIZE_WEIGHT[SIZE_CLASSES.index(self.size_class)])


def _code_for(i: int) -> str:
    """The i-th user-assigned code beyond the named list (``XAA``, ``XAB`` … skipping used ones)."""
    letters = "ABCDEFGHIJLMNOPQRSTUVWXYZ"  # no K: XK* is taken by Kosovo in practice
    free = (f"X{a}{b}" for a in letters for b in letters if f"X{a}{b}" not in _BY_CODE)
    for k, code in enumerate(free):
        if k == i:
            return code
    raise PmmError(Problem(f"expected at most {len(letters) ** 2} synthetic members, found {len(_NAMED) + i + 1}",
                           where="members", hint="pass fewer members, or a list of member codes"))


def member_codes(members: int | Iterable[str]) -> list[str]:
    """Member codes: the first ``members`` fictitious codes, or the given codes checked.

    Example:
        >>> member_codes(3)
        ['XMB', 'XSH', 'XQD']
        >>> member_codes(["XNV", "ABC"])
        ['XNV', 'ABC']
    """
    if isinstance(members, (int, np.integer)) and not isinstance(members, bool):
        if members < 1:
            raise PmmError(Problem(f"expected a positive number of members, found {members}", where="members",
                                   hint="pass e.g. members=22 or a list of member codes"))
        named = [code for code, *_ in _NAMED[:members]]
        return named + [_code_for(i) for i in range(members - len(named))]
    if isinstance(members, str):
        raise PmmError(Problem(f"expected a number or a list of member codes, found the string {members!r}",
                               where="members", hint=f"wrap it in a list: members=[{members!r}]"))
    codes = [str(c) for c in members]
    if not codes:
        raise PmmError(Problem("expected at least one member code, found an empty list", where="members",
                               hint="pass e.g. members=22 or members=['XMB', 'XSH']"))
    bad = [c for c in codes if not c or not c.strip()]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if bad or dupes:
        found = "empty codes" if bad else f"duplicate codes {dupes}"
        raise PmmError(Problem(f"expected distinct non-empty member codes, found {found}", where="members",
                               hint="list each member once"))
    return codes


def normalise_years(years: int | Iterable[int]) -> list[int]:
    """Years as a sorted list: one year, a ``range`` or a list of years.

    Example:
        >>> normalise_years(range(2022, 2025)), normalise_years(2024)
        ([2022, 2023, 2024], [2024])
    """
    values = [years] if isinstance(years, (int, np.integer)) else list(years)
    if not values or any(isinstance(y, bool) or not isinstance(y, (int, np.integer)) or not 1900 <= y <= 2200
                         for y in values):
        raise PmmError(Problem(f"expected calendar years between 1900 and 2200, found {values!r}", where="years",
                               hint="pass e.g. years=(2022, 2023, 2024) or years=range(2022, 2025)"))
    if len(set(values)) != len(values):
        raise PmmError(Problem(f"expected distinct years, found {values!r}", where="years",
                               hint="list each year once"))
    return sorted(int(y) for y in values)


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise PmmError(Problem(f"expected a non-negative integer seed, found {seed!r}", where="seed",
                               hint="pass e.g. seed=0"))
    return int(seed)


def member_rng(seed: int, member: str, stream: str) -> np.random.Generator:
    """A random generator for one member and one purpose, independent of the other members.

    Example:
        >>> a = member_rng(0, "XMB", "staff").random()
        >>> a == member_rng(0, "XMB", "staff").random() != member_rng(0, "XSH", "staff").random()
        True
    """
    return np.random.default_rng([_check_seed(seed), zlib.crc32(member.encode()), zlib.crc32(stream.encode())])


def _profile(code: str, seed: int) -> MemberProfile:
    rng = member_rng(seed, code, "profile")
    if code in _BY_CODE:
        name, region, coastal_possible = _BY_CODE[code]
    else:  # a code the user chose, or one beyond the named list: draw its region
        name, region, coastal_possible = f"Customs administration {code}", int(rng.integers(len(REGIONS))), True
    income = int(rng.choice(4, p=_INCOME_BY_REGION[region]))
    landlocked = bool(coastal_possible and rng.random() < _LANDLOCKED_BY_REGION[region])
    size = int(rng.choice(3, p=_SIZE_PROBS))
    maturity0 = float(np.clip(_BASE_MATURITY[income] + rng.normal(0.0, 0.09) + 0.03 * (size - 1), 0.05, 0.95))
    return MemberProfile(
        member=code, name=name, region=REGIONS[region], income_group=INCOME_GROUPS[income],
        landlocked=landlocked, size_class=SIZE_CLASSES[size], maturity0=maturity0,
        trend=float(rng.normal(0.01, 0.03)), currency=float(np.exp(rng.uniform(np.log(0.5), np.log(2000.0)))),
        duty_rate=float(rng.uniform(0.04, 0.16) * (1.2 - 0.5 * maturity0)), vat_rate=float(rng.uniform(0.08, 0.2)),
        preference_share=float(rng.uniform(0.10, 0.45)),
    )


def member_profiles(members: int | Iterable[str], seed: int = 0) -> list[MemberProfile]:
    """The :class:`MemberProfile` of each member (hidden parameters included), in order.

    Example:
        >>> [p.member for p in member_profiles(2)]
        ['XMB', 'XSH']
    """
    seed = _check_seed(seed)
    return [_profile(code, seed) for code in member_codes(members)]


#: Office kinds: sea port, airport, land border, inland clearance office, mail (postal) centre.
OFFICE_KINDS: tuple[str, ...] = ("P", "A", "B", "I", "M")
_OFFICES_BY_SIZE = {"small": (1, 1, 1, 1, 1), "medium": (2, 2, 3, 2, 1), "large": (4, 3, 5, 4, 2)}


def offices(profile: MemberProfile) -> list[tuple[str, str]]:
    """The customs offices of a member as ``(office code, kind)``; a landlocked member has no sea port.

    Codes read ``<member>-<kind><nn>`` with the kind letter of :data:`OFFICE_KINDS`.

    Example:
        >>> p = member_profiles(["XMB"])[0]
        >>> offices(p)[0] in [("XMB-P01", "P"), ("XMB-A01", "A")]
        True
    """
    counts = list(_OFFICES_BY_SIZE[profile.size_class])
    if profile.landlocked:
        counts[OFFICE_KINDS.index("I")] += counts[0]
        counts[0] = 0
    return [(f"{profile.member}-{kind}{k + 1:02d}", kind) for kind, c in zip(OFFICE_KINDS, counts) for k in range(c)]


def synthetic_members(members: int | Sequence[str] = 22, seed: int = 0) -> pd.DataFrame:
    """The member table of a synthetic data set: fictitious administrations with peer attributes.

    Args:
        members: how many members (the first codes of a fixed list of fictitious
            administrations, spread over the six WCO regions), or a list of member codes.
        seed: the random seed (income group, landlocked and size class depend on it).

    Returns:
        One row per member with ``member``, ``name``, ``region`` (a WCO region),
        ``income_group`` (low / lower-middle / upper-middle / high), ``landlocked`` (bool) and
        ``size_class`` (small / medium / large).

    Example:
        >>> m = synthetic_members(22)
        >>> len(m), m["member"].is_unique, sorted(m["size_class"].unique())
        (22, True, ['large', 'medium', 'small'])
        >>> m.equals(synthetic_members(22))
        True
    """
    profiles = member_profiles(members, seed)
    return pd.DataFrame({
        "member": pd.Series([p.member for p in profiles], dtype="str"),
        "name": pd.Series([p.name for p in profiles], dtype="str"),
        "region": pd.Series([p.region for p in profiles], dtype="str"),
        "income_group": pd.Series([p.income_group for p in profiles], dtype="str"),
        "landlocked": np.array([p.landlocked for p in profiles], dtype=bool),
        "size_class": pd.Series([p.size_class for p in profiles], dtype="str"),
    })


def latent_maturity(members: int | Iterable[str] = 22, years: int | Iterable[int] = (2022, 2023, 2024),
                    seed: int = 0) -> pd.DataFrame:
    """The hidden latent maturity (0–1) behind each member and year of the synthetic data.

    Useful to check that scores recover the simulated ranking, and in tests. It is stable
    across years with a small member-specific trend (some members improve, some decline).

    Example:
        >>> lm = latent_maturity(3, years=range(2022, 2025))
        >>> list(lm.columns), len(lm)
        (['member', 'year', 'maturity'], 9)
    """
    profiles = member_profiles(members, seed)
    year_list = normalise_years(years)
    return pd.DataFrame({
        "member": pd.Series([p.member for p in profiles for _ in year_list], dtype="str"),
        "year": np.array([y for _ in profiles for y in year_list], dtype=np.int64),
        "maturity": np.array([float(p.maturity(y)) for p in profiles for y in year_list]),
    })
