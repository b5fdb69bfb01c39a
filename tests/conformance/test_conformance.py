"""Every shipped computed KPI gives the same values on every engine (to 1e-9).

One test body, parametrised by the ``engine`` fixture (pandas, polars eager and lazy, DuckDB,
PySpark local) and by catalog. The reference is the same mapping on pandas (``engine="pandas"``;
with ``engine="auto"``, the default, pandas input runs on DuckDB); correctness of the pandas
results against independent computations is tested in ``tests/mapping``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmm
from tests.mapping.canonical import canonical_tables

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = {
    "wco-pmm": ROOT / "indicators" / "wco-pmm",
    "rbm-example": ROOT / "indicators" / "rbm-example",
    "wto-ta": ROOT / "indicators" / "wto-ta",
    "apo-pillars": ROOT / "indicators" / "apo-pillars",
    "kcs": ROOT / "examples" / "kcs" / "catalog.yaml",
}


def tables_for(name: str, catalog: pmm.Catalog) -> dict[str, pd.DataFrame]:
    """Small tables for a catalog: pmm.datasets (with invalid rows) for wco-pmm, else the test generator."""
    if name == "wco-pmm":
        from pmm.datasets import synthetic_sources

        return synthetic_sources(members=3, years=(2023, 2024), seed=5, declarations_per_member_year=120, dirty=True)
    return canonical_tables(catalog, n=300, seed=7)


@pytest.fixture(scope="module")
def cases():
    """Catalog, canonical tables and the pandas reference result, per catalog (built once)."""
    out = {}
    for name, path in CATALOGS.items():
        catalog = pmm.load_catalog(path)
        tables = tables_for(name, catalog)
        reference = pmm.map(tables, catalog, period="quarter", engine="pandas")
        assert set(reference.engines.values()) == {"pandas"}
        out[name] = (catalog, tables, reference)
    return out


def _key(values: pd.DataFrame) -> pd.DataFrame:
    return values.sort_values(["member", "period", "kpi"]).reset_index(drop=True)


@pytest.mark.parametrize("catalog_name", list(CATALOGS))
def test_every_computed_kpi_is_equal_on_every_engine(engine, catalog_name, cases):
    catalog, tables, reference = cases[catalog_name]
    computed = [k for k in catalog.kpi_ids if catalog.kpi(k).computed]
    assert computed, "a catalog without computed KPIs proves nothing"
    assert not reference.skipped, f"the generated tables must feed every KPI: {reference.skipped}"
    assert set(reference.values["kpi"]) == set(computed)
    assert (reference.values["status"] == "ok").mean() > 0.5, "most reference values should be real numbers"

    result = pmm.map({name: engine(t) for name, t in tables.items()}, catalog, period="quarter")

    got, want = _key(result.values), _key(reference.values)
    pd.testing.assert_frame_equal(got[["member", "period", "kpi", "status"]], want[["member", "period", "kpi", "status"]])
    assert got["n"].astype(float).tolist() == want["n"].astype(float).tolist()
    np.testing.assert_allclose(got["value"].to_numpy(float), want["value"].to_numpy(float), rtol=1e-9, atol=1e-9,
                               equal_nan=True)
    pd.testing.assert_frame_equal(result.accounting.reset_index(drop=True), reference.accounting.reset_index(drop=True))
