"""Ranks against pandas' rank(method="min") and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmm.scoring.ranks import min_rank, percentile_rank


def test_descending_min_ranks_match_pandas() -> None:
    rng = np.random.default_rng(11)
    x = rng.integers(0, 6, size=(3, 40, 5)).astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    got = min_rank(x, axis=1, descending=True)
    for t in range(3):
        for k in range(5):
            want = pd.Series(x[t, :, k]).rank(method="min", ascending=False).to_numpy()
            np.testing.assert_array_equal(got[t, :, k], want)


def test_lpi_2023_style_ties() -> None:
    scores = np.array([4.3, 4.2, 4.1, 4.1] + [4.0] * 6 + [3.9])
    ranks = min_rank(scores, descending=True)
    assert ranks.tolist() == [1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 11]


def test_percentile_rank_edge_cases() -> None:
    np.testing.assert_array_equal(percentile_rank(np.array([2.0, 2.0, 1.0])), [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(percentile_rank(np.array([np.nan, 7.0])), [np.nan, 0.5])
    assert np.isnan(percentile_rank(np.array([np.nan, np.nan]))).all()
