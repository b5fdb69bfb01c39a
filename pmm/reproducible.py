"""The build time stamped into outputs, honouring ``SOURCE_DATE_EPOCH`` for byte-identical files.

Scorecards (``provenance["created"]``), reports and workbooks say when they were made. With the environment variable
``SOURCE_DATE_EPOCH`` set to a Unix time (the reproducible-builds convention), that time is used
instead of the clock, so that two runs on the same input write identical bytes.

Example:
    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> build_time().isoformat()
    '2023-11-14T22:13:20+00:00'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
"""

from __future__ import annotations

import datetime as _dt
import os

from pmm.errors import PmmError, Problem

__all__ = ["build_time"]


def build_time() -> _dt.datetime:
    """The time outputs are stamped with: ``SOURCE_DATE_EPOCH`` if set, else now (UTC, whole seconds).

    Raises:
        PmmError: ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds.

    Example:
        >>> build_time().tzinfo
        datetime.timezone.utc
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    try:
        seconds = int(raw.strip())
        return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise PmmError(Problem(f"SOURCE_DATE_EPOCH must be a Unix time in whole seconds, found {raw!r}",
                               where="environment", hint="e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
                               code="source_date_epoch")) from None
