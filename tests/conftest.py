"""Shared fixtures: ``engine`` runs a test on every installed dataframe engine.

``to_engine = engine`` is a function pandas DataFrame → a native table of that engine (pandas,
polars eager, polars lazy, DuckDB relation, PySpark DataFrame). PySpark uses one local[1] session
for the whole run, with the session time zone set to UTC; it is skipped, loudly, only when Java is
absent.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable

import pandas as pd
import pytest

ENGINE_NAMES = ("pandas", "polars_eager", "polars_lazy", "duckdb", "pyspark")

ToEngine = Callable[[pd.DataFrame], object]


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session for the whole test run (skipped only when Java is absent)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("SPARK ENGINE NOT TESTED: Java is absent (install openjdk-17-jre-headless; .ci/run does this)")
    pyspark = pytest.importorskip("pyspark", reason="SPARK ENGINE NOT TESTED: pyspark is not installed")
    del pyspark
    from pyspark.sql import SparkSession

    warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas.*")
    session = (SparkSession.builder.master("local[1]").appName("pmm-tests")
               .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "1").config("spark.default.parallelism", "1").config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _pandas_to_spark(session, df: pd.DataFrame):
    from pyspark.sql import types as T

    fields = []
    for name, dtype in df.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            kind = T.BooleanType()
        elif pd.api.types.is_integer_dtype(dtype):
            kind = T.LongType()
        elif pd.api.types.is_float_dtype(dtype):
            kind = T.DoubleType()
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            kind = T.TimestampType()
        else:
            kind = T.StringType()
        fields.append(T.StructField(str(name), kind, True))
    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    rows = [{k: (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for k, v in r.items()} for r in rows]
    return session.createDataFrame(rows, T.StructType(fields))


@pytest.fixture(params=ENGINE_NAMES)
def engine(request) -> ToEngine:
    """A function pandas DataFrame → the same table on the engine of this parametrisation."""
    name = request.param
    if name == "pandas":
        return lambda df: df.copy()
    if name in ("polars_eager", "polars_lazy"):
        pl = pytest.importorskip("polars")
        return (lambda df: pl.from_pandas(df)) if name == "polars_eager" else (lambda df: pl.from_pandas(df).lazy())
    if name == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
        return lambda df: con.from_df(df)
    session = request.getfixturevalue("spark_session")
    return lambda df: _pandas_to_spark(session, df)
