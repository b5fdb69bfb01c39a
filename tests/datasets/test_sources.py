"""synthetic_sources: every canonical source, contract conformance, consistency, dirty rows."""

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm import datasets
from pmm.datasets.dirty import DIRTY_KINDS, ORDERED_DATES
from pmm.errors import PmmError

from .conftest import YEARS

_EXPECTED_DTYPE = {
    "string": ("str",), "category": ("str",), "date": ("datetime64[ns]",), "datetime": ("datetime64[ns]",),
    "boolean": ("bool", "boolean"), "float": ("float64",), "integer": ("int64", "Int64"),
}


def test_every_source_of_the_catalog_is_generated(sources, catalog):
    assert set(sources) == set(catalog.sources)


def test_every_field_of_every_contract_is_generated_with_its_type(sources, catalog):
    """Read from the catalog at run time: a field added to framework.yaml must be generated too."""
    for source_name, contract in catalog.sources.items():
        table = sources[source_name]
        assert list(table.columns) == list(contract.fields), source_name
        assert len(table) > 0, source_name
        for name, field in contract.fields.items():
            col = table[name]
            where = f"{source_name}.{name}"
            assert str(col.dtype) in _EXPECTED_DTYPE[field.type], f"{where}: {col.dtype}"
            assert col.notna().any(), f"{where} is never generated"
            if field.required:
                assert col.notna().all(), f"{where} is required"
            if field.codes:
                assert set(col.dropna()) <= set(field.codes), where
            if field.type == "float":
                assert np.isfinite(col.dropna()).all(), where
            if field.type == "boolean":
                assert col.dropna().nunique() == 2, f"{where} is constant"


def test_keys_are_unique_and_time_fields_inside_the_years(sources, catalog):
    for source_name, contract in catalog.sources.items():
        table = sources[source_name]
        if contract.key:
            assert not table.duplicated(list(contract.key)).any(), source_name
        if contract.time:
            assert table[contract.time].dt.year.isin(YEARS).all(), source_name
        members, everyone = set(table[contract.member]), set(datasets.synthetic_members(8, seed=3)["member"])
        if source_name in ("rulings", "seizures"):
            # drawn per declaration of the sample: at 1,500 declarations a year, a weak member
            # expects well under one ruling request a year (0.5 per 10,000 declarations)
            assert members <= everyone and len(members) >= 2, source_name
        else:
            assert members == everyone, source_name


def test_same_seed_same_tables_other_seed_other_tables():
    kw = dict(members=3, years=(2023, 2024), declarations_per_member_year=100)
    a, b = datasets.synthetic_sources(seed=1, **kw), datasets.synthetic_sources(seed=1, **kw)
    c = datasets.synthetic_sources(seed=2, **kw)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
        assert not a[name].equals(c[name]), name


def test_declarations_are_those_of_synthetic_declarations(sources):
    d = datasets.synthetic_declarations(1500 * 8 * 3, members=8, years=YEARS, seed=3)
    pd.testing.assert_frame_equal(sources["declarations"], d)


def test_linked_seizures_point_at_declarations_with_a_finding(sources):
    s, d = sources["seizures"], sources["declarations"].set_index("declaration_id")
    linked = s[s["declaration_id"].notna()]
    assert len(linked) > 0 and len(linked) < len(s)
    found = d.loc[linked["declaration_id"]]
    assert found["finding"].all()
    assert (found["member"].to_numpy() == linked["member"].to_numpy()).all()
    assert (found["office"].to_numpy() == linked["office"].to_numpy()).all()
    lag = linked["seizure_date"].to_numpy() - found["lodgement_ts"].dt.normalize().to_numpy()
    assert (lag >= np.timedelta64(0, "D")).all() and (lag <= np.timedelta64(3, "D")).all()


def test_registers_keep_identifiers_across_years(sources):
    for name, id_field in [("aeo_register", "operator_id"), ("staff", "staff_id")]:
        table = sources[name]
        by_year = table.groupby(table["snapshot_date"].dt.year)[id_field].apply(set)
        for earlier, later in zip(by_year.iloc[:-1], by_year.iloc[1:]):
            kept = len(earlier & later) / len(earlier)
            assert kept > 0.8, name  # low turnover; the same people and operators
    aeo = sources["aeo_register"]
    assert not aeo["active"].all() and aeo["active"].mean() > 0.8
    assert (aeo["snapshot_date"].dt.strftime("%m-%d") == "12-31").all()


def test_open_cases_have_missing_outcomes(sources):
    integrity = sources["integrity"]
    still_open = integrity["closed_date"].isna()
    assert still_open.any()
    assert integrity.loc[still_open, "substantiated"].isna().all()
    assert integrity.loc[~still_open, "substantiated"].notna().all()
    assert not (integrity["sanctioned"].fillna(False) & ~integrity["substantiated"].fillna(False)).any()
    appeals = sources["appeals"]
    assert appeals.loc[appeals["decided_date"].isna(), "outcome"].isna().all()
    for opening, closing in ORDERED_DATES:
        for table in sources.values():
            if opening in table and closing in table:
                assert (table[closing].dropna() >= table.loc[table[closing].notna(), opening]).all()


def _by_member(table, column, value, maturity):
    years = table[column].dt.year
    return value.groupby([table["member"], years]).sum().rename_axis(["member", "year"]).to_frame("x").join(maturity)


def test_non_declaration_sources_follow_latent_maturity(sources):
    maturity = datasets.latent_maturity(8, years=YEARS, seed=3).set_index(["member", "year"])
    revenue = sources["revenue"]
    collected = _by_member(revenue, "month", revenue["collected"], maturity)
    target = _by_member(revenue, "month", revenue["target"], maturity)
    arrears = _by_member(revenue, "month", revenue["arrears"], maturity)
    assert (collected["x"] / target["x"]).corr(collected["maturity"], method="spearman") > 0.5
    assert (arrears["x"] / collected["x"]).corr(collected["maturity"], method="spearman") < -0.7
    staff = sources["staff"]
    hours = staff.groupby([staff["member"], staff["snapshot_date"].dt.year])["training_hours"].mean()
    assert hours.rename_axis(["member", "year"]).to_frame("h").join(maturity).corr(method="spearman").iloc[0, 1] > 0.7
    audits = sources["audits"]
    hit = audits.groupby([audits["member"], audits["completed_date"].dt.year])["finding"].mean()
    assert hit.rename_axis(["member", "year"]).to_frame("h").join(maturity).corr(method="spearman").iloc[0, 1] > 0.5


def test_dirty_rows_are_counted_and_each_breaks_the_contract_once(catalog):
    kw = dict(members=3, years=(2023, 2024), seed=4, declarations_per_member_year=400)
    clean = datasets.synthetic_sources(**kw)
    dirty = datasets.synthetic_sources(dirty=True, **kw)
    for name, contract in catalog.sources.items():
        table, counts = dirty[name], dirty[name].attrs["dirty_rows"]
        assert set(counts) == set(DIRTY_KINDS)
        assert counts["missing_required"] >= sum(f.required for f in contract.fields.values())
        # independent recount of every kind of fault
        missing = table[[f for f, spec in contract.fields.items() if spec.required]].isna().any(axis=1)
        outside = pd.Series(False, index=table.index)
        for f, spec in contract.fields.items():
            if spec.codes:
                outside |= table[f].notna() & ~table[f].isin(spec.codes)
        infinite = pd.Series(False, index=table.index)
        for f, spec in contract.fields.items():
            if spec.type == "float":
                infinite |= np.isinf(table[f].astype(float))
        reversed_dates = pd.Series(False, index=table.index)
        for opening, closing in ORDERED_DATES:
            if opening in table and closing in table:
                reversed_dates |= (table[closing] < table[opening]).fillna(False)
        assert missing.sum() == counts["missing_required"], name
        assert outside.sum() == counts["code_outside_list"], name
        assert infinite.sum() == counts["non_finite_number"], name
        assert reversed_dates.sum() == counts["end_before_start"], name
        bad = missing | outside | infinite | reversed_dates
        assert (missing.astype(int) + outside + infinite + reversed_dates <= 1).all(), name  # one fault per row
        # removing the dirty rows gives back the clean table, in order
        restored = table[~bad].reset_index(drop=True)
        expected = clean[name]
        for col in restored.columns:
            if restored[col].dtype == "boolean" and expected[col].dtype == bool:
                restored[col] = restored[col].astype(bool)
        pd.testing.assert_frame_equal(restored, expected, obj=name)
        if contract.key:
            assert not table.dropna(subset=list(contract.key)).duplicated(list(contract.key)).any(), name


def test_clean_tables_have_no_dirty_counts(sources):
    assert all("dirty_rows" not in table.attrs for table in sources.values())


def test_a_catalog_without_the_canonical_sources_is_refused(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "framework: {id: f, name: F}\n"
        "sources:\n  declarations:\n    fields:\n      member: {type: string}\n"
        "kpis:\n  - {id: k, name: K, unit: percent, direction: higher}\n")
    with pytest.raises(PmmError, match="missing"):
        datasets.synthetic_sources(members=2, years=2024, catalog=pmm.load_catalog(tmp_path / "c.yaml"))


def test_bad_declaration_volume_is_refused():
    with pytest.raises(PmmError, match="declarations_per_member_year"):
        datasets.synthetic_sources(members=2, years=2024, declarations_per_member_year=-5)


def test_a_field_added_to_a_contract_later_is_present_and_typed_but_empty(catalog):
    from pmm.catalog.models import SourceField

    budget = catalog.sources["budget"]
    fields = {**budget.fields, "approved": SourceField(type="float"), "audited": SourceField(type="boolean")}
    sources = {**catalog.sources, "budget": budget.model_copy(update={"fields": fields})}
    extended = pmm.Catalog(catalog.framework, sources, catalog.groups, catalog.kpis)
    table = datasets.synthetic_sources(members=2, years=2024, declarations_per_member_year=50,
                                       catalog=extended)["budget"]
    assert list(table.columns) == [*budget.fields, "approved", "audited"]
    assert table["approved"].dtype == "float64" and table["approved"].isna().all()
    assert table["audited"].dtype == "boolean" and table["audited"].isna().all()
