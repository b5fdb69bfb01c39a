"""Rich notebook display of a :class:`~pmm.Catalog`: a compact summary and the framework tree as HTML.

Jupyter calls ``Catalog._repr_html_``, which returns :func:`catalog_html`. Every name from the
YAML is escaped: a catalog is untrusted input.

Example:
    >>> import pmm
    >>> html = catalog_html(pmm.load_catalog("indicators/rbm-example"))
    >>> html.startswith("<div class=\\"pmm-catalog\\">") and "<table" in html
    True
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from pmm.catalog.models import Kpi

if TYPE_CHECKING:
    from pmm.catalog.catalog import Catalog

__all__ = ["catalog_html"]

_INDENT_EM = 1.2


def catalog_html(catalog: Catalog) -> str:
    """The catalog as an HTML block: title line, counts, and one table row per node in tree order.

    Args:
        catalog: the framework to show.

    Returns:
        An HTML fragment (no scripts, no external resources).

    Example:
        >>> import pmm
        >>> "Usefulness" in catalog_html(pmm.load_catalog("indicators/rbm-example")).title()
        True
    """
    fw = catalog.framework
    head = (f"<p><b>{escape(fw.name)}</b> <code>{escape(catalog.root)}</code> version {escape(str(fw.version))} — "
            f"{len(catalog.children(catalog.root))} top-level groups, {len(catalog.groups)} groups, "
            f"{len(catalog.kpis)} KPIs, {len(catalog.sources)} sources; maturity levels: "
            f"{escape(', '.join(fw.levels))}</p>")
    rows = []
    for node_id in catalog.walk():
        if node_id == catalog.root:
            continue
        node = catalog.nodes[node_id]
        depth = len(catalog.ancestors(node_id)) - 1
        label = (f'<td style="padding-left:{depth * _INDENT_EM:.1f}em;text-align:left"><code>{escape(node_id)}'
                 f"</code> {escape(node.name)}</td>")
        kind = "kpi" if isinstance(node, Kpi) else node.kind
        extra = [node.unit, node.direction, node.definition.type] if isinstance(node, Kpi) else ["", "", ""]
        cells = "".join(f"<td>{escape(str(v))}</td>" for v in [kind, f"{node.weight:g}", *extra])
        rows.append(f"<tr>{label}{cells}</tr>")
    header = "".join(f"<th>{h}</th>" for h in ["node", "kind", "weight", "unit", "direction", "definition"])
    return (f'<div class="pmm-catalog">{head}<table><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")
