"""Realistic, deterministic synthetic data for demos, tests and benchmarks.

Fictitious customs administrations (codes ``X..``, never a real country) with a hidden
**latent maturity** per member and year — stable with a small trend, some members improving and
some declining — that drives every generated table, so that the scores computed from them
differ between members in a consistent way and nobody mistakes them for real findings.

- :func:`synthetic_members` — the member table: name, WCO region, income group, landlocked, size.
- :func:`synthetic_declarations` — goods declarations in the canonical ``declarations`` layout,
  fully vectorised (millions of rows in seconds, for benchmarks).
- :func:`raw_declarations` — the same rows as a national customs system exports them (text
  dates and amounts, local codes); the shipped profile ``synthetic-raw`` maps them back.
- :func:`synthetic_sources` — one table per canonical source of ``indicators/wco-pmm``;
  ``dirty=True`` adds a few invalid rows for the mapping's row accounting.
- :func:`synthetic_answers` — self-assessment answers for the catalog's ``reported`` KPIs.
- :func:`workshop` — all of the above for a regional workshop (what ``pmm demo`` uses).
- :func:`latent_maturity` — the hidden maturity behind the data, to check what scores recover.

Everything is deterministic for a seed.

Example:
    >>> from pmm import datasets
    >>> w = datasets.workshop(members=6, years=(2023, 2024), declarations_per_member_year=300)
    >>> len(w.members), w.members["region"].nunique(), len(w.sources["declarations"])
    (6, 6, 3600)
    >>> w.answers["period"].unique().tolist()
    ['2023', '2024']
"""

from pmm.datasets.answers import synthetic_answers
from pmm.datasets.declarations import synthetic_declarations
from pmm.datasets.members import latent_maturity, synthetic_members
from pmm.datasets.raw import raw_declarations
from pmm.datasets.sources import synthetic_sources
from pmm.datasets.workshop import Workshop, workshop

__all__ = [
    "Workshop",
    "latent_maturity",
    "raw_declarations",
    "synthetic_answers",
    "synthetic_declarations",
    "synthetic_members",
    "synthetic_sources",
    "workshop",
]
