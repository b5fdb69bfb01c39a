"""pmm: performance measurement of customs administrations and similar public agencies.

Declare KPIs and their framework in YAML, map raw administrative data to KPI values, and
score maturity levels, weighted composites and benchmarks across member administrations.

Example:
    >>> import pmm
    >>> cat = pmm.load_catalog("indicators/wco-pmm")
    >>> [cat.name(d) for d in cat.children(cat.root)][:1]
    ['Trade Facilitation and Economic Competitiveness']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name → the module defining it. Imported on first use, so that ``import pmm`` stays light
#: (pandas, pydantic and the optional output libraries load when a function needs them).
_LAZY: dict[str, str] = {
    "errors": "pmm.errors",
    # catalog
    "Catalog": "pmm.catalog", "json_schema": "pmm.catalog", "load_catalog": "pmm.catalog",
    "parse_expression": "pmm.expr",
    # mapping
    "map": "pmm.mapping", "MappingResult": "pmm.mapping", "SourceProfile": "pmm.mapping",
    "load_profile": "pmm.mapping",
    # scoring
    "Scorecard": "pmm.scorecard", "ScoringMethod": "pmm.scoring", "score": "pmm.scoring",
    "values_from_wide": "pmm.scoring", "Sensitivity": "pmm.scoring", "Uncertainty": "pmm.scoring",
    "sensitivity": "pmm.scoring", "uncertainty": "pmm.scoring",
    "Audit": "pmm.analysis", "audit": "pmm.analysis",
    # outputs: forms, report, workbook, plots
    "plot": "pmm.report.plots", "demo_scorecard": "pmm.report.demo", "run_demo": "pmm.report.demo",
    "render_report": "pmm.report.html", "write_report": "pmm.report.html",
    "read_values": "pmm.report.read_values", "write_template": "pmm.report.template",
    # synthetic data
    "datasets": "pmm.datasets",
}
_MODULES = {"errors", "plot", "datasets"}  # attributes that are modules themselves

if TYPE_CHECKING:  # what static tools see; at run time the names load on first use
    from pmm import datasets, errors
    from pmm.catalog import Catalog, json_schema, load_catalog
    from pmm.expr import parse_expression
    from pmm.mapping import MappingResult, SourceProfile, load_profile, map
    from pmm.report import plots as plot
    from pmm.report.demo import demo_scorecard, run_demo
    from pmm.report.html import render_report, write_report
    from pmm.report.read_values import read_values
    from pmm.report.template import write_template
    from pmm.scorecard import Scorecard
    from pmm.analysis import Audit, audit
    from pmm.scoring import Sensitivity, ScoringMethod, Uncertainty, score, sensitivity, uncertainty, values_from_wide


def __getattr__(name: str) -> Any:
    """Load a public name of :data:`__all__` on first access (PEP 562)."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pmm' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if name in _MODULES else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__version__ = "0.1.0"

__all__ = [
    "__version__",
    "errors",
    # catalog
    "Catalog",
    "json_schema",
    "load_catalog",
    "parse_expression",
    # mapping
    "map",
    "MappingResult",
    "SourceProfile",
    "load_profile",
    # scoring
    "score",
    "ScoringMethod",
    "Scorecard",
    "values_from_wide",
    "uncertainty",
    "Uncertainty",
    "sensitivity",
    "Sensitivity",
    "audit",
    "Audit",
    # outputs: forms, report, workbook, plots
    "demo_scorecard",
    "plot",
    "read_values",
    "render_report",
    "run_demo",
    "write_report",
    "write_template",
    # synthetic data
    "datasets",
]
