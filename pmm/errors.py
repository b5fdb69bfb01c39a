"""The pmm error hierarchy.

Every error pmm raises on bad input is a :class:`PmmError` (a ``ValueError``). Errors that
collect several findings carry them as :class:`Problem` records in ``.problems`` so that a
user sees every fault in one pass.

Example:
    >>> from pmm.errors import CatalogError, Problem
    >>> err = CatalogError([Problem("unknown key 'weigth'", where="kpis.yaml:3:5",
    ...                             node="k1", hint="did you mean 'weight'?")])
    >>> print(err)
    1 problem in the catalog:
      kpis.yaml:3:5 [k1]: unknown key 'weigth' (hint: did you mean 'weight'?)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "PmmError",
    "Problem",
    "CatalogError",
    "ExpressionError",
    "MappingError",
    "ScoringError",
    "AuditError",
    "did_you_mean",
]


@dataclass(frozen=True)
class Problem:
    """One finding: what is wrong, where, and how to fix it.

    Attributes:
        message: what was expected and what was found.
        where: a location such as ``file.yaml:12:5``, ``row 7`` or ``column 'value'``.
        node: the KPI or node id concerned, if any.
        hint: a suggestion ("did you mean 'weight'?").
        code: a stable machine-readable reason code (``unknown_key``, ``duplicate_id`` …).
    """

    message: str
    where: str = ""
    node: str = ""
    hint: str = ""
    code: str = ""

    def __str__(self) -> str:
        head = self.where
        if self.node:
            head = f"{head} [{self.node}]" if head else f"[{self.node}]"
        text = f"{head}: {self.message}" if head else self.message
        return f"{text} (hint: {self.hint})" if self.hint else text


class PmmError(ValueError):
    """Base class of every pmm error about bad input.

    Args:
        problems: one message, one :class:`Problem`, or several problems.
    """

    subject = "the input"

    def __init__(self, problems: str | Problem | Sequence[Problem]):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1 and not self.problems[0].where and not self.problems[0].node:
            return str(self.problems[0])
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in {self.subject}:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class CatalogError(PmmError):
    """A catalog (YAML framework, KPI definitions, metadata table) is invalid."""

    subject = "the catalog"


class ExpressionError(PmmError):
    """An expression or filter is outside the safe expression language."""

    subject = "the expression"


class MappingError(PmmError):
    """Raw data cannot be mapped to KPI values (profiles, columns, rows)."""

    subject = "the mapping"


class ScoringError(PmmError):
    """KPI values or a scoring method are invalid for scoring."""

    subject = "the scoring input"


class AuditError(PmmError):
    """A statistical audit request (stage, group, member, method) does not fit the scorecard."""

    subject = "the audit request"


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """Return a hint naming the closest option, or listing the options.

    Example:
        >>> did_you_mean("weigth", ["weight", "name"])
        "did you mean 'weight'?"
    """
    options = sorted(set(options))
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if not options:
        return ""
    shown = ", ".join(repr(o) for o in options[:12])
    more = f" (and {len(options) - 12} more)" if len(options) > 12 else ""
    return f"expected one of {shown}{more}"
