"""Checks across catalog items: ids, the tree, sources, expressions, weight sets.

Per-item checks (types, unknown keys, monotone thresholds) live in the pydantic models; the
checks here need the whole catalog. They return every problem found instead of stopping at
the first, so the loader can report all faults in one pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from pmm.catalog.models import Framework, Group, Kpi, Measure, Source
from pmm.errors import ExpressionError, Problem, did_you_mean
from pmm.expr import parse_expression

__all__ = ["check_structure", "Locate"]

#: An item that failed its own validation: ``(id, parent, "file:line:col")``.
BrokenItem = tuple[str, "str | None", str]

#: ``locate(kind, index, *path)`` → ``"file:line:col"`` (or "" when unknown); ``kind`` is
#: ``groups`` or ``kpis`` with the item's position in that list, or ``framework`` with index 0.
Locate = Callable[..., str]


def _nowhere(*_: object) -> str:
    return ""


def check_structure(
    framework: Framework,
    sources: dict[str, Source],
    groups: Sequence[Group],
    kpis: Sequence[Kpi],
    *,
    locate: Locate = _nowhere,
    broken: Sequence[BrokenItem] = (),
) -> list[Problem]:
    """Return every cross-item problem of a catalog (empty when it is sound).

    Args:
        broken: items that failed their own validation, as ``(id, parent, where)``; they take
            part in the duplicate-id check and count as existing nodes and children, so one broken
            item does not cause follow-on "unknown parent" or "no children" reports.
    """
    problems: list[Problem] = []
    root = framework.id
    seen: dict[str, tuple[str, int]] = {root: ("framework", 0)}
    folded: dict[str, str] = {root.casefold(): root}
    for kind, items in (("groups", groups), ("kpis", kpis)):
        for i, item in enumerate(items):
            if item.id in seen:
                first = "as the framework id" if seen[item.id][0] == "framework" else \
                    "at " + (locate(*seen[item.id], "id") or "another item")
                problems.append(Problem(f"duplicate id {item.id!r} (first declared {first})",
                                        where=locate(kind, i, "id"), node=item.id,
                                        hint="ids must be unique across the catalog", code="duplicate_id"))
            elif item.id.casefold() in folded:
                other = folded[item.id.casefold()]
                first = "the framework id" if seen[other][0] == "framework" else \
                    "declared at " + (locate(*seen[other], "id") or "another item")
                problems.append(Problem(f"id {item.id!r} differs from {other!r} ({first}) only in case",
                                        where=locate(kind, i, "id"), node=item.id,
                                        hint="ids must differ in more than case (files, sheets and Excel "
                                             "lookups ignore case); rename one", code="duplicate_id"))
                seen[item.id] = (kind, i)
            else:
                seen[item.id] = (kind, i)
                folded[item.id.casefold()] = item.id
    first_broken: dict[str, str] = {}
    for node_id, _, where in broken:
        if node_id not in seen and node_id not in first_broken and node_id.casefold() in folded:
            problems.append(Problem(f"id {node_id!r} differs from {folded[node_id.casefold()]!r} only in case",
                                    where=where, node=node_id, hint="ids must differ in more than case; rename one",
                                    code="duplicate_id"))
            first_broken[node_id] = where
        elif node_id in seen or node_id in first_broken:
            first = first_broken.get(node_id) or (locate(*seen[node_id], "id") if seen[node_id][0] != "framework" else "")
            problems.append(Problem(f"duplicate id {node_id!r} (first declared {'at ' + first if first else 'as the framework id'})",
                                    where=where, node=node_id, hint="ids must be unique across the catalog",
                                    code="duplicate_id"))
        else:
            first_broken[node_id] = where
            folded.setdefault(node_id.casefold(), node_id)
    other_ids = set(first_broken)
    group_ids = {g.id for g in groups} | {root}
    known = set(seen) | other_ids

    # parents and the tree
    for kind, items in (("groups", groups), ("kpis", kpis)):
        for i, item in enumerate(items):
            parent = item.parent or root
            if parent in group_ids or parent in other_ids:
                continue
            if parent in known:
                msg = f"parent {parent!r} is a KPI; a parent must be a group"
                hint = "attach the item to a group (an expected outcome or dimension)"
            else:
                msg = f"unknown parent {parent!r}"
                hint = did_you_mean(parent, group_ids)
            problems.append(Problem(msg, where=locate(kind, i, "parent"), node=item.id, hint=hint,
                                    code="unknown_parent"))
    problems += _cycles(groups, root, locate)
    has_child = {(item.parent or root) for item in (*groups, *kpis)} | {(p or root) for _, p, _ in broken}
    for i, g in enumerate(groups):
        if g.id not in has_child:
            problems.append(Problem(f"group {g.id!r} has no children", where=locate("groups", i, "id"), node=g.id,
                                    hint="add KPIs or groups with 'parent: " + g.id + "', or remove the group",
                                    code="empty_group"))
    if not kpis and not broken:
        problems.append(Problem("the catalog declares no KPIs", where=locate("framework", 0),
                                hint="add a 'kpis:' list", code="no_kpis"))

    # KPIs: levels, definitions, expressions
    n_levels = len(framework.levels)
    for i, k in enumerate(kpis):
        def loc(*path: object, _i: int = i) -> str:
            return locate("kpis", _i, *path)
        problems += _check_levels(k, n_levels, loc)
        problems += _check_definition(k, sources, loc)

    problems += _weight_sums(framework, groups, kpis, locate)

    # weight sets
    for name, weights in framework.weight_sets.items():
        for node_id, w in weights.items():
            if node_id not in known:
                problems.append(Problem(f"weight set {name!r} names unknown node {node_id!r}",
                                        where=locate("framework", 0, "weight_sets", name, node_id), node=node_id,
                                        hint=did_you_mean(node_id, known), code="unknown_node"))
            if not (isinstance(w, (int, float)) and w > 0):
                problems.append(Problem(f"weight set {name!r}: weight of {node_id!r} must be > 0, found {w!r}",
                                        where=locate("framework", 0, "weight_sets", name, node_id), node=node_id,
                                        hint="use a positive relative weight; drop the node from the set to keep its default",
                                        code="bad_weight"))
    return problems


def _weight_sums(framework: Framework, groups: Sequence[Group], kpis: Sequence[Kpi], locate: Locate) -> list[Problem]:
    """Siblings' weights (default, and under each weight set) must sum to a finite number."""
    problems: list[Problem] = []
    for set_name, overrides in {"": {}, **framework.weight_sets}.items():
        children: dict[str, list[tuple[str, int, float]]] = {}
        for kind, items in (("groups", groups), ("kpis", kpis)):
            for i, item in enumerate(items):
                weight = overrides.get(item.id, item.weight)
                children.setdefault(item.parent or framework.id, []).append((kind, i, weight))
        for parent, weights in children.items():
            if not math.isfinite(sum(w for _, _, w in weights)):
                kind, i, _ = max(weights, key=lambda item: item[2])
                where = locate("framework", 0, "weight_sets", set_name) if set_name else locate(kind, i, "weight")
                in_set = f" in weight set {set_name!r}" if set_name else ""
                problems.append(Problem(f"the weights of the children of {parent!r}{in_set} sum to more than the "
                                        "largest number a computer holds", where=where, node=parent,
                                        hint="weights are relative: scale them down (e.g. 1, 2, 3)",
                                        code="weight_overflow"))
    return problems


def _cycles(groups: Sequence[Group], root: str, locate: Locate) -> list[Problem]:
    parent = {g.id: (g.parent or root) for g in groups}
    index = {g.id: i for i, g in enumerate(groups)}
    problems, reported = [], set()
    for start in parent:
        path, node = [], start
        while node in parent and node not in path:
            path.append(node)
            node = parent[node]
        if node in path:
            cycle = path[path.index(node):]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                problems.append(Problem("cycle in the framework tree: " + " → ".join([*cycle, cycle[0]]),
                                        where=locate("groups", index[cycle[0]], "parent"), node=cycle[0],
                                        hint="every group must lead up to the framework root", code="cycle"))
    return problems


def _check_levels(k: Kpi, n_levels: int, loc: Callable[..., str]) -> list[Problem]:
    if k.maturity is None:
        return []
    if k.maturity.thresholds is not None and len(k.maturity.thresholds) != n_levels - 1:
        return [Problem(f"expected {n_levels - 1} maturity thresholds for {n_levels} levels, found {len(k.maturity.thresholds)}",
                        where=loc("maturity", "thresholds"), node=k.id,
                        hint="give one cut point between each pair of consecutive levels", code="threshold_count")]
    if k.maturity.answers is not None:
        bad = {a: lv for a, lv in k.maturity.answers.items() if lv > n_levels}
        if bad:
            return [Problem(f"answer levels must be between 1 and {n_levels}, found {bad}",
                            where=loc("maturity", "answers"), node=k.id,
                            hint=f"the framework has {n_levels} levels", code="answer_level")]
    return []


def _measures(k: Kpi) -> list[tuple[tuple[str, ...], Measure]]:
    d = k.definition
    if d.type == "simple":
        return [((), d)]
    if d.type == "ratio":
        return [(("numerator",), d.numerator), (("denominator",), d.denominator)]
    if d.type == "derived":
        return [(("measures", name), m) for name, m in d.measures.items()]
    if d.type == "variation":
        return [(("measure",), d.measure)]
    return []


def _check_definition(k: Kpi, sources: dict[str, Source], loc: Callable[..., str]) -> list[Problem]:
    problems: list[Problem] = []
    for path, m in _measures(k):
        base = ("definition", *path)
        src = sources.get(m.source)
        if src is None:
            problems.append(Problem(f"unknown source {m.source!r}", where=loc(*base, "source"),
                                    node=k.id, hint=did_you_mean(m.source, sources) or "declare it under 'sources:'",
                                    code="unknown_source"))
            continue
        fields = {name: f.type for name, f in src.fields.items()}
        codes = {name: f.codes for name, f in src.fields.items() if f.codes}
        expect = {"share": "boolean", "count_distinct": None}.get(m.agg, "number")
        for key, text, want in (("expr", m.expr, expect), ("filter", m.filter, "boolean")):
            if text is None:
                continue
            try:
                parse_expression(text, fields, expect=want, codes=codes, where=loc(*base, key), node=k.id)
            except ExpressionError as exc:
                problems.extend(exc.problems)
    d = k.definition
    if d.type == "derived":
        try:
            parse_expression(d.expr, {n: "number" for n in d.measures}, expect="number",
                             where=loc("definition", "expr"), node=k.id)
        except ExpressionError as exc:
            problems.extend(exc.problems)
    return problems
