"""Compile checked expressions (:mod:`pmm.expr`) into narwhals expressions.

Only the allowlisted syntax tree produced by :func:`pmm.expr.parse_expression` is walked;
every node type maps to one narwhals construct and anything else raises
:class:`~pmm.errors.ExpressionError`. Nothing is evaluated as Python.

Two constructs need care per backend (see ``docs/mapping.md``):

* ``hours()`` / ``days()`` of a timestamp difference: pandas, polars and DuckDB use
  ``dt.total_seconds()``; narwhals does not implement it on Spark, so there the difference is
  taken between epoch seconds computed from calendar fields (exact for UTC sessions).
* division: ``a / b`` is missing (not ``inf``) where ``b`` is 0 on every backend.

Example:
    >>> import narwhals as nw, pandas as pd
    >>> from pmm.expr import parse_expression
    >>> e = parse_expression("hours(t1 - t0) > 1", {"t0": "datetime", "t1": "datetime"})
    >>> df = pd.DataFrame({"t0": pd.to_datetime(["2024-01-01 00:00"]), "t1": pd.to_datetime(["2024-01-01 02:00"])})
    >>> nw.from_native(df).select(compile_expression(e, "pandas").alias("x")).to_native()["x"].tolist()
    [True]
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

import narwhals as nw

from pmm.errors import ExpressionError, Problem
from pmm.expr import Expression

__all__ = ["compile_expression", "known_expression", "epoch_seconds", "field_pair", "datetime_fields", "backend_of"]

_SECONDS = {"hours": 3600.0, "days": 86400.0}


def backend_of(frame: nw.DataFrame | nw.LazyFrame) -> str:
    """The backend name of a narwhals frame: ``pandas``, ``polars``, ``duckdb``, ``pyspark`` …

    Example:
        >>> import narwhals as nw, pandas as pd
        >>> backend_of(nw.from_native(pd.DataFrame({"a": [1]})))
        'pandas'
    """
    impl = frame.implementation
    if impl.is_pyspark() or impl.is_pyspark_connect() or impl.is_sqlframe():
        return "pyspark"
    return str(impl.value) if hasattr(impl, "value") else str(impl)


def epoch_seconds(expr: nw.Expr) -> nw.Expr:
    """Seconds since 1970-01-01 of a datetime expression, from its calendar fields.

    Works on every narwhals backend (it uses only ``dt.year() … dt.microsecond()`` and integer
    arithmetic; the day count is Howard Hinnant's ``days_from_civil``).

    Example:
        >>> import narwhals as nw, pandas as pd
        >>> df = nw.from_native(pd.DataFrame({"t": pd.to_datetime(["2024-03-01 01:00:00"])}))
        >>> df.select(epoch_seconds(nw.col("t")).alias("s")).to_native()["s"].tolist()
        [1709254800.0]
    """
    month = expr.dt.month()
    year = expr.dt.year() - (month <= 2).cast(nw.Int64)
    era = year // 400
    yoe = year - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + expr.dt.day() - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return (days.cast(nw.Float64) * 86400.0 + expr.dt.hour().cast(nw.Float64) * 3600.0
            + expr.dt.minute().cast(nw.Float64) * 60.0 + expr.dt.second().cast(nw.Float64)
            + expr.dt.microsecond().cast(nw.Float64) / 1e6)


def compile_expression(expression: Expression, backend: str, epoch: Mapping[str, nw.Expr] | None = None,
                       seconds: Mapping[tuple[str, str], nw.Expr] | None = None) -> nw.Expr:
    """Compile a checked :class:`~pmm.expr.Expression` into a narwhals expression.

    Args:
        expression: the output of :func:`pmm.expr.parse_expression`.
        backend: the backend name (:func:`backend_of`), which selects the duration lowering.
        epoch: on Spark, precomputed epoch seconds of datetime fields (name → expression, see
            :func:`epoch_seconds`); fields not listed get the calculation inline. Precomputing
            keeps Spark's query plans small when many KPIs use durations.
        seconds: precomputed durations in seconds of ``a - b`` field pairs (``(a, b)`` →
            expression), so that several KPIs reading ``hours(a - b)`` share one column.

    Raises:
        ExpressionError: a node outside the allowlist (only reachable with a hand-made tree).

    Example:
        >>> import narwhals as nw, pandas as pd
        >>> from pmm.expr import parse_expression
        >>> e = parse_expression('startswith(tax, "F") and rate / 2 > 1', {"tax": "string", "rate": "float"})
        >>> df = nw.from_native(pd.DataFrame({"tax": ["FCN1", "A"], "rate": [4.0, 8.0]}))
        >>> df.select(compile_expression(e, "pandas").alias("x")).to_native()["x"].tolist()
        [True, False]
    """
    return _Compiler(expression, backend, dict(epoch or {}), dict(seconds or {})).visit(expression.tree)


def known_expression(expression: Expression, backend: str) -> nw.Expr:
    """Where the value of ``expression`` is known: a boolean expression that is never missing.

    A field is known where it is not missing; ``is_null()`` is always known; ``coalesce`` where
    any argument is; ``if_else`` where the condition and the chosen branch are; every other
    construct where all its operands are. ``share`` measures count only rows where the
    expression is known, the same on every backend.

    Example:
        >>> import narwhals as nw, pandas as pd
        >>> from pmm.expr import parse_expression
        >>> e = parse_expression('mode == "air"', {"mode": "string"})
        >>> df = nw.from_native(pd.DataFrame({"mode": ["air", None, "sea"]}))
        >>> df.select(known_expression(e, "pandas").alias("k")).to_native()["k"].tolist()
        [True, False, True]
    """
    compiler = _Compiler(expression, backend, {}, {})

    def known(node: ast.AST) -> nw.Expr | None:  # None: always known
        if isinstance(node, ast.Constant):
            return None if node.value is not None else nw.lit(False)
        if isinstance(node, ast.Name):
            return ~compiler.visit(node).is_null()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "is_null":
                return None
            parts = [known(a) for a in node.args]
            if node.func.id == "coalesce":
                return None if any(p is None for p in parts) else _any(parts)  # type: ignore[arg-type]
            if node.func.id == "if_else":
                cond, then, other = parts
                chosen = nw.when(compiler.visit(node.args[0])).then(_or_true(then)).otherwise(_or_true(other))
                return chosen if cond is None else cond & chosen
            return _all_known(parts)
        children = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
        if isinstance(node, ast.Compare):
            children = []
            operands = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, operands, operands[1:]):
                if isinstance(op, (ast.In, ast.NotIn)):
                    children.append(left)
                elif not (_is_none(left) or _is_none(right)):  # x == None is is_null(x): always known
                    children += [left, right]
        return _all_known([known(c) for c in children])

    return _or_true(known(expression.tree))


def _all_known(parts: list[nw.Expr | None]) -> nw.Expr | None:
    present = [p for p in parts if p is not None]
    return _all(present) if present else None


def _or_true(test: nw.Expr | None) -> nw.Expr:
    return nw.lit(True) if test is None else test


def _any(tests: list[nw.Expr]) -> nw.Expr:
    out = tests[0]
    for t in tests[1:]:
        out = out | t
    return out


class _Compiler:
    def __init__(self, expression: Expression, backend: str, epoch: dict[str, nw.Expr],
                 seconds: dict[tuple[str, str], nw.Expr]):
        self.expression = expression
        self.backend = backend
        self.epoch = epoch
        self.seconds = seconds

    def fail(self, node: ast.AST) -> ExpressionError:
        return ExpressionError(Problem(f"{type(node).__name__} cannot be compiled (expression: {self.expression.text!r})",
                                       hint="only trees from pmm.expr.parse_expression are compiled",
                                       code="expression"))

    def visit(self, node: ast.AST) -> nw.Expr:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(node)
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> nw.Expr:
        if not isinstance(node.value, (str, int, float, bool, type(None))):
            raise self.fail(node)
        return nw.lit(node.value)

    def visit_Name(self, node: ast.Name) -> nw.Expr:
        if node.id.startswith("_"):
            raise self.fail(node)
        return nw.col(node.id)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> nw.Expr:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return ~operand
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(node.op)

    def visit_BinOp(self, node: ast.BinOp) -> nw.Expr:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return nw.when(right != 0).then(left.cast(nw.Float64) / right)
        if isinstance(node.op, ast.Mod):
            return nw.when(right != 0).then(left % right)
        raise self.fail(node.op)

    def visit_BoolOp(self, node: ast.BoolOp) -> nw.Expr:
        values = [self.visit(v) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = (out & v) if isinstance(node.op, ast.And) else (out | v)
        return out

    def visit_Compare(self, node: ast.Compare) -> nw.Expr:
        parts: list[nw.Expr] = []
        left_node = node.left
        left = self.visit(left_node)
        for op, right_node in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                values = [e.value for e in right_node.elts]  # type: ignore[attr-defined]
                test = left.is_in(values)
                parts.append(_null_if_null(~test if isinstance(op, ast.NotIn) else test, [(left, left_node)]))
                continue
            right = self.visit(right_node)
            parts.append(self._compare(op, left, right, left_node, right_node))
            left, left_node = right, right_node
        out = parts[0]
        for p in parts[1:]:
            out = out & p
        return out

    def _compare(self, op: ast.cmpop, left: nw.Expr, right: nw.Expr, ln: ast.AST, rn: ast.AST) -> nw.Expr:
        null_side = left if _is_none(rn) else right if _is_none(ln) else None
        if null_side is not None and isinstance(op, (ast.Eq, ast.NotEq)):
            return null_side.is_null() if isinstance(op, ast.Eq) else ~null_side.is_null()
        ops = {ast.Eq: left.__eq__, ast.NotEq: left.__ne__, ast.Lt: left.__lt__, ast.LtE: left.__le__,
               ast.Gt: left.__gt__, ast.GtE: left.__ge__}
        if type(op) not in ops:
            raise self.fail(op)
        return _null_if_null(ops[type(op)](right), [(left, ln), (right, rn)])

    def visit_Call(self, node: ast.Call) -> nw.Expr:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name in _SECONDS:
            return self._duration_seconds(node.args[0]) / _SECONDS[name]
        args = [self.visit(a) for a in node.args]
        if name == "year":
            return args[0].dt.year()
        if name == "month":
            return args[0].dt.month()
        if name == "quarter":
            return (args[0].dt.month() - 1) // 3 + 1
        if name == "is_null":
            return args[0].is_null()
        if name == "coalesce":
            return nw.coalesce(*args)
        if name == "startswith":
            return args[0].str.starts_with(node.args[1].value)  # type: ignore[attr-defined]
        if name == "abs":
            return args[0].abs()
        if name == "if_else":
            return nw.when(args[0]).then(args[1]).otherwise(args[2])
        raise self.fail(node)

    def _duration_seconds(self, node: ast.AST) -> nw.Expr:
        """Seconds of a duration expression, the same number on every backend.

        Only the difference of two datetimes is a native duration; ``abs``, unary minus, sums and
        ``coalesce``/``if_else`` of durations are computed on the seconds, since engines disagree on
        duration arithmetic (DuckDB has no ``abs`` of an interval).
        """
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            if isinstance(node.op, ast.Sub) and not _is_duration(node.left):  # datetime - datetime
                pair = field_pair(node)
                if pair in self.seconds:
                    return self.seconds[pair]
                if self.backend == "pyspark":
                    return self._epoch(node.left) - self._epoch(node.right)
                return (self.visit(node.left) - self.visit(node.right)).dt.total_seconds().cast(nw.Float64)
            left, right = self._duration_seconds(node.left), self._duration_seconds(node.right)
            return left - right if isinstance(node.op, ast.Sub) else left + right
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self._duration_seconds(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("abs", "coalesce", "if_else"):
            if node.func.id == "abs":
                return self._duration_seconds(node.args[0]).abs()
            if node.func.id == "coalesce":
                return nw.coalesce(*[self._duration_seconds(a) for a in node.args])
            return nw.when(self.visit(node.args[0])).then(self._duration_seconds(node.args[1])) \
                .otherwise(self._duration_seconds(node.args[2]))
        raise ExpressionError(Problem(f"cannot lower the duration {ast.unparse(node)!r}",
                                      hint="write durations as differences of two datetime fields, "
                                           "e.g. hours(release_ts - lodgement_ts)", code="expression"))

    def _epoch(self, node: ast.AST) -> nw.Expr:
        """Epoch seconds of a datetime expression on Spark (fields, ``coalesce`` and ``if_else`` of them)."""
        if isinstance(node, ast.Name):
            return self.epoch.get(node.id, epoch_seconds(self.visit(node)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "coalesce":
            return nw.coalesce(*[self._epoch(a) for a in node.args])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "if_else":
            return nw.when(self.visit(node.args[0])).then(self._epoch(node.args[1])).otherwise(self._epoch(node.args[2]))
        raise ExpressionError(Problem(f"cannot lower the datetime {ast.unparse(node)!r} on Spark",
                                      hint="write durations as differences of two datetime fields, "
                                           "e.g. hours(release_ts - lodgement_ts)", code="expression"))


def datetime_fields(duration: ast.AST) -> set[str]:
    """Names of the datetime fields a checked duration expression subtracts (not its conditions).

    Example:
        >>> sorted(datetime_fields(ast.parse("abs(if_else(x > 1, t1 - t0, coalesce(t2, t1) - t0))", mode="eval").body))
        ['t0', 't1', 't2']
    """
    if isinstance(duration, ast.BinOp):
        if isinstance(duration.op, ast.Sub) and not _is_duration(duration.left):
            return _datetime_names(duration.left) | _datetime_names(duration.right)
        return datetime_fields(duration.left) | datetime_fields(duration.right)
    if isinstance(duration, ast.UnaryOp):
        return datetime_fields(duration.operand)
    if isinstance(duration, ast.Call) and isinstance(duration.func, ast.Name):
        args = duration.args[1:] if duration.func.id == "if_else" else duration.args
        return set().union(*[datetime_fields(a) for a in args])
    return set()


def _datetime_names(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = node.args[1:] if node.func.id == "if_else" else node.args
        return set().union(*[_datetime_names(a) for a in args])
    return set()


def _is_duration(node: ast.AST) -> bool:
    """Whether a checked operand of a duration expression is itself a duration (not a datetime)."""
    if isinstance(node, ast.BinOp):
        return True  # datetime - datetime, or sums of durations
    if isinstance(node, ast.UnaryOp):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "abs":
            return True
        branches = node.args[1:] if node.func.id == "if_else" else node.args
        return any(_is_duration(a) for a in branches)
    return False


def _null_if_null(test: nw.Expr, operands: list[tuple[nw.Expr, ast.AST]]) -> nw.Expr:
    """A comparison is false (never missing) where an operand is missing, on every backend.

    SQL engines and polars would answer missing, pandas ``False``; pmm fixes ``False`` so that
    boolean columns never hold missing values on pandas (where they would become objects).
    :func:`known_expression` tells where such a ``False`` stands for an unknown.
    """
    present = [~e.is_null() for e, node in operands if not isinstance(node, ast.Constant)]
    if not present:
        return test
    return nw.when(_all(present)).then(test).otherwise(nw.lit(False))


def _all(tests: list[nw.Expr]) -> nw.Expr:
    out = tests[0]
    for t in tests[1:]:
        out = out & t
    return out


def field_pair(node: ast.AST) -> tuple[str, str] | None:
    """``(a, b)`` when ``node`` is the difference ``a - b`` of two field names, else ``None``.

    Example:
        >>> field_pair(ast.parse("release_ts - arrival_ts", mode="eval").body)
        ('release_ts', 'arrival_ts')
    """
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Name)
            and isinstance(node.right, ast.Name)):
        return node.left.id, node.right.id
    return None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
