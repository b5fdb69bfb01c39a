"""Small random tables in the canonical layout of a catalog's sources (test helper).

Values are drawn per field type from the source contract, so every shipped catalog can be
exercised: ids unique, categories from their code lists, about 10 % of optional values
missing, datetimes spread over the years given (durations of both signs occur).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmm.catalog.catalog import Catalog


def canonical_tables(catalog: Catalog, n: int = 400, members=("AAA", "BBB", "CCC"), years=(2022, 2023, 2024),
                     seed: int = 0) -> dict[str, pd.DataFrame]:
    """One random canonical table per source of ``catalog``."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, source in catalog.sources.items():
        cols: dict[str, object] = {}
        start = pd.Timestamp(f"{min(years)}-01-01").value // 1000
        span = (pd.Timestamp(f"{max(years) + 1}-01-01").value // 1000) - start
        for field, spec in source.fields.items():
            missing = rng.random(n) < (0.0 if spec.required else 0.1)
            if field == source.member:
                values = pd.Series(rng.choice(list(members), n), dtype=object)
            elif spec.type == "string" and (field in source.key or field.endswith("_id")):
                values = pd.Series([f"{field[:3]}{i:06d}" for i in rng.permutation(n)], dtype=object)
            elif spec.type == "category":
                values = pd.Series(rng.choice(list(spec.codes or ()), n), dtype=object)
            elif spec.type == "string":
                values = pd.Series(rng.choice(["x1", "x2", "x3", "x4"], n), dtype=object)
            elif spec.type == "boolean":
                values = pd.Series(rng.random(n) < 0.4, dtype=object)
            elif spec.type == "integer":
                values = pd.Series(rng.integers(0, 50, n).astype(float))
            elif spec.type == "float":
                values = pd.Series(np.round(rng.gamma(2.0, 100.0, n), 3))
            else:  # date / datetime: microsecond precision, whole seconds for dates' time part
                micros = start + rng.integers(0, span, n)
                stamp = pd.to_datetime(micros, unit="us")
                values = pd.Series(stamp.normalize() if spec.type == "date" else stamp.floor("s"))
            values = values.mask(missing) if not spec.required else values
            cols[field] = values
        table = pd.DataFrame(cols)
        for field, spec in source.fields.items():
            if spec.type == "boolean":
                table[field] = table[field].astype("boolean")
        out[name] = table
    return out
