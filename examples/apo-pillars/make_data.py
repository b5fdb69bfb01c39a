"""Write the illustrative data of the ``apo-pillars`` example (``economies.csv``, ``projects.csv``).

ILLUSTRATIVE DATA: 20 fictitious member economies (codes ``XEA``–``XET``, in the range ISO 3166
leaves to user-assigned codes) and the projects of a two-year work programme (2023–2024), drawn
at random with a fixed seed. Each economy has a hidden delivery capacity that drives how many of
its planned projects are delivered, how many participants attend and how many apply what they
learnt, so the composites differ in a consistent way. Nothing here describes a real economy.

Usage:
    python examples/apo-pillars/make_data.py [OUT_DIR]     # default: next to this script
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

PILLARS = ("digital", "green", "sme", "agrifood", "public", "research", "npo")
YEARS = (2023, 2024)
NAMES = ("Arandia", "Belmara", "Corvania", "Dalvik Isles", "Estravia", "Fenmoor", "Galdora", "Hestia Bay",
         "Irvana", "Jadoria", "Kestrel Islands", "Lumeria", "Maravant", "Norvale", "Oskaria", "Pelora",
         "Quillon", "Rosmar", "Sundara", "Tavaro")
SUBREGIONS = ("South Asia", "Southeast Asia", "East Asia", "Pacific", "West Asia")
MODALITY = {"digital": "e-learning", "green": "demonstration", "sme": "training course", "agrifood": "demonstration",
            "public": "workshop", "research": "research", "npo": "training course"}


def economies() -> pd.DataFrame:
    codes = [f"XE{chr(ord('A') + i)}" for i in range(len(NAMES))]
    rng = np.random.default_rng(61)
    return pd.DataFrame({
        "member": codes, "name": NAMES,
        "subregion": [SUBREGIONS[i % len(SUBREGIONS)] for i in range(len(codes))],
        "income_group": rng.choice(["low", "lower-middle", "upper-middle", "high"], size=len(codes), p=[0.15, 0.4, 0.3, 0.15]),
    })


def projects(member: str, year: int) -> pd.DataFrame:
    """The planned projects of one economy and year; depends only on the code and the year."""
    capacity = 0.55 + 0.4 * np.random.default_rng(zlib.crc32(member.encode())).random()  # hidden, 0.55-0.95
    rng = np.random.default_rng(zlib.crc32(f"{member}-{year}".encode()))
    capacity = min(capacity + 0.03 * (year - YEARS[0]), 0.98)
    rows = []
    for pillar in PILLARS:
        for _ in range(int(rng.integers(2, 6))):
            planned = int(rng.integers(12, 40))
            status = rng.choice(["delivered", "postponed", "cancelled"], p=[capacity, (1 - capacity) * 0.7, (1 - capacity) * 0.3])
            delivered = status == "delivered"
            participants = int(rng.binomial(int(planned * 1.15), min(0.6 + 0.3 * capacity, 1.0))) if delivered else 0
            surveyed = int(rng.binomial(participants, 0.7)) if delivered else 0
            applied = int(rng.binomial(surveyed, 0.15 + 0.6 * capacity)) if delivered else 0
            rows.append((pillar, MODALITY[pillar], status, planned, participants, surveyed, applied,
                         pd.Timestamp(f"{year}-01-01") + pd.Timedelta(days=int(rng.integers(0, 365)))))
    table = pd.DataFrame(rows, columns=["pillar", "modality", "status", "participants_planned", "participants",
                                        "surveyed", "applied", "planned_date"])
    table = table.sort_values("planned_date", kind="stable").reset_index(drop=True)
    table.insert(0, "project_id", [f"{year}-{member}-{i:02d}" for i in range(1, len(table) + 1)])
    table.insert(0, "economy", member)
    table["planned_date"] = table["planned_date"].dt.strftime("%Y-%m-%d")
    for col in ("participants", "surveyed", "applied"):  # undelivered projects have no participants to report
        table[col] = table[col].where(table["status"] == "delivered").astype("Int64")
    return table


def main(out_dir: str | Path | None = None) -> Path:
    out = Path(out_dir) if out_dir else Path(__file__).resolve().parent
    members = economies()
    members.to_csv(out / "economies.csv", index=False)
    plan = pd.concat([projects(m, y) for y in YEARS for m in members["member"]], ignore_index=True)
    plan.to_csv(out / "projects.csv", index=False)
    return out


if __name__ == "__main__":
    print("wrote the CSV files in", main(sys.argv[1] if len(sys.argv) > 1 else None))
