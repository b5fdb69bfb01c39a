"""Order-independent float sums: the same input gives bit-identical sums on every engine.

Parallel engines (DuckDB, polars, Spark) add floats in an order that changes from run to run, so
the last digits of a sum or mean changed too. pmm splits each value into integer *limbs* on a
fixed binary grid (``2**-60``), lets the engine add the limbs (whole numbers below ``2**26``, kept
as floats: their sums are exact below ``2**53``, so the order of addition does not matter), and rebuilds the exact total in Python on the small
aggregated table, rounding it once to the nearest float. The result is the correctly rounded sum
of the values (each first truncated to the grid, which changes only values below ``2**-60``
relative to one), identical on pandas, polars, DuckDB and Spark.

Limits: limb sums stay exact up to ``2**27`` (134 million) rows per group, and values up to
``2**72`` (about 4.7e21) split exactly; a non-finite value makes the sum non-finite as before.

Example:
    >>> import math, narwhals as nw, pandas as pd
    >>> df = nw.from_native(pd.DataFrame({"x": [0.1, 0.2, -0.3, 1e15, None]}))
    >>> for stage in limb_columns(nw.col("x"), "x"):
    ...     df = df.with_columns(*stage)
    >>> sums = df.select(*[nw.col(c).sum() for c in limb_names("x")])
    >>> exact_total(sums.to_native().iloc[0].tolist()) == math.fsum([0.1, 0.2, -0.3, 1e15])  # exact, then rounded once
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw

__all__ = ["LIMBS", "limb_names", "limb_columns", "exact_total"]

#: Number of limbs of 26 bits each, from ``2**-60`` up (the top limb is unbounded).
LIMBS = 6
_BITS = 26
_GRID = 60


def limb_names(column: str) -> list[str]:
    """Names of the limb columns of ``column``."""
    return [f"{column}_l{k}" for k in range(LIMBS)]


def limb_columns(value: nw.Expr, column: str) -> list[list[nw.Expr]]:
    """Stages of ``with_columns`` that add the limbs of a float expression (whole numbers, as floats).

    Limbs are missing where the value is missing or not finite. Limbs are taken from the top
    down, each stage clearing the bits it took from a remainder, so every ``floor`` sees a number
    below ``2**26`` (Spark's ``floor`` returns a 64-bit integer). Every operation is exact in binary
    floating point (scaling by powers of two, ``floor``, and clearing low bits), so every engine
    gets the same limbs. (Not ``%``: narwhals lowers a float ``x % 1`` to ``((x % 1) + 1) % 1`` on
    SQL engines, which rounds.) Apply the stages in order.
    """
    names = limb_names(column)
    rest = f"{column}_rest"
    stages = [[nw.when(value.is_finite()).then(value.abs() * float(2**_GRID)).alias(rest)]]
    for k in reversed(range(LIMBS)):
        unit = float(2 ** (_BITS * k))
        limb = (nw.col(rest) / unit).floor().cast(nw.Float64)
        stages.append([limb.alias(names[k]), (nw.col(rest) - limb * unit).alias(rest)])
    stages.append([nw.when(value < 0).then(-nw.col(n)).otherwise(nw.col(n)).alias(n) for n in names])
    return stages


def exact_total(limb_sums: Sequence[object], divisor: int = 1) -> float:
    """The correctly rounded float of ``Σ limb_sums[k] · 2**(26k) · 2**-60 / divisor`` (missing sums count 0).

    ``divisor`` (a row count) gives an exactly computed mean, rounded once.

    Example:
        >>> exact_total([2**60 % 2**26, (2**60 >> 26) % 2**26, 2**60 >> 52, 0, 0, 0])
        1.0
    """
    total = 0
    for k, s in enumerate(limb_sums):
        if s is None or s != s:  # missing: no rows
            continue
        total += int(s) << (_BITS * k)
    return total / (divisor << _GRID)
