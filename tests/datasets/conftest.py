"""Shared small synthetic data sets (generated once per test session)."""

import pandas as pd
import pytest

import pmm
from pmm import datasets

YEARS = (2022, 2023, 2024)


@pytest.fixture(scope="session")
def catalog() -> pmm.Catalog:
    return pmm.load_catalog("wco-pmm")


@pytest.fixture(scope="session")
def sources(catalog) -> dict[str, pd.DataFrame]:
    return datasets.synthetic_sources(members=8, years=YEARS, seed=3, declarations_per_member_year=1500,
                                      catalog=catalog)


@pytest.fixture(scope="session")
def declarations() -> pd.DataFrame:
    return datasets.synthetic_declarations(60_000, members=10, years=YEARS, seed=11)


@pytest.fixture(scope="session")
def maturity() -> pd.DataFrame:
    return datasets.latent_maturity(10, years=YEARS, seed=11)
