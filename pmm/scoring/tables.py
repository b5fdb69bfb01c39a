"""Dense ``(period, member, item)`` arrays → columns of long tables (shared by the Scorecard's tables).

Example:
    >>> import numpy as np
    >>> a = np.arange(6.0).reshape(1, 2, 3)                      # 1 period, 2 members, 3 items
    >>> long_column(a, [2, 0]).tolist()                          # item 2 then item 0, members in order
    [2.0, 5.0, 0.0, 3.0]
    >>> [x.tolist() for x in grid(1, 2, 2)]
    [[0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["take_labels", "grid", "long_column"]


def take_labels(labels: Any, codes: np.ndarray) -> Any:
    """``labels[codes]`` as a column: text labels become a pandas string array without per-row inference.

    Example:
        >>> list(take_labels(["a", "b"], np.array([1, 1, 0])))
        ['b', 'b', 'a']
    """
    labels = list(labels)
    if any(isinstance(x, str) for x in labels) and all(isinstance(x, str) or x is None for x in labels):
        return pd.Index(labels).take(codes).array
    return np.asarray(labels, dtype=object if any(x is None for x in labels) else None)[codes]


def grid(n_periods: int, n_items: int, n_members: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Period, item and member positions of the rows of a long table ordered period, item, member.

    Example:
        >>> [x.tolist() for x in grid(2, 1, 2)]
        [[0, 0, 1, 1], [0, 0, 0, 0], [0, 1, 0, 1]]
    """
    return (np.repeat(np.arange(n_periods), n_items * n_members),
            np.tile(np.repeat(np.arange(n_items), n_members), n_periods),
            np.tile(np.arange(n_members), n_periods * n_items))


def long_column(a: np.ndarray, order: list[int] | np.ndarray) -> np.ndarray:
    """``(period, member, item)`` array → one column ordered by period, item (in ``order``), member.

    Example:
        >>> long_column(np.array([[[1.0, 2.0], [3.0, 4.0]]]), [0, 1]).tolist()
        [1.0, 3.0, 2.0, 4.0]
    """
    return np.swapaxes(a[..., order], -1, -2).reshape(-1)
