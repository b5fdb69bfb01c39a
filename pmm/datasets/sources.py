"""Synthetic tables for every canonical source of ``indicators/wco-pmm``, consistent per member.

:func:`synthetic_sources` draws one table per canonical source (``declarations``, ``seizures``,
``audits``, ``aeo_register``, ``revenue``, ``budget``, ``staff``, ``rulings``, ``appeals``,
``integrity``, ``info_requests``). Each member's latent maturity (see
:mod:`pmm.datasets.members`) drives all of them: a mature administration targets its controls
better (more audits and seizures follow risk selection and find something), certifies more AEOs,
meets its revenue targets with fewer arrears, trains its staff more, answers rulings, appeals and
requests faster and loses fewer appeals. Seizures are partly linked to declarations whose
inspection found something (same member, office and date).

The declarations are a sample (``declarations_per_member_year``), so the sources that KPIs divide
by them, or divide them by, are drawn in proportion to the declarations actually generated for
each member and year: frontline officers at a maturity-dependent number of declarations per
officer, advance ruling requests at a rate per 10,000 declarations and seizures at a rate per
1,000 physically inspected declarations (see :func:`_geometric`). The other functions of the staff
register keep the size of a real administration.

Every table satisfies its contract in the catalog: every declared field, the canonical types
(``str`` for strings and codes, ``datetime64[ns]`` for dates, ``bool`` — or pandas' nullable
``boolean`` where a value can be missing, e.g. the outcome flags of open integrity cases —
and ``float64``), required fields present, keys unique, the time field inside the years.
Dates that fall after the end of the last year (a ruling issued next year) are missing, as in an
extract taken on 31 December.

``dirty=True`` appends a few deliberately bad rows per source (see :mod:`pmm.datasets.dirty`)
so that the mapping's row accounting has something to count.

Example:
    >>> from pmm.datasets import synthetic_sources
    >>> src = synthetic_sources(members=3, years=(2023, 2024), declarations_per_member_year=200)
    >>> sorted(src)[:4]
    ['aeo_register', 'appeals', 'audits', 'budget']
    >>> bool(src["seizures"]["seizure_date"].dt.year.isin([2023, 2024]).all())
    True
    >>> len(src["declarations"])
    1200
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmm.catalog import Catalog, load_catalog
from pmm.catalog.models import Source
from pmm.datasets.declarations import synthetic_declarations
from pmm.datasets.dirty import add_dirty_rows
from pmm.datasets.members import REFERENCE_YEAR, MemberProfile, member_profiles, normalise_years, offices
from pmm.errors import PmmError, Problem

__all__ = ["synthetic_sources", "conform", "GENERATED_SOURCES"]

_DAY = np.timedelta64(1, "D")
_SEIZURE_CATEGORIES = ("drugs", "alcohol", "tobacco", "weapons", "ipr", "wildlife", "currency", "cultural", "other")
_SEIZURE_P = np.array([0.20, 0.12, 0.18, 0.04, 0.22, 0.05, 0.06, 0.02, 0.11])
_SEIZURE_QUANTITY = np.array([5.0, 400.0, 20_000.0, 3.0, 800.0, 15.0, 1.0, 2.0, 100.0])  # kg, litres, pieces …
_SEIZURE_VALUE = np.array([60_000.0, 3_000.0, 8_000.0, 5_000.0, 15_000.0, 20_000.0, 40_000.0, 25_000.0, 4_000.0])
_ROLES = ("importer", "exporter", "broker", "carrier", "warehouse", "manufacturer", "other")
_ROLE_P = np.array([0.35, 0.20, 0.15, 0.10, 0.08, 0.10, 0.02])
_REVENUE_TYPES = ("customs_duty", "vat", "excise", "other")
_REVENUE_SHARE = np.array([0.30, 0.50, 0.15, 0.05])
_BUDGET_LINES = ("staff", "ict", "infrastructure", "other")
_FUNCTIONS = ("frontline", "enforcement", "audit", "support", "management")
_HEADCOUNT = {"small": 150, "medium": 500, "large": 1500}  # staff outside the frontline function


@dataclass(frozen=True)
class _Context:
    """What every source generator reads: members, years, the declarations, the extract date."""

    profiles: list[MemberProfile]
    years: list[int]
    seed: int
    declarations: pd.DataFrame
    cutoff: np.datetime64  # 31 December of the last year: later dates are not yet known
    volumes: pd.DataFrame  # declarations and inspected declarations per (member, year)

    def rng(self, source: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(source.encode())])

    def cells(self) -> Iterator[tuple[MemberProfile, int, float]]:
        """Each member × year with the member's latent maturity in that year."""
        for profile in self.profiles:
            for year in self.years:
                yield profile, year, float(profile.maturity(year))

    def volume(self, member: str, year: int, column: str = "declarations") -> int:
        """How many declarations (or ``"inspected"`` ones) were generated for a member and year."""
        key = (member, year)
        return int(self.volumes.at[key, column]) if key in self.volumes.index else 0


def _volumes(declarations: pd.DataFrame) -> pd.DataFrame:
    """Declarations and physically inspected declarations per (member, lodgement year)."""
    by = [declarations["member"], declarations["lodgement_ts"].dt.year]
    return pd.DataFrame({"declarations": declarations.groupby(by).size(),
                         "inspected": declarations["inspected"].groupby(by).sum()})


def _geometric(maturity: float, at_weak: float, at_strong: float) -> float:
    """A rate growing geometrically with latent maturity: ``at_weak`` at 0.2, ``at_strong`` at 0.8.

    The cross-source rates are calibrated on the maturity thresholds of their KPIs in
    ``wco-pmm``, so that maturity 0.2 … 0.8 spans the first to the last threshold.

    Example:
        >>> round(_geometric(0.5, 1.0, 4.0), 6)
        2.0
    """
    return at_weak * (at_strong / at_weak) ** ((maturity - 0.2) / 0.6)


def _per_sample(ctx: _Context, rng: np.random.Generator, column: str, per: float, at_weak: float,
                at_strong: float) -> dict[tuple[str, int], int]:
    """How many records of a source each member and year gets, in proportion to its sample.

    ``column`` (``"declarations"`` or ``"inspected"``) of the member and year × a rate per ``per``
    of them that grows with maturity (:func:`_geometric`) and varies by about 30 % from year to
    year, rounded up or down at random so that counts are right on average. A weak member with
    a small sample may get none. Should the whole source come out empty (a tiny sample), the
    member-year with the largest expected count gets one record, so that the source has rows.
    """
    cells = [(profile.member, year, m) for profile, year, m in ctx.cells()]
    rate = np.array([_geometric(m, at_weak, at_strong) for _, _, m in cells])
    volume = np.array([ctx.volume(member, year, column) for member, year, _ in cells])
    expected = volume * rate * rng.lognormal(0.0, 0.3, len(cells)) / per
    counts = (expected + rng.random(len(cells))).astype(np.int64)
    if counts.sum() == 0:
        counts[np.argmax(expected)] = 1
    return {(member, year): int(k) for (member, year, _), k in zip(cells, counts)}


Columns = dict[str, np.ndarray]


def _dates_in(rng: np.random.Generator, year: int, k: int) -> np.ndarray:
    """``k`` dates drawn uniformly in ``year`` (datetime64[D])."""
    start = np.datetime64(f"{year}-01-01")
    days = int((np.datetime64(f"{year + 1}-01-01") - start) / _DAY)
    return start + rng.integers(0, days, k) * _DAY


def _later(rng: np.random.Generator, start: np.ndarray, median_days: float, sigma: float,
           cutoff: np.datetime64) -> np.ndarray:
    """A later date, ``median_days`` after ``start`` (log-normal); missing (NaT) after ``cutoff``."""
    later = start + np.ceil(median_days * rng.lognormal(0.0, sigma, len(start))).astype(np.int64) * _DAY
    return np.where(later <= cutoff, later, np.datetime64("NaT"))


def _ids(member: str, tag: str, year: int, k: int) -> np.ndarray:
    return np.array([f"{member}-{tag}{year}-{j:05d}" for j in range(1, k + 1)], dtype=object)


def _pick(rng: np.random.Generator, codes: tuple[str, ...], p: np.ndarray, k: int) -> np.ndarray:
    return np.asarray(codes, dtype=object)[rng.choice(len(codes), size=k, p=p / p.sum())]


def _stack(parts: list[Columns]) -> Columns:
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _member_offices(profile: MemberProfile) -> np.ndarray:
    return np.array([code for code, _ in offices(profile)], dtype=object)


def _annual_revenue(profile: MemberProfile, year: int) -> float:
    """Expected revenue of a member in a year (national currency): size × currency, growing 5 % a year."""
    return 5e8 * profile.size_weight * profile.currency * 1.05 ** (year - REFERENCE_YEAR)


# --- one generator per source ---------------------------------------------------------------------
def _seizures(ctx: _Context) -> Columns:
    rng = ctx.rng("seizures")
    decl = ctx.declarations
    found = decl.loc[decl["finding"], ["member", "declaration_id", "office", "lodgement_ts", "channel"]]
    found_by_cell = dict(iter(found.groupby([found["member"], found["lodgement_ts"].dt.year])))
    counts = _per_sample(ctx, rng, "inspected", 1000, 1.0, 50.0)  # per 1,000 inspections: 1 at m = 0.2, 50 at 0.8
    parts = []
    for profile, year, m in ctx.cells():
        k = counts[profile.member, year]
        cell = found_by_cell.get((profile.member, year))
        n_linked = min(int(rng.binomial(k, 0.6)), 0 if cell is None else len(cell))  # the rest: passengers, post
        linked = cell.sample(n=n_linked, random_state=rng) if n_linked else None
        date = _dates_in(rng, year, k)
        office = _member_offices(profile)[rng.integers(0, len(offices(profile)), k)]
        declaration_id = np.full(k, None, dtype=object)
        risk_targeted = rng.random(k) < 0.15 + 0.8 * m
        if n_linked:
            lodged = linked["lodgement_ts"].to_numpy().astype("datetime64[D]")
            date[:n_linked] = np.minimum(lodged + rng.integers(0, 4, n_linked) * _DAY,
                                         np.datetime64(f"{year}-12-31"))
            office[:n_linked] = linked["office"].to_numpy(dtype=object)
            declaration_id[:n_linked] = linked["declaration_id"].to_numpy(dtype=object)
            risk_targeted[:n_linked] = linked["channel"].to_numpy(dtype=object) != "green"
        category = rng.choice(len(_SEIZURE_CATEGORIES), size=k, p=rng.dirichlet(_SEIZURE_P * 60))
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "seizure_id": _ids(profile.member, "S", year, k),
            "seizure_date": date,
            "office": office,
            "category": np.asarray(_SEIZURE_CATEGORIES, dtype=object)[category],
            "quantity": np.round(_SEIZURE_QUANTITY[category] * rng.lognormal(0.0, 1.2, k), 1),
            "value": np.round(_SEIZURE_VALUE[category] * rng.lognormal(0.0, 1.4, k) * profile.currency, 2),
            "risk_targeted": risk_targeted,
            "declaration_id": declaration_id,
        })
    return _stack(parts)


def _audits(ctx: _Context) -> Columns:
    rng = ctx.rng("audits")
    parts = []
    for profile, year, m in ctx.cells():
        k = int(rng.poisson(40 * profile.size_weight * (0.5 + m)))
        completed = _dates_in(rng, year, k)
        kind = rng.choice(3, size=k, p=[0.6, 0.35, 0.05])
        duration = np.where(kind == 1, 200.0, 60.0) * (1.7 - 1.4 * m) * rng.lognormal(0.0, 0.5, k)
        risk_selected = rng.random(k) < 0.4 + 0.5 * m
        finding = rng.random(k) < np.where(risk_selected, 0.2 + 0.5 * m, 0.12)
        # recoveries add up to a yield (share of revenue) of about 0.05 % (weak) to 1 % (leading)
        weight = finding * rng.lognormal(0.0, 1.0, k) * np.where(kind == 1, 3.0, 1.0)
        target = _annual_revenue(profile, year) * (0.05 + 1.2 * m ** 1.5) / 100 * rng.lognormal(0.0, 0.15)
        recovered = weight / max(weight.sum(), 1e-12) * target
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "audit_id": _ids(profile.member, "A", year, k),
            "started_date": completed - np.ceil(duration).astype(np.int64) * _DAY,
            "completed_date": completed,
            "kind": np.asarray(("desk", "field", "other"), dtype=object)[kind],
            "risk_selected": risk_selected,
            "finding": finding,
            "additional_revenue": np.round(recovered, 2),
        })
    return _stack(parts)


def _aeo_register(ctx: _Context) -> Columns:
    """Operators are certified over the years and some are withdrawn (kept, ``active`` false)."""
    rng = ctx.rng("aeo_register")
    parts = []
    for profile in ctx.profiles:
        certified = 0  # operators 0 … certified-1 exist; `withdrawn` marks the inactive ones
        withdrawn = np.zeros(0, dtype=bool)
        role, sme = np.zeros(0, dtype=object), np.zeros(0, dtype=bool)
        for year in ctx.years:
            m = float(profile.maturity(year))
            withdrawn = withdrawn | (rng.random(certified) < 0.05)
            wanted = int(round(25 * profile.size_weight * m ** 2 * rng.lognormal(0.0, 0.08))) + 2
            new = max(wanted - int((~withdrawn).sum()), 0)
            certified += new
            withdrawn = np.concatenate([withdrawn, np.zeros(new, dtype=bool)])
            role = np.concatenate([role, _pick(rng, _ROLES, _ROLE_P, new)])
            sme = np.concatenate([sme, rng.random(new) < 0.12 + 0.35 * m])
            parts.append({
                "member": np.full(certified, profile.member, dtype=object),
                "operator_id": np.array([f"{profile.member}-AEO{j:05d}" for j in range(1, certified + 1)],
                                        dtype=object),
                "snapshot_date": np.full(certified, np.datetime64(f"{year}-12-31")),
                "role": role.copy(),
                "active": ~withdrawn,
                "sme": sme.copy(),
            })
    return _stack(parts)


def _revenue(ctx: _Context) -> Columns:
    rng = ctx.rng("revenue")
    parts = []
    months = np.arange(12)
    for profile, year, m in ctx.cells():
        annual = _annual_revenue(profile, year)
        performance = rng.normal(0.88 + 0.14 * m, 0.03)  # collected / target over the year
        seasonal = 1 + 0.12 * np.sin(2 * np.pi * (months + rng.random()) / 12)
        collected = (annual / 12 * _REVENUE_SHARE[:, None] * seasonal[None, :]
                     * rng.lognormal(0.0, 0.08, (len(_REVENUE_TYPES), 12)))
        target = collected / (performance * rng.lognormal(0.0, 0.04, collected.shape))
        arrears = collected * (0.1 + 4.0 * (1 - m) ** 2) * rng.lognormal(0.0, 0.25, collected.shape)  # months
        k = collected.size
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "month": np.tile(np.array([np.datetime64(f"{year}-{mo + 1:02d}-01") for mo in months]),
                             len(_REVENUE_TYPES)),
            "revenue_type": np.repeat(np.asarray(_REVENUE_TYPES, dtype=object), 12),
            "collected": np.round(collected.ravel(), 2),
            "target": np.round(target.ravel(), 2),
            "arrears": np.round(arrears.ravel(), 2),
        })
    return _stack(parts)


def _budget(ctx: _Context) -> Columns:
    rng = ctx.rng("budget")
    parts = []
    for profile, year, m in ctx.cells():
        cost_of_collection = (0.5 + 6.0 * (1 - m) ** 1.5) / 100  # 4.8 % at maturity 0.2, 0.7 % at 0.9
        total = _annual_revenue(profile, year) * cost_of_collection * rng.lognormal(0.0, 0.05)
        shares = np.array([0.65 - 0.15 * m, 0.04 + 0.14 * m, 0.15, 0.16 + 0.01 * m])
        k = len(_BUDGET_LINES)
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "year_end": np.full(k, np.datetime64(f"{year}-12-31")),
            "line": np.asarray(_BUDGET_LINES, dtype=object),
            "expenditure": np.round(total * shares / shares.sum() * rng.lognormal(0.0, 0.04, k), 2),
        })
    return _stack(parts)


def _staffing(ctx: _Context) -> dict[tuple[str, int], np.ndarray]:
    """The year-end headcount each member aims at, per function (in the order of ``_FUNCTIONS``).

    Frontline officers follow the declarations generated for the member and year: 500
    declarations per officer at maturity 0.2, 4,000 at 0.8 (at least one officer). The other
    functions have the size of a real administration (150 / 500 / 1500 people by size class).
    """
    rng = ctx.rng("staffing")
    plan = {}
    for profile, year, m in ctx.cells():
        per_officer = _geometric(m, 500.0, 4000.0) * rng.lognormal(0.0, 0.25)
        frontline = max(int(ctx.volume(profile.member, year) / per_officer + rng.random()), 1)  # rounded at random
        shares = np.array([0.15, 0.06 + 0.1 * m, 0.22, 0.08])
        others = np.round(_HEADCOUNT[profile.size_class] * rng.lognormal(0.0, 0.05) * shares / shares.sum())
        plan[profile.member, year] = np.concatenate([[frontline], others]).astype(np.int64)
    return plan


def _staff(ctx: _Context) -> Columns:
    """A staff register per year-end with about 6 % turnover (stable identifiers across years)."""
    rng = ctx.rng("staff")
    plan = _staffing(ctx)
    parts = []
    for profile in ctx.profiles:
        female_share = rng.uniform(0.2, 0.5)
        hired = 0
        employed = np.zeros(0, dtype=np.int64)
        function = np.zeros(0, dtype=np.int64)
        female = np.zeros(0, dtype=bool)
        for year in ctx.years:
            m = float(profile.maturity(year))
            employed = employed[rng.random(len(employed)) >= 0.06]
            in_post = np.bincount(function[employed], minlength=len(_FUNCTIONS))
            hired_as = np.repeat(np.arange(len(_FUNCTIONS)), np.maximum(plan[profile.member, year] - in_post, 0))
            new = len(hired_as)
            function = np.concatenate([function, hired_as])
            female = np.concatenate([female, rng.random(new) < female_share])
            employed = np.concatenate([employed, np.arange(hired, hired + new)])
            hired += new
            k = len(employed)
            trained = rng.random(k) >= 0.5 * (1 - m)
            parts.append({
                "member": np.full(k, profile.member, dtype=object),
                "staff_id": np.array([f"{profile.member}-E{j + 1:06d}" for j in employed], dtype=object),
                "snapshot_date": np.full(k, np.datetime64(f"{year}-12-31")),
                "function": np.asarray(_FUNCTIONS, dtype=object)[function[employed]],
                "female": female[employed],
                "training_hours": np.round(np.where(trained, (10 + 60 * m) * rng.lognormal(0.0, 0.5, k), 0.0), 1),
            })
    return _stack(parts)


def _rulings(ctx: _Context) -> Columns:
    rng = ctx.rng("rulings")
    counts = _per_sample(ctx, rng, "declarations", 10_000, 0.5, 10.0)  # per 10,000: 0.5 at m = 0.2, 10 at 0.8
    parts = []
    for profile, year, m in ctx.cells():
        k = counts[profile.member, year]
        requested = _dates_in(rng, year, k)
        issued = _later(rng, requested, 15 + 150 * (1 - m) ** 1.5, 0.5, ctx.cutoff)
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "ruling_id": _ids(profile.member, "R", year, k),
            "requested_date": requested,
            "issued_date": np.where(rng.random(k) < 0.01, np.datetime64("NaT"), issued),  # a few withdrawn
            "subject": _pick(rng, ("classification", "origin", "valuation"), np.array([0.7, 0.2, 0.1]), k),
        })
    return _stack(parts)


def _appeals(ctx: _Context) -> Columns:
    rng = ctx.rng("appeals")
    parts = []
    for profile, year, m in ctx.cells():
        k = int(rng.poisson(25 * profile.size_weight * (1.2 - m)))
        lodged = _dates_in(rng, year, k)
        decided = _later(rng, lodged, 15 + 200 * (1 - m) ** 1.5, 0.6, ctx.cutoff)
        upheld, partly = 0.4 - 0.35 * m, 0.2 - 0.12 * m  # weak decisions are overturned more often
        outcome = _pick(rng, ("upheld", "partially_upheld", "dismissed", "withdrawn"),
                        np.array([upheld, partly, 0.92 - upheld - partly, 0.08]), k)
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "appeal_id": _ids(profile.member, "P", year, k),
            "lodged_date": lodged,
            "decided_date": decided,
            "outcome": np.where(np.isnat(decided), None, outcome),
        })
    return _stack(parts)


def _integrity(ctx: _Context) -> Columns:
    rng = ctx.rng("integrity")
    parts = []
    for profile, year, m in ctx.cells():
        per_1000_staff = 1.0 + 25.0 * (1 - m) ** 2  # substantiated cases a year
        k = int(rng.poisson(_HEADCOUNT[profile.size_class] * per_1000_staff / 1000 / 0.35))
        opened = _dates_in(rng, year, k)
        closed = _later(rng, opened, 30 + 200 * (1 - m) ** 1.5, 0.8, ctx.cutoff)
        substantiated = rng.random(k) < 0.35
        sanctioned = substantiated & (rng.random(k) < 0.15 + 0.8 * m)
        still_open = np.isnat(closed)
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "case_id": _ids(profile.member, "I", year, k),
            "opened_date": opened,
            "closed_date": closed,
            "substantiated": np.where(still_open, np.nan, substantiated.astype(float)),
            "sanctioned": np.where(still_open, np.nan, sanctioned.astype(float)),
        })
    return _stack(parts)


def _info_requests(ctx: _Context) -> Columns:
    rng = ctx.rng("info_requests")
    parts = []
    for profile, year, m in ctx.cells():
        k = int(rng.poisson(30 * profile.size_weight * (0.3 + m)))
        sent = _dates_in(rng, year, k)
        received = rng.random(k) < 0.5
        # requests received are answered by this member; those sent, by partners (about 40 days)
        answer_days = np.where(received, 6 + 90 * (1 - m) ** 1.5, 40.0) * rng.lognormal(0.0, 0.7, k)
        answered = sent + np.ceil(answer_days).astype(np.int64) * _DAY
        never = rng.random(k) < np.where(received, 0.02 + 0.1 * (1 - m), 0.08)
        answered = np.where((answered <= ctx.cutoff) & ~never, answered, np.datetime64("NaT"))
        parts.append({
            "member": np.full(k, profile.member, dtype=object),
            "request_id": _ids(profile.member, "Q", year, k),
            "sent_date": sent,
            "direction": np.where(received, "received", "sent").astype(object),
            "answered_date": answered,
        })
    return _stack(parts)


_GENERATORS: dict[str, Callable[[_Context], Columns]] = {
    "seizures": _seizures, "audits": _audits, "aeo_register": _aeo_register, "revenue": _revenue,
    "budget": _budget, "staff": _staff, "rulings": _rulings, "appeals": _appeals, "integrity": _integrity,
    "info_requests": _info_requests,
}
#: The canonical sources :func:`synthetic_sources` generates.
GENERATED_SOURCES: tuple[str, ...] = ("declarations", *_GENERATORS)


# --- canonical typing -------------------------------------------------------------------------------
def _typed(values: np.ndarray | pd.Series, kind: str) -> pd.Series | np.ndarray:
    """One column in its canonical dtype (contract type ``kind``)."""
    if kind in ("string", "category"):
        return pd.Series(values, dtype="str") if not isinstance(values, pd.Series) else values.astype("str")
    if kind in ("date", "datetime"):
        return pd.Series(values).astype("datetime64[ns]")
    if kind == "boolean":
        series = pd.Series(values)
        return series.astype(bool) if series.notna().all() else series.astype("boolean")
    if kind == "float":
        return pd.Series(values).astype("float64")
    if kind == "integer":
        series = pd.Series(values)
        return series.astype("int64") if series.notna().all() else series.astype("Int64")
    raise PmmError(Problem(f"expected a known field type, found {kind!r}", where="synthetic data",
                           hint="one of string, category, date, datetime, boolean, float, integer"))


def conform(columns: Columns | pd.DataFrame, contract: Source) -> pd.DataFrame:
    """A table in the canonical layout of ``contract``: its fields in order, each in its canonical dtype.

    A field of the contract that the generator does not produce (a field added to the catalog
    later) becomes an all-missing column of the right type, so the table still loads.

    Example:
        >>> import numpy as np, pmm
        >>> contract = pmm.load_catalog("wco-pmm").sources["budget"]
        >>> t = conform({"member": np.array(["XMB"], dtype=object), "expenditure": np.array([1.0])}, contract)
        >>> list(t.columns), str(t["year_end"].dtype)
        (['member', 'year_end', 'line', 'expenditure'], 'datetime64[ns]')
    """
    n = len(next(iter(columns.values()))) if isinstance(columns, dict) else len(columns)
    frame = {}
    for name, field in contract.fields.items():
        values = columns[name] if name in columns else np.full(n, None, dtype=object)
        frame[name] = _typed(values, field.type)
    return pd.DataFrame({name: (col.reset_index(drop=True) if isinstance(col, pd.Series) else col)
                         for name, col in frame.items()})


def synthetic_sources(members: int | Iterable[str] = 22, years: int | Iterable[int] = (2022, 2023, 2024),
                      seed: int = 0, declarations_per_member_year: int = 2000, *, dirty: bool = False,
                      catalog: Catalog | None = None) -> dict[str, pd.DataFrame]:
    """One synthetic table per canonical source, consistent with each member's latent maturity.

    Args:
        members: how many fictitious members, or a list of member codes.
        years: one year, a range or a list of calendar years.
        seed: random seed; the same arguments always give the same tables.
        declarations_per_member_year: average number of declarations per member and year
            (larger administrations get more, smaller fewer).
        dirty: append a few deliberately invalid rows to every table (missing required
            fields, codes outside the code list, non-finite numbers, release before lodgement);
            each table's ``attrs["dirty_rows"]`` counts them per reason.
        catalog: the catalog whose source contracts give the layout (default: the shipped
            ``wco-pmm`` catalog).

    Returns:
        ``{source name: DataFrame}`` for every source in :data:`GENERATED_SOURCES`, each in the
        canonical layout of its contract.

    Example:
        >>> src = synthetic_sources(members=2, years=2024, declarations_per_member_year=100, dirty=True)
        >>> src["audits"].attrs["dirty_rows"]["missing_required"] > 0
        True
    """
    volume = declarations_per_member_year
    if isinstance(volume, bool) or not isinstance(volume, (int, np.integer)) or volume < 0:
        raise PmmError(Problem(f"expected a non-negative integer, found {volume!r}",
                               where="declarations_per_member_year", hint="pass e.g. 2000"))
    contracts = (catalog if catalog is not None else load_catalog("wco-pmm")).sources
    missing = [name for name in GENERATED_SOURCES if name not in contracts]
    if missing:
        raise PmmError(Problem(f"expected the catalog to declare the sources {list(GENERATED_SOURCES)}, "
                               f"missing {missing}", where="catalog.sources",
                               hint="use the shipped 'wco-pmm' catalog or one with the same canonical sources"))
    profiles = member_profiles(members, seed)
    year_list = normalise_years(years)
    n = volume * len(profiles) * len(year_list)
    declarations = synthetic_declarations(n, members=[p.member for p in profiles], years=year_list, seed=seed)
    ctx = _Context(profiles=profiles, years=year_list, seed=seed, declarations=declarations,
                   cutoff=np.datetime64(f"{year_list[-1]}-12-31"), volumes=_volumes(declarations))
    tables = {"declarations": conform(declarations, contracts["declarations"])}
    tables.update({name: conform(generate(ctx), contracts[name]) for name, generate in _GENERATORS.items()})
    if dirty:
        tables = {name: add_dirty_rows(table, contracts[name],
                                       np.random.default_rng([seed, zlib.crc32(name.encode()), 1]))
                  for name, table in tables.items()}
    return tables
