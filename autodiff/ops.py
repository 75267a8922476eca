"""The op table: each primitive op's forward and local derivative, defined once."""

from __future__ import annotations

import builtins
import itertools
import math
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


# The elementary functions beyond micrograd's, each with PyTorch's derivative (its formula where
# rounding matters). A derivative that is identically zero is the number 0.0, so that an inf or
# nan upstream gives exactly 0, as PyTorch; a mask passes g itself or 0.0 (`m.where`).
_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_HALF = math.sqrt(0.5)
_GELU_PDF = _TWO_OVER_SQRT_PI * _SQRT_HALF * 0.5  # 1 / sqrt(2 pi), as PyTorch writes it
_GELU_TANH = math.sqrt(2.0) * _TWO_OVER_SQRT_PI * 0.5  # sqrt(2 / pi)
_GELU_CUBIC = 0.044715
TAN = Op("tan", lambda m, x: m.tan(x), lambda m, g, out, x: (g * (1.0 + out * out),))
SINH = Op("sinh", lambda m, x: m.sinh(x), lambda m, g, out, x: (g * m.cosh(x),))
COSH = Op("cosh", lambda m, x: m.cosh(x), lambda m, g, out, x: (g * m.sinh(x),))
ASIN = Op("asin", lambda m, x: m.asin(x), lambda m, g, out, x: (g * m.recip(m.sqrt(1.0 - x * x)),))
ACOS = Op("acos", lambda m, x: m.acos(x), lambda m, g, out, x: (-g * m.recip(m.sqrt(1.0 - x * x)),))
ATAN = Op("atan", lambda m, x: m.atan(x), lambda m, g, out, x: (g / (1.0 + x * x),))
ASINH = Op("asinh", lambda m, x: m.asinh(x), lambda m, g, out, x: (g / m.sqrt(x * x + 1.0),))
ACOSH = Op("acosh", lambda m, x: m.acosh(x), lambda m, g, out, x: (g * m.recip(m.sqrt(x * x - 1.0)),))
ATANH = Op("atanh", lambda m, x: m.atanh(x), lambda m, g, out, x: (g * m.recip(1.0 - x * x),))
ATAN2 = Op("atan2", lambda m, y, x: m.atan2(y, x), lambda m, g, out, y, x: _atan2_derivative(m, g, y, x))
HYPOT = Op("hypot", lambda m, a, b: m.hypot(a, b), lambda m, g, out, a, b: (g * a * m.recip(out), g * b * m.recip(out)))
EXPM1 = Op("expm1", lambda m, x: m.expm1(x), lambda m, g, out, x: (g * (out + 1.0),))
EXP2 = Op("exp2", lambda m, x: m.exp2(x), lambda m, g, out, x: (g * out * _LN2,))
LOG2 = Op("log2", lambda m, x: m.log2(x), lambda m, g, out, x: (g * m.recip(x * _LN2),))
LOG10 = Op("log10", lambda m, x: m.log10(x), lambda m, g, out, x: (g * m.recip(x * _LN10),))
ERF = Op("erf", lambda m, x: m.erf(x), lambda m, g, out, x: (g * _TWO_OVER_SQRT_PI * m.exp(-(x * x)),))
ERFC = Op("erfc", lambda m, x: m.erfc(x), lambda m, g, out, x: (-g * _TWO_OVER_SQRT_PI * m.exp(-(x * x)),))
SIGN = Op("sign", lambda m, x: _sign(m, x), lambda m, g, out, x: (0.0,))
FLOOR = Op("floor", lambda m, x: m.floor(x), lambda m, g, out, x: (0.0,))
CEIL = Op("ceil", lambda m, x: m.ceil(x), lambda m, g, out, x: (0.0,))
ROUND = Op("round", lambda m, x: m.round(x), lambda m, g, out, x: (0.0,))
TRUNC = Op("trunc", lambda m, x: m.trunc(x), lambda m, g, out, x: (0.0,))
REMAINDER = Op("%", lambda m, a, b: m.remainder(a, b), lambda m, g, out, a, b: (g, -g * m.floor_divide(a, b)))
FLOOR_DIVIDE = Op("//", lambda m, a, b: m.floor_divide(a, b), lambda m, g, out, a, b: (0.0, 0.0))
MAXIMUM = Op("maximum", lambda m, a, b: m.maximum(a, b), lambda m, g, out, a, b: (_won(m, g, a, b), _won(m, g, b, a)))
MINIMUM = Op("minimum", lambda m, a, b: m.minimum(a, b), lambda m, g, out, a, b: (_won(m, g, b, a), _won(m, g, a, b)))
SILU = Op("silu", lambda m, x: x * m.sigmoid(x), lambda m, g, out, x: (_silu_derivative(m, g, x),))
GELU = Op(
    "gelu", lambda m, x: x * 0.5 * (1.0 + m.erf(x * _SQRT_HALF)), lambda m, g, out, x: (_gelu_derivative(m, g, x),)
)
GELU_TANH = Op(
    "gelu(tanh)",
    lambda m, x: 0.5 * x * (1.0 + m.tanh(_gelu_inner(x))),
    lambda m, g, out, x: (_gelu_tanh_derivative(m, g, x),),
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


class Family:
    """Ops that take numbers besides their inputs (a slope, a bound), as `power(p)`: `family(*numbers)`
    is the Op for those numbers, made once, named in pictures by the numbers that differ from
    PyTorch's defaults. `forward(m, *inputs, *numbers)` and `derivative(m, g, out, *inputs, *numbers)`.

    >>> LEAKY_RELU(0.2).name, LEAKY_RELU(0.2) is LEAKY_RELU(0.2), LEAKY_RELU(0.01).name
    ('leaky_relu(negative_slope=0.2)', True, 'leaky_relu')
    """

    __slots__ = ("defaults", "derivative", "forward", "name", "ops")

    def __init__(
        self, name: str, defaults: dict[str, float], forward: Callable[..., Any], derivative: Callable[..., Any]
    ) -> None:
        self.name, self.defaults, self.forward, self.derivative = name, defaults, forward, derivative
        self.ops: dict[tuple[float, ...], Op] = {}

    def __call__(self, *numbers: Any) -> Op:
        try:
            return self.ops[numbers]
        except (KeyError, TypeError):
            pass
        if len(numbers) != len(self.defaults):
            raise TypeError(f"{self.name}: takes {len(self.defaults)} numbers ({', '.join(self.defaults)})")
        key = tuple([_to_float(n, self.name) for n in numbers])
        if len(self.ops) >= 1024:  # as power's table: numbers may come from data
            self.ops.clear()
        if key not in self.ops:
            changed = [
                f"{k}={_shown_number(n)}" for k, n, d in zip(self.defaults, key, self.defaults.values()) if n != d
            ]
            name = f"{self.name}({', '.join(changed)})" if changed else self.name
            forward, derivative = self.forward, self.derivative
            self.ops[key] = Op(
                name,
                lambda m, *xs: forward(m, *xs, *key),
                lambda m, g, out, *xs: derivative(m, g, out, *xs, *key),
            )
        return self.ops[key]

    def __repr__(self) -> str:
        return f"Family({self.name!r})"


def _shown_number(x: float) -> str:
    return repr(int(x)) if x.is_integer() else repr(x)


# The ops with parameters: the last numbers of forward and derivative are the family's.
LEAKY_RELU = Family(
    "leaky_relu",
    {"negative_slope": 0.01},
    lambda m, x, slope: m.where(x > 0.0, lambda: x, lambda: x * slope),
    lambda m, g, out, x, slope: (m.where(x > 0.0, lambda: g, lambda: g * slope),),
)
ELU = Family(
    "elu",
    {"alpha": 1.0},
    lambda m, x, alpha: m.where(x > 0.0, lambda: x, lambda: alpha * m.expm1(x)),
    # At 0, PyTorch's: alpha * g, whose own derivative is 0 (its second derivative masks x < 0).
    lambda m, g, out, x, alpha: (
        m.where(x > 0.0, lambda: g, lambda: m.where(m.is_zero(x), lambda: g * alpha, lambda: g * alpha * m.exp(x))),
    ),
)
SOFTPLUS = Family(  # x itself past the threshold, as PyTorch; beta must not be 0 (autodiff.softplus checks)
    "softplus",
    {"beta": 1.0, "threshold": 20.0},
    lambda m, x, beta, t: m.where(x * beta > t, lambda: x, lambda: m.log1p(m.exp(x * beta)) / beta),
    # At the threshold, PyTorch's: sigmoid(t) * g, whose own derivative is 0 (as elu's at 0).
    lambda m, g, out, x, beta, t: (
        m.where(
            x * beta > t,
            lambda: g,
            lambda: m.where(x * beta >= t, lambda: g * floats.sigmoid(t), lambda: g * m.sigmoid(x * beta)),
        ),
    ),
)
CLAMP = Family(  # the gradient passes from min to max, both included (PyTorch's)
    "clamp",
    {"min": -math.inf, "max": math.inf},
    lambda m, x, low, high: m.minimum(m.maximum(x, low), high),
    lambda m, g, out, x, low, high: (m.where((x >= low) & (x <= high), lambda: g, lambda: 0.0),),
)


def _sign(m: Any, x: Any) -> Any:
    # 0 at ±0 and nan, as torch.sign.
    return m.where(x > 0.0, lambda: 1.0, lambda: m.where(x < 0.0, lambda: -1.0, lambda: 0.0))


def _won(m: Any, g: Any, a: Any, b: Any) -> Any:
    """a's part of maximum(a, b)'s gradient (minimum's with a and b swapped), as PyTorch: all of g
    where a > b (or a nan is among them), half at a tie, none where a < b."""
    return m.where(a < b, lambda: 0.0, lambda: m.where((a <= b) & (a >= b), lambda: g * 0.5, lambda: g))


def _atan2_derivative(m: Any, g: Any, y: Any, x: Any) -> tuple[Any, Any]:
    # PyTorch's: 0 where y^2 + x^2 is 0 (at the origin, or where it underflows), else its reciprocal.
    r = m.where(m.is_zero(y * y + x * x), lambda: 0.0, lambda: m.recip(y * y + x * x))
    return g * x * r, g * -y * r


def _silu_derivative(m: Any, g: Any, x: Any) -> Any:
    s = m.sigmoid(x)
    return g * s * (1.0 + x * (1.0 - s))  # in PyTorch's order


def _gelu_derivative(m: Any, g: Any, x: Any) -> Any:
    return g * (0.5 * (1.0 + m.erf(x * _SQRT_HALF)) + x * (m.exp(-0.5 * x * x) * _GELU_PDF))


def _gelu_inner(x: Any) -> Any:
    return _GELU_TANH * (x + _GELU_CUBIC * (x * x * x))


def _gelu_tanh_derivative(m: Any, g: Any, x: Any) -> Any:
    t = m.tanh(_gelu_inner(x))
    slope = _GELU_TANH * (1.0 + 3.0 * _GELU_CUBIC * (x * x))
    return g * (0.5 * (1.0 + t) + 0.5 * x * ((1.0 - t) * (1.0 + t)) * slope)
