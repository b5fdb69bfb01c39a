"""Parse and check expressions against the allowlisted grammar.

Grammar (a subset of Python expressions)::

    literals      1  2.5  "text"  True  False  None
    field names   release_ts  channel          (declared fields of the source only)
    arithmetic    a + b   a - b   a * b   a / b   a % b   -a       (no power operator)
    comparisons   ==  !=  <  <=  >  >=   x in ["a", "b"]   x not in [1, 2]
    logic         a and b   a or b   not a
    functions     hours(d) days(d) year(t) month(t) quarter(t) is_null(x) coalesce(a, b, ...)
                  startswith(s, "prefix") abs(x) if_else(cond, a, b)

Types are inferred so that mistakes surface at load time: ``hours()`` takes a duration
(the difference of two datetimes), a filter must be a boolean, and so on.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from pmm.errors import ExpressionError, Problem, did_you_mean

__all__ = ["FUNCTIONS", "Expression", "parse_expression", "MAX_LENGTH", "MAX_DEPTH"]

MAX_LENGTH = 2_000
"""Longest expression text accepted, in characters."""
MAX_DEPTH = 32
"""Deepest nesting of operations accepted."""

#: Field types of source contracts → expression types.
FIELD_TYPES = {
    "string": "string",
    "category": "string",
    "integer": "number",
    "float": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
}

#: The closed set of functions: name → (argument count range, description).
FUNCTIONS: dict[str, tuple[int, int, str]] = {
    "hours": (1, 1, "hours(duration): a duration in hours, e.g. hours(release_ts - lodgement_ts)"),
    "days": (1, 1, "days(duration): a duration in days"),
    "year": (1, 1, "year(date or datetime): the calendar year"),
    "month": (1, 1, "month(date or datetime): the month 1-12"),
    "quarter": (1, 1, "quarter(date or datetime): the quarter 1-4"),
    "is_null": (1, 1, "is_null(x): true where x is missing"),
    "coalesce": (2, 8, "coalesce(a, b, ...): the first value that is not missing"),
    "startswith": (2, 2, 'startswith(text, "prefix"): true where text starts with the prefix'),
    "abs": (1, 1, "abs(x): the absolute value"),
    "if_else": (3, 3, "if_else(condition, a, b): a where condition holds, else b"),
}

_COMPARE_OPS = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.In: "in", ast.NotIn: "not in",
}
_ARITH_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%"}
_GRAMMAR_HINT = (
    "allowed: field names, literals, + - * / %, comparisons, 'in [...]', and/or/not, and the "
    "functions " + ", ".join(f"{f}()" for f in FUNCTIONS)
)


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its allowlisted syntax tree and what it refers to.

    Attributes:
        text: the expression as written.
        tree: the checked :class:`ast.expr` root (only allowlisted node types).
        names: the field (or measure) names it reads.
        type: the inferred result type (``number``, ``boolean``, ``string``, ``datetime``,
            ``date``, ``duration``, ``null`` or ``any``).
    """

    text: str
    tree: ast.expr = field(repr=False, compare=False)
    names: frozenset[str]
    type: str

    def __str__(self) -> str:
        return self.text


def parse_expression(
    text: str,
    fields: Mapping[str, str] | Collection[str] | None = None,
    *,
    expect: str | None = None,
    codes: Mapping[str, Collection[str]] | None = None,
    where: str = "",
    node: str = "",
) -> Expression:
    """Parse ``text`` and check it against the grammar and the known fields.

    Args:
        text: the expression, e.g. ``'channel == "red" and not is_null(release_ts)'``.
        fields: the names it may read, either a mapping name → field type (``string``,
            ``integer``, ``float``, ``boolean``, ``date``, ``datetime``, ``category``, or an
            expression type such as ``number``) or a plain collection of names (type ``any``).
            ``None`` accepts any name.
        expect: required result type (``boolean`` for filters, ``number`` for measures).
        codes: allowed codes of category fields; a literal compared with such a field must be one
            of them (a misspelt code would otherwise select no rows).
        where: location for error messages (``file.yaml:12:9``).
        node: KPI id for error messages.

    Returns:
        The checked :class:`Expression`.

    Raises:
        ExpressionError: the text is not valid in the language, names an unknown field or
            function, has the wrong type, or is too long or too deeply nested.

    Example:
        >>> parse_expression('channel in ["red", "yellow"]', {"channel": "string"}).type
        'boolean'
    """
    return _Checker(text, fields, codes=codes, where=where, node=node).check(expect)


class _Checker:
    def __init__(self, text: str, fields, *, codes: Mapping[str, Collection[str]] | None, where: str, node: str):
        self.text = text
        self.codes = {k: set(v) for k, v in (codes or {}).items()}
        self.where = where
        self.node = node
        if fields is None:
            self.fields: dict[str, str] | None = None
        elif isinstance(fields, Mapping):
            self.fields = {k: FIELD_TYPES.get(v, v) for k, v in fields.items()}
        else:
            self.fields = {k: "any" for k in fields}
        self.names: set[str] = set()

    def fail(self, message: str, hint: str = _GRAMMAR_HINT, at: ast.AST | None = None) -> ExpressionError:
        fragment = ""
        if at is not None:
            segment = ast.get_source_segment(self.text, at)
            if segment is not None and segment != self.text:
                fragment = f" in {segment[:60]!r}"
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return ExpressionError(
            Problem(f"{message}{fragment} (expression: {shown!r})", where=self.where, node=self.node,
                    hint=hint, code="expression")
        )

    def check(self, expect: str | None) -> Expression:
        if not isinstance(self.text, str):
            raise self.fail(f"expected an expression as text, found {type(self.text).__name__}",
                            hint="quote the expression in YAML")
        if not self.text.strip():
            raise self.fail("expected an expression, found empty text", hint="write e.g. channel == \"red\"")
        if len(self.text) > MAX_LENGTH:
            raise self.fail(f"expression is {len(self.text):,} characters long; the limit is {MAX_LENGTH:,}",
                            hint="split it into derived fields")
        try:
            tree = ast.parse(self.text.strip(), mode="eval")
        except SyntaxError as exc:
            raise self.fail(f"syntax error: {exc.msg}", hint="write a Python-style expression; " + _GRAMMAR_HINT) from None
        except (RecursionError, MemoryError, ValueError):
            raise self.fail(f"expression is nested too deeply (limit {MAX_DEPTH})",
                            hint="split it into derived fields") from None
        self.text = self.text.strip()
        result = self.visit(tree.body, 0)
        if expect is not None and result not in (expect, "any", "null"):
            raise self.fail(f"expected a {expect} expression, found a {result} one",
                            hint="a filter must be a condition such as channel == \"red\"" if expect == "boolean"
                            else "a measure must be a number, e.g. hours(release_ts - lodgement_ts)")
        return Expression(self.text, tree.body, frozenset(self.names), result)

    # -- visitors ------------------------------------------------------------------------------
    def visit(self, n: ast.AST, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise self.fail(f"expression is nested too deeply (limit {MAX_DEPTH})", hint="split it into derived fields")
        method = getattr(self, f"visit_{type(n).__name__}", None)
        if method is None:
            raise self.fail(f"{_describe(n)} is not allowed", at=n)
        return method(n, depth + 1)

    def visit_Constant(self, n: ast.Constant, depth: int) -> str:
        v = n.value
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, (int, float)):
            return "number"
        if isinstance(v, str):
            return "string"
        raise self.fail(f"literal of type {type(v).__name__} is not allowed", at=n)

    def visit_Name(self, n: ast.Name, depth: int) -> str:
        if n.id.startswith("_"):
            raise self.fail(f"name {n.id!r} is not allowed (names may not start with '_')", at=n)
        if n.id in FUNCTIONS and (self.fields is None or n.id not in self.fields):
            raise self.fail(f"function {n.id!r} must be called with arguments", hint=FUNCTIONS[n.id][2], at=n)
        if self.fields is not None and n.id not in self.fields:
            known = ", ".join(sorted(self.fields)) or "none"
            hint = did_you_mean(n.id, self.fields)
            raise self.fail(f"unknown field {n.id!r}; known fields: {known}",
                            hint=hint if hint.startswith("did") else "declare the field in the source contract")
        self.names.add(n.id)
        return "any" if self.fields is None else self.fields[n.id]

    def visit_UnaryOp(self, n: ast.UnaryOp, depth: int) -> str:
        t = self.visit(n.operand, depth)
        if isinstance(n.op, ast.Not):
            self.require(t, {"boolean"}, n, "'not' needs a condition")
            return "boolean"
        if isinstance(n.op, (ast.USub, ast.UAdd)):
            self.require(t, {"number", "duration"}, n, "unary minus needs a number")
            return t
        raise self.fail("operator '~' is not allowed", at=n)

    def visit_BinOp(self, n: ast.BinOp, depth: int) -> str:
        op = _ARITH_OPS.get(type(n.op))
        if op is None:
            extra = " (there is no power operator)" if isinstance(n.op, ast.Pow) else ""
            raise self.fail(f"operator {_describe(n.op)} is not allowed{extra}", at=n)
        left, right = self.visit(n.left, depth), self.visit(n.right, depth)
        if "any" in (left, right):
            return "duration" if op == "-" and "datetime" in (left, right) else ("number" if left == right == "number" else "any")
        if op == "-" and left == right and left in ("datetime", "date"):
            return "duration"
        if op in "+-" and left == right == "duration":
            return "duration"
        if left == right == "number":
            return "number"
        raise self.fail(f"cannot apply {op!r} to {left} and {right}",
                        hint="subtract two datetimes and wrap the difference in hours() or days()", at=n)

    def visit_BoolOp(self, n: ast.BoolOp, depth: int) -> str:
        for v in n.values:
            self.require(self.visit(v, depth), {"boolean"}, v, "'and'/'or' combine conditions")
        return "boolean"

    def visit_Compare(self, n: ast.Compare, depth: int) -> str:
        left_node, left = n.left, self.visit(n.left, depth)
        for op, right in zip(n.ops, n.comparators):
            if type(op) not in _COMPARE_OPS:
                raise self.fail(f"comparison {_describe(op)} is not allowed", hint="use == or != (not 'is')", at=n)
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right, (ast.List, ast.Tuple)) or not right.elts:
                    raise self.fail("'in' needs a non-empty list of literals, e.g. x in [\"a\", \"b\"]", at=n)
                for e in right.elts:
                    if not isinstance(e, ast.Constant) or isinstance(e.value, bytes):
                        raise self.fail("'in' lists may hold only literals", at=e)
                    if e.value is None:
                        raise self.fail("'in' lists may not hold None (engines disagree on whether a missing "
                                        "value is in a list)", hint='write (x in ["a"] or is_null(x))', at=e)
                    self.compatible(left, self.visit(e, depth), n)
                    self.check_code(left_node, e)
                left_node = right
                continue
            rt = self.visit(right, depth)
            if "null" in (left, rt) and not isinstance(op, (ast.Eq, ast.NotEq)):
                raise self.fail(f"cannot order a value against None with {_COMPARE_OPS[type(op)]!r}",
                                hint="x == None means is_null(x); use is_null(x) or not is_null(x)", at=n)
            self.compatible(left, rt, n)
            self.check_code(left_node, right)
            self.check_code(right, left_node)
            left_node, left = right, rt
        return "boolean"

    def compatible(self, left: str, right: str, at: ast.AST) -> None:
        if "any" not in (left, right) and "null" not in (left, right) and left != right:
            raise self.fail(f"cannot compare {left} with {right}",
                            hint="compare like with like; use is_null(x) for missing values", at=at)

    def check_code(self, field_node: ast.AST, literal: ast.AST) -> None:
        """A literal compared with a category field must be one of its codes."""
        if not (isinstance(field_node, ast.Name) and field_node.id in self.codes):
            return
        if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
            allowed = self.codes[field_node.id]
            if literal.value not in allowed:
                hint = did_you_mean(literal.value, allowed)
                raise self.fail(f"{literal.value!r} is not a code of {field_node.id!r} "
                                f"(codes: {', '.join(sorted(allowed))})", hint=hint, at=literal)

    def visit_Call(self, n: ast.Call, depth: int) -> str:
        if not isinstance(n.func, ast.Name):
            raise self.fail("only calls of the listed functions are allowed (no methods or attributes)", at=n)
        name = n.func.id
        if name not in FUNCTIONS:
            hint = did_you_mean(name, FUNCTIONS)
            raise self.fail(f"unknown function {name!r}", hint=hint if hint.startswith("did") else _GRAMMAR_HINT, at=n)
        if n.keywords:
            raise self.fail(f"{name}() takes no keyword arguments", hint=FUNCTIONS[name][2], at=n)
        lo, hi, doc = FUNCTIONS[name]
        if any(isinstance(a, ast.Starred) for a in n.args) or not lo <= len(n.args) <= hi:
            count = f"{lo}" if lo == hi else f"{lo} to {hi}"
            raise self.fail(f"{name}() takes {count} argument(s), found {len(n.args)}", hint=doc, at=n)
        types = [self.visit(a, depth) for a in n.args]
        if name in ("hours", "days"):
            self.require(types[0], {"duration"}, n, doc)
            return "number"
        if name in ("year", "month", "quarter"):
            self.require(types[0], {"date", "datetime"}, n, doc)
            return "number"
        if name == "is_null":
            return "boolean"
        if name == "coalesce":
            known = [t for t in types if t not in ("any", "null")]
            if len(set(known)) > 1:
                raise self.fail(f"coalesce() arguments must have one type, found {', '.join(known)}", hint=doc, at=n)
            return known[0] if known else "any"
        if name == "startswith":
            self.require(types[0], {"string"}, n, doc)
            if not (isinstance(n.args[1], ast.Constant) and isinstance(n.args[1].value, str)):
                raise self.fail("startswith() needs a text literal as its prefix", hint=doc, at=n)
            return "boolean"
        if name == "abs":
            self.require(types[0], {"number", "duration"}, n, doc)
            return types[0]
        # if_else
        self.require(types[0], {"boolean"}, n, doc)
        branch = [t for t in types[1:] if t not in ("any", "null")]
        if len(set(branch)) > 1:
            raise self.fail(f"if_else() branches must have one type, found {', '.join(branch)}", hint=doc, at=n)
        return branch[0] if branch else "any"

    def require(self, found: str, allowed: set[str], at: ast.AST, hint: str) -> None:
        if found not in allowed and found != "any":
            wanted = " or ".join(sorted(allowed))
            raise self.fail(f"expected {wanted}, found {found}", hint=hint, at=at)


def _describe(n: ast.AST) -> str:
    names = {
        "Attribute": "attribute access (x.y)", "Subscript": "indexing (x[...])",
        "Lambda": "lambda", "ListComp": "a list comprehension", "SetComp": "a set comprehension",
        "DictComp": "a dict comprehension", "GeneratorExp": "a generator expression",
        "NamedExpr": "assignment (:=)", "IfExp": "a conditional expression (use if_else())",
        "Await": "await", "Yield": "yield", "YieldFrom": "yield", "JoinedStr": "an f-string",
        "Starred": "unpacking (*x)", "Dict": "a dict", "Set": "a set", "List": "a list outside 'in'",
        "Tuple": "a tuple outside 'in'", "Pow": "'**'", "FloorDiv": "'//'", "MatMult": "'@'",
        "LShift": "'<<'", "RShift": "'>>'", "BitOr": "'|' (use 'or')", "BitAnd": "'&' (use 'and')",
        "BitXor": "'^'", "Is": "'is'", "IsNot": "'is not'", "Invert": "'~'",
    }
    return names.get(type(n).__name__, type(n).__name__)
