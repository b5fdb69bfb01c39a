"""Expression compilation: durations, epoch seconds, null semantics; and the docstring examples."""

from __future__ import annotations

import doctest
import importlib

import narwhals as nw
import numpy as np
import pandas as pd
import pytest

from pmm.expr import parse_expression
from pmm.mapping.compile import compile_expression, epoch_seconds, known_expression

STAMPS = pd.to_datetime(format="ISO8601", arg=["1969-12-31 23:59:59.5", "1970-01-01", "2000-02-29 12:34:56.789012", "2024-03-01 00:00",
                         "2100-03-01 01:02:03", "1900-01-01 00:00"])


def test_epoch_seconds_match_pandas_on_awkward_dates():
    want = (STAMPS - pd.Timestamp("1970-01-01")).total_seconds().to_numpy()
    got = nw.from_native(pd.DataFrame({"t": STAMPS})).select(epoch_seconds(nw.col("t")).alias("s")).to_native()["s"]
    np.testing.assert_allclose(got.to_numpy(float), want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("backend", ["pandas", "pyspark"])
def test_hours_and_days_lowerings_agree(backend):
    # the Spark lowering (epoch seconds from calendar fields) evaluated on pandas must equal total_seconds
    df = pd.DataFrame({"a": STAMPS, "b": STAMPS[::-1].to_numpy()})
    expr = parse_expression("hours(a - b) + days(b - a) * 24", {"a": "datetime", "b": "datetime"})
    got = nw.from_native(df).select(compile_expression(expr, backend).alias("x")).to_native()["x"].to_numpy(float)
    np.testing.assert_allclose(got, np.zeros(len(df)), atol=1e-6)
    one = parse_expression("hours(a - b)", {"a": "datetime", "b": "datetime"})
    got = nw.from_native(df).select(compile_expression(one, backend).alias("x")).to_native()["x"].to_numpy(float)
    np.testing.assert_allclose(got, (df["a"] - df["b"]).dt.total_seconds().to_numpy() / 3600, atol=1e-9)


def test_missing_operands_make_comparisons_false_and_unknown():
    df = pd.DataFrame({"mode": ["air", None, "sea"], "x": [1.0, 2.0, None]})
    fields = {"mode": "string", "x": "float"}
    frame = nw.from_native(df)
    cmp = parse_expression('mode == "air" or x > 1', fields)
    out = frame.select(compile_expression(cmp, "pandas").alias("v"), known_expression(cmp, "pandas").alias("k"))
    assert out["v"].to_list() == [True, True, False]
    assert out["k"].to_list() == [True, False, False]
    div = parse_expression("x / (x - x)", fields)
    assert frame.select(compile_expression(div, "pandas").alias("v"))["v"].is_null().to_list() == [True, True, True]


@pytest.mark.parametrize("module", ["compile", "periods", "plan", "prepare", "profile", "engine", "values", "keys",
                                    "reported", "result", "progress", "accounting", "routing", "zones", "exactsum"])
def test_docstring_examples_run(module, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    mod = importlib.import_module(f"pmm.mapping.{module}")
    failures, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0
