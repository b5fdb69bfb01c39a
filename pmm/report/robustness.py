"""The tables of an uncertainty or sensitivity analysis as the report and the workbook show them.

Example:
    >>> import pandas as pd, pmm
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "I"], "Parent": ["I", "I", None], "Level": [1, 1, 2],
    ...     "Direction": [1, 1, None], "Weight": [1, 1, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> values = pd.DataFrame({"member": list("XXYYZZ"), "kpi": list("ababab"), "value": [1.0, 9, 5, 5, 9, 2]})
    >>> ua = pmm.uncertainty(values, pmm.Catalog.from_table(meta), n=20, seed=1,
    ...                      vary={"aggregate.method": ["arithmetic", "minimum"], "weights": {"noise": 0.2}})
    >>> for path, text in vary_summary(ua):
    ...     print(f"{path}: {text}")
    aggregate.method: 2 alternatives: 'arithmetic', 'minimum'
    weights: × U(0.8, 1.2) on levels 1, one draw per run
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["analysis_parts", "vary_summary", "robustness_tables"]


def analysis_parts(analysis: Any) -> tuple[Any, pd.DataFrame | None]:
    """The uniform runs (:class:`pmm.Uncertainty`) and the sensitivity indices (or ``None``) of an analysis.

    Example:
        >>> analysis_parts(None)
        Traceback (most recent call last):
        ...
        pmm.errors.PmmError: expected a pmm.Uncertainty or pmm.Sensitivity, found NoneType
    """
    from pmm.errors import PmmError
    from pmm.scoring import Sensitivity, Uncertainty

    if isinstance(analysis, Sensitivity):
        return analysis.uncertainty, analysis.indices
    if isinstance(analysis, Uncertainty):
        return analysis, None
    raise PmmError(f"expected a pmm.Uncertainty or pmm.Sensitivity, found {type(analysis).__name__}")


def vary_summary(analysis: Any) -> list[tuple[str, str]]:
    """One line per varied input: the path and what it takes."""
    from pmm.scoring.vary import Discrete

    ua, _ = analysis_parts(analysis)
    out = []
    for spec in ua.design.inputs:
        if isinstance(spec, Discrete):
            shown = ", ".join(repr(a) for a in spec.alternatives[:6]) + (" …" if len(spec.alternatives) > 6 else "")
            out.append((spec.path, f"{len(spec.alternatives)} alternatives: {shown}"))
        else:
            draws = f"a pool of {spec.n_draws} draws" if spec.n_draws else "one draw per run"
            out.append((spec.path, f"× U({1 - spec.noise:g}, {1 + spec.noise:g}) on levels "
                                   f"{', '.join(map(str, spec.levels))}, {draws}"))
    return out


def robustness_tables(analysis: Any, hidden: set[str] | frozenset[str] = frozenset(),
                      names: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """``robustness`` (rank statistics and their q5–q95 range), ``vary`` and, for a
    sensitivity analysis, ``sensitivity``; nodes in ``hidden`` are left out.

    Example:
        >>> import pandas as pd, pmm
        >>> meta = pd.DataFrame({"iCode": ["a", "I"], "Parent": ["I", None], "Level": [1, 2],
        ...     "Direction": [1, None], "Weight": [1, 1], "Type": ["Indicator", "Aggregate"]})
        >>> values = pd.DataFrame({"member": ["X", "Y"], "kpi": "a", "value": [1.0, 2.0]})
        >>> ua = pmm.uncertainty(values, pmm.Catalog.from_table(meta), n=5, seed=1,
        ...                      vary={"normalise.method": ["minmax", "rank"]})
        >>> sorted(robustness_tables(ua))
        ['robustness', 'vary']
    """
    ua, indices = analysis_parts(analysis)
    stats = ua.rank_stats[~ua.rank_stats["node"].isin(hidden)]
    stats = stats.assign(range_q5_q95=stats["q95"] - stats["q5"])
    if names:
        stats.insert(stats.columns.get_loc("node") + 1, "name", stats["node"].map(names))
    out = {"robustness": stats.reset_index(drop=True),
           "vary": pd.DataFrame(vary_summary(ua) + [("runs", str(ua.n_runs))], columns=["input", "varied as"])}
    if indices is not None:
        out["sensitivity"] = indices
    return out
