"""Shared fixtures of the report tests: one real demo run (workshop data → map → score → outputs)."""

from __future__ import annotations

import pytest

import pmm


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The outputs of ``pmm.run_demo`` on the default 22-member workshop data set."""
    return pmm.run_demo(tmp_path_factory.mktemp("demo"), members=22, seed=0)


@pytest.fixture(scope="session")
def card(demo):
    """The Scorecard of the demo run."""
    return demo.card


@pytest.fixture(scope="session")
def workshop():
    """The raw workshop data set behind the demo (regenerated; it is deterministic)."""
    from pmm.datasets import workshop

    return workshop(members=22, years=(2022, 2023, 2024), seed=0)


@pytest.fixture(scope="session")
def small_card():
    """A 6-member Scorecard of the same pipeline (each member in its own region), for quick renders."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pmm.demo_scorecard(members=6)
