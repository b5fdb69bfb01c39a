"""Fixtures for the scoring tests: the ASEM example (COINr, MIT) and the World Bank LPI (CC BY 4.0)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmm

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def asem_meta() -> pd.DataFrame:
    return pd.read_csv(DATA / "asem" / "asem_imeta.csv")


@pytest.fixture(scope="session")
def asem_data() -> pd.DataFrame:
    return pd.read_csv(DATA / "asem" / "asem_idata.csv")


@pytest.fixture(scope="session")
def asem_catalog(asem_meta: pd.DataFrame) -> pmm.Catalog:
    return pmm.Catalog.from_table(asem_meta)


@pytest.fixture(scope="session")
def asem_values(asem_data: pd.DataFrame, asem_meta: pd.DataFrame) -> pd.DataFrame:
    """ASEM iData melted to the long KPI-values table by hand (uCode → member, no period)."""
    kpis = asem_meta.loc[asem_meta["Type"] == "Indicator", "iCode"].tolist()
    long = asem_data.melt(id_vars=["uCode"], value_vars=kpis, var_name="kpi", value_name="value")
    return long.rename(columns={"uCode": "member"})


@pytest.fixture(scope="session")
def lpi() -> pd.DataFrame:
    return pd.read_csv(DATA / "wb-lpi" / "lpi_2012_2023_full_precision.csv")
