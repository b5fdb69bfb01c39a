"""Progress reporting for long mapping runs: a callback, or a progress bar.

``pmm.map(..., progress=f)`` calls ``f(step, done, total)`` after each source is aggregated and
each KPI computed; ``progress=True`` shows a ``tqdm`` bar (notebook-aware through
``tqdm.auto``) when tqdm is installed, and does nothing otherwise.

Example:
    >>> seen = []
    >>> report = make_reporter(lambda step, done, total: seen.append((step, done, total)))
    >>> report.start(2); report("source declarations"); report("kpi k1"); report.close()
    >>> seen
    [('source declarations', 1, 2), ('kpi k1', 2, 2)]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["ProgressCallback", "Reporter", "make_reporter"]

#: ``callback(step, done, total)``: ``step`` names what just finished.
ProgressCallback = Callable[[str, int, int], Any]


class Reporter:
    """Counts finished steps and forwards them to a callback and/or a progress bar."""

    def __init__(self, callback: ProgressCallback | None = None, bar: bool = False):
        self.callback = callback
        self.bar_wanted = bar
        self.bar: Any = None
        self.done = 0
        self.total = 0

    def start(self, total: int) -> None:
        """Set the number of steps (and open the bar, if any)."""
        self.total, self.done = total, 0
        if self.bar_wanted:
            try:
                from tqdm.auto import tqdm
            except ImportError:  # tqdm is optional
                return
            self.bar = tqdm(total=total, desc="pmm.map", unit="step", leave=False)

    def __call__(self, step: str) -> None:
        self.done += 1
        if self.callback is not None:
            self.callback(step, self.done, self.total)
        if self.bar is not None:
            self.bar.set_postfix_str(step, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        """Close the bar."""
        if self.bar is not None:
            self.bar.close()


def make_reporter(progress: bool | ProgressCallback | None) -> Reporter:
    """A :class:`Reporter` for the ``progress`` argument of :func:`pmm.map` (see the module example)."""
    if progress is None or progress is False:
        return Reporter()
    if progress is True:
        return Reporter(bar=True)
    if not callable(progress):
        from pmm.errors import MappingError

        raise MappingError(f"progress must be True, False, None or a callable(step, done, total), found {type(progress).__name__}")
    return Reporter(progress)
