"""Write the illustrative raw data of the ``wto-ta`` example (``activities.csv``, ``requests.csv``).

ILLUSTRATIVE DATA: every row is generated; nothing here is a real WTO activity or request.
The yearly totals are chosen so that 2022 → 2023 reproduces the year-on-year variations an
annual report on technical assistance quotes (participants +32 %, activities +24 %, LDC
participants +40 %, national requests +60 %); the rows under each total are drawn at random
(fixed seed), so running this script again writes the same files.

Usage:
    python examples/wto-ta/make_data.py [OUT_DIR]     # default: next to this script
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

PROGRAMME = "WTO-TA"
#: year → (activities, participants, LDC participants, national requests)
TOTALS = {
    2021: (230, 13_500, 3_600, 90),
    2022: (250, 15_000, 4_000, 100),
    2023: (310, 19_800, 5_600, 160),
}
#: region → (share of activities, share of its participants who come from LDCs)
REGIONS = {
    "Africa": (0.33, 0.60),
    "Asia and the Pacific": (0.17, 0.30),
    "Latin America": (0.10, 0.0),
    "Caribbean": (0.07, 0.12),
    "Arab and Middle East": (0.08, 0.15),
    "Central and Eastern Europe and Central Asia": (0.07, 0.0),
    "Global": (0.18, 0.25),
}
#: year → probabilities of objectives fully / partly / not achieved / not assessed
OBJECTIVES = {2021: (0.50, 0.30, 0.07, 0.13), 2022: (0.53, 0.29, 0.06, 0.12), 2023: (0.57, 0.28, 0.04, 0.11)}
#: year → probabilities of a national request being delivered / scheduled for next year / declined
REQUEST_STATUS = {2021: (0.70, 0.24, 0.06), 2022: (0.74, 0.21, 0.05), 2023: (0.78, 0.18, 0.04)}


def allocate(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total`` exactly (largest remainders), each ≤ its cap."""
    caps = np.full(len(weights), total) if caps is None else caps
    out = np.zeros(len(weights), dtype=int)
    while (left := total - out.sum()) > 0:
        room = caps - out
        w = np.where(room > 0, weights, 0.0)
        share = left * w / w.sum()
        add = np.minimum(np.floor(share).astype(int), room)
        if add.sum() == 0:  # hand the remainder out one by one, largest fractional part first
            order = np.argsort(-(share - np.floor(share)), kind="stable")
            add[order[:left]] = 1
            add = np.minimum(add, room)
        out += add
    return out


def activities(year: int, rng: np.random.Generator) -> pd.DataFrame:
    n, participants, ldc, _ = TOTALS[year]
    names = list(REGIONS)
    region = rng.choice(names, size=n, p=[REGIONS[r][0] for r in names])
    is_global = region == "Global"
    level = np.where(is_global, "global", rng.choice(["national", "regional"], size=n, p=[2 / 3, 1 / 3]))
    delivery = np.where(is_global, rng.choice(["e-learning", "virtual"], size=n, p=[0.7, 0.3]),
                        rng.choice(["in-person", "virtual"], size=n, p=[0.6, 0.4]))
    size = rng.lognormal(np.log(np.select([delivery == "e-learning", delivery == "virtual"], [180.0, 45.0], 25.0)), 0.4)
    people = 5 + allocate(participants - 5 * n, size)
    ldc_rate = np.array([REGIONS[r][1] for r in region])
    ldc_people = allocate(ldc, people * ldc_rate * rng.uniform(0.6, 1.4, size=n), caps=people)
    end = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(rng.integers(0, 365, size=n), unit="D")
    return pd.DataFrame({
        "programme": PROGRAMME,
        "activity_id": [f"TA-{year}-{i:03d}" for i in range(1, n + 1)],
        "end_date": end.strftime("%Y-%m-%d"),
        "region": region,
        "level": level,
        "delivery": delivery,
        "participants": people,
        "ldc_participants": ldc_people,
        "women": rng.binomial(people, 0.47),
        "objectives": rng.choice(["fully", "partly", "not", "not assessed"], size=n, p=OBJECTIVES[year]),
    }).sort_values(["end_date", "activity_id"], kind="stable")


def requests(year: int, rng: np.random.Generator) -> pd.DataFrame:
    n = TOTALS[year][3]
    received = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(rng.integers(0, 365, size=n), unit="D")
    return pd.DataFrame({
        "programme": PROGRAMME,
        "request_id": [f"NR-{year}-{i:03d}" for i in range(1, n + 1)],
        "received_date": received.strftime("%Y-%m-%d"),
        "ldc": rng.random(n) < 0.4,
        "status": rng.choice(["delivered", "scheduled", "declined"], size=n, p=REQUEST_STATUS[year]),
    }).sort_values(["received_date", "request_id"], kind="stable")


def main(out_dir: str | Path | None = None) -> Path:
    out = Path(out_dir) if out_dir else Path(__file__).resolve().parent
    rng = np.random.default_rng(2023)
    pd.concat([activities(y, rng) for y in TOTALS]).to_csv(out / "activities.csv", index=False)
    pd.concat([requests(y, rng) for y in TOTALS]).to_csv(out / "requests.csv", index=False)
    return out


if __name__ == "__main__":
    print("wrote the CSV files in", main(sys.argv[1] if len(sys.argv) > 1 else None))
