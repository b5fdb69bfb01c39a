"""Output paths: never overwrite a file silently.

Example:
    >>> import tempfile, pathlib
    >>> out = output_path(pathlib.Path(tempfile.mkdtemp()) / "sub" / "r.html", force=False, suffix=".html")
    >>> out.parent.is_dir()
    True
"""

from __future__ import annotations

import os
from pathlib import Path

from pmm.errors import PmmError

__all__ = ["output_path"]


def output_path(path: str | os.PathLike[str], *, force: bool, suffix: str | None = None, what: str = "output") -> Path:
    """Check that ``path`` may be written and create its folder.

    Raises:
        PmmError: the file exists and ``force`` is false, or its suffix is not ``suffix``.
    """
    path = Path(path)
    if suffix is not None and path.suffix.lower() != suffix:
        raise PmmError(f"the {what} must be an {suffix} file, found {path.name!r}; hint: use a name like {what}{suffix}")
    if path.exists() and not force:
        raise PmmError(f"{path} exists; pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
