"""A tiny catalog covering every definition type and aggregation (test helper)."""

from __future__ import annotations

from pathlib import Path

import pmm

CATALOG = """
framework: {id: t, name: Test framework}
sources:
  decl:
    time: lodged
    key: [id]
    fields:
      member: {type: string, required: true}
      id: {type: string, required: true}
      office: {type: string}
      lodged: {type: datetime, required: true}
      released: {type: datetime}
      channel: {type: category, codes: [green, red]}
      value: {type: float}
      trader: {type: string}
groups: [{id: g, name: G}]
kpis:
  - {id: n_decl, name: Declarations, parent: g, unit: count, direction: higher,
     definition: {type: simple, source: decl, agg: count}}
  - {id: red_rate, name: Red rate, parent: g, unit: percent, direction: lower,
     definition: {type: ratio, source: decl, numerator: {agg: count, filter: channel == "red"},
                  denominator: {agg: count}, scale: 100}}
  - {id: red_share, name: Red share, parent: g, unit: percent, direction: lower,
     definition: {type: simple, source: decl, agg: share, expr: channel == "red", scale: 100}}
  - {id: median_h, name: Median hours, parent: g, unit: hours, direction: lower,
     definition: {type: simple, source: decl, agg: median, expr: hours(released - lodged)}}
  - {id: p90_d, name: P90 days, parent: g, unit: days, direction: lower,
     definition: {type: simple, source: decl, agg: quantile, q: 0.9, expr: days(released - lodged)}}
  - {id: mean_value, name: Mean value, parent: g, unit: currency, direction: higher,
     definition: {type: simple, source: decl, agg: mean, expr: value, filter: channel == "green"}}
  - {id: total_value, name: Total value, parent: g, unit: currency, direction: higher,
     definition: {type: simple, source: decl, agg: sum, expr: value}}
  - {id: traders, name: Traders, parent: g, unit: count, direction: higher,
     definition: {type: simple, source: decl, agg: count_distinct, expr: trader}}
  - {id: value_per_red, name: Value per red, parent: g, unit: currency, direction: higher,
     definition: {type: derived, source: decl, measures: {v: {agg: sum, expr: value},
                  r: {agg: count, filter: channel == "red"}}, expr: v / r}}
  - {id: growth, name: Growth, parent: g, unit: percent, direction: higher,
     definition: {type: variation, measure: {source: decl, agg: count}}}
  - {id: answer, name: Reported answer, parent: g, unit: percent, direction: higher, definition: reported}
"""


def small_catalog(tmp_path: Path) -> pmm.Catalog:
    path = tmp_path / "small.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    return pmm.load_catalog(path)
