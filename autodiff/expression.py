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
BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda x, y: x + y,
    ast.Sub: lambda x, y: x - y,
    ast.Mult: lambda x, y: x * y,
    ast.Div: lambda x, y: x / y,
    ast.Pow: lambda x, y: x**y,
    ast.Mod: lambda x, y: x % y,
    ast.FloorDiv: lambda x, y: x // y,
}


class ExpressionError(ValueError):
    """The text is not an expression `evaluate` accepts; the message names the offending part.

    >>> evaluate("a.__class__", {"a": Value(1.0)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autodiff.expression.ExpressionError: evaluate: `.__class__` is not allowed; the methods are exp, log, ...
    """


def evaluate(text: str, inputs: Mapping[str, Value]) -> Value:
    """The Value that `text` computes from `inputs` (name -> Value), built by the engine's ops.

    The text is parsed by `ast`, never run by `eval`: only the inputs' names, numbers,
    `+ - * / ** % //`, unary minus and plus, the methods in `METHODS`, the functions in `FUNCTIONS`
    (on lists) and in `ELEMENTWISE` (on Values and numbers: `atan2(a, b)`) are accepted, anything
    else is an `ExpressionError`; an op's own errors (`log` of a negative number) come through as
    the engine raises them. Numbers alone make a constant.

    >>> x = Value(0.5, label="x")
    >>> evaluate("-x**2 + sum([x, 1, x.exp()])", {"x": x})
    Value(data=2.8987, grad=0.0000)
    >>> evaluate("open('f')", {"x": x})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autodiff.expression.ExpressionError: evaluate: unknown function `open`; the functions are sum, dot, ...
    """
    if not isinstance(text, str):
        raise TypeError(f"evaluate: the expression must be a str, got {type(text).__name__} ({text!r})")
    for name, value in inputs.items():
        if not isinstance(value, Value):
            raise TypeError(f"evaluate: input {name!r} must be a Value, got {type(value).__name__} ({value!r})")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"evaluate: the expression is {len(text)} characters long, at most {MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"evaluate: {error.msg} (column {error.offset})") from None
    result = _walk(tree.body, inputs)
    return result if isinstance(result, Value) else constant(result)


def _walk(node: ast.expr, inputs: Mapping[str, Value]) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        try:
            return float(node.value)
        except OverflowError:
            raise ExpressionError(
                f"evaluate: a number of {len(str(node.value))} digits is too large for a float"
            ) from None
    if isinstance(node, ast.Name):
        if node.id not in inputs:
            names = ", ".join(inputs) or "none"
            raise ExpressionError(f"evaluate: unknown name `{node.id}`; the inputs are {names}")
        return inputs[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        left, right = _walk(node.left, inputs), _walk(node.right, inputs)
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = constant(left)  # numbers alone: the engine's op and its errors (1/0), not Python's
        return BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _walk(node.operand, inputs)
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.Call):
        return _call(node, inputs)
    if isinstance(node, ast.Attribute):
        raise ExpressionError(NOT_A_METHOD.format(node.attr))
    raise ExpressionError(f"evaluate: `{ast.unparse(node)}` is not allowed: {_kind(node)}")


def _call(node: ast.Call, inputs: Mapping[str, Value]) -> Value:
    if node.keywords:
        raise ExpressionError(f"evaluate: `{ast.unparse(node)}`: keyword arguments are not allowed")
    function = node.func
    if isinstance(function, ast.Attribute) and function.attr in METHODS:
        if node.args:
            raise ExpressionError(f"evaluate: `.{function.attr}()` takes no arguments")
        target = _walk(function.value, inputs)
        if not isinstance(target, Value):
            target = constant(target)
        method: Callable[[], Value] = getattr(target, function.attr)
        return method()
    if isinstance(function, ast.Name) and function.id in FUNCTIONS:
        wanted = 2 if function.id == "dot" else 1  # dot(xs, ys); sum(xs), logsumexp(xs)
        if len(node.args) != wanted:
            raise ExpressionError(f"evaluate: `{ast.unparse(node)}`: {function.id}() takes {wanted} list(s)")
        lists = [[_walk(item, inputs) for item in _items(arg, function.id)] for arg in node.args]
        return FUNCTIONS[function.id](*lists)
    if isinstance(function, ast.Name) and function.id in ELEMENTWISE:
        elementwise, arity = ELEMENTWISE[function.id]
        if len(node.args) != arity:
            raise ExpressionError(f"evaluate: `{ast.unparse(node)}`: {function.id}() takes {arity} argument(s)")
        return elementwise(*[_walk(arg, inputs) for arg in node.args])
    if isinstance(function, ast.Name):
        raise ExpressionError(
            f"evaluate: unknown function `{function.id}`; the functions are {', '.join([*FUNCTIONS, *ELEMENTWISE])}, "
            "and the methods are called as x.tanh()"
        )
    if isinstance(function, ast.Attribute):
        raise ExpressionError(NOT_A_METHOD.format(function.attr))
    raise ExpressionError(f"evaluate: `{ast.unparse(node)}` is not allowed: only methods and functions can be called")


def _items(arg: ast.expr, function: str) -> list[ast.expr]:
    if not isinstance(arg, (ast.List, ast.Tuple)):
        raise ExpressionError(f"evaluate: {function}() takes a list such as [a, b], got `{ast.unparse(arg)}`")
    return arg.elts


def _kind(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return f"only numbers are allowed, not {type(node.value).__name__}"
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return "the operators are + - * / ** % // and unary minus"
    return f"{type(node).__name__} is not arithmetic on Values"
