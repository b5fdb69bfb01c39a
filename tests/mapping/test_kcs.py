"""The KCS example against an independent pandas computation written here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
KCS = ROOT / "examples" / "kcs"
KPIS = ["kcs_declarations", "kcs_hit_rate", "kcs_critical_rate", "kcs_declared_value", "kcs_estimated_duty",
        "kcs_fta_share", "kcs_express_share", "kcs_air_share"]


def expected() -> pd.DataFrame:
    """The eight KPIs per office and month, straight from the CSVs with pandas."""
    raw = pd.concat([pd.read_csv(KCS / f, dtype={"Office ID": str, "Mode of Transport": str, "Courier ID": str,
                                                    "Tax Type": str})
                     for f in ("df_syn_train_eng.csv", "df_syn_valid_eng.csv", "df_syn_test_eng.csv")])
    raw["period"] = raw["Date"].str[:7]
    raw["duty"] = raw["Item Price"] * raw["Tax Rate"] / 100
    raw["fta"] = raw["Tax Type"].str.startswith("F")
    raw["express"] = raw["Courier ID"].notna()
    raw["air"] = raw["Mode of Transport"] == "40"
    raw["fraud"] = raw["Fraud"] == 1
    raw["critical"] = raw["Critical Fraud"] == 2
    g = raw.groupby(["period", "Office ID"])
    wide = pd.DataFrame({
        "kcs_declarations": g.size().astype(float),
        "kcs_hit_rate": g["fraud"].mean() * 100,
        "kcs_critical_rate": g["critical"].mean() * 100,
        "kcs_declared_value": g["Item Price"].sum(),
        "kcs_estimated_duty": g["duty"].sum(),
        "kcs_fta_share": g["fta"].mean() * 100,
        "kcs_express_share": g["express"].mean() * 100,
        "kcs_air_share": g["air"].mean() * 100,
    })
    long = wide.reset_index().rename(columns={"Office ID": "office"}).melt(["period", "office"], var_name="kpi")
    return long


@pytest.fixture(scope="module")
def script_output(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("kcs") / "values.csv"
    run = subprocess.run([sys.executable, str(KCS / "map_kcs.py"), str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return pd.read_csv(out, dtype={"office": str, "period": str})


def test_script_writes_the_contract_columns(script_output):
    assert list(script_output.columns) == ["member", "period", "office", "kpi", "value"]
    assert set(script_output["member"]) == {"KOR"}
    assert script_output["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert set(script_output["kpi"]) == set(KPIS)
    assert sorted(script_output["period"].unique())[0] == "2020-01"
    assert sorted(script_output["period"].unique())[-1] == "2021-06"


def test_values_match_an_independent_pandas_computation(script_output):
    want = expected()
    got = script_output.merge(want, on=["period", "office", "kpi"], how="outer", suffixes=("", "_want"), indicator=True)
    assert (got["_merge"] == "both").all(), got[got["_merge"] != "both"].head()
    np.testing.assert_allclose(got["value"], got["value_want"], rtol=1e-9, atol=1e-6)
    assert got.loc[got["kpi"] == "kcs_declarations", "value"].sum() == 54_000


def test_accounting_reads_every_row_and_uses_all():
    sys.path.insert(0, str(KCS))
    try:
        from map_kcs import map_kcs
    finally:
        sys.path.remove(str(KCS))
    result = map_kcs()
    acc = result.accounting
    assert acc["rows_read"].tolist() == [37_385, 8_134, 8_481]
    assert (acc["rows_read"] == acc["rows_used"]).all()
