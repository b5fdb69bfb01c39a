"""pmm: performance measurement of customs administrations and similar public agencies.

Declare KPIs and their framework in YAML, map raw administrative data to KPI values, and
score maturity levels, weighted composites and benchmarks across member administrations.

Example:
    >>> import pmm
    >>> cat = pmm.load_catalog("indicators/wco-pmm")
    >>> [cat.name(d) for d in cat.children(cat.root)][:1]
    ['Trade Facilitation and Economic Competitiveness']
"""

from pmm import errors
from pmm.catalog import Catalog, json_schema, load_catalog
from pmm.expr import parse_expression
from pmm.mapping import MappingResult, SourceProfile, load_profile, map
# scoring
from pmm.scorecard import Scorecard
from pmm.scoring import Sensitivity, ScoringMethod, Uncertainty, score, sensitivity, uncertainty, values_from_wide
from pmm.analysis import Audit, audit
# outputs: forms, report, workbook, plots
from pmm.report import plots as plot
from pmm.report.demo import demo_scorecard, run_demo
from pmm.report.html import render_report, write_report
from pmm.report.read_values import read_values
from pmm.report.template import write_template
# synthetic data
from pmm import datasets

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
