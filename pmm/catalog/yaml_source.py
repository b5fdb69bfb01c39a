"""Safe YAML loading that remembers where every key and value came from.

Untrusted YAML is composed with PyYAML's ``SafeLoader`` (no ``!!python/...`` tags, nothing
constructed but plain data) and converted node by node, recording ``line:column`` for each
path so that validation errors can point at the file position.

Example:
    >>> data, marks = load_yaml("kpis:\\n  - id: a\\n    weigth: 2\\n", "k.yaml")
    >>> data, marks[("kpis", 0, "weigth")]
    ({'kpis': [{'id': 'a', 'weigth': 2}]}, (3, 5))
"""

from __future__ import annotations

from typing import Any

import yaml

from pmm.errors import CatalogError, Problem

__all__ = ["load_yaml", "MAX_NODES"]

MAX_NODES = 200_000
"""Largest number of YAML nodes (after alias expansion) accepted in one file."""

Path_ = tuple[Any, ...]


def load_yaml(text: str, filename: str) -> tuple[Any, dict[Path_, tuple[int, int]]]:
    """Parse ``text`` safely; return the data and a map path → (line, column), 1-based.

    A mapping key's position is recorded under its path; duplicate keys, unknown tags,
    alias bombs and syntax errors raise :class:`~pmm.errors.CatalogError` naming the position.
    """
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character or other unprintable text
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise CatalogError(Problem(f"invalid YAML: character U+{exc.character:04X} is not allowed",
                                   where=f"{filename}:{line}:{column}",
                                   hint="remove the control character (YAML allows tab, newline and printable text)",
                                   code="yaml_character")) from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        raise CatalogError(Problem(f"invalid YAML: {exc.problem or exc}", where=where,
                                   hint="check indentation and quoting", code="yaml_syntax")) from None
    except yaml.YAMLError as exc:
        raise CatalogError(Problem(f"invalid YAML: {exc}", where=filename, code="yaml_syntax")) from None
    except RecursionError:
        raise CatalogError(Problem("YAML is nested too deeply", where=filename, code="yaml_depth")) from None
    finally:
        loader.dispose()
    marks: dict[Path_, tuple[int, int]] = {}
    if root is None:
        return None, marks
    budget = [MAX_NODES]
    try:
        data = _convert(root, (), loader, filename, marks, budget)
    except RecursionError:
        raise CatalogError(Problem("YAML is nested too deeply", where=filename, code="yaml_depth")) from None
    return data, marks


def _where(filename: str, node: yaml.Node) -> str:
    return f"{filename}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _convert(node: yaml.Node, path: Path_, loader: yaml.SafeLoader, filename: str,
             marks: dict[Path_, tuple[int, int]], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise CatalogError(Problem(f"YAML expands to more than {MAX_NODES:,} nodes (alias bomb?)",
                                   where=_where(filename, node), code="yaml_size"))
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise _bad_tag(node, filename)
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader, filename) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None and not isinstance(key_node, yaml.ScalarNode):
                raise CatalogError(Problem("mapping keys must be plain values", where=_where(filename, key_node),
                                           code="yaml_key"))
            if key in out:
                raise CatalogError(Problem(f"duplicate key {key!r}", where=_where(filename, key_node),
                                           hint="each key may appear once in a mapping", code="duplicate_key"))
            marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _convert(value_node, (*path, key), loader, filename, marks, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag not in ("tag:yaml.org,2002:seq",):
            raise _bad_tag(node, filename)
        return [_convert(item, (*path, i), loader, filename, marks, budget) for i, item in enumerate(node.value)]
    return _scalar(node, loader, filename)


_PLAIN_SCALARS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


def _scalar(node: yaml.ScalarNode, loader: yaml.SafeLoader, filename: str) -> Any:
    if node.tag not in _PLAIN_SCALARS:
        raise _bad_tag(node, filename)
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise CatalogError(Problem(f"cannot read value: {exc.problem}", where=_where(filename, node),
                                   code="yaml_value")) from None


def _bad_tag(node: yaml.Node, filename: str) -> CatalogError:
    return CatalogError(Problem(f"YAML tag {node.tag!r} is not allowed", where=_where(filename, node),
                                hint="catalogs hold plain data only; remove the tag", code="yaml_tag"))
