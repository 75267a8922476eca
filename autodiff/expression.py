"""`evaluate`: arithmetic on Values typed as text, and nothing else (the playground's expression box)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from . import activations, functions, ops
from .value import Value, constant

METHODS: tuple[str, ...] = ("exp", "log", "log1p", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos", "tan")
METHODS += ("sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "expm1", "exp2", "log2", "log10")
METHODS += ("erf", "erfc", "sign", "floor", "ceil", "round", "trunc", "silu", "gelu", "elu", "leaky_relu", "softplus")
FUNCTIONS: dict[str, Callable[..., Value]] = {"sum": ops.sum, "dot": ops.dot, "logsumexp": ops.logsumexp}
# Functions of Values or numbers (not lists): each one-input method as a function, those of two
# inputs, and clamp(x, min, max).
ELEMENTWISE: dict[str, tuple[Callable[..., Value], int]] = {
    name: (getattr(activations, name, None) or getattr(functions, name), 1) for name in METHODS
}
ELEMENTWISE |= {name: (getattr(functions, name), 2) for name in ("atan2", "hypot", "maximum", "minimum")}
ELEMENTWISE |= {"remainder": (functions.remainder, 2), "floor_divide": (functions.floor_divide, 2)}
ELEMENTWISE |= {"clamp": (functions.clamp, 3)}
NOT_A_METHOD = "evaluate: `.{}` is not allowed; the methods are " + ", ".join(METHODS)
MAX_LENGTH = 2000  # a longer text is refused before parsing, so a huge paste cannot hang the page
SHOWN = 40  # characters of the input quoted in a message at most
# Freeing a parsed tree or a chain of Values recurses in C, once per level: two thousand levels
# (`----...a`) overflow the browser's stack, which Pyodide cannot survive. A sum of the longest
# text allowed nests a thousand.
MAX_DEPTH = 1000
BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", lambda x, y: x + y),
    ast.Sub: ("-", lambda x, y: x - y),
    ast.Mult: ("*", lambda x, y: x * y),
    ast.Div: ("/", lambda x, y: x / y),
    ast.Pow: ("**", lambda x, y: x**y),
    ast.Mod: ("%", lambda x, y: x % y),
    ast.FloorDiv: ("//", lambda x, y: x // y),
}


class ExpressionError(ValueError):
    """The text is not an expression `evaluate` accepts; the message names the offending part
    and its column.

    >>> evaluate("a.__class__", {"a": Value(1.0)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autodiff.expression.ExpressionError: evaluate: `.__class__` is not allowed; the methods are exp, ... (column 3)
    """


def evaluate(text: str, inputs: Mapping[str, Value]) -> Value:
    """The Value that `text` computes from `inputs` (name -> Value), built by the engine's ops.

    The text is parsed by `ast`, never run by `eval`: only the inputs' names, numbers,
    `+ - * / ** % //`, unary minus and plus, the methods in `METHODS`, the functions in `FUNCTIONS`
    (on lists) and in `ELEMENTWISE` (on Values and numbers: `atan2(a, b)`) are accepted, anything
    else is an `ExpressionError`. An op's own errors (`log` of a negative number) come through as
    the engine raises them. Every message ends with the column it is about. Numbers alone make a
    constant. The walk keeps its own stack, so a sum of a thousand terms is as fine as one of two.

    >>> x = Value(0.5, label="x")
    >>> evaluate("-x**2 + sum([x, 1, x.exp()])", {"x": x})
    Value(data=2.8987, grad=0.0000)
    >>> evaluate("x + open('f')", {"x": x})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autodiff.expression.ExpressionError: evaluate: unknown function `open`; the functions are sum, ... (column 5)
    >>> evaluate("x + (-x).log()", {"x": x})
    Traceback (most recent call last):
    ...
    ValueError: log: undefined for negative input -0.5 (column 10)
    """
    if not isinstance(text, str):
        raise TypeError(f"evaluate: the expression must be a str, got {type(text).__name__} ({text!r})")
    if not isinstance(inputs, Mapping):
        raise TypeError(f"evaluate: inputs must be a dict of names to Values, got {type(inputs).__name__} ({inputs!r})")
    for name, value in inputs.items():
        if not isinstance(value, Value):
            raise TypeError(f"evaluate: input {name!r} must be a Value, got {type(value).__name__} ({value!r})")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"evaluate: the expression is {len(text)} characters long, at most {MAX_LENGTH} (column {MAX_LENGTH + 1})"
        )
    result = _Walk(text, inputs).run()
    return result if isinstance(result, Value) else constant(result)


class _Walk:
    """One evaluation: the text (for columns and quotes), the inputs, and an explicit stack."""

    def __init__(self, text: str, inputs: Mapping[str, Value]) -> None:
        self.text, self.inputs = text, inputs
        self.lines = text.splitlines() or [""]
        body = text.lstrip()
        skipped = text[: len(text) - len(body)]  # parsed without its leading blanks: shift back
        self.first_line = skipped.count("\n")
        self.first_column = len(skipped) - (skipped.rfind("\n") + 1)
        self.body = body

    def run(self) -> Any:
        tree = self._parse()
        try:
            self._check_depth(tree)
            return self._evaluate(tree)
        finally:  # freed node by node: a deep tree would free recursively
            for node in list(ast.walk(tree)):
                for field in node._fields:
                    setattr(node, field, None)

    def _check_depth(self, tree: ast.expr) -> None:
        stack = [(tree, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self._error(f"the expression nests more than {MAX_DEPTH} levels deep", node)
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))

    def _evaluate(self, tree: ast.expr) -> Any:
        results: list[Any] = []
        stack: list[tuple[ast.expr, int]] = [(tree, -1)]  # (node, -1) to open, (node, n) to finish
        while stack:
            node, count = stack.pop()
            if count < 0:
                children = self._children(node)
                stack.append((node, len(children)))
                stack.extend((child, -1) for child in reversed(children))
                continue
            args = results[len(results) - count :]
            del results[len(results) - count :]
            results.append(self._apply(node, args))
        return results[0]

    def _parse(self) -> ast.expr:
        if not self.body:
            raise ExpressionError(f"evaluate: the expression is empty{self._where(1, 1)}")
        try:
            return ast.parse(self.body, mode="eval").body
        except SyntaxError as error:
            line, column = error.lineno or 1, error.offset or 0
            if column < 1:  # no place given: the null byte, else the end of the line
                parsed = self.body.splitlines() or [""]
                end = len(parsed[min(line, len(parsed)) - 1]) + 1
                column = self.body.index("\x00") + 1 if "\x00" in self.body else end
            raise ExpressionError(f"evaluate: {error.msg}{self._where(line, column)}") from None
        except (RecursionError, MemoryError):  # the parser's own depth limit (nested brackets)
            raise ExpressionError(f"evaluate: the expression is nested too deeply{self._where(1, 1)}") from None

    def _where(self, line: int, column: int) -> str:
        """` (column c)` (` (line l, column c)` beyond the first) for a place of the parsed text."""
        if line <= 1:
            column += self.first_column
        line = max(1, line + self.first_line)
        width = len(self.lines[min(line, len(self.lines)) - 1])
        column = min(max(column, 1), width + 1)
        return f" (column {column})" if len(self.lines) == 1 else f" (line {line}, column {column})"

    def _at(self, node: ast.AST, byte: int | None = None) -> str:
        """The place of `node` (or of the UTF-8 byte offset `byte` on its line) as `_where` says it."""
        line = getattr(node, "lineno", 1)
        source = self.body.splitlines()[line - 1] if self.body else ""
        offset = getattr(node, "col_offset", 0) if byte is None else byte
        return self._where(line, len(source.encode()[:offset].decode(errors="ignore")) + 1)

    def _error(self, message: str, node: ast.AST, byte: int | None = None) -> ExpressionError:
        return ExpressionError(f"evaluate: {message}{self._at(node, byte)}")

    def _quote(self, node: ast.AST) -> str:
        source = ast.get_source_segment(self.body, node) or ""
        return source if len(source) <= SHOWN else source[: SHOWN - 1] + "…"

    def _children(self, node: ast.expr) -> list[ast.expr]:
        """What `node` needs evaluated first; any form outside the language is refused here."""
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                return []
            raise self._error(f"`{self._quote(node)}` is not allowed: only numbers are allowed, "
                              f"not {type(node.value).__name__}", node)  # fmt: skip
        if isinstance(node, ast.Name):
            if node.id not in self.inputs:
                names = ", ".join(self.inputs) or "none"
                raise self._error(f"unknown name `{node.id}`; the inputs are {names}", node)
            return []
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return [node.operand]
        if isinstance(node, ast.Call):
            return self._call_children(node)
        if isinstance(node, ast.Attribute):
            raise self._error(
                NOT_A_METHOD.format(node.attr).removeprefix("evaluate: "), *self._after(node.value, node.attr)
            )
        raise self._error(f"`{self._quote(node)}` is not allowed: {_kind(node)}", node)

    def _call_children(self, node: ast.Call) -> list[ast.expr]:
        function = node.func
        if node.keywords:
            raise self._error(f"`{self._quote(node)}`: keyword arguments are not allowed", node.keywords[0])
        if isinstance(function, ast.Attribute) and function.attr in METHODS:
            if node.args:
                raise self._error(f"`.{function.attr}()` takes no arguments", node.args[0])
            return [function.value]
        if isinstance(function, ast.Name) and function.id in FUNCTIONS:
            wanted = 2 if function.id == "dot" else 1  # dot(xs, ys); sum(xs), logsumexp(xs)
            if len(node.args) != wanted:
                raise self._error(f"`{self._quote(node)}`: {function.id}() takes {wanted} list(s)", node)
            for arg in node.args:
                if not isinstance(arg, (ast.List, ast.Tuple)):
                    message = f"{function.id}() takes a list such as [a, b], got `{self._quote(arg)}`"
                    raise self._error(message, arg)
            return [item for arg in node.args for item in arg.elts]  # type: ignore[attr-defined]
        if isinstance(function, ast.Name) and function.id in ELEMENTWISE:
            arity = ELEMENTWISE[function.id][1]
            if len(node.args) != arity:
                raise self._error(f"`{self._quote(node)}`: {function.id}() takes {arity} argument(s)", node)
            return list(node.args)
        if isinstance(function, ast.Name):
            raise self._error(
                f"unknown function `{function.id}`; the functions are {', '.join([*FUNCTIONS, *ELEMENTWISE])}, "
                "and the methods are called as x.tanh()",
                function,
            )
        if isinstance(function, ast.Attribute):
            place = self._after(function.value, function.attr)
            raise self._error(NOT_A_METHOD.format(function.attr).removeprefix("evaluate: "), *place)
        raise self._error(f"`{self._quote(node)}` is not allowed: only methods and functions can be called", node)

    def _apply(self, node: ast.expr, args: list[Any]) -> Any:
        """`node` on its children's results; an engine error gets the column of the op it is about."""
        try:
            return self._compute(node, args)
        except (ValueError, TypeError, ArithmeticError) as error:
            error.args = (f"{error}{self._op_place(node)}",)
            raise

    def _compute(self, node: ast.expr, args: list[Any]) -> Any:
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, (int, float))  # checked by _children
            try:
                return float(node.value)
            except OverflowError:
                raise ExpressionError(
                    f"evaluate: a number of {len(str(node.value))} digits is too large for a float"
                ) from None
        if isinstance(node, ast.Name):
            return self.inputs[node.id]
        if isinstance(node, ast.BinOp):
            left, right = args
            if not isinstance(left, Value) and not isinstance(right, Value):
                left = constant(left)  # numbers alone: the engine's op and its errors (1/0), not Python's
            return BINARY[type(node.op)][1](left, right)
        if isinstance(node, ast.UnaryOp):
            return -args[0] if isinstance(node.op, ast.USub) else +args[0]
        assert isinstance(node, ast.Call)
        function = node.func
        if isinstance(function, ast.Attribute):
            target = args[0] if isinstance(args[0], Value) else constant(args[0])
            method: Callable[[], Value] = getattr(target, function.attr)
            return method()
        assert isinstance(function, ast.Name)
        if function.id in ELEMENTWISE:
            return ELEMENTWISE[function.id][0](*args)
        sizes = [len(arg.elts) for arg in node.args]  # type: ignore[attr-defined]
        lists = [args[:sizes[0]], args[sizes[0]:]][: len(sizes)]  # fmt: skip
        return FUNCTIONS[function.id](*lists)

    def _op_place(self, node: ast.expr) -> str:
        """The column of the operator (`**`, `log`) an op's error is about, else of the node."""
        if isinstance(node, ast.BinOp):
            return self._at(*self._after(node.left, BINARY[type(node.op)][0]))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return self._at(*self._after(node.func.value, node.func.attr))
        return self._at(node)

    def _after(self, node: ast.expr, token: str) -> tuple[ast.AST, int | None]:
        """Where `token` first follows `node` on its last line (as a node and a byte offset)."""
        line = self.body.splitlines()[(node.end_lineno or 1) - 1]
        end = node.end_col_offset or 0
        found = line.encode().find(token.encode(), end)
        here = ast.Name(id="", lineno=node.end_lineno or 1, col_offset=end)
        return here, (found if found >= 0 else end)


def _kind(node: ast.expr) -> str:
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return "the operators are + - * / ** % // and unary minus"
    return f"{type(node).__name__} is not arithmetic on Values"
