"""pmm.map on the pmm.datasets generator: its deliberately invalid rows are all accounted for."""

from __future__ import annotations

import pytest

import pmm

datasets = pytest.importorskip("pmm.datasets")


@pytest.fixture(scope="module")
def dirty():
    catalog = pmm.load_catalog("wco-pmm")
    tables = datasets.synthetic_sources(members=3, years=(2023, 2024), seed=2, declarations_per_member_year=200,
                                        dirty=True)
    return catalog, tables, pmm.map(tables, catalog)


def test_every_dirty_row_is_excluded_for_its_reason(dirty):
    _, tables, result = dirty
    acc = result.accounting.set_index("source")
    for name, table in tables.items():
        planted = table.attrs["dirty_rows"]
        row = acc.loc[name]
        assert row["rows_read"] == len(table)
        assert row["excluded_null_member_or_time"] + row["excluded_missing_required"] == planted["missing_required"], name
        assert row["excluded_code_outside_list"] == planted["code_outside_list"], name
        assert row["excluded_unparseable"] == planted["non_finite_number"], name
        assert row["excluded_duplicate_key"] == 0, name
        assert row["rows_used"] == len(table) - sum(planted[k] for k in ("missing_required", "code_outside_list",
                                                                         "non_finite_number")), name


def test_every_computed_kpi_gets_values(dirty):
    catalog, _, result = dirty
    assert not result.skipped
    computed = {k for k in catalog.kpi_ids if catalog.kpi(k).computed}
    assert set(result.values["kpi"]) == computed
    assert result.values["value"].dropna().map(lambda v: abs(v) < float("inf")).all()


def test_raw_to_scores_example_runs(tmp_path, capsys):
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "examples" / "raw_to_scores.py"
    module = runpy.run_path(str(script))
    latest = module["main"](str(tmp_path))
    assert len(latest) == 6 and sorted(latest["rank"].tolist()) == [1, 2, 3, 4, 5, 6]
    assert (tmp_path / "values.csv").exists() and (tmp_path / "scores.csv").exists()
    assert "excluded" in capsys.readouterr().out
