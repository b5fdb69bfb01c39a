"""Source profiles shipped with pmm (YAML files in this package).

Example:
    >>> "kcs" in shipped_profiles()
    True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["shipped_profiles", "shipped_profile_path"]


def _root() -> Path:
    return Path(str(resources.files("pmm.mapping.profiles")))


def shipped_profiles() -> list[str]:
    """Names of the shipped profiles."""
    return sorted(p.stem for p in _root().glob("*.yaml"))


def shipped_profile_path(name: str) -> Path | None:
    """The file of a shipped profile, or ``None`` when there is none by that name."""
    path = _root() / f"{name}.yaml"
    return path if path.is_file() else None
