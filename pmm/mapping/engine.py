"""``pmm.map``: raw tables → KPI values, on the engine where the data lives.

Example:
    >>> import pandas as pd, pmm
    >>> cat = pmm.load_catalog("indicators/rbm-example")
    >>> acts = pd.DataFrame({"member": ["KEN", "KEN", "UGA"], "activity_id": ["a", "b", "c"],
    ...                      "end_date": pd.to_datetime(["2024-03-01", "2024-05-01", "2024-06-01"]),
    ...                      "participants": [10, 30, 5], "women": [5, 12, 1], "rated_useful": [True, False, True],
    ...                      "kind": ["workshop", "mission", "workshop"]})
    >>> r = pmm.map({"activities": acts}, cat, kpis=["participants", "women_share"])
    >>> r.values[["member", "period", "kpi", "value", "status"]].values.tolist()
    [['KEN', '2024', 'participants', 40.0, 'ok'], ['KEN', '2024', 'women_share', 42.5, 'ok'], ['UGA', '2024', 'participants', 5.0, 'ok'], ['UGA', '2024', 'women_share', 20.0, 'ok']]
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import pandas as pd

from pmm.catalog.catalog import Catalog
from pmm.catalog.models import Source
from pmm.errors import MappingError, Problem, did_you_mean
from pmm.mapping.accounting import ACCOUNTING_COLUMNS, AMBIGUOUS_COUNT, NEGATIVE, accounting_row, raise_first_exclusion
from pmm.mapping.compile import backend_of, epoch_seconds
from pmm.mapping.periods import check_period, labels, period_key
from pmm.mapping.plan import LEN, KpiPlan, MeasurePlan, duration_fields, duration_pairs, plan_kpis
from pmm.mapping.keys import flag_duplicates, key_may_repeat
from pmm.mapping.prepare import REASON, TABLE, available_fields, canonicalize
from pmm.mapping.zones import AMBIGUOUS
from pmm.mapping.profile import SourceProfile, load_profile
from pmm.mapping.progress import ProgressCallback, make_reporter
from pmm.mapping.reported import merge_reported
from pmm.mapping.routing import arrow_zone, duckdb_connection, on_duckdb
from pmm.mapping.result import MappingResult
from pmm.mapping.values import PERIOD_KEY, USED, kpi_values

__all__ = ["map", "ENGINES"]

#: Accepted values of ``engine``.
ENGINES = ("auto", "pandas", "polars", "duckdb", "pyspark")

ProfileLike = SourceProfile | str | os.PathLike


@dataclass
class _Input:
    label: str
    source: str
    profile: SourceProfile | None
    frame: Any  # narwhals DataFrame or LazyFrame
    backend: str


def map(  # noqa: A001 - the public name is pmm.map
    data: Any,
    catalog: Catalog | str | os.PathLike,
    profiles: ProfileLike | Sequence[ProfileLike] | Mapping[str, ProfileLike] | None = None,
    *,
    by: Sequence[str] | str | None = None,
    period: str = "year",
    engine: str = "auto",
    kpis: Sequence[str] | None = None,
    reported: pd.DataFrame | None = None,
    strict: bool = False,
    progress: bool | ProgressCallback | None = None,
    ratio_parts: bool = False,
) -> MappingResult:
    """Map raw tables to KPI values per member, period (and ``by`` keys).

    Args:
        data: one table, or a mapping name → table (or list of tables feeding the same source).
            A name is a canonical source of the catalog or the name of a profile. Tables may be
            pandas or polars DataFrames, polars LazyFrames, DuckDB relations or PySpark
            DataFrames; they are processed where they live (through narwhals) and only the
            small aggregated result is collected.
        catalog: a :class:`~pmm.Catalog` or what :func:`pmm.load_catalog` accepts.
        profiles: source profiles (objects or YAML paths), one, a list, or a mapping name →
            profile. Tables without a profile must already have the canonical layout.
        by: extra grouping keys, e.g. ``["office"]``.
        period: ``"year"``, ``"quarter"`` or ``"month"`` of each source's time field; labels are
            ``"2024"``, ``"2024-Q1"``, ``"2024-01"``.
        engine: ``"auto"`` runs where the data lives, except that pandas tables run on DuckDB
            when it is installed (same values, several times faster; a source stays on pandas
            when a column type or a time-zone conversion would read differently there);
            ``"duckdb"`` or ``"polars"`` move pandas (or polars) input to that engine first;
            ``"pandas"`` keeps pandas input on pandas; ``"pyspark"`` only checks that the data is there.
        kpis: compute only these KPI ids (default: every computed KPI whose source is present).
        reported: self-assessment values, a long table ``member, period, kpi, value[, status]``,
            merged into the result; members/periods without an answer to a reported KPI get
            ``not_reported``.
        strict: raise :class:`~pmm.errors.MappingError` on the first class of excluded rows
            (with examples) instead of excluding and counting them.
        progress: a callback ``f(step, done, total)``, or ``True`` for a progress bar.
        ratio_parts: add ``numerator`` and ``denominator`` columns to the values (the measures of
            ``ratio`` KPIs, NaN for others), so that ``card.pooled()`` can compute group rates as
            Σ numerator / Σ denominator.

    Returns:
        A :class:`~pmm.mapping.MappingResult`.

    Raises:
        MappingError: unknown sources or KPIs, missing or mistyped columns, bad profiles, and
            with ``strict=True`` excluded rows.

    Example:
        >>> import pandas as pd, pmm
        >>> cat = pmm.load_catalog("indicators/rbm-example")
        >>> acts = pd.DataFrame({"member": ["KEN", "KEN"], "activity_id": ["a", "a"],
        ...                      "end_date": pd.to_datetime(["2024-03-01", "2024-05-01"]), "participants": [10, 30]})
        >>> r = pmm.map(acts, cat, kpis=["participants"])
        >>> r.values["status"].tolist(), r.accounting["excluded_duplicate_key"].tolist()
        (['insufficient_data'], [2])
    """
    from pmm.catalog.loader import as_catalog

    catalog = as_catalog(catalog)
    period_kind = check_period(period)
    by_keys = [by] if isinstance(by, str) else list(by or [])
    if engine not in ENGINES:
        raise MappingError(Problem(f"engine must be one of {', '.join(ENGINES)}, found {engine!r}",
                                   hint=did_you_mean(str(engine), ENGINES), code="engine"))
    inputs = _inputs(data, profiles, catalog, engine)
    plans = plan_kpis(catalog, kpis)
    plans, skipped = _feasible(plans, inputs, catalog, by_keys, explicit=kpis is not None)

    reporter = make_reporter(progress)
    sources = sorted({i.source for i in inputs})
    reporter.start(len(sources) + len(plans))
    keys = ["member", PERIOD_KEY, *by_keys]
    tables: dict[str, pd.DataFrame] = {}
    accounting: list[dict[str, object]] = []
    try:
        for name in sources:
            measures = list({id(m): m for p in plans for m in p.measures.values() if m.source == name}.values())
            src_inputs = [i for i in inputs if i.source == name]
            try:
                tables[name], rows = _aggregate_source(name, catalog.sources[name], src_inputs, measures, by_keys,
                                                       period_kind, strict)
            except NotImplementedError as exc:  # a narwhals operation this engine lacks
                raise MappingError(Problem(
                    f"source {name!r} cannot be mapped on {src_inputs[0].backend}: {exc}", node=name,
                    hint="prepare that column before mapping, or run on pandas or polars (engine='polars')",
                    code="engine")) from None
            except Exception as exc:
                if not _engine_error(exc):
                    raise
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise MappingError(Problem(
                    f"source {name!r} failed on engine {src_inputs[0].backend}: {type(exc).__name__}: {first}",
                    node=name, code="engine",
                    hint="this is a gap in pmm's lowering for that engine: please report it; meanwhile map on "
                         "pandas (engine='pandas')")) from exc
            accounting.extend(rows)
            reporter(f"source {name}")
        parts = []
        for plan in plans:
            parts.append(kpi_values(plan, tables, keys, period_kind).assign(kpi=plan.kpi.id))
            reporter(f"kpi {plan.kpi.id}")
    finally:
        reporter.close()
    values = _assemble(parts, by_keys, period_kind, catalog, ratio_parts)
    values = merge_reported(values, reported, catalog, kpis, by_keys)
    return MappingResult(values, pd.DataFrame(accounting, columns=list(ACCOUNTING_COLUMNS)), skipped,
                         period_kind, tuple(by_keys), {i.source: i.backend for i in inputs})


# -- inputs -----------------------------------------------------------------------------------------
def _inputs(data: Any, profiles: Any, catalog: Catalog, engine: str) -> list[_Input]:
    loaded = _load_profiles(profiles)
    if isinstance(data, Mapping):
        items = [(str(k), v) for k, v in data.items()]
    else:
        items = [("", data)]
    if not items:
        raise MappingError(Problem("no data given", hint="pass a table or a mapping source name → table", code="no_data"))
    out = []
    for key, tables in items:
        tables = list(tables) if isinstance(tables, (list, tuple)) else [tables]
        profile = _profile_for(key, loaded, len(items))
        source = profile.source if profile is not None else (key or _guess_source(tables[0], catalog))
        if source not in catalog.sources:
            raise MappingError(Problem(f"unknown source {source!r} (for data {key or 'table'!r})",
                                       hint=did_you_mean(source, catalog.sources) if catalog.sources
                                       else "the catalog declares no sources", code="unknown_source"))
        if profile is not None:
            problems = profile.check_against(catalog.sources[source], source)
            if problems:
                raise MappingError(problems)
        for i, native in enumerate(tables):
            label = (key or source) + (f"[{i}]" if len(tables) > 1 else "")
            frame = _to_engine(native, engine, label)
            out.append(_Input(label, source, profile, frame, backend_of(frame)))
    if engine == "auto":
        for name in sorted({i.source for i in out}):
            group = [i for i in out if i.source == name]
            moved = on_duckdb([(i.frame.to_native(), i.profile) for i in group]) \
                if all(i.backend == "pandas" for i in group) else None
            for i, frame in zip(group, moved or ()):
                i.frame, i.backend = frame, "duckdb"
    for name in {i.source for i in out}:
        backends = {i.backend for i in out if i.source == name}
        if len(backends) > 1:
            raise MappingError(Problem(f"the tables of source {name!r} live on different engines ({', '.join(sorted(backends))})",
                                       hint="bring them to one engine, or pass engine='duckdb' for pandas and polars input",
                                       code="mixed_engines"))
    return out


def _load_profiles(profiles: Any) -> dict[str, SourceProfile] | list[SourceProfile]:
    def one(p: Any) -> SourceProfile:
        if isinstance(p, SourceProfile):
            return p
        if isinstance(p, (str, os.PathLike)):
            return load_profile(p)
        raise MappingError(Problem(f"expected a SourceProfile or the path of a profile YAML file, found {type(p).__name__}",
                                   code="profile_type"))

    if profiles is None:
        return []
    if isinstance(profiles, Mapping):
        return {str(k): one(v) for k, v in profiles.items()}
    if isinstance(profiles, (list, tuple)):
        return [one(p) for p in profiles]
    return [one(profiles)]


def _profile_for(key: str, loaded: dict[str, SourceProfile] | list[SourceProfile], n_items: int) -> SourceProfile | None:
    if isinstance(loaded, dict):
        if key and key not in loaded and loaded:
            raise MappingError(Problem(f"no profile for data {key!r}", hint=did_you_mean(key, loaded), code="no_profile"))
        return loaded.get(key)
    if not loaded:
        return None
    if not key or (n_items == 1 and len(loaded) == 1):
        if len(loaded) == 1:
            return loaded[0]
        raise MappingError(Problem(f"{len(loaded)} profiles for one table", hint="pass data as {profile name: table}",
                                   code="no_profile"))
    matches = [p for p in loaded if p.name == key] or [p for p in loaded if p.source == key]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return None
    raise MappingError(Problem(f"{len(matches)} profiles match data {key!r}", hint="name the data by profile name",
                               code="no_profile"))


def _guess_source(native: Any, catalog: Catalog) -> str:
    columns = set(_to_engine(native, "auto", "table").collect_schema())
    fits = [n for n, s in catalog.sources.items() if {f for f, spec in s.fields.items() if spec.required} <= columns]
    if len(fits) == 1:
        return fits[0]
    raise MappingError(Problem(f"cannot tell which source the table feeds ({len(fits)} sources fit its columns)",
                               hint="pass data as {source name: table}, e.g. {'declarations': df}", code="unknown_source"))


def _to_engine(native: Any, engine: str, label: str) -> nw.DataFrame | nw.LazyFrame:
    try:
        frame = nw.from_native(native)
    except TypeError:
        raise MappingError(Problem(f"data {label!r} is a {type(native).__module__}.{type(native).__name__}; expected a "
                                   "pandas or polars DataFrame, a polars LazyFrame, a DuckDB relation or a PySpark DataFrame",
                                   code="table_type")) from None
    backend = backend_of(frame)
    if engine in ("auto", backend):
        pass
    elif engine == "duckdb" and backend in ("pandas", "polars"):
        arrow = frame.to_arrow() if isinstance(frame, nw.DataFrame) else frame.collect().to_arrow()
        try:
            zone = arrow_zone(arrow) or "UTC"
        except ValueError as exc:
            raise MappingError(Problem(f"data {label!r} cannot move to DuckDB: {exc}", code="time_zone",
                                       hint="DuckDB holds one time zone per connection: convert the columns to "
                                            "one zone, or map on pandas or polars")) from None
        frame = nw.from_native(duckdb_connection(zone).from_arrow(arrow))
    elif engine == "polars" and backend == "pandas":
        import polars as pl

        frame = nw.from_native(pl.from_pandas(native))
    else:
        raise MappingError(Problem(f"data {label!r} lives on {backend}; it cannot be moved to engine {engine!r}",
                                   hint="use engine='auto' to run where the data lives", code="engine"))
    if isinstance(frame, nw.DataFrame) and backend_of(frame) == "polars":
        frame = frame.lazy()
    return frame


# -- planning ---------------------------------------------------------------------------------------
def _feasible(plans: list[KpiPlan], inputs: list[_Input], catalog: Catalog, by: list[str],
              explicit: bool) -> tuple[list[KpiPlan], dict[str, str]]:
    """Keep the plans whose sources and fields are present; explain the others."""
    provided: dict[str, set[str]] = {}
    for i in inputs:
        fields = available_fields(i.frame.collect_schema().names(), i.profile)
        provided[i.source] = fields if i.source not in provided else provided[i.source] & fields
    keep, skipped, problems = [], {}, []
    for plan in plans:
        reason = ""
        absent = sorted(plan.sources - set(provided))
        if absent:
            reason = f"no data for source(s) {', '.join(absent)}"
        else:
            for source, fields in plan.fields().items():
                lacking = sorted(fields - provided[source])
                if lacking:
                    reason = f"source {source!r} lacks field(s) {', '.join(lacking)}"
                    break
        if not reason:
            keep.append(plan)
        elif explicit:
            problems.append(Problem(f"cannot compute KPI: {reason}", node=plan.kpi.id, code="kpi_input",
                                    hint="pass the source's table, or map the field in its profile"))
        else:
            skipped[plan.kpi.id] = reason
    if problems:
        raise MappingError(problems)
    for b in by:
        for name, fields in provided.items():
            if b not in fields:
                raise MappingError(Problem(f"grouping key {b!r} is not a column of source {name!r}",
                                           hint=did_you_mean(b, fields), code="by"))
    return keep, skipped


# -- one source -------------------------------------------------------------------------------------
def _aggregate_source(name: str, source: Source, inputs: list[_Input], measures: list[MeasurePlan], by: list[str],
                      period: str, strict: bool) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Canonicalise, flag, lower and aggregate every table of one source; collect the small result."""
    backend = inputs[0].backend
    needed = {source.member, *source.key, *(f for f, s in source.fields.items() if s.required)}
    if source.time:
        needed.add(source.time)
    for m in measures:
        needed |= m.fields()
    needed |= {b for b in by if b in source.fields}
    # the whole contract is checked, so the accounting does not depend on which KPIs were asked
    present = set(source.fields)
    for i in inputs:
        present &= available_fields(i.frame.collect_schema().names(), i.profile)
    needed |= present
    extra = [b for b in by if b not in source.fields]
    canonical = [canonicalize(i.frame, i.profile, source, name, needed, backend, n, extra) for n, i in enumerate(inputs)]
    frames = [c.judged() for c in canonical]
    frame = frames[0] if len(frames) == 1 else nw.concat(frames, how="vertical")
    if source.key and key_may_repeat([c.parsed for c in canonical], source.key):
        frame = flag_duplicates(frame, source.key)
    usable = nw.col(REASON) == 0
    pairs = sorted(duration_pairs(measures))
    negative = [nw.col(a) < nw.col(b) for a, b in pairs]
    epoch: dict[str, nw.Expr] = {}
    if backend == "pyspark":  # durations from precomputed epoch seconds keep Spark's plans small
        epoch = {f: nw.col(f"__pmm_epoch_{f}") for f in sorted(duration_fields(measures))}
        if epoch:
            frame = frame.with_columns(*[epoch_seconds(nw.col(f)).alias(f"__pmm_epoch_{f}") for f in epoch])
    # each duration a - b is computed once, however many KPIs read it
    seconds = {(a, b): nw.col(f"__pmm_seconds_{a}__{b}") for a, b in pairs}
    if seconds:
        frame = frame.with_columns(*[
            ((epoch[a] - epoch[b]) if backend == "pyspark" else (nw.col(a) - nw.col(b)).dt.total_seconds().cast(nw.Float64))
            .alias(f"__pmm_seconds_{a}__{b}") for a, b in pairs])
    step1 = [
        (period_key(nw.col(source.time), period) if source.time else nw.lit(0)).alias(PERIOD_KEY),
        (nw.when(usable & _any(negative).fill_null(False)).then(nw.lit(1)).otherwise(nw.lit(0)) if negative
         else nw.lit(0)).alias(NEGATIVE),
        *[m.masked_column(backend, usable, epoch, seconds) for m in measures],
    ]
    step1.append(nw.when(usable & nw.col(AMBIGUOUS)).then(nw.lit(1)).otherwise(nw.lit(0)).alias(AMBIGUOUS_COUNT))
    frame = frame.with_columns(*step1)
    stages = [m.limb_columns() for m in measures]
    for i in range(max((len(s) for s in stages), default=0)):  # exact sums: the same bits in any order of addition
        frame = frame.with_columns(*[e for s in stages if i < len(s) for e in s[i]])
    # the exclusion reason is a group key: one pass gives both the measures (reason 0) and the accounting
    counts = [nw.len().alias(LEN), nw.col(NEGATIVE).sum(), nw.col(AMBIGUOUS_COUNT).sum()]
    aggs = [a for m in measures for a in m.aggregations()]
    group = [source.member, PERIOD_KEY, *by]
    table = _collect(frame.group_by(*group, REASON).agg(*counts, *aggs))
    labels_ = [i.label for i in inputs]
    if len(inputs) == 1:
        rows = [accounting_row(name, labels_[0], table)]
    else:
        per_table = _collect(frame.group_by(TABLE, REASON).agg(*counts))
        rows = [accounting_row(name, labels_[t], per_table[per_table[TABLE] == t]) for t in range(len(inputs))]
    if strict:
        raise_first_exclusion(frame, rows, labels_, sorted(needed | set(extra)))
    table = table.rename(columns={source.member: "member"})
    table = table[table["member"].notna() & table[PERIOD_KEY].notna()]
    groups = table[["member", PERIOD_KEY, *by]].drop_duplicates()
    usable_rows = table[table[REASON] == 0].drop(columns=[REASON])
    table = groups.merge(usable_rows, on=["member", PERIOD_KEY, *by], how="left")
    table[USED] = table[LEN].fillna(0).astype("int64")
    table[PERIOD_KEY] = table[PERIOD_KEY].astype("int64")
    return table.reset_index(drop=True), rows


#: Modules whose exceptions are engine failures (wrapped in MappingError naming source and engine).
_ENGINE_MODULES = ("duckdb", "_duckdb", "polars", "pyspark", "py4j", "narwhals", "pyarrow")


def _engine_error(exc: BaseException) -> bool:
    return any(type(exc).__module__.split(".")[0] == m for m in _ENGINE_MODULES)


def _collect(frame: nw.DataFrame | nw.LazyFrame) -> pd.DataFrame:
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return frame.to_pandas()


def _any(tests: list[nw.Expr]) -> nw.Expr:
    out = tests[0]
    for t in tests[1:]:
        out = out | t
    return out


def _assemble(parts: list[pd.DataFrame], by: list[str], period: str, catalog: Catalog,
              ratio_parts: bool = False) -> pd.DataFrame:
    columns = ["member", "period", *by, "kpi", "value", "n", "status",
               *(["numerator", "denominator"] if ratio_parts else [])]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "numerator", "denominator")
                                          else "int64" if c == "n" else object) for c in columns})
    values = pd.concat(parts, ignore_index=True)
    order = {k: i for i, k in enumerate(catalog.kpi_ids)}
    values["__order"] = values["kpi"].map(order)
    values = values.sort_values(["member", PERIOD_KEY, *by, "__order"], kind="stable")
    values["period"] = labels(values[PERIOD_KEY].to_numpy(), period)  # type: ignore[arg-type]
    values["member"] = values["member"].astype(str)
    for key in by:  # engines return text keys as objects or as pandas' str: give one dtype
        if values[key].dtype == object and values[key].dropna().map(type).eq(str).all():
            values[key] = values[key].astype("str")
    return values[columns].reset_index(drop=True)
