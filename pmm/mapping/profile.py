"""Source profiles: how one administration's raw table feeds a canonical source.

A profile is YAML, loaded safely and validated with ``file:line:column`` in every error::

    source: declarations              # the canonical source of the catalog it feeds
    name: kcs                         # optional; defaults to the file name
    rename: {Declaration ID: declaration_id, Date: lodgement_ts, Fraud: fraud}
    codes:                            # raw code → canonical code (compared as text)
      transport_mode: {"10": sea, "40": air}
    dates:                            # text → datetime, strftime format and optional time zone
      lodgement_ts: {format: "%Y-%m-%d"}
    numbers:                          # text → number
      customs_value: {decimal: ",", thousands: "."}
    constants: {member: KOR, flow: import, inspected: true}
    derived:                          # canonical fields computed with the expression language
      finding: fraud == 1
      preferential: startswith(tax_type, "F")

Steps run in this order: rename, constants, dates and numbers, codes, derived.

Example:
    >>> p = load_profile_text("source: declarations\\nconstants: {member: KOR}\\n", "p.yaml")
    >>> p.source, p.name, dict(p.constants)
    ('declarations', 'p', {'member': 'KOR'})
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pmm.catalog.models import Source
from pmm.catalog.yaml_source import load_yaml
from pmm.errors import CatalogError, ExpressionError, MappingError, Problem, did_you_mean
from pmm.expr import Expression, parse_expression

__all__ = ["SourceProfile", "DateFormat", "NumberFormat", "load_profile", "load_profile_text"]

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
Scalar = str | int | float | bool


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DateFormat(_Model):
    """How a text column becomes a datetime."""

    format: str = Field("%Y-%m-%d", description="strftime format, e.g. '%d/%m/%Y %H:%M'.")
    timezone: str | None = Field(None, description="IANA zone of naive wall-clock times, e.g. 'Asia/Seoul'.")

    @field_validator("format")
    @classmethod
    def _known_directives(cls, value: str) -> str:
        unknown = sorted(set(re.findall(r"%(.)", value)) - set(_DIRECTIVES))
        if unknown:
            raise ValueError(f"unsupported directive(s) {', '.join('%' + u for u in unknown)}; "
                             f"supported: {', '.join('%' + d for d in _DIRECTIVES)}")
        return value


class NumberFormat(_Model):
    """How a text column becomes a number."""

    decimal: str = Field(".", pattern=r"^[.,]$", description="Decimal separator.")
    thousands: str | None = Field(None, description="Thousands separator to remove ('.', ',', ' ' or \"'\").")

    @field_validator("thousands")
    @classmethod
    def _separator(cls, value: str | None) -> str | None:
        if value is not None and value not in (".", ",", " ", "'"):
            raise ValueError(f"thousands separator must be one of '.', ',', ' ', \"'\", found {value!r}")
        return value


class SourceProfile(_Model):
    """One raw table's layout → a canonical source (see the module docstring for the YAML).

    Example:
        >>> p = SourceProfile(source="declarations", rename={"Office ID": "office"},
        ...                   codes={"transport_mode": {"40": "air"}}, derived={"express": "not is_null(courier)"})
        >>> p.derived_expressions()["express"].names
        frozenset({'courier'})
    """

    source: str = Field(description="Canonical source fed by the table.")
    name: str = Field("", description="Profile name (defaults to the file name).")
    description: str = ""
    rename: dict[str, str] = Field(default_factory=dict, description="Raw column → canonical (or helper) name.")
    codes: dict[str, dict[str, Scalar]] = Field(default_factory=dict, description="Field → {raw code: canonical code}.")
    dates: dict[str, DateFormat] = Field(default_factory=dict)
    numbers: dict[str, NumberFormat] = Field(default_factory=dict)
    constants: dict[str, Scalar] = Field(default_factory=dict)
    derived: dict[str, str] = Field(default_factory=dict, description="Field → expression over the renamed columns.")
    where_: dict[tuple[str, ...], str] = Field(default_factory=dict, exclude=True, repr=False,
                                               description="Set by the loader: key path → file:line:column.")

    @field_validator("rename")
    @classmethod
    def _targets_are_names(cls, value: dict[str, str]) -> dict[str, str]:
        for raw, target in value.items():
            if not _IDENTIFIER.match(str(target)):
                raise ValueError(f"rename target {target!r} (for column {raw!r}) must be a name of letters, "
                                 "digits and '_' starting with a letter")
        seen: dict[str, str] = {}
        for raw, target in value.items():
            if target in seen:
                raise ValueError(f"columns {seen[target]!r} and {raw!r} are both renamed to {target!r}")
            seen[target] = raw
        return value

    @field_validator("codes", mode="before")
    @classmethod
    def _codes_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {f: ({str(k): v for k, v in m.items()} if isinstance(m, dict) else m) for f, m in value.items()}
        return value

    @field_validator("derived")
    @classmethod
    def _derived_parse(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            parse_expression(text, None, node=name)
        return value

    def derived_expressions(self) -> dict[str, Expression]:
        """The derived fields as checked expressions (names not yet checked against a table)."""
        return {name: parse_expression(text, None, where=self.where(("derived", name)), node=name)
                for name, text in self.derived.items()}

    def where(self, path: tuple[str, ...]) -> str:
        """``file:line:column`` of a key of the profile (or of its nearest enclosing key)."""
        while path and path not in self.where_:
            path = path[:-1]
        return self.where_.get(path, self.where_.get((), self.name))

    def produces(self) -> set[str]:
        """Canonical names this profile provides beyond the table's own columns."""
        return set(self.rename.values()) | set(self.constants) | set(self.derived)

    def check_against(self, source: Source, source_name: str) -> list[Problem]:
        """Problems of this profile against the canonical source contract it feeds.

        Example:
            >>> import pmm
            >>> src = pmm.load_catalog("indicators/wco-pmm").sources["declarations"]
            >>> p = SourceProfile(source="declarations", codes={"channel": {"R": "redd"}})
            >>> print(p.check_against(src, "declarations")[0].message)
            code 'redd' for raw 'R' is not a code of channel; codes: green, yellow, orange, red
        """
        fields = source.fields
        problems: list[Problem] = []

        def unknown(section: str, name: str) -> None:
            problems.append(Problem(f"{section}: {name!r} is not a field of canonical source {source_name!r}",
                                    where=self.where((section, name)), node=self.name,
                                    hint=did_you_mean(name, fields), code="unknown_field"))

        for section in ("codes", "dates", "numbers"):  # constants and derived may also add helper columns
            for name in getattr(self, section):
                if name not in fields:
                    unknown(section, name)
        for name, table in self.codes.items():
            spec = fields.get(name)
            if spec is None:
                continue
            for raw, code in table.items():
                if spec.type == "category" and str(code) not in (spec.codes or ()):
                    problems.append(Problem(f"code {code!r} for raw {raw!r} is not a code of {name}; codes: "
                                            + ", ".join(spec.codes or ()), where=self.where(("codes", name, raw)),
                                            node=self.name, hint=did_you_mean(str(code), spec.codes or ()),
                                            code="unknown_code"))
                elif spec.type == "boolean" and not isinstance(code, bool):
                    problems.append(Problem(f"boolean field {name} needs true/false codes, found {code!r}",
                                            where=self.where(("codes", name, raw)), node=self.name, code="code_type"))
        for name in self.dates:
            if name in fields and fields[name].type not in ("date", "datetime"):
                problems.append(Problem(f"dates: {name} is a {fields[name].type} field, not a date or datetime",
                                        where=self.where(("dates", name)), node=self.name, code="field_type"))
        for name in self.numbers:
            if name in fields and fields[name].type not in ("integer", "float"):
                problems.append(Problem(f"numbers: {name} is a {fields[name].type} field, not a number",
                                        where=self.where(("numbers", name)), node=self.name, code="field_type"))
        return problems


def load_profile_text(text: str, filename: str = "<profile>") -> SourceProfile:
    """Parse and validate a profile from YAML text.

    Raises:
        MappingError: invalid YAML, unknown keys, wrong types or expressions outside the
            language, each with ``file:line:column``.

    Example:
        >>> load_profile_text("source: declarations\\nrenam: {}\\n", "p.yaml")
        Traceback (most recent call last):
        ...
        pmm.errors.MappingError: 1 problem in the mapping:
          p.yaml:2:1 [p]: unknown key 'renam' (hint: did you mean 'rename'?)
    """
    name = Path(filename).stem
    try:
        data, marks = load_yaml(text, filename)
    except CatalogError as exc:
        raise MappingError(exc.problems) from None
    if not isinstance(data, dict):
        raise MappingError(Problem(f"expected a mapping with 'source:' and profile sections, found {type(data).__name__}",
                                   where=filename, code="file_shape"))
    where = {tuple(str(p) for p in path): f"{filename}:{line}:{col}" for path, (line, col) in marks.items()}
    data = {"name": name, **data}
    name = str(data["name"])
    derived = data.get("derived")
    if isinstance(derived, dict):
        problems = []
        for field, text in derived.items():
            try:
                parse_expression(text, None, where=where.get(("derived", str(field)), filename), node=str(field))
            except ExpressionError as exc:
                problems.extend(exc.problems)
        if problems:
            raise MappingError(problems)
    try:
        return SourceProfile.model_validate({**data, "where_": where})
    except ExpressionError as exc:  # pragma: no cover - pydantic wraps validator errors
        raise MappingError(exc.problems) from None
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(str(p) for p in err["loc"])
            at = where.get(loc) or where.get(loc[:-1]) or where.get(loc[:1]) or filename
            if err["type"] == "extra_forbidden":
                problems.append(Problem(f"unknown key {loc[-1]!r}", where=at, node=name,
                                        hint=did_you_mean(loc[-1], _SECTION_NAMES), code="unknown_key"))
            elif err["type"] == "missing":
                problems.append(Problem(f"missing required key {loc[-1]!r}", where=at, node=name,
                                        hint=f"add '{loc[-1]}:' (the canonical source this table feeds)", code="missing"))
            else:
                cause = err.get("ctx", {}).get("error")
                if isinstance(cause, ExpressionError):
                    problems.extend(Problem(p.message, where=at, node=loc[-1], hint=p.hint, code=p.code)
                                    for p in cause.problems)
                    continue
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(Problem(f"{'.'.join(loc)}: {msg}", where=at, node=name, code=err["type"]))
        raise MappingError(problems) from None


def load_profile(path: str | os.PathLike[str]) -> SourceProfile:
    """Load a profile from a YAML file, or a profile shipped with pmm by name.

    Shipped profiles: ``pmm.mapping.profiles`` (see :func:`pmm.mapping.shipped_profiles`).

    Example:
        >>> p = load_profile("examples/kcs/kcs_profile.yaml")
        >>> p.source
        'declarations'
    """
    file = Path(path)
    if not file.is_file():
        from pmm.mapping.profiles import shipped_profile_path

        shipped = shipped_profile_path(str(path))
        if shipped is None:
            raise MappingError(Problem(f"profile {str(path)!r} does not exist", where=str(path),
                                       hint="pass the path of a profile YAML file", code="missing_file"))
        file = shipped
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MappingError(Problem(f"file is not UTF-8 text ({exc.reason})", where=str(file), code="encoding")) from None
    return load_profile_text(text, str(file))


_SECTION_NAMES = [n for n in SourceProfile.model_fields if n != "where_"]

#: strftime directives understood by date parsing, with the text they match.
_DIRECTIVES: dict[str, str] = {
    "Y": r"[0-9]{4}", "m": r"(?:0?[1-9]|1[0-2])", "d": r"(?:0?[1-9]|[12][0-9]|3[01])", "H": r"(?:[01]?[0-9]|2[0-3])",
    "M": r"[0-5]?[0-9]", "S": r"[0-5]?[0-9]", "f": r"[0-9]{1,9}", "%": "%",
}


def date_pattern(fmt: str) -> str:
    r"""A regular expression matching the text a strftime format produces, for existing dates only.

    With ``%d`` and ``%m`` in the format, days beyond the end of their month do not match
    (30 February; 29 February only in leap years when ``%Y`` is there too), so such text is
    excluded as unparseable instead of stopping the engine's parser.

    Example:
        >>> date_pattern("%Y-%m")
        '^[0-9]{4}\\-(?:0?[1-9]|1[0-2])$'
        >>> [bool(re.match(date_pattern("%d/%m/%Y"), t)) for t in ("31/01/2023", "30/02/2024", "29/02/2024", "29/02/2023")]
        [True, False, True, False]
    """
    if fmt.count("%d") != 1 or fmt.count("%m") != 1:
        return "^" + _render(fmt, {}) + "$"
    leap_day = [{"m": "0?2", "d": "29", "Y": _LEAP_YEAR}] if "%Y" in fmt else []
    february = "(?:0?[1-9]|1[0-9]|2[0-8])" if "%Y" in fmt else "(?:0?[1-9]|1[0-9]|2[0-9])"
    variants = [{"m": "(?:0?[13578]|1[02])", "d": _DIRECTIVES["d"]},
                {"m": "(?:0?[469]|11)", "d": "(?:0?[1-9]|[12][0-9]|30)"},
                {"m": "0?2", "d": february}, *leap_day]
    return "^(?:" + "|".join(_render(fmt, v) for v in variants) + ")$"


#: Four-digit leap years: divisible by 4 and not by 100, or by 400.
_LEAP_YEAR = "(?:[0-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"


def _render(fmt: str, overrides: dict[str, str]) -> str:
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            out.append(overrides.get(fmt[i + 1], _DIRECTIVES[fmt[i + 1]]))
            i += 2
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return "".join(out)
