"""Fixtures for the scoring tests: the ASEM example (COINr, MIT) and the World Bank LPI (CC BY 4.0)."""

from __future__ import annotations

from pathlib import Path

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import pmm

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def asem_meta() -> pd.DataFrame:
    return pd.read_csv(DATA / "asem" / "asem_imeta.csv")


@pytest.fixture(scope="session")
def asem_data() -> pd.DataFrame:
    return pd.read_csv(DATA / "asem" / "asem_idata.csv")


@pytest.fixture(scope="session")
def asem_catalog(asem_meta: pd.DataFrame) -> pmm.Catalog:
    return pmm.Catalog.from_table(asem_meta)


@pytest.fixture(scope="session")
def asem_values(asem_data: pd.DataFrame, asem_meta: pd.DataFrame) -> pd.DataFrame:
    """ASEM iData melted to the long KPI-values table by hand (uCode → member, no period)."""
    kpis = asem_meta.loc[asem_meta["Type"] == "Indicator", "iCode"].tolist()
    long = asem_data.melt(id_vars=["uCode"], value_vars=kpis, var_name="kpi", value_name="value")
    return long.rename(columns={"uCode": "member"})


@pytest.fixture(scope="session")
def lpi() -> pd.DataFrame:
    return pd.read_csv(DATA / "wb-lpi" / "lpi_2012_2023_full_precision.csv")


# --- an independent port of COINr 1.1.14 Treat.numeric with the default specs (R/treat.R), one vector at a time ---
def _check(x: np.ndarray, skew_t: float = 2.0, kurt_t: float = 3.5) -> tuple[bool | None, float, float]:
    """COINr check_SkewKurt: pass unless |skew| >= 2 and kurt >= 3.5; None for R's NA."""
    v = x[~np.isnan(x)]
    sk = stats.skew(v, bias=False) if len(v) >= 3 else np.nan
    kt = stats.kurtosis(v, bias=False) if len(v) >= 4 else np.nan
    a = abs(sk) < skew_t if not np.isnan(sk) else None
    b = kt < kurt_t if not np.isnan(kt) else None
    if a or b:
        return True, sk, kt
    if a is None or b is None:
        return None, sk, kt
    return False, sk, kt


def _coinr_treat(x: np.ndarray, winmax: int = 5, force: bool = False) -> dict:
    """COINr Treat.numeric with the default specs, on one vector."""
    x = x.astype(float).copy()
    passing, sk0, kt0 = _check(x)
    out = {"x": x.copy(), "skew": sk0, "kurt": kt0, "nwin": 0, "log": False, "hi": set(), "lo": set()}
    if passing is None or passing:
        return out
    w = x.copy()
    nwin, imax, imin = 0, [], []
    ok = False
    while (not ok or force) and nwin < winmax:
        v = w[~np.isnan(w)]
        if stats.skew(v, bias=False) >= 0:
            top = np.nanmax(w)
            imax = [i for i in range(len(w)) if w[i] == top]
            w[imax] = max(w[i] for i in range(len(w)) if i not in imax and not np.isnan(w[i]))
        else:
            bottom = np.nanmin(w)
            imin = [i for i in range(len(w)) if w[i] == bottom]
            w[imin] = min(w[i] for i in range(len(w)) if i not in imin and not np.isnan(w[i]))
        nwin = len(imax) + len(imin)
        ok = bool(_check(w)[0])
    out.update(nwin=nwin, hi=set(imax), lo=set(imin), x=w)
    if not ok:
        lo, hi = np.nanmin(x), np.nanmax(x)
        out.update(x=np.log(x - lo + 0.01 * (hi - lo)), log=True)
    return out


@pytest.fixture(scope="session")
def coinr_treat() -> Callable[..., dict]:
    """``coinr_treat(x, winmax)`` → dict(x, skew, kurt, nwin, log, hi, lo): COINr's default treatment of one vector."""
    return _coinr_treat
