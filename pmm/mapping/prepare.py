"""Turn one raw table into its canonical source layout, flagging (never dropping) bad rows.

The result keeps every row and adds ``__pmm_reason``: 0 for a usable row, otherwise the first
reason it cannot be used (see :data:`REASONS`). Duplicate keys are flagged later, across all the
tables that feed one source (:mod:`pmm.mapping.keys`).

Example:
    >>> import narwhals as nw, pandas as pd, pmm
    >>> from pmm.mapping.profile import SourceProfile
    >>> src = pmm.load_catalog("indicators/rbm-example").sources["activities"]
    >>> raw = pd.DataFrame({"id": ["a1", "a2"], "end": ["31/01/2024", "soon"]})
    >>> p = SourceProfile(source="activities", rename={"id": "activity_id", "end": "end_date"},
    ...                   dates={"end_date": {"format": "%d/%m/%Y"}}, constants={"member": "KEN"})
    >>> out = canonicalize(nw.from_native(raw), p, src, "activities", {"member", "activity_id", "end_date"}, "pandas", 0)
    >>> out.judged().select("activity_id", "__pmm_reason").to_native().values.tolist()
    [['a1', 0], ['a2', 1]]
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import narwhals as nw

from pmm.catalog.models import Source, SourceField
from pmm.errors import MappingError, Problem, did_you_mean
from pmm.mapping.compile import compile_expression
from pmm.mapping.profile import DateFormat, NumberFormat, SourceProfile, date_pattern
from pmm.mapping.zones import AMBIGUOUS, localize

__all__ = ["REASONS", "REASON", "TABLE", "Canonical", "canonicalize", "available_fields"]

#: Exclusion reasons: code → accounting column name. A row with several faults gets the first of
#: unparseable, code outside list, null member/time, missing required, duplicate key.
REASONS: dict[int, str] = {
    1: "excluded_unparseable",  # also infinite numbers
    2: "excluded_null_member_or_time",
    3: "excluded_missing_required",
    4: "excluded_code_outside_list",
    5: "excluded_duplicate_key",
}
REASON = "__pmm_reason"
TABLE = "__pmm_table"
#: Number text: ASCII digits only, on every engine (regex ``\d`` means Unicode digits on pandas and
#: polars but ASCII on DuckDB, and casts disagree too), so Arabic-Indic or full-width digits are unparseable.
_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
#: Whitespace stripped around number text: ASCII only (engines disagree on Unicode spaces).
_SPACES = " \t\n\r\f\v"
_DEFAULT_FORMAT = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M:%S"}


def available_fields(columns: Collection[str], profile: SourceProfile | None) -> set[str]:
    """Names a table provides once its profile is applied (its columns, renamed, plus additions).

    Example:
        >>> sorted(available_fields(["A", "b"], SourceProfile(source="s", rename={"A": "a"}, constants={"m": "X"})))
        ['a', 'b', 'm']
    """
    if profile is None:
        return set(columns)
    return {profile.rename.get(c, c) for c in columns} | set(profile.constants) | set(profile.derived)


@dataclass(frozen=True)
class Canonical:
    """One table in its canonical layout, before and after its rows are judged.

    Attributes:
        parsed: the table with the canonical fields parsed (and the raw columns still there).
        columns: what :meth:`judged` selects: the fields, the extra columns, ``__pmm_table``,
            ``__pmm_reason`` and ``__pmm_amb`` (a time of the row was ambiguous, see :mod:`pmm.mapping.zones`).
    """

    parsed: nw.DataFrame | nw.LazyFrame
    columns: tuple[nw.Expr, ...]

    def judged(self) -> nw.DataFrame | nw.LazyFrame:
        """The canonical table with each row's exclusion reason."""
        return self.parsed.select(*self.columns)


def canonicalize(frame: nw.DataFrame | nw.LazyFrame, profile: SourceProfile | None, source: Source,
                 source_name: str, fields: Collection[str], backend: str, table: int,
                 extra: Collection[str] = ()) -> Canonical:
    """Apply a profile and the source contract to one table.

    Args:
        frame: the raw table (narwhals).
        profile: how its columns map to the source (``None``: already canonical).
        source: the canonical source contract.
        source_name: its name, for messages.
        fields: canonical fields to produce (the others are not touched).
        backend: backend name (see :func:`pmm.mapping.compile.backend_of`).
        table: index of the table among the source's tables (kept in ``__pmm_table``).
        extra: further columns to keep as they are (``by`` keys that are not canonical fields).

    Returns:
        The :class:`Canonical` table; its :meth:`~Canonical.judged` frame holds the ``fields`` in
        contract types, ``extra``, ``__pmm_table`` and ``__pmm_reason``. Checks that read only
        some fields (the duplicate-key check) use ``parsed``, which engines prune to those fields.

    Raises:
        MappingError: a needed column is missing, has a type that cannot become the canonical
            type, or a derived expression names an unknown column.
    """
    profile = profile or SourceProfile(source=source_name, name=source_name)
    where = profile.where(()) or source_name
    schema = dict(frame.collect_schema())
    renames = {raw: new for raw, new in profile.rename.items() if raw != new}
    missing = [raw for raw in renames if raw not in schema]
    if missing:
        raise MappingError([Problem(f"column {raw!r} named in 'rename' is not in the table", where=profile.where(("rename", raw)),
                                    node=profile.name, hint=did_you_mean(raw, schema), code="missing_column")
                            for raw in missing])
    frame = frame.rename(renames) if renames else frame
    schema = {renames.get(k, k): v for k, v in schema.items()}
    if profile.constants:
        frame = frame.with_columns(*[nw.lit(v).alias(k) for k, v in profile.constants.items()])
        schema.update({k: _literal_dtype(v) for k, v in profile.constants.items()})

    wanted = [f for f in source.fields if f in fields]
    derived = {k: v for k, v in profile.derived_expressions().items() if k in fields or k in extra}
    lacking = [f for f in wanted if f not in schema and f not in derived]
    if lacking:
        raise MappingError([Problem(f"field {f!r} of source {source_name!r} is not in the table", where=where,
                                    node=profile.name, hint=(did_you_mean(f, schema) + "; " if did_you_mean(f, schema).startswith("did")
                                                             else "") + "map it with rename, constants or derived in the profile",
                                    code="missing_column") for f in lacking])
    for name in extra:
        if name not in schema and name not in derived:
            raise MappingError(Problem(f"grouping column {name!r} is not in the table", where=where, node=profile.name,
                                       hint=did_you_mean(name, schema), code="missing_column"))

    if backend != "pyspark":  # Spark timestamps are all instants in the session's zone
        _check_time_zones(wanted, source, schema, profile, source_name)
    if backend == "pandas":
        frame, converted = _pandas_booleans(frame, [n for n in wanted if source.fields[n].type == "boolean"
                                                    and n not in profile.codes and schema.get(n) == nw.Object])
        schema.update({n: nw.Boolean() for n in converted})
    # 1. flags on the raw values, 2. cleaned text (bad layouts become missing), 3. parsed values
    flags: dict[str, nw.Expr] = {}
    cleaned: list[nw.Expr] = []
    parsed: list[nw.Expr] = []
    for name in wanted:
        if name in derived:
            continue
        try:
            step = _parse_step(name, source.fields[name], schema[name], profile)
        except MappingError:  # a wrong type, unless the column holds nothing at all
            if not _is_empty(frame, name):
                raise
            schema[name] = _CANONICAL_DTYPES.get(source.fields[name].type, nw.String)()
            frame = frame.with_columns(nw.col(name).cast(schema[name]))
            step = _parse_step(name, source.fields[name], schema[name], profile)
        if step is None:
            continue
        flag, clean, parse = step
        if flag is not None:
            flags[flag[0]] = flag[1]
        if clean is not None:
            cleaned.append(clean.alias(name))
        parsed.append(parse.alias(name))
    for stage in ([e.alias(n) for n, e in flags.items()], cleaned, parsed):
        if stage:
            frame = frame.with_columns(*stage)
    zones = {n: profile.dates[n].timezone for n in wanted
             if n in profile.dates and profile.dates[n].timezone and schema.get(n) == nw.String and n not in profile.codes}
    frame, nonexistent, ambiguous = localize(frame, backend, zones)  # type: ignore[arg-type]
    flags.update({n: nw.col(n) for n in nonexistent})
    if backend == "pandas":
        frame, _ = _pandas_booleans(frame, [n for n in wanted if n in profile.codes and source.fields[n].type == "boolean"])
    if derived:
        known = set(schema)
        for name, expr in derived.items():
            unknown = sorted(expr.names - known)
            if unknown:
                raise MappingError(Problem(f"derived field {name!r} reads unknown column(s) {', '.join(map(repr, unknown))}",
                                           where=profile.where(("derived", name)), node=profile.name,
                                           hint=did_you_mean(unknown[0], known), code="unknown_column"))
        frame = frame.with_columns(*[compile_expression(e, backend).alias(n) for n, e in derived.items()])
    reason = _reasons(source, wanted, profile, set(flags))
    return Canonical(frame, (*[nw.col(f) for f in wanted], *[nw.col(e) for e in extra if e not in wanted],
                             nw.lit(table).alias(TABLE), reason.alias(REASON),
                             (_any([nw.col(a) for a in ambiguous]) if ambiguous else nw.lit(False)).alias(AMBIGUOUS)))


_CANONICAL_DTYPES = {"date": nw.Datetime, "datetime": nw.Datetime, "integer": nw.Float64, "float": nw.Float64,
                     "boolean": nw.Boolean}


def _is_empty(frame: nw.DataFrame | nw.LazyFrame, name: str) -> bool:
    """Whether a column holds nothing but missing values (then its type says nothing: polars ``Null``,
    DuckDB ``NULL`` or whatever type the table's producer guessed)."""
    counts = frame.select((nw.col(name).null_count() == nw.len()).alias("empty"))
    empty = (counts.collect() if isinstance(counts, nw.LazyFrame) else counts).item(0, 0)
    return True if empty is None else bool(empty)  # DuckDB counts the nulls of no rows as NULL


def _pandas_booleans(frame: nw.DataFrame | nw.LazyFrame, names: list[str]) -> tuple[nw.DataFrame | nw.LazyFrame, set[str]]:
    """Give pandas ``object`` columns of booleans with gaps pandas' nullable boolean dtype.

    pandas keeps such columns (``read_csv`` of a flag column with gaps, or recoded ``Y``/``N``
    codes) as Python objects, on which ``not`` gives ``~True == -2``. Columns holding anything
    else are left as they are; returns the frame and the names converted.
    """
    native = frame.to_native()
    converted = {}
    for name in names:
        try:
            converted[name] = native[name].astype("boolean")
        except (TypeError, ValueError):
            continue
    return (nw.from_native(native.assign(**converted)) if converted else frame), set(converted)


def _check_time_zones(wanted: list[str], source: Source, schema: dict[str, nw.dtypes.DType],
                      profile: SourceProfile, source_name: str) -> None:
    """Durations between a zoned and a naive datetime field have no meaning: refuse the mix."""
    zones: dict[str, str | None] = {}
    for name in wanted:
        if source.fields[name].type not in ("date", "datetime") or name not in schema:
            continue
        dtype = schema[name]
        if isinstance(dtype, nw.Datetime):
            zones[name] = dtype.time_zone
        elif dtype == nw.String:
            zones[name] = profile.dates[name].timezone if name in profile.dates else None
        elif dtype == nw.Date:
            zones[name] = None
    if len({zone is None for zone in zones.values()}) > 1:
        listed = ", ".join(f"{n} ({z or 'no time zone'})" for n, z in zones.items())
        raise MappingError(Problem(f"the datetime fields of source {source_name!r} mix zoned and naive times: {listed}",
                                   where=profile.where(()), node=profile.name, code="time_zone",
                                   hint="localise every datetime column to one zone, or none (a profile's "
                                        "'dates: {field: {timezone: ...}}' sets the zone of text dates)"))


def _literal_dtype(value: object) -> nw.dtypes.DType:
    if isinstance(value, bool):
        return nw.Boolean()
    if isinstance(value, (int, float)):
        return nw.Float64()
    return nw.String()


def _parse_step(name: str, spec: SourceField, dtype: nw.dtypes.DType,
                profile: SourceProfile) -> tuple[tuple[str, nw.Expr] | None, nw.Expr | None, nw.Expr] | None:
    """``(flag on the raw value, cleaned text, parsed value)`` of one field; ``None``: keep as is.

    The flag is ``__pmm_bad_<field>`` (text that does not parse) or ``__pmm_has_<field>`` (a raw
    value was present before recoding, so a missing result means a code outside the list).
    """
    col = nw.col(name)
    is_text = dtype == nw.String
    codes = profile.codes.get(name)
    if codes is not None:
        text = col if is_text else col.cast(nw.String)
        return (f"__pmm_has_{name}", ~col.is_null()), None, _recode(text, codes)
    kind = spec.type
    if kind in ("date", "datetime"):
        if is_text:
            fmt = profile.dates.get(name, DateFormat(format=_DEFAULT_FORMAT[kind]))
            clean, bad = _guard(col, date_pattern(fmt.format))
            return (f"__pmm_bad_{name}", bad), clean, col.str.to_datetime(fmt.format)  # zones: see localize()
        if dtype == nw.Date:
            return None, None, col.cast(nw.Datetime())
        if dtype == nw.Datetime:
            return None
        raise _wrong_type(name, kind, dtype, profile, "a datetime, a date, or text with a 'dates:' format")
    if kind in ("integer", "float"):
        if is_text:
            fmt = profile.numbers.get(name, NumberFormat())
            text = col.str.strip_chars(_SPACES)
            if fmt.thousands:
                text = text.str.replace_all(fmt.thousands, "", literal=True)
            if fmt.decimal == ",":
                text = text.str.replace_all(",", ".", literal=True)
            clean, bad = _guard(text, _NUMBER)
            return (f"__pmm_bad_{name}", bad), clean, col.cast(nw.Float64)
        if dtype in (nw.Float32, nw.Float64):  # NaN is a missing value, as pandas reads it
            return None, None, nw.when(~col.is_nan()).then(col.cast(nw.Float64))
        if dtype.is_numeric() or dtype == nw.Boolean:
            return None, None, col.cast(nw.Float64)
        raise _wrong_type(name, kind, dtype, profile, "a number, or text holding numbers")
    if kind == "boolean":
        if dtype == nw.Boolean:
            return None
        if dtype.is_numeric():
            return None, None, col != 0
        raise _wrong_type(name, kind, dtype, profile, "true/false, 0/1, or text with 'codes: {field: {Y: true, N: false}}'")
    if not is_text:
        if dtype.is_numeric() or dtype == nw.Boolean:
            return None, None, col.cast(nw.String)
        raise _wrong_type(name, kind, dtype, profile, "text or codes")
    return None


def _wrong_type(name: str, kind: str, dtype: nw.dtypes.DType, profile: SourceProfile, expected: str) -> MappingError:
    return MappingError(Problem(f"column {name!r} has type {dtype}, which cannot become the {kind} field {name!r}; "
                                f"expected {expected}", where=profile.where(()), node=profile.name,
                                hint="convert the column, or describe its layout in the profile", code="column_type"))


def _guard(text: nw.Expr, pattern: str) -> tuple[nw.Expr, nw.Expr]:
    matches = text.str.contains(pattern)
    clean = nw.when(matches).then(text)
    bad = nw.when(text.is_null()).then(nw.lit(False)).otherwise(~matches)
    return clean, bad


def _recode(text: nw.Expr, codes: dict[str, object]) -> nw.Expr:
    by_target: dict[object, list[str]] = {}
    for raw, target in codes.items():
        by_target.setdefault(target, []).append(raw)
    out: nw.Expr | None = None
    for target, raws in reversed(list(by_target.items())):
        then = nw.lit(target)
        out = nw.when(text.is_in(raws)).then(then) if out is None else \
            nw.when(text.is_in(raws)).then(then).otherwise(out)
    assert out is not None
    return out


def _reasons(source: Source, wanted: list[str], profile: SourceProfile, flags: set[str]) -> nw.Expr:
    """The first exclusion reason of each row (0 when the row is usable)."""
    numbers = [f for f in wanted if source.fields[f].type in ("integer", "float")]
    unparseable = _any([nw.col(c).fill_null(False) for c in sorted(flags) if c.startswith("__pmm_bad_")]
                       + [~nw.col(f).is_null() & ~nw.col(f).is_finite() for f in numbers])
    keys = [f for f in (source.member, source.time) if f in wanted]
    null_key = _any([nw.col(f).is_null() for f in keys])
    required = [f for f in wanted if source.fields[f].required and f not in keys]
    missing = _any([nw.col(f).is_null() for f in required])
    outside = _any([nw.col(f).is_null() & nw.col(f"__pmm_has_{f}") if f"__pmm_has_{f}" in flags
                    else ~nw.col(f).is_null() & ~nw.col(f).is_in(list(source.fields[f].codes or ()))
                    for f in wanted if f"__pmm_has_{f}" in flags or source.fields[f].type == "category"])
    out = nw.lit(0)
    for code, test in ((3, missing), (2, null_key), (4, outside), (1, unparseable)):  # last wins
        if test is not None:
            out = nw.when(test).then(nw.lit(code)).otherwise(out)
    return out


def _any(tests: list[nw.Expr]) -> nw.Expr | None:
    if not tests:
        return None
    out = tests[0]
    for t in tests[1:]:
        out = out | t
    return out
