"""Output paths: never overwrite a file silently, never leave a half-written one.

Every file pmm writes (workbook, report, form, CSV tables, schema, demo outputs) goes through
:func:`atomic_write`: the content is written to a temporary file in the same folder and renamed
over the target only when complete, so an interrupt or a full disk leaves the previous file (or
none), never a truncated one.

Example:
    >>> import tempfile, pathlib
    >>> out = output_path(pathlib.Path(tempfile.mkdtemp()) / "sub" / "r.html", force=False, suffix=".html")
    >>> out.parent.is_dir()
    True
    >>> with atomic_write(out) as tmp:
    ...     _ = tmp.write_text("<p>done</p>", encoding="utf-8")
    >>> out.read_text(encoding="utf-8")
    '<p>done</p>'
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pmm.errors import PmmError, Problem

__all__ = ["output_path", "atomic_write", "write_failure", "write_csv"]


def output_path(path: str | os.PathLike[str], *, force: bool, suffix: str | None = None, what: str = "output") -> Path:
    """Check that ``path`` may be written and create its folder.

    Raises:
        PmmError: the file exists and ``force`` is false, its suffix is not ``suffix``, it is a
            folder, or its folder cannot be created (a file is in the way, no permission).
    """
    path = Path(path)
    if suffix is not None and path.suffix.lower() != suffix:
        raise PmmError(f"the {what} must be an {suffix} file, found {path.name!r}; hint: use a name like {what}{suffix}")
    if path.is_dir():
        raise PmmError(Problem(f"the {what} path is a folder", where=str(path), hint="name a file inside it",
                               code="output_is_folder"))
    if path.exists() and not force:
        raise PmmError(f"{path} exists; pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(path, exc) from None
    return path


def write_failure(path: str | os.PathLike[str], exc: OSError) -> PmmError:
    """The one-line error for an output that cannot be written (``exc`` from the operating system).

    Example:
        >>> print(write_failure("out/r.html", OSError(28, "No space left on device")))
        1 problem in the input:
          out/r.html: cannot write: No space left on device (hint: free disk space or write elsewhere)
    """
    import errno

    reason = exc.strerror or str(exc)
    hint = {errno.ENOSPC: "free disk space or write elsewhere", errno.EACCES: "check the folder's permissions",
            errno.EPERM: "check the folder's permissions", errno.EROFS: "write to a writable folder",
            errno.ENOTDIR: "a file is in the way of the output folder; choose another path",
            errno.EEXIST: "a file is in the way of the output folder; choose another path"}.get(exc.errno or 0,
                                                                                            "check the output path")
    return PmmError(Problem(f"cannot write: {reason}", where=str(path), hint=hint, code="write_failed"))


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` when the block succeeds.

    On any error the temporary file is removed and ``path`` is left as it was; operating-system
    errors (full disk, no permission) become a one-line :class:`~pmm.errors.PmmError`.

    Example:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> with atomic_write(target) as tmp:
        ...     _ = tmp.write_text("a,b\\n", encoding="utf-8")
        >>> sorted(p.name for p in target.parent.iterdir())
        ['t.csv']
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise write_failure(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_csv(frame: Any, path: str | os.PathLike[str]) -> Path:
    """Write a DataFrame to a CSV file atomically (no index column); return the path.

    Example:
        >>> import pandas as pd, tempfile, pathlib
        >>> out = write_csv(pd.DataFrame({"a": [1]}), pathlib.Path(tempfile.mkdtemp()) / "a.csv")
        >>> out.read_text().splitlines()
        ['a', '1']
    """
    path = Path(path)
    with atomic_write(path) as tmp:
        frame.to_csv(tmp, index=False)
    return path
