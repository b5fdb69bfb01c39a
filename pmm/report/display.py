"""Rich notebook display of a :class:`~pmm.Scorecard`: what was scored, how, and the ranking.

Jupyter calls ``Scorecard._repr_html_``, which returns :func:`scorecard_html`: a header line
(framework, members, periods, method), then the latest period's ranking on the overall index with
the top-level groups beside it. Member and node names are escaped.

Example:
    >>> import pmm
    >>> html = scorecard_html(pmm.demo_scorecard(members=4))
    >>> html.count("<tr>") >= 5
    True
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from pmm.scorecard import Scorecard

__all__ = ["scorecard_html", "method_sentence"]


def method_sentence(card: Scorecard) -> str:
    """The method's main choices in one line, e.g. ``normalise minmax [0, 100] · weights catalog · …``.

    Example:
        >>> import pmm
        >>> method_sentence(pmm.demo_scorecard(members=3)).startswith("normalise ")
        True
    """
    m = card.method
    norm = m.normalise.method
    if norm == "minmax":
        norm += f" [{m.normalise.range[0]:g}, {m.normalise.range[1]:g}]"
    weights = m.weights.method + (f" (set {m.weights.set})" if m.weights.set else "")
    agg = m.aggregate.method + (f", min coverage {m.aggregate.min_coverage:g}" if m.aggregate.min_coverage else "")
    return f"normalise {norm} · weights {weights} · aggregate {agg} · maturity {m.maturity.method}"


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return escape(str(value))


def scorecard_html(card: Scorecard, rows: int = 10) -> str:
    """The scorecard as an HTML block: header, and the best ``rows`` members of the latest period.

    Args:
        card: the scorecard.
        rows: how many members to list (the rest are counted below the table).

    Example:
        >>> import pmm
        >>> "more members" in scorecard_html(pmm.demo_scorecard(members=5), rows=2)
        True
    """
    cat = card.catalog
    period = card.periods[-1]
    scores = card.scores
    latest = scores[scores["period"].isna()] if period is None else scores[scores["period"] == period]
    index = latest[latest["node"] == cat.root].sort_values(["rank", "member"], na_position="last")
    groups = list(cat.children(cat.root))
    wide = latest[latest["node"].isin(groups)].pivot(index="member", columns="node", values="score")
    n_members = scores["member"].nunique()
    periods = ", ".join(escape(str(p)) for p in card.periods if p is not None) or "one period"
    head = (f"<p><b>{escape(cat.framework.name)}</b> — {n_members} members, periods {periods}<br>"
            f"<small>{escape(method_sentence(card))}</small></p>")
    columns = ["rank", "member", cat.framework.name, "maturity", *[cat.name(g) for g in groups]]
    header = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in index.head(rows).itertuples():
        group_cells = [wide.at[row.member, g] if row.member in wide.index and g in wide.columns else None
                       for g in groups]
        cells = [row.rank, row.member, row.score, row.maturity_label, *group_cells]
        body.append("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in cells) + "</tr>")
    more = len(index) - rows
    tail = f"<p><small>… and {more} more members</small></p>" if more > 0 else ""
    where = f"period {escape(str(period))}" if period is not None else "the scores"
    hint = (f"<p><small>Ranking of {where}; all tables: <code>card.scores</code>, <code>card.levels</code>, "
            "<code>card.benchmark()</code>; report: <code>card.to_html(path)</code>.</small></p>")
    return (f'<div class="pmm-scorecard">{head}<table><thead><tr>{header}</tr></thead><tbody>{"".join(body)}'
            f"</tbody></table>{tail}{hint}</div>")
