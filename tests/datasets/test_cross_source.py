"""KPIs that divide a count of one source by a count of another spread over the maturity levels.

The declarations are a sample; staff, advance rulings and seizures are drawn in proportion to
it. The KPI values are recomputed here with pandas from each KPI's description in
``indicators/wco-pmm`` (not with ``pmm.map``), then placed on the catalog's thresholds.
"""

import pandas as pd
import pytest
from scipy.stats import spearmanr

import pmm
from pmm import datasets

YEAR = 2024


@pytest.fixture(scope="module")
def default_workshop() -> datasets.Workshop:
    return datasets.workshop()  # what `pmm demo` uses: 22 members, 2022–2024, seed 0, 2,000 declarations


def _kpis_by_hand(sources: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    decl = sources["declarations"]
    decl = decl[decl["lodgement_ts"].dt.year == year]
    members = pd.Index(sorted(decl["member"].unique()), name="member")
    declarations = decl.groupby("member").size().reindex(members)
    inspections = decl[decl["inspected"]].groupby("member").size().reindex(members, fill_value=0)
    staff = sources["staff"]
    frontline = staff[(staff["snapshot_date"].dt.year == year) & (staff["function"] == "frontline")]
    officers = frontline.groupby("member")["staff_id"].nunique().reindex(members)
    rulings = sources["rulings"]
    requests = rulings[rulings["requested_date"].dt.year == year].groupby("member").size()
    seizures = sources["seizures"]
    cases = seizures[seizures["seizure_date"].dt.year == year].groupby("member").size()
    return pd.DataFrame({
        "od_declarations_per_officer": declarations / officers,
        "tf_rulings_per_10k": requests.reindex(members, fill_value=0) / declarations * 10_000,
        "es_seizures_per_1000_inspections": cases.reindex(members, fill_value=0) / inspections * 1_000,
    })


@pytest.mark.parametrize("kpi", ["od_declarations_per_officer", "tf_rulings_per_10k",
                                 "es_seizures_per_1000_inspections"])
def test_cross_source_kpis_spread_over_levels_and_follow_latent_maturity(default_workshop, kpi):
    values = _kpis_by_hand(default_workshop.sources, YEAR)[kpi]
    assert len(values) == 22 and values.notna().all()
    levels = {default_workshop.catalog.kpi(kpi).level_of(float(v)) for v in values}
    assert len(levels) >= 3, levels  # not every member at one maturity level
    latent = datasets.latent_maturity(22, YEAR).set_index("member")["maturity"].reindex(values.index)
    assert spearmanr(values, latent).statistic > 0.3  # higher maturity, higher value ("direction: higher")


def test_pmm_map_gives_the_same_values(default_workshop):
    """What `pmm demo` scores: pmm.map's values equal the hand computation (where a member has rows)."""
    w = default_workshop
    mapped = pmm.map(w.sources, w.catalog).values
    by_hand = _kpis_by_hand(w.sources, YEAR).stack().rename("expected").reset_index()
    by_hand.columns = ["member", "kpi", "expected"]
    got = mapped[(mapped["period"] == str(YEAR)) & mapped["kpi"].isin(by_hand["kpi"]) & (mapped["status"] == "ok")]
    joined = got.merge(by_hand, on=["member", "kpi"], validate="one_to_one")
    assert len(joined) >= 50  # 22 + 22 + most of the 22 (a member without any ruling request has no value)
    pd.testing.assert_series_equal(joined["value"].astype(float), joined["expected"], check_names=False, rtol=1e-9)
