"""autodiff.expression.evaluate: the playground's expression box, in CPython.

Each accepted text against the same arithmetic written in Python (the same ops, so equal) and
against PyTorch float64; each refused construct by its message; the engine's own errors pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pytest
import torch

import autodiff
from autodiff import Value
from autodiff.expression import MAX_DEPTH, MAX_LENGTH, ExpressionError, evaluate
from autodiff.testing import assert_matches_torch

CASES: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("(a*b + b**2).tanh()", lambda a, b: (a * b + b**2).tanh()),
    ("a / b - 3 * a ** -2", lambda a, b: a / b - 3 * a**-2),
    ("-a + +b", lambda a, b: -a + +b),
    (
        "(a*a).log() + b.exp().log1p() - (a*b).sigmoid()",
        lambda a, b: (a * a).log() + b.exp().log1p() - (a * b).sigmoid(),
    ),
    ("a.sqrt() * b.abs() + (a + b).sin() * b.cos()", lambda a, b: a.sqrt() * b.abs() + (a + b).sin() * b.cos()),
    ("(a - b).relu() + 2 ** a + (0.5).exp() * a", lambda a, b: (a - b).relu() + 2**a + math.exp(0.5) * a),
    ("sum([a, b, a * b]) * 1e-3", lambda a, b: (a + b + a * b) * 1e-3),
]


@pytest.mark.parametrize(("text", "same"), CASES)
@pytest.mark.parametrize("point", [(2.0, -3.0), (0.7, 1.9), (3.5, -0.2)])
def test_evaluate_matches_python_and_torch(
    text: str, same: Callable[[Any, Any], Any], point: tuple[float, float]
) -> None:
    a, b = Value(point[0]), Value(point[1])
    got = evaluate(text, {"a": a, "b": b})
    want = same(Value(point[0]), Value(point[1]))
    assert got.data == pytest.approx(want.data, rel=1e-15)
    assert_matches_torch(lambda x, y: evaluate(text, {"a": x, "b": y}), list(point), torch_fn=same)


# The op table's second part: (text, the same with the engine's functions, with torch's).
F = torch.nn.functional
NEW_CASES: list[tuple[str, Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = [
    (
        "a % b + a // b + (a * b).atan() * (b / 4).asin() + b.tan()",
        lambda a, b: a % b + a // b + autodiff.atan(a * b) * autodiff.asin(b / 4) + autodiff.tan(b),
        lambda a, b: a % b + torch.div(a, b, rounding_mode="floor") + (a * b).atan() * (b / 4).asin() + b.tan(),
    ),
    (
        "(a*a + 1).acosh() + (b / 5).atanh() + a.sinh() * b.cosh() + (a / 5).acos() + b.asinh()",
        lambda a, b: (
            autodiff.acosh(a * a + 1)
            + autodiff.atanh(b / 5)
            + autodiff.sinh(a) * autodiff.cosh(b)
            + autodiff.acos(a / 5)
            + autodiff.asinh(b)
        ),
        lambda a, b: (a * a + 1).acosh() + (b / 5).atanh() + a.sinh() * b.cosh() + (a / 5).acos() + b.asinh(),
    ),
    (
        "a.expm1() + b.exp2() + (a*a).log2() + (b*b).log10() + a.erf() * b.erfc() + (a * b).sign()",
        lambda a, b: (
            autodiff.expm1(a)
            + autodiff.exp2(b)
            + autodiff.log2(a * a)
            + autodiff.log10(b * b)
            + autodiff.erf(a) * autodiff.erfc(b)
            + autodiff.sign(a * b)
        ),
        lambda a, b: a.expm1() + b.exp2() + (a * a).log2() + (b * b).log10() + a.erf() * b.erfc() + (a * b).sign(),
    ),
    (
        "a.floor() + b.ceil() + a.round() * b.trunc() + floor(a) * ceil(b)",
        lambda a, b: (
            autodiff.floor(a)
            + autodiff.ceil(b)
            + autodiff.round(a) * autodiff.trunc(b)
            + autodiff.floor(a) * autodiff.ceil(b)
        ),
        lambda a, b: a.floor() + b.ceil() + a.round() * b.trunc() + a.floor() * b.ceil(),
    ),
    (
        "atan2(a, b) + hypot(a, 1) + maximum(a, b) * minimum(a, b) + clamp(a * b, -1, 0.5)",
        lambda a, b: (
            autodiff.atan2(a, b)
            + autodiff.hypot(a, 1)
            + autodiff.maximum(a, b) * autodiff.minimum(a, b)
            + autodiff.clamp(a * b, -1, 0.5)
        ),
        lambda a, b: (
            torch.atan2(a, b)
            + torch.hypot(a, torch.ones((), dtype=torch.float64))
            + torch.maximum(a, b) * torch.minimum(a, b)
            + (a * b).clamp(-1, 0.5)
        ),
    ),
    (
        "floor_divide(a, b) + remainder(b, a)",
        lambda a, b: autodiff.floor_divide(a, b) + autodiff.remainder(b, a),
        lambda a, b: torch.div(a, b, rounding_mode="floor") + b % a,
    ),
    (
        "silu(a) + gelu(b) + elu(a - 2) + leaky_relu(b) + softplus(a * b) + (a + b).silu() + a.gelu()",
        lambda a, b: (
            autodiff.silu(a)
            + autodiff.gelu(b)
            + autodiff.elu(a - 2)
            + autodiff.leaky_relu(b)
            + autodiff.softplus(a * b)
            + autodiff.silu(a + b)
            + autodiff.gelu(a)
        ),
        lambda a, b: (
            F.silu(a) + F.gelu(b) + F.elu(a - 2) + F.leaky_relu(b) + F.softplus(a * b) + F.silu(a + b) + F.gelu(a)
        ),
    ),
    (
        "(a - 2).elu() + b.leaky_relu() + (a * b).softplus()",
        lambda a, b: autodiff.elu(a - 2) + autodiff.leaky_relu(b) + autodiff.softplus(a * b),
        lambda a, b: F.elu(a - 2) + F.leaky_relu(b) + F.softplus(a * b),
    ),
]


@pytest.mark.parametrize(("text", "ours", "theirs"), NEW_CASES)
@pytest.mark.parametrize("point", [(2.0, -3.0), (0.7, 1.9), (3.5, -0.2)])
def test_the_new_ops_and_functions_evaluate_as_the_engine_and_torch(text, ours, theirs, point) -> None:
    a, b = Value(point[0]), Value(point[1])
    assert evaluate(text, {"a": a, "b": b}).data == ours(Value(point[0]), Value(point[1])).data
    assert_matches_torch(lambda x, y: evaluate(text, {"a": x, "b": y}), list(point), torch_fn=theirs)


def test_dot_and_logsumexp_are_the_engines() -> None:
    a, b = Value(0.5), Value(-1.5)
    assert evaluate("dot([a, b], [b, 2])", {"a": a, "b": b}).data == autodiff.dot([a, b], [b, 2]).data
    assert evaluate("logsumexp([a, b, 0])", {"a": a, "b": b}).data == autodiff.logsumexp([a, b, 0]).data


def test_numbers_alone_are_constants_through_the_engines_ops() -> None:
    result = evaluate("2 ** 3 - 1", {})
    assert result.data == 7.0
    assert not result.requires_grad
    with pytest.raises(autodiff.DivisionByZeroError, match="div"):
        evaluate("1 / 0", {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", "unknown function `__import__`"),
        ("open('f').read()", "`.read` is not allowed"),
        ("open('f')", "unknown function `open`"),
        ("x + a", "unknown name `x`; the inputs are a, b"),
        ("a.__class__", "`.__class__` is not allowed"),
        ("a.__class__.__bases__", "`.__bases__` is not allowed"),
        ("a.data", "`.data` is not allowed"),
        ("a.backward()", "`.backward` is not allowed"),
        ("a.tanh(2)", "`.tanh()` takes no arguments"),
        ("sum([a], start=b)", "keyword arguments are not allowed"),
        ("sum(a)", "sum() takes a list such as [a, b]"),
        ("dot([a])", "dot() takes 2 list(s)"),
        ("lambda: a", "Lambda is not arithmetic on Values"),
        ("[x for x in a]", "ListComp is not arithmetic on Values"),
        ("a[0]", "Subscript is not arithmetic on Values"),
        ("(y := a)", "NamedExpr is not arithmetic on Values"),
        ("a < b", "Compare is not arithmetic on Values"),
        ("a @ b", "the operators are + - * / ** % // and unary minus"),
        ("a << b", "the operators are + - * / ** % // and unary minus"),
        ("~a", "the operators are + - * / ** % // and unary minus"),
        ("atan2(a)", "atan2() takes 2 argument(s)"),
        ("clamp(a, 1)", "clamp() takes 3 argument(s)"),
        ("a.clamp(0, 1)", "`.clamp` is not allowed"),
        ("'os'", "only numbers are allowed, not str"),
        ("True", "only numbers are allowed, not bool"),
        ("1j", "only numbers are allowed, not complex"),
        ("f'{a}'", "JoinedStr is not arithmetic on Values"),
        ("a +", "invalid syntax"),
        ("a = 1", "invalid syntax"),
        ("1" + "0" * 400, "too large for a float"),
        ("a" + " + a" * MAX_LENGTH, f"at most {MAX_LENGTH}"),
    ],
)
def test_everything_else_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        evaluate(text, {"a": Value(2.0), "b": Value(-3.0)})
    assert str(raised.value).startswith("evaluate: ")
    assert message in str(raised.value)
    assert re.search(r" \(column [1-9][0-9]*\)$", str(raised.value)), str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_a_domain_error_is_the_engines_own() -> None:
    with pytest.raises(ValueError) as engine:
        Value(-2.0).log()
    with pytest.raises(ValueError) as ours:
        evaluate("(-a).log()", {"a": Value(2.0)})
    assert type(ours.value) is type(engine.value)
    assert str(ours.value) == f"{engine.value} (column 6)"  # the column of `log`


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="evaluate: the expression must be a str, got int"):
        evaluate(3, {})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="evaluate: input 'a' must be a Value, got float"):
        evaluate("a", {"a": 2.0})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("a + b +", 8),  # the end: nothing follows the last `+`
        ("  a + b +", 10),  # leading blanks count
        ("", 1),
        ("a + x", 5),
        ("a * open('f')", 5),
        ("a + b.data", 7),
        ("a + b.tanh(1)", 12),
        ("a + 'text'", 5),
        ("(a - b) + sum(b)", 15),
        ("a + (-a).log()", 10),
        ("a * 2 + (a - a) ** -1", 17),
        ("ａ + x", 5),  # the column counts characters, not UTF-8 bytes
        ("b + a.tanh() + é", 16),
        ("a\x00", 2),
        ("a" * (MAX_LENGTH + 1), MAX_LENGTH + 1),
    ],
)
def test_every_error_points_at_its_column(text: str, column: int) -> None:
    with pytest.raises((ValueError, ArithmeticError)) as raised:
        evaluate(text, {"a": Value(2.0), "b": Value(-3.0)})
    assert str(raised.value).endswith(f"(column {column})"), str(raised.value)


def test_a_column_after_a_wide_character_counts_characters() -> None:
    with pytest.raises(ExpressionError, match=r"unknown name `x`.*\(column 9\)$"):
        evaluate("é + ａ + x", {"é": Value(1.0), "a": Value(2.0)})


def test_an_error_on_a_later_line_names_the_line() -> None:
    with pytest.raises(ExpressionError, match=r"unknown name `x`.*\(line 2, column 3\)$"):
        evaluate("(a +\n  x)", {"a": Value(2.0)})


@pytest.mark.parametrize("op", ["+", "*", "-", "/"])
def test_a_chain_as_long_as_the_limit_allows_needs_no_recursion(op: str) -> None:
    terms = (MAX_LENGTH + 1) // 2
    text = op.join(["a"] * terms)
    a = Value(1.5)
    want = Value(1.5)
    for _ in range(terms - 1):
        want = {"+": want + 1.5, "*": want * 1.5, "-": want - 1.5, "/": want / 1.5}[op]
    got = evaluate(text, {"a": a})
    assert got.data == want.data
    got.backward()
    assert a.grad == pytest.approx({"+": terms, "*": terms * 1.5 ** (terms - 1), "-": 2 - terms}.get(op, a.grad))


def test_deep_nesting_of_signs_and_methods_needs_no_recursion() -> None:
    a = Value(0.5)
    assert evaluate("-" * (MAX_DEPTH - 1) + "a", {"a": a}).data == -0.5  # an odd count
    assert evaluate("a" + ".tanh()" * ((MAX_LENGTH - 1) // 7), {"a": a}).data > 0
    with pytest.raises(ExpressionError, match=rf"nests more than {MAX_DEPTH} levels deep \(column {MAX_DEPTH + 4}\)$"):
        evaluate("a * " + "-" * MAX_DEPTH + "a", {"a": a})
    with pytest.raises(ExpressionError, match=r"nested"):
        evaluate("(" * 300 + "a" + ")" * 300, {"a": a})


def test_numbers_too_large_give_inf_and_the_constant_is_not_differentiable() -> None:
    result = evaluate("9**9**9", {})
    assert result.data == math.inf
    assert not result.requires_grad
    assert evaluate("a * 1e308 * 10", {"a": Value(1.0)}).data == math.inf
