"""The catalogs shipped with pmm (``indicators/`` in the repository, ``pmm._indicators`` installed).

Example:
    >>> from pmm.catalog.shipped import shipped_catalogs
    >>> "wco-pmm" in shipped_catalogs()
    True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["shipped_catalogs", "shipped_path"]


def _root() -> Path:
    try:  # installed (non-editable): a namespace package, whose files() is a MultiplexedPath, not a path string
        entries = list(resources.files("pmm._indicators").iterdir())
        if entries:
            return Path(str(entries[0])).parent
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "indicators"


def shipped_catalogs() -> list[str]:
    """Names of the shipped catalogs (directories under ``indicators/``)."""
    root = _root()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def shipped_path(name: str) -> Path | None:
    """The directory of a shipped catalog, or ``None`` when there is none by that name."""
    path = _root() / name
    return path if path.is_dir() and name in shipped_catalogs() else None
