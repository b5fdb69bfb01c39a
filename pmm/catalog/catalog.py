"""The :class:`Catalog`: a validated, immutable framework tree.

Example:
    >>> import pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> cat.root, cat.kind(cat.root), cat.level(cat.root) >= 2
    ('rbm', 'index', True)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

import yaml

from pmm.catalog.checks import BrokenItem, Locate, check_structure
from pmm.catalog.models import CatalogFile, Framework, Group, Kpi, Source
from pmm.errors import CatalogError, did_you_mean

__all__ = ["Catalog"]

Node = Group | Kpi


class Catalog:
    """A framework tree: the root (:class:`Framework`), groups, KPIs and canonical sources.

    Construct one with :func:`pmm.load_catalog`, :meth:`Catalog.from_table` or directly; every
    construction runs the cross-item checks and raises one :class:`~pmm.errors.CatalogError`
    listing all problems. A catalog is immutable; compare catalogs with ``==``.

    Args:
        framework: the root node and framework-wide settings.
        sources: canonical raw sources by name.
        groups: inner nodes (dimensions, expected outcomes …).
        kpis: the leaves.
    """


    def __init__(self, framework: Framework, sources: Mapping[str, Source] | None = None,
                 groups: Sequence[Group] = (), kpis: Sequence[Kpi] = (), *, _locate: Locate | None = None,
                 _broken: Sequence[BrokenItem] = ()):
        problems = check_structure(framework, dict(sources or {}), groups, kpis, broken=_broken,
                                   **({"locate": _locate} if _locate else {}))
        if problems:
            raise CatalogError(problems)
        object.__setattr__(self, "framework", framework)
        object.__setattr__(self, "sources", dict(sources or {}))
        object.__setattr__(self, "groups", tuple(groups))
        object.__setattr__(self, "kpis", tuple(kpis))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Catalog is immutable; build a new one instead")

    # -- identity ------------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Catalog) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.hash)

    def __repr__(self) -> str:
        return (f"Catalog({self.framework.id!r}, {len(self.groups)} groups, {len(self.kpis)} KPIs, "
                f"{len(self.sources)} sources)")

    def _repr_html_(self) -> str:
        """The summary and the tree as an HTML table, for Jupyter (see :mod:`pmm.catalog.display`)."""
        from pmm.catalog.display import catalog_html

        return catalog_html(self)

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the catalog's canonical JSON (stable across file layouts)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()

    # -- the tree ------------------------------------------------------------------------------
    @property
    def root(self) -> str:
        """The id of the root node (the overall index)."""
        return self.framework.id

    @cached_property
    def nodes(self) -> dict[str, Node]:
        """Every group and KPI by id (the root is :attr:`framework`)."""
        return {n.id: n for n in (*self.groups, *self.kpis)}

    @cached_property
    def _children(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {self.root: [], **{g.id: [] for g in self.groups}}
        for n in (*self.groups, *self.kpis):
            out[n.parent or self.root].append(n.id)
        return {k: tuple(v) for k, v in out.items()}

    def children(self, node_id: str) -> tuple[str, ...]:
        """Ids of the children of a group (or the root), in declaration order."""
        self._require(node_id)
        return self._children.get(node_id, ())

    def parent(self, node_id: str) -> str | None:
        """Id of the parent of a node; ``None`` for the root."""
        self._require(node_id)
        return None if node_id == self.root else (self.nodes[node_id].parent or self.root)

    def kind(self, node_id: str) -> str:
        """``"kpi"``, ``"group"`` or ``"index"`` (the root)."""
        self._require(node_id)
        return "index" if node_id == self.root else ("kpi" if isinstance(self.nodes[node_id], Kpi) else "group")

    @cached_property
    def _levels(self) -> dict[str, int]:
        levels: dict[str, int] = {}
        for node_id in reversed(list(self.walk())):
            kids = self._children.get(node_id, ())
            levels[node_id] = 1 if node_id in self.kpi_ids else 1 + max(levels[c] for c in kids)
        return levels

    def level(self, node_id: str) -> int:
        """COINr's level number: KPIs are 1, a group is one above its highest child."""
        self._require(node_id)
        return self._levels[node_id]

    @property
    def max_level(self) -> int:
        """The level of the root."""
        return self._levels[self.root]

    def walk(self, node_id: str | None = None) -> Iterator[str]:
        """Ids of a subtree, parents before children (depth first, declaration order)."""
        stack = [node_id or self.root]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(self._children.get(current, ())))

    def ancestors(self, node_id: str) -> tuple[str, ...]:
        """Ids from the node's parent up to the root."""
        out, current = [], self.parent(node_id)
        while current is not None:
            out.append(current)
            current = self.parent(current)
        return tuple(out)

    @cached_property
    def kpi_ids(self) -> tuple[str, ...]:
        """KPI ids in declaration order."""
        return tuple(k.id for k in self.kpis)

    def kpi(self, kpi_id: str) -> Kpi:
        """The KPI with this id (``CatalogError`` with a hint when unknown)."""
        node = self.nodes.get(kpi_id)
        if not isinstance(node, Kpi):
            raise CatalogError(f"unknown KPI {kpi_id!r}; hint: {did_you_mean(kpi_id, self.kpi_ids)}")
        return node

    def node(self, node_id: str) -> Node | Framework:
        """The group, KPI or framework (root) with this id."""
        self._require(node_id)
        return self.framework if node_id == self.root else self.nodes[node_id]

    def name(self, node_id: str) -> str:
        """The display name of a node."""
        return self.node(node_id).name

    def _require(self, node_id: str) -> None:
        if node_id != self.root and node_id not in self.nodes:
            raise CatalogError(f"unknown node {node_id!r}; hint: {did_you_mean(node_id, [self.root, *self.nodes])}")

    # -- export --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The catalog as plain data in the single-file YAML layout (defaults omitted)."""
        return CatalogFile(framework=self.framework, sources=self.sources, groups=self.groups,
                           kpis=self.kpis).model_dump(mode="json", exclude_defaults=True, by_alias=True)

    def to_yaml(self) -> str:
        """The catalog as one YAML document that :func:`pmm.load_catalog` reads back identically."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=100)

    def summary(self) -> str:
        """A text tree of the framework with counts, as printed by ``pmm validate``."""
        n_outer = len(self.children(self.root))
        lines = [f"{self.framework.name} [{self.root}] version {self.framework.version}",
                 f"{n_outer} top-level groups, {len(self.groups)} groups in all, {len(self.kpis)} KPIs, "
                 f"{len(self.sources)} sources, tree depth {self.max_level}, maturity levels: {', '.join(self.framework.levels)}"]

        def visit(node_id: str, prefix: str) -> None:
            kids = self._children.get(node_id, ())
            for i, child in enumerate(kids):
                last = i == len(kids) - 1
                branch = "└── " if last else "├── "
                node = self.nodes[child]
                if isinstance(node, Kpi):
                    how = node.definition.type
                    lines.append(f"{prefix}{branch}{child}: {node.name} ({node.unit}, {node.direction}, {how})")
                else:
                    n_kpis = sum(1 for d in self.walk(child) if d in self.kpi_ids)
                    lines.append(f"{prefix}{branch}{child}: {node.name} [{node.kind}, {n_kpis} KPIs]")
                    visit(child, prefix + ("    " if last else "│   "))

        visit(self.root, "")
        return "\n".join(lines)

    def to_table(self):  # noqa: ANN201 - pandas is imported lazily
        """A COINr-style metadata table (``iCode, Parent, Level, Direction, Weight, Type …``)."""
        from pmm.catalog.table import catalog_to_table

        return catalog_to_table(self)

    @classmethod
    def from_table(cls, table, *, framework_name: str | None = None) -> Catalog:  # noqa: ANN001
        """Build a catalog from a COINr-style metadata table (see :mod:`pmm.catalog.table`)."""
        from pmm.catalog.table import catalog_from_table

        return catalog_from_table(table, framework_name=framework_name)
