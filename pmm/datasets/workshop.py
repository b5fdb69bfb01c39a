"""Everything a regional workshop (and ``pmm demo``) needs, in one call.

Example:
    >>> from pmm.datasets import workshop
    >>> w = workshop(members=4, years=(2023, 2024), declarations_per_member_year=200)
    >>> sorted(w.sources)[:2], len(w.members), w.catalog.framework.id
    (['aeo_register', 'appeals'], 4, 'wco-pmm')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pmm.catalog import Catalog, load_catalog
from pmm.datasets.answers import synthetic_answers
from pmm.datasets.members import member_codes, synthetic_members
from pmm.datasets.sources import synthetic_sources

__all__ = ["Workshop", "workshop"]


@dataclass(frozen=True)
class Workshop:
    """A synthetic regional data set.

    Attributes:
        sources: one raw table per canonical source (:func:`pmm.datasets.synthetic_sources`).
        members: the member table with peer attributes (:func:`pmm.datasets.synthetic_members`).
        answers: self-assessment answers to the reported KPIs (:func:`pmm.datasets.synthetic_answers`).
        catalog: the catalog the data set is made for (the shipped ``wco-pmm``).
    """

    sources: dict[str, pd.DataFrame]
    members: pd.DataFrame
    answers: pd.DataFrame
    catalog: Catalog


def workshop(members: int | Iterable[str] = 22, years: int | Iterable[int] = (2022, 2023, 2024), seed: int = 0,
             *, declarations_per_member_year: int = 2000, dirty: bool = False,
             catalog: Catalog | None = None) -> Workshop:
    """A regional workshop data set: raw tables, members, self-assessment answers and the catalog.

    Args:
        members: how many fictitious administrations (default 22, over the six WCO regions),
            or a list of member codes.
        years: the calendar years covered (three by default, so variations and trends show).
        seed: random seed; the same arguments always give the same data set.
        declarations_per_member_year: average declarations per member and year.
        dirty: add a few invalid rows to every raw table (see :mod:`pmm.datasets.dirty`).
        catalog: the catalog to generate for (default: the shipped ``wco-pmm``).

    Example:
        >>> w = workshop(members=["XMB", "XNV"], years=2024, declarations_per_member_year=100)
        >>> w.members["member"].tolist(), len(w.sources["declarations"])
        (['XMB', 'XNV'], 200)
    """
    catalog = catalog if catalog is not None else load_catalog("wco-pmm")
    codes = member_codes(members)
    return Workshop(
        sources=synthetic_sources(codes, years, seed, declarations_per_member_year, dirty=dirty, catalog=catalog),
        members=synthetic_members(codes, seed),
        answers=synthetic_answers(catalog, codes, years, seed),
        catalog=catalog,
    )
