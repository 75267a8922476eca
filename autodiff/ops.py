"""The op table: each primitive op's forward and local derivative, defined once."""

from __future__ import annotations

import builtins
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import value as _value
from ._numbers import _to_float
from .worlds import floats
from .worlds.domain import DivisionByZeroError as DivisionByZeroError

scalar = floats  # the float world, by its former name (autodiff.ops.scalar)


class Op:
    """A differentiable primitive; calling it on Values or numbers records a node.
    `forward(m, *inputs)` and `derivative(m, g, out, *inputs)` (the upstream gradient `g` and
    the op's output; one gradient per input) take a math world `m` first (`autodiff.worlds`), so
    one definition serves the eager forward, every order of backward and the compiled replay.
    Arithmetic (`+ - * / **`) works in every world; anything else comes from `m` (`Math`).

    >>> from autodiff import Value
    >>> cube = Op("cube", lambda m, x: x**3, lambda m, g, out, x: (g * 3 * x**2,))
    >>> x = Value(2.0)
    >>> y = cube(x)
    >>> y.backward()
    >>> y.data, y.op, x.grad
    (8.0, 'cube', 12.0)
    """

    __slots__ = ("derivative", "forward", "name")

    def __init__(self, name: str, forward: Callable[..., Any], derivative: Callable[..., tuple[Any, ...]]) -> None:
        self.name = name
        self.forward = forward
        self.derivative = derivative

    def __call__(self, *inputs: Any) -> _value.Value:
        return _value.apply(self, *inputs)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


# The table. Each line: name, forward(m, *inputs), derivative(m, g, out, *inputs).
ADD = Op("+", lambda m, a, b: a + b, lambda m, g, out, a, b: (g, g))
SUB = Op("-", lambda m, a, b: a - b, lambda m, g, out, a, b: (g, -g))
MUL = Op("*", lambda m, a, b: a * b, lambda m, g, out, a, b: (g * b, g * a))
DIV = Op("/", lambda m, a, b: m.div(a, b), lambda m, g, out, a, b: (g / b, -g * out / b))
NEG = Op("neg", lambda m, a: -a, lambda m, g, out, a: (-g,))
POW = Op(
    "**",
    lambda m, a, b: m.pow_value(a, b),
    lambda m, g, out, a, b: (
        m.where(m.is_zero(b), lambda: 0.0 * g, lambda: g * b * m.pow(a, b - 1.0)),
        m.where(m.is_zero(a), lambda: 0.0 * g, lambda: g * out * m.log(a)),
    ),
)
EXP = Op("exp", lambda m, x: m.exp(x), lambda m, g, out, x: (g * out,))
LOG = Op("log", lambda m, x: m.log(x), lambda m, g, out, x: (g * m.recip(x),))
LOG1P = Op("log1p", lambda m, x: m.log1p(x), lambda m, g, out, x: (g * m.recip(1.0 + x),))
SQRT = Op("sqrt", lambda m, x: m.sqrt(x), lambda m, g, out, x: (g * 0.5 * m.recip(out),))
TANH = Op("tanh", lambda m, x: m.tanh(x), lambda m, g, out, x: (g * ((1.0 - out) * (1.0 + out)),))
SIGMOID = Op("sigmoid", lambda m, x: m.sigmoid(x), lambda m, g, out, x: (g * out * (1.0 - out),))
RELU = Op("relu", lambda m, x: m.relu(x), lambda m, g, out, x: (m.step(x, g),))  # a mask: 0 * inf is 0 here
ABS = Op("abs", lambda m, x: m.abs(x), lambda m, g, out, x: (m.sign(x, g),))
SIN = Op("sin", lambda m, x: m.sin(x), lambda m, g, out, x: (g * m.cos(x),))
COS = Op("cos", lambda m, x: m.cos(x), lambda m, g, out, x: (-g * m.sin(x),))
SUM = Op("sum", lambda m, *xs: builtins.sum(xs), lambda m, g, out, *xs: (g,) * len(xs))
LOGSUMEXP = Op(
    "logsumexp",
    lambda m, *xs: m.logsumexp(xs),
    lambda m, g, out, *xs: tuple([g * p for p in m.softmax(xs)]),  # not exp(x - out): out is rounded
)
DOT = Op(
    "dot",
    lambda m, *xs: builtins.sum(map(operator.mul, xs[: len(xs) // 2], xs[len(xs) // 2 :])),
    lambda m, g, out, *xs: tuple(map(operator.mul, itertools.repeat(g), xs[len(xs) // 2 :] + xs[: len(xs) // 2])),
)


def power(p: float) -> Op:
    """The op `x ** p` for a number p, named `**p` in pictures; the same exponent, the same Op.

    >>> from autodiff import Value
    >>> x = Value(2.0)
    >>> y = power(3.0)(x)
    >>> y.backward()
    >>> y.op, y.data, x.grad, power(0.5) is power(0.5)
    ('**3', 8.0, 12.0, True)
    """
    try:
        return _POWERS[p]  # 2, 2.0 and numpy's 2.0 are one key
    except (KeyError, TypeError):
        return _new_power(_to_float(p, "power"))


_POWERS: dict[float, Op] = {}


def _new_power(p: float) -> Op:
    # Exponents may come from data: past 1,024 the table starts afresh (an exponent asked for
    # again then gets a new Op, with the same name and rule).
    if len(_POWERS) >= 1024:
        _POWERS.clear()
    shown = repr(int(p)) if p.is_integer() else repr(p)
    op = _POWERS[p] = Op(
        f"**{shown}",
        lambda m, x: m.pow_number(x, p),
        # PyTorch's convention: the exponent 0 has zero gradient everywhere, even at x = 0.
        lambda m, g, out, x: (g * p * m.pow(x, p - 1.0) if p else 0.0 * g,),
    )
    return op


def sum(values: Iterable[Any]) -> _value.Value:  # noqa: A001 - the name users know from torch.sum
    """One n-ary node for `values[0] + values[1] + ...` (a flat graph instead of a chain).

    >>> from autodiff import Value
    >>> sum([Value(1.0), Value(2.0), 3.0]).data
    6.0
    """
    values = _as_sequence(values, "sum")
    if len(values) == 0:
        raise ValueError("sum: needs at least one value, got an empty sequence")
    return _value._many(SUM, tuple(values))


def dot(a: Iterable[Any], b: Iterable[Any]) -> _value.Value:
    """One n-ary node for `a[0]*b[0] + a[1]*b[1] + ...`, as a neuron's weighted sum.

    >>> from autodiff import Value
    >>> dot([Value(1.0), Value(2.0)], [3.0, 4.0]).data
    11.0
    """
    a, b = _as_sequence(a, "dot"), _as_sequence(b, "dot")
    if len(a) != len(b) or len(a) == 0:
        raise ValueError(f"dot: needs two sequences of the same non-zero length, got {len(a)} and {len(b)}")
    return _value._many(DOT, (*a, *b))


def logsumexp(values: Iterable[Any]) -> _value.Value:
    """One n-ary node for log(exp(values[0]) + exp(values[1]) + ...), as torch.logsumexp: it
    never overflows for finite input, and its gradient is the softmax of the values.

    >>> from autodiff import Value
    >>> x = [Value(1000.0), Value(1000.0)]
    >>> y = logsumexp(x)
    >>> y.backward()
    >>> round(y.data, 6), [round(v.grad, 12) for v in x]
    (1000.693147, [0.5, 0.5])
    """
    values = _as_sequence(values, "logsumexp")
    if len(values) == 0:
        raise ValueError("logsumexp: needs at least one value, got an empty sequence")
    return _value._many(LOGSUMEXP, tuple(values))


def _as_sequence(xs: Iterable[Any], function: str) -> Sequence[Any]:
    """A list or a tuple as itself; any other iterable (a generator, say) as a tuple."""
    if type(xs) is list or type(xs) is tuple:
        return xs
    if not isinstance(xs, Iterable) or getattr(xs, "ndim", None) == 0:  # a 0-d numpy array is no sequence
        raise TypeError(f"{function}: expected an iterable (a list, say), got {type(xs).__name__} ({xs!r})")
    return tuple(xs)
