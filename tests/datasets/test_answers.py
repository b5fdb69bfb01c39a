"""synthetic_answers: every reported KPI, valid answers, correlated with latent maturity."""

import numpy as np
import pandas as pd
import pytest

import pmm
from pmm import datasets
from pmm.datasets.answers import answer_value

_CATALOG = """
framework: {id: quiz, name: Quiz}
groups:
  - {id: g, name: G}
kpis:
  - {id: pct, name: Percent, parent: g, unit: percent, direction: higher, definition: reported,
     maturity: {thresholds: [25, 50, 75, 90]}}
  - {id: days, name: Days, parent: g, unit: days, direction: lower, definition: reported,
     maturity: {thresholds: [60, 30, 14, 7]}}
  - {id: band, name: Band, parent: g, unit: percent, direction: target, band: [2, 8], definition: reported,
     maturity: {thresholds: [30, 15, 6, 0.5]}}
  - {id: stage, name: Stage, parent: g, unit: stage, direction: higher, definition: reported,
     maturity: {answers: {"none": 1, "planned": 2, "pilot": 3, "partial": 4, "full": 5}}}
  - {id: yesno, name: Yes/no, parent: g, unit: answer, direction: higher, definition: reported,
     maturity: {answers: {"no": 1, "yes": 5}}}
  - {id: free, name: No thresholds, parent: g, unit: count, direction: higher, definition: reported}
  - {id: posts, name: Goalposts, parent: g, unit: hours, direction: lower, definition: reported,
     goalposts: {lower: 10, upper: 50}}
"""


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    path = tmp_path_factory.mktemp("quiz") / "quiz.yaml"
    path.write_text(_CATALOG)
    return pmm.load_catalog(path)


@pytest.fixture(scope="module")
def answers(quiz):
    return datasets.synthetic_answers(quiz, members=22, years=(2022, 2023, 2024), seed=1)


def test_one_row_per_member_year_and_reported_kpi(answers, quiz):
    assert list(answers.columns) == ["member", "period", "kpi", "value", "status"]
    assert len(answers) == 22 * 3 * len(quiz.kpis)
    assert not answers.duplicated(["member", "period", "kpi"]).any()
    assert set(answers["period"]) == {"2022", "2023", "2024"}
    assert set(answers["kpi"]) == set(quiz.kpi_ids)
    assert set(answers["status"]) == {"ok", "not_applicable", "not_reported"}
    ok = answers["status"] == "ok"
    assert answers.loc[ok, "value"].notna().all() and answers.loc[~ok, "value"].isna().all()
    assert 0.8 < ok.mean() < 0.99


def test_values_are_valid_for_each_kpi(answers, quiz):
    ok = answers[answers["status"] == "ok"]
    for kpi_id, g in ok.groupby("kpi"):
        kpi = quiz.kpi(kpi_id)
        if kpi.categorical:
            assert set(g["value"]) <= set(kpi.maturity.answers), kpi_id
            assert g["value"].nunique() >= 2, kpi_id
        else:
            values = g["value"].astype(float)
            assert np.isfinite(values).all() and (values >= 0).all(), kpi_id
            if kpi.unit == "percent":
                assert (values <= 100).all(), kpi_id
            if kpi.unit == "count":
                assert (values == values.round()).all(), kpi_id
    posts = ok.loc[ok["kpi"] == "posts", "value"].astype(float)
    assert posts.between(10, 50).all()


def test_answers_follow_latent_maturity(answers, quiz):
    maturity = datasets.latent_maturity(22, years=(2022, 2023, 2024), seed=1)
    maturity["period"] = maturity["year"].astype(str)
    ok = answers[answers["status"] == "ok"].merge(maturity, on=["member", "period"])
    ok["level"] = [quiz.kpi(k).level_of(v) for k, v in zip(ok["kpi"], ok["value"])]
    for kpi_id in ("pct", "days", "band", "stage"):
        g = ok[ok["kpi"] == kpi_id]
        assert g["level"].corr(g["maturity"], method="spearman") > 0.7, kpi_id
        assert g["level"].nunique() >= 3, kpi_id  # answers spread over the levels
    free = ok[ok["kpi"] == "free"]
    assert free["value"].astype(float).corr(free["maturity"], method="spearman") > 0.7
    posts = ok[ok["kpi"] == "posts"]  # lower is better
    assert posts["value"].astype(float).corr(posts["maturity"], method="spearman") < -0.7


def test_not_applicable_is_a_stable_member_choice(answers):
    na = answers[answers["status"] == "not_applicable"]
    assert len(na) > 0
    per_pair = answers.groupby(["member", "kpi"])["status"].apply(lambda s: (s == "not_applicable").sum())
    assert set(per_pair.unique()) <= {0, 3}  # all years or none


def test_answers_are_deterministic_and_independent_of_other_members(quiz, answers):
    again = datasets.synthetic_answers(quiz, members=22, years=(2022, 2023, 2024), seed=1)
    pd.testing.assert_frame_equal(answers, again)
    one = datasets.synthetic_answers(quiz, members=["XSH"], years=[2023], seed=1)
    same = answers[(answers["member"] == "XSH") & (answers["period"] == "2023")].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, same)
    other = datasets.synthetic_answers(quiz, members=22, years=(2022, 2023, 2024), seed=2)
    assert not answers["value"].equals(other["value"])


def test_interpolated_value_reaches_the_level_of_its_position(quiz):
    rng = np.random.default_rng(0)
    for kpi_id in ("pct", "days", "band"):
        kpi = quiz.kpi(kpi_id)
        levels = [kpi.level_of(answer_value(kpi, p, rng)) for p in (0.1, 0.3, 0.5, 0.7, 0.9)]
        assert levels == [1, 2, 3, 4, 5], kpi_id


def test_every_reported_kpi_of_the_shipped_catalog_is_answered(catalog):
    reported = [k for k in catalog.kpis if k.definition.type == "reported"]
    a = datasets.synthetic_answers(catalog, members=6, years=[2024], seed=0)
    assert set(a["kpi"]) == {k.id for k in reported}
    ok = a[a["status"] == "ok"]
    for kpi in reported:
        for value in ok.loc[ok["kpi"] == kpi.id, "value"]:
            assert kpi.level_of(value) is not None, (kpi.id, value)


def test_catalog_can_be_given_by_name():
    a = datasets.synthetic_answers("wco-pmm", members=2, years=2024)
    assert set(a["member"]) == {"XMB", "XSH"}
