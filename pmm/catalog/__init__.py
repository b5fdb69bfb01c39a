"""Catalogs: the framework tree of groups and KPIs, declared in YAML.

Example:
    >>> from pmm.catalog import load_catalog
    >>> load_catalog("indicators/rbm-example").root
    'rbm'
"""

from pmm.catalog.catalog import Catalog
from pmm.catalog.loader import as_catalog, load_catalog
from pmm.catalog.models import (
    DEFAULT_LEVEL_LABELS,
    DISCLOSURE_ORDER,
    CatalogFile,
    Framework,
    Goalposts,
    Group,
    Kpi,
    Maturity,
    Measure,
    Source,
    SourceField,
)
from pmm.catalog.schema import SCHEMA_PATH, json_schema

__all__ = [
    "Catalog", "CatalogFile", "DEFAULT_LEVEL_LABELS", "DISCLOSURE_ORDER", "Framework", "Goalposts", "Group",
    "Kpi", "Maturity", "as_catalog", "Measure", "SCHEMA_PATH", "Source", "SourceField", "json_schema", "load_catalog",
]
