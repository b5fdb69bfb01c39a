"""Catalog fields for results frameworks: milestones, cumulative KPIs, the progress block, goalposts rationale."""

import textwrap

import pytest

import pmm
from pmm.catalog.models import Kpi, Progress
from pmm.errors import CatalogError


def _catalog(tmp_path, kpi_extra: str, framework_extra: str = ""):
    text = textwrap.dedent("""\
        framework:
          id: prog
          name: Programme
          levels: [Low, Mid, High]
        {fw}
        kpis:
          - id: trained
            name: People trained
            unit: count
            direction: higher
        {kpi}
        """).format(fw=textwrap.indent(framework_extra, "  "), kpi=textwrap.indent(kpi_extra, "    "))
    path = tmp_path / "prog.yaml"
    path.write_text(text, encoding="utf-8")
    return pmm.load_catalog(path)


def test_milestones_cumulative_and_goalposts_rationale_load(tmp_path):
    cat = _catalog(tmp_path, "baseline: 0\nbaseline_period: 2022\ntarget: 1800\ntargets: {2023: 600, 2024: 1200}\n"
                             "cumulative: true\ngoalposts: {lower: 0, upper: 2000, rationale: twice the target}\n")
    kpi = cat.kpi("trained")
    assert kpi.targets == {2023: 600.0, 2024: 1200.0}
    assert kpi.baseline_period == 2022 and kpi.cumulative
    assert kpi.goalposts.rationale == "twice the target"


def test_progress_block_traffic_light(tmp_path):
    cat = _catalog(tmp_path, "", "progress: {cuts: [0.5, 0.9], labels: [red, amber, green]}\n")
    progress = cat.framework.progress
    assert progress.inclusive == (True, True)
    assert [progress.status_of(a) for a in (0.49, 0.5, 0.89, 0.9, 2.0)] == ["red", "amber", "amber", "green", "green"]


def test_default_progress_statuses_follow_the_issue():
    p = Progress()
    assert [p.status_of(a) for a in (-0.5, 0.0, 1e-9, 0.999, 1.0, 1.5)] == [
        "not achieved", "not achieved", "partly achieved", "partly achieved", "achieved", "achieved"]
    assert p.status_of(float("nan")) is None


@pytest.mark.parametrize("block, message", [
    ("progress: {cuts: [1, 0.5], labels: [a, b, c]}", "strictly ascending"),
    ("progress: {cuts: [0.5], labels: [a, b, c]}", "one label more than cuts"),
    ("progress: {cuts: [0.5], labels: [a, a]}", "distinct"),
    ("progress: {cuts: [0, 1], labels: [a, b, c], inclusive: [true]}", "one flag per cut"),
])
def test_invalid_progress_blocks_are_named(tmp_path, block, message):
    with pytest.raises(CatalogError, match=message):
        _catalog(tmp_path, "", block + "\n")


def test_cumulative_needs_a_numeric_kpi():
    with pytest.raises(ValueError, match="cumulative"):
        Kpi(id="s", name="Stage", unit="stage", direction="higher", cumulative=True,
            maturity={"answers": {"no": 1, "yes": 3}})
