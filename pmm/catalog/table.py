"""COINr interoperability: catalogs to and from an indicator metadata table ("iMeta").

The table has one row per node with columns ``iCode``, ``Parent``, ``Level``, ``Direction``
(+1/-1), ``Weight``, ``Type`` (``Indicator`` or ``Aggregate``) and optionally ``iName``,
``Unit``, ``Target``, ``Denominator`` (the unit column a KPI is divided by, see ``denominate``
in ``docs/pipeline.md``) and ``ScaleFactor`` (its ``denominator_scale``). Rows of other types (``Group``, ``Denominator``, ``Other``) describe
extra unit columns and are ignored. The single aggregate without a parent becomes the
framework root.

Example:
    >>> import pandas as pd
    >>> from pmm.catalog.table import catalog_from_table
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "Index"], "Parent": ["Index", "Index", None],
    ...                      "Level": [1, 1, 2], "Direction": [1, -1, None], "Weight": [1, 2, 1],
    ...                      "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> cat = catalog_from_table(meta)
    >>> cat.root, cat.kpi("b").direction, cat.kpi("b").weight
    ('Index', 'lower', 2.0)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from pmm.catalog.catalog import Catalog
from pmm.catalog.models import Framework, Group, Kpi
from pmm.errors import CatalogError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["catalog_from_table", "catalog_to_table", "TABLE_COLUMNS"]

TABLE_COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type")
_REQUIRED = ("iCode", "Parent", "Level", "Direction", "Weight", "Type")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def catalog_from_table(table: pd.DataFrame, *, framework_name: str | None = None) -> Catalog:
    """Build a :class:`Catalog` from a COINr-style metadata table.

    KPIs get ``definition: reported``; the table's ``Level`` must agree with the tree (KPIs 1,
    a group one above its highest child). Every problem is reported at once, by row number.
    """
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise CatalogError(Problem(f"metadata table lacks column(s) {missing}", where="table",
                                   hint=f"expected columns {list(_REQUIRED)} (optional: iName, Unit, Target, Denominator, "
                                        "ScaleFactor)",
                                   code="missing_column"))
    rows = table[table["Type"].isin(["Indicator", "Aggregate"])]
    problems: list[Problem] = []
    roots = rows[(rows["Type"] == "Aggregate") & rows["Parent"].map(_missing)]
    if len(roots) != 1:
        problems.append(Problem(f"expected exactly one Aggregate row without a Parent (the index), found {len(roots)}",
                                where="table", hint="give every aggregate but the top one a Parent", code="root"))
        raise CatalogError(problems)
    root_row = roots.iloc[0]
    root_id = str(root_row["iCode"])
    groups, kpis, broken = [], [], []
    for idx, row in rows.iterrows():
        where = f"table row {idx}"
        code = str(row["iCode"])
        if code == root_id:
            continue
        common: dict[str, Any] = {"id": code, "name": _text(row, "iName") or code, "parent": str(row["Parent"]),
                                  "weight": row["Weight"]}
        try:
            if row["Type"] == "Indicator":
                direction = {1: "higher", -1: "lower"}.get(_number(row["Direction"]))
                if direction is None:
                    problems.append(Problem(f"Direction must be 1 or -1, found {_fmt(row['Direction'])}", where=where,
                                            node=code, code="direction"))
                    broken.append((code, common["parent"], where))
                    continue
                target = row.get("Target")
                scale = row.get("ScaleFactor")
                kpis.append(Kpi(**common, unit=_text(row, "Unit") or "score", direction=direction,
                                target=None if _missing(target) else float(target),
                                denominator=_text(row, "Denominator") or None,
                                denominator_scale=1.0 if _missing(scale) else scale))
            else:
                groups.append(Group(**common))
        except ValidationError as exc:
            broken.append((code, common["parent"], where))
            for err in exc.errors():
                problems.append(Problem(f"{'.'.join(map(str, err['loc']))}: {err['msg']}", where=where, node=code,
                                        code=err["type"]))
    framework = Framework(id=root_id, name=framework_name or _text(root_row, "iName") or root_id)
    try:
        catalog = Catalog(framework, {}, groups, kpis, _broken=broken)
    except CatalogError as exc:
        raise CatalogError([*problems, *exc.problems]) from None
    if problems:
        raise CatalogError(problems)
    for idx, row in rows.iterrows():
        expected = catalog.level(str(row["iCode"]))
        if _number(row["Level"]) != expected:
            problems.append(Problem(f"Level is {_fmt(row['Level'])} but the tree puts {row['iCode']!r} at level {expected}",
                                    where=f"table row {idx}", node=str(row["iCode"]),
                                    hint="KPIs are level 1; a group is one above its highest child", code="level"))
    if problems:
        raise CatalogError(problems)
    return catalog


def catalog_to_table(catalog: Catalog) -> pd.DataFrame:
    """The COINr-style metadata table of a catalog: one row per KPI, group and the root.

    Rows are ordered like COINr's: by ``Level``, then in tree order. ``Direction`` is +1/-1
    for KPIs (``target`` KPIs are +1) and empty for aggregates.
    """
    import pandas as pd

    records = []
    for node_id in catalog.walk():
        node = catalog.node(node_id)
        is_kpi = catalog.kind(node_id) == "kpi"
        records.append({
            "Level": catalog.level(node_id),
            "iCode": node_id,
            "iName": node.name,
            "Direction": (-1 if node.direction == "lower" else 1) if is_kpi else math.nan,
            "Weight": getattr(node, "weight", 1.0),
            "Unit": node.unit if is_kpi else None,
            "Target": node.target if is_kpi and node.target is not None else math.nan,
            "Denominator": node.denominator if is_kpi else None,
            "Parent": catalog.parent(node_id),
            "Type": "Indicator" if is_kpi else "Aggregate",
        })
    table = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))
    scales = [catalog.node(n).denominator_scale if catalog.kind(n) == "kpi" else math.nan for n in catalog.walk()]
    if any(s != 1.0 for s in scales if not math.isnan(s)):
        table["ScaleFactor"] = scales
    return table.sort_values("Level", kind="stable").reset_index(drop=True)


def _text(row: Any, column: str) -> str:
    value = row.get(column) if hasattr(row, "get") else None
    return "" if _missing(value) else str(value)


def _fmt(value: Any) -> str:
    number = _number(value)
    return repr(value) if number is None else f"{number:g}"


def _number(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f
