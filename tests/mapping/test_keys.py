"""The duplicate-key pre-check is exact on every engine: it says "no repeat" only when there is none."""

from __future__ import annotations

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmm.mapping.keys import key_may_repeat

KEYS = st.lists(st.one_of(st.none(), st.text("ab", min_size=1, max_size=3)), max_size=30)
CONNECTION = duckdb.connect()
ENGINES = {
    "pandas": lambda keys: pd.DataFrame({"id": pd.Series(keys, dtype="str")}),
    "polars": lambda keys: pl.LazyFrame({"id": keys}, schema={"id": pl.String}),
    "duckdb": lambda keys: CONNECTION.from_arrow(pl.DataFrame({"id": keys}, schema={"id": pl.String}).to_arrow()),
}


def truth(*parts: list[str | None]) -> bool:
    known = [k for part in parts for k in part if k is not None]
    return len(known) != len(set(known))


@pytest.mark.parametrize("engine", list(ENGINES))
@settings(max_examples=40, deadline=None)
@given(keys=KEYS, cut=st.integers(0, 30))
def test_pre_check_matches_a_plain_count(engine, keys, cut):
    make = ENGINES[engine]
    assert key_may_repeat([nw.from_native(make(keys))], ["id"]) == truth(keys)
    parts = [keys[:cut], keys[cut:]]
    assert key_may_repeat([nw.from_native(make(p)) for p in parts], ["id"]) == truth(*parts)


def test_missing_keys_are_not_repeats_and_composite_keys_defer_to_the_window():
    frame = nw.from_native(pl.LazyFrame({"id": [None, None, "a"], "b": [1, 1, 1]}))
    assert key_may_repeat([frame], ["id"]) is False
    assert key_may_repeat([frame], ["id", "b"]) is True
