"""Load a catalog from one YAML file or a directory of them, reporting every problem at once.

Example:
    >>> import pmm
    >>> cat = pmm.load_catalog("indicators/wco-pmm")
    >>> len(cat.children(cat.root))
    4
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pmm.catalog.catalog import Catalog
from pmm.catalog.models import Framework, Group, Kpi, Source
from pmm.catalog.shipped import shipped_catalogs, shipped_path
from pmm.catalog.yaml_source import load_yaml
from pmm.errors import CatalogError, Problem, did_you_mean

__all__ = ["load_catalog", "as_catalog", "MAX_FILE_BYTES", "MAX_CATALOG_BYTES"]

MAX_FILE_BYTES = 2_000_000
"""Largest YAML file of a catalog, in bytes (the shipped WCO-PMM catalog is about 100 kB in all)."""
MAX_CATALOG_BYTES = 10_000_000
"""Largest catalog (all its YAML files together), in bytes."""

_SECTIONS = {"framework", "sources", "groups", "kpis", "$schema"}


class _Origins:
    """Where each item of a merged catalog came from: file and YAML marks."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, int], tuple[str, tuple[Any, ...], dict]] = {}

    def add(self, kind: str, index: int, filename: str, path: tuple[Any, ...], marks: dict) -> None:
        self.items[(kind, index)] = (filename, path, marks)

    def __call__(self, kind: str, index: int, *path: Any) -> str:
        origin = self.items.get((kind, index))
        if origin is None:
            return ""
        filename, base, marks = origin
        full = (*base, *path)
        while full and full not in marks:  # fall back to the nearest enclosing key
            full = full[:-1]
        line, col = marks.get(full, (0, 0))
        return f"{filename}:{line}:{col}" if line else filename


def as_catalog(catalog: Catalog | str | os.PathLike[str]) -> Catalog:
    """A Catalog as given, or loaded from a shipped name (``"wco-pmm"``), a YAML file or a directory.

    Every function taking a catalog accepts all three forms through this helper.

    Example:
        >>> import pmm
        >>> as_catalog("rbm-example").root, as_catalog(pmm.load_catalog("rbm-example")).root
        ('rbm', 'rbm')
    """
    if isinstance(catalog, Catalog):
        return catalog
    if not isinstance(catalog, (str, os.PathLike)):
        raise CatalogError(Problem(f"expected a Catalog, a shipped catalog name or a path; found "
                                   f"{type(catalog).__name__}", where="catalog",
                                   hint="pass pmm.load_catalog(...), 'wco-pmm' or a YAML path"))
    return load_catalog(catalog)


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Load and validate a catalog from a YAML file or a directory of ``*.yaml``/``*.yml`` files.

    All problems in all files are collected and raised together as one
    :class:`~pmm.errors.CatalogError`, each with ``file:line:column``, the node id, what was
    expected and found, and a hint.

    Args:
        path: the name of a shipped catalog (``"wco-pmm"``), a YAML file, or a directory whose YAML files (searched recursively, in sorted
            order) together form one catalog; exactly one of them has a ``framework:`` block.

    Example:
        >>> import pmm
        >>> cat = pmm.load_catalog("indicators/wco-pmm")
        >>> len(cat.kpis) >= 45
        True
    """
    root = Path(path)
    if not root.exists() and shipped_path(str(path)) is not None:
        root = shipped_path(str(path))
    if root.is_dir():
        files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise CatalogError(Problem(f"no .yaml files in directory {str(root)!r}", where=str(root),
                                       hint="a catalog directory holds a framework file and KPI files"))
    elif root.is_file():
        files = [root]
    else:
        raise CatalogError(Problem(f"catalog path {str(root)!r} does not exist", where=str(root),
                                   hint="pass a YAML file, a directory of them, or the name of a shipped catalog: "
                                        + ", ".join(shipped_catalogs())))

    problems: list[Problem] = []
    origins = _Origins()
    frameworks: list[tuple[Framework, str]] = []
    sources: dict[str, Source] = {}
    groups: list[Group] = []
    kpis: list[Kpi] = []
    broken: list[tuple[str, str | None, str]] = []

    total = 0
    for file in files:
        name = _display(file)
        try:
            size = file.stat().st_size
            total += size
            if size > MAX_FILE_BYTES or total > MAX_CATALOG_BYTES:
                limit, what = (MAX_FILE_BYTES, "file") if size > MAX_FILE_BYTES else (MAX_CATALOG_BYTES, "catalog")
                raise CatalogError(Problem(f"the {what} is larger than the limit of {limit / 1e6:g} MB "
                                           f"({(size if what == 'file' else total) / 1e6:.1f} MB)", where=name,
                                           hint="a catalog holds definitions, not data; see docs/catalog.md, "
                                                "'Limits'", code="too_large"))
            data, marks = load_yaml(file.read_text(encoding="utf-8"), name)
        except CatalogError as exc:
            problems.extend(exc.problems)
            if any(p.code == "too_large" for p in exc.problems):
                break
            continue
        except UnicodeDecodeError as exc:
            problems.append(Problem(f"file is not UTF-8 text ({exc.reason})", where=name, code="encoding"))
            continue
        except OSError as exc:
            problems.append(Problem(f"cannot read the file: {exc.strerror or exc}", where=name,
                                    hint="check that it exists and that you may read it", code="unreadable"))
            continue
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(f"expected a mapping with {sorted(_SECTIONS - {'$schema'})}, found {type(data).__name__}",
                                    where=_at(name, marks, ()), code="file_shape"))
            continue
        for key in data:
            if key not in _SECTIONS:
                problems.append(Problem(f"unknown top-level key {key!r}", where=_at(name, marks, (key,)),
                                        hint=did_you_mean(str(key), _SECTIONS - {"$schema"}), code="unknown_key"))
        if "framework" in data:
            fw = _validate(Framework, data["framework"], name, marks, ("framework",), "", problems)
            if fw is not None:
                frameworks.append((fw, _at(name, marks, ("framework",))))
                origins.add("framework", 0, name, ("framework",), marks)
        raw_sources = data.get("sources") or {}
        if not isinstance(raw_sources, dict):
            problems.append(Problem("expected 'sources' to map source names to contracts",
                                    where=_at(name, marks, ("sources",)), code="file_shape"))
            raw_sources = {}
        for src_name, raw in raw_sources.items():
            if src_name in sources:
                problems.append(Problem(f"source {src_name!r} is declared twice", where=_at(name, marks, ("sources", src_name)),
                                        node=src_name, code="duplicate_source"))
            src = _validate(Source, raw, name, marks, ("sources", src_name), str(src_name), problems)
            if src is not None:
                sources[str(src_name)] = src
        for section, model, bucket in (("groups", Group, groups), ("kpis", Kpi, kpis)):
            items = data.get(section) or []
            if not isinstance(items, list):
                problems.append(Problem(f"expected '{section}' to be a list, found {type(items).__name__}",
                                        where=_at(name, marks, (section,)), code="file_shape"))
                continue
            for i, raw in enumerate(items):
                node_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
                item = _validate(model, raw, name, marks, (section, i), node_id, problems)
                if item is None:
                    if node_id:
                        parent = raw.get("parent")
                        broken.append((node_id, None if parent is None else str(parent),
                                       _at(name, marks, (section, i, "id"))))
                else:
                    origins.add(section, len(bucket), name, (section, i), marks)
                    bucket.append(item)

    unreadable = any(p.code.startswith("yaml") or p.code in ("encoding", "unreadable", "too_large") for p in problems)
    if len(frameworks) != 1 and not (unreadable and not frameworks):
        where = ", ".join(w for _, w in frameworks) or _display(root)
        found = "none" if not frameworks else f"{len(frameworks)}"
        problems.append(Problem(f"expected exactly one 'framework:' block, found {found}", where=where,
                                hint="put the framework block in one file (e.g. framework.yaml)", code="framework_count"))
        raise CatalogError(problems)
    if not frameworks:
        raise CatalogError(problems)
    try:
        catalog = Catalog(frameworks[0][0], sources, groups, kpis, _locate=origins, _broken=broken)
    except CatalogError as exc:
        # with unreadable files, "no KPIs" is a consequence, not a finding
        problems.extend(p for p in exc.problems if not (unreadable and p.code == "no_kpis"))
    if problems:
        raise CatalogError(problems)
    return catalog


def _validate(model: type[BaseModel], raw: Any, filename: str, marks: dict, base: tuple[Any, ...], node_id: str,
              problems: list[Problem]) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
            problems.append(_problem(err, model, filename, marks, base, loc, node_id))
        return None


# pydantic puts the discriminator value of a tagged union into the location
_UNION_TAGS = {"simple", "ratio", "derived", "variation", "reported", "function-after[_codes_only_for_categories()]"}


def _problem(err: dict, model: type[BaseModel], filename: str, marks: dict, base: tuple[Any, ...],
             loc: tuple[Any, ...], node_id: str) -> Problem:
    where = _at(filename, marks, (*base, *loc))
    kind, msg = err["type"], err["msg"]
    field = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        options = _fields_at(model, loc[:-1])
        return Problem(f"unknown key {key!r}", where=where, node=node_id, hint=did_you_mean(key, options),
                       code="unknown_key")
    if kind == "missing":
        return Problem(f"missing required field {field!r}", where=_at(filename, marks, (*base, *loc[:-1])),
                       node=node_id, hint=f"add '{loc[-1]}:'", code="missing")
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        tag = (err.get("ctx") or {}).get("tag")
        found_text = f"found {tag!r}" if tag else "found none"
        return Problem(f"{field}: expected 'type' to be one of simple, ratio, derived, variation, reported; {found_text}",
                       where=where, node=node_id, hint="e.g. definition: {type: ratio, numerator: ..., denominator: ...}",
                       code="definition_type")
    found = err.get("input")
    shown = repr(found) if not isinstance(found, (dict, list)) else type(found).__name__
    msg = msg.removeprefix("Value error, ")
    text = f"{field}: {msg}" if field else msg
    if kind not in ("value_error", "assertion_error") and not isinstance(found, dict):
        text += f" (found {shown})"
    hint = ""
    if kind in ("float_type", "int_type") and isinstance(found, (str, bool)):
        hint = ("write a plain number, without quotes; YAML reads 1e5 as text, write 1.0e+5" if isinstance(found, str)
                else "write a number, not true/false")
    return Problem(text, where=where, node=node_id, hint=hint, code=kind)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at a nested location (best effort, for hints)."""
    current: Any = model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            if isinstance(part, int):
                continue
            return _all_field_names()
        current = _model_of(fields[part].annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else _all_field_names()


def _model_of(annotation: Any) -> Any:
    import typing

    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for sub in typing.get_args(arg):
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                return sub
    return None


def _all_field_names() -> list[str]:
    from pmm.catalog import models

    names: set[str] = set()
    for obj in vars(models).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names |= set(obj.model_fields)
    return sorted(names)


def _at(filename: str, marks: dict, path: tuple[Any, ...]) -> str:
    while path and path not in marks:
        path = path[:-1]
    line, col = marks.get(path, (0, 0))
    return f"{filename}:{line}:{col}" if line else filename


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
