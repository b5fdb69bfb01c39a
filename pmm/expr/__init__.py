"""The safe expression language of pmm.

A small, Python-syntax subset for KPI expressions and filters (``channel == "red"``,
``hours(release_ts - lodgement_ts)``). Text is parsed with the standard :mod:`ast` module
and checked against an allowlist; nothing is ever evaluated as Python. Engines compile the
checked tree into their own expressions (see :mod:`pmm.mapping`).

Example:
    >>> from pmm.expr import parse_expression
    >>> e = parse_expression("hours(release_ts - arrival_ts)",
    ...                      {"release_ts": "datetime", "arrival_ts": "datetime"})
    >>> sorted(e.names), e.type
    (['arrival_ts', 'release_ts'], 'number')
"""

from pmm.expr.parse import FUNCTIONS, Expression, parse_expression

__all__ = ["FUNCTIONS", "Expression", "parse_expression"]
