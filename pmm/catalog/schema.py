"""The JSON Schema of catalog files, for editors' YAML autocompletion.

The shipped copy is ``indicators/pmm-catalog.schema.json``; a test fails when it drifts
from the models. Regenerate it with ``pmm schema -o indicators/pmm-catalog.schema.json``.

Example:
    >>> from pmm.catalog.schema import json_schema
    >>> sorted(json_schema()["properties"])
    ['$schema', 'framework', 'groups', 'kpis', 'sources']
"""

from __future__ import annotations

from typing import Any

from pmm.catalog.models import CatalogFile

__all__ = ["json_schema", "SCHEMA_PATH"]

#: Where the schema lives in the repository, relative to its root.
SCHEMA_PATH = "indicators/pmm-catalog.schema.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one catalog YAML file."""
    schema = CatalogFile.model_json_schema(by_alias=True)
    kpi = schema["$defs"]["Kpi"]["properties"]
    kpi["definition"] = {  # the model also accepts the shorthand `definition: reported`
        "anyOf": [kpi["definition"], {"const": "reported"}],
        "description": "How the value is obtained: computed from sources, or 'reported' by the member.",
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "pmm catalog file"
    schema["description"] = (
        "One YAML file of a pmm performance-measurement catalog: the framework root, canonical "
        "sources, groups (dimensions, expected outcomes) and KPIs. See docs/catalog.md."
    )
    return schema
