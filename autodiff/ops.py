"""The primitive ops: each one's forward and its local derivative, defined once.

Every op is an `Op(name, forward, derivative)`. Both functions take a *math
namespace* `m` first, so one definition serves three worlds:

- `scalar` (below): Python floats, for the eager forward and first-order backward;
- `autodiff.backward.values`: Values, so a derivative builds its own graph (higher order);
- `autodiff.compiled.arrays`: numpy arrays, for the compiled replay over a batch.

`derivative(m, g, out, *inputs)` gets the upstream gradient `g`, the op's output and
its inputs, and returns one gradient per input. Ordinary arithmetic (`+ - * / **`)
works in every world; anything else comes from `m`.

>>> square = Op("square", lambda m, x: x * x, lambda m, g, out, x: (2.0 * g * x,))
>>> from autodiff import Value
>>> x = Value(3.0)
>>> y = square(x)
>>> y.backward()
>>> y.data, x.grad
(9.0, 6.0)
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import value as _value


class Op:
    """A differentiable primitive; calling it on Values or numbers records a node.

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


class DivisionByZeroError(ZeroDivisionError, ValueError):
    """Division by zero: a domain error, so a `ValueError` as every other one here, and still a
    `ZeroDivisionError` as Python's own, so that either `except` catches it.

    >>> from autodiff import Value
    >>> try:
    ...     Value(1.0) / 0
    ... except ValueError as error:
    ...     print(error, isinstance(error, ZeroDivisionError))
    div: cannot divide 1.0 by zero (0.0) True
    """


class scalar:
    """Math on Python floats with IEEE results (inf, not OverflowError) and clear domain errors.

    >>> scalar.exp(1000.0), scalar.sigmoid(-800.0), TANH.forward(scalar, 0.0)
    (inf, 0.0, 0.0)
    >>> scalar.log(-1.0)
    Traceback (most recent call last):
    ValueError: log: undefined for negative input -1.0
    """

    @staticmethod
    def exp(x: float) -> float:
        """math.exp, with inf for an overflow.

        >>> scalar.exp(0.0), scalar.exp(1000.0)
        (1.0, inf)
        """
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    @staticmethod
    def log(x: float) -> float:
        """math.log, with -inf at 0 and a ValueError naming the op below it.

        >>> scalar.log(1.0), scalar.log(0.0)
        (0.0, -inf)
        """
        if x < 0:
            raise ValueError(f"log: undefined for negative input {x!r}")
        return math.log(x) if x > 0 else -math.inf

    @staticmethod
    def log1p(x: float) -> float:
        """math.log1p, with -inf at -1 and a ValueError naming the op below it.

        >>> scalar.log1p(0.0), scalar.log1p(-1.0)
        (0.0, -inf)
        """
        if x < -1:
            raise ValueError(f"log1p: undefined for input {x!r} < -1")
        return math.log1p(x) if x > -1 else -math.inf

    @staticmethod
    def sqrt(x: float) -> float:
        """math.sqrt, with a ValueError naming the op for a negative input.

        >>> scalar.sqrt(4.0)
        2.0
        """
        if x < 0:
            raise ValueError(f"sqrt: undefined for negative input {x!r}")
        return math.sqrt(x)

    @staticmethod
    def sigmoid(x: float) -> float:
        """1 / (1 + e ** -x), for any x.

        >>> scalar.sigmoid(0.0), scalar.sigmoid(800.0)
        (0.5, 1.0)
        """
        # Two branches so that exp never sees a large positive argument.
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)

    @staticmethod
    def max(xs: Sequence[float]) -> float:
        """The largest of the numbers; nan if any is nan, whatever its place (as numpy's max).

        >>> scalar.max([1.0, 3.0, -2.0]), scalar.max([math.inf, math.nan])
        (3.0, nan)
        """
        top = builtins.max(xs)
        return math.nan if any(x != x for x in xs) else top  # builtins.max skips a nan after the first

    @staticmethod
    def logsumexp(xs: Sequence[float]) -> float:
        """log(exp(xs[0]) + exp(xs[1]) + ...), the largest taken out first so that exp never
        overflows; inf if any is inf, -inf if all are -inf.

        >>> scalar.logsumexp([1000.0, 1000.0]), scalar.logsumexp([0.0, -math.inf])
        (1000.6931471805599, 0.0)
        """
        top = scalar.max(xs)
        if math.isinf(top):
            return top
        return top + math.log(builtins.sum([math.exp(x - top) for x in xs]))  # in order, as torch adds

    @staticmethod
    def pow(x: float, p: float) -> float:
        """x ** p with IEEE results (as numpy's): 0 ** -1 is inf, overflow is inf, and a negative
        base to a non-integer power is nan (Python would give a complex number).

        >>> scalar.pow(2.0, 3.0), scalar.pow(0.0, -1.0), scalar.pow(-8.0, 0.5)
        (8.0, inf, nan)
        """
        if x < 0 and not float(p).is_integer():
            return math.nan
        try:
            return float(x**p)
        except ZeroDivisionError:
            return math.inf
        except OverflowError:
            return math.copysign(math.inf, x) if float(p).is_integer() and p % 2 else math.inf

    @staticmethod
    def recip(x: float) -> float:
        """1 / x, with 1 / ±0 = ±inf (an infinite derivative, not an error).

        >>> scalar.recip(4.0), scalar.recip(-0.0)
        (0.25, -inf)
        """
        return 1.0 / x if x else math.copysign(math.inf, x)

    @staticmethod
    def step(x: float) -> float:
        """1 where x > 0, else 0: the derivative of relu (0 at the kink, as PyTorch).

        >>> scalar.step(2.0), scalar.step(0.0)
        (1.0, 0.0)
        """
        return 1.0 if x > 0 else 0.0

    @staticmethod
    def sign(x: float) -> float:
        """-1, 0 or 1: the derivative of abs (0 at the kink, as PyTorch).

        >>> scalar.sign(-3.0), scalar.sign(0.0)
        (-1.0, 0.0)
        """
        return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0 * x)

    @staticmethod
    def is_zero(x: float) -> bool:
        """x == 0 (either sign): where pow's derivatives take their special case.

        >>> scalar.is_zero(-0.0), scalar.is_zero(1e-300)
        (True, False)
        """
        return x == 0

    @staticmethod
    def where(condition: bool, x: Callable[[], Any], y: Callable[[], Any]) -> Any:
        """`x()` if condition else `y()`: only the branch taken is computed, so the other one may
        be undefined there (log(0)) without making a node, or a NaN for `detect_anomaly()`.

        >>> scalar.where(True, lambda: 1.0, lambda: 2.0)
        1.0
        """
        return x() if condition else y()

    tanh = staticmethod(math.tanh)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    abs = staticmethod(abs)

    @staticmethod
    def relu(x: float) -> float:
        """max(0, x).

        >>> scalar.relu(-2.0), scalar.relu(3.0)
        (0.0, 3.0)
        """
        return 0.0 if x <= 0 else x

    @staticmethod
    def div(a: float, b: float) -> float:
        """a / b, with a `DivisionByZeroError` that names the op.

        >>> scalar.div(1.0, 4.0)
        0.25
        """
        if b == 0:
            raise DivisionByZeroError(f"div: cannot divide {a!r} by zero ({b!r})")
        return a / b

    @staticmethod
    def pow_number(x: float, p: float) -> float:
        """x ** p for a number p, with a ValueError naming the op where the result is not real.

        >>> scalar.pow_number(4.0, 0.5), scalar.pow_number(-2.0, 3.0)
        (2.0, -8.0)
        """
        if x == 0 and p < 0:
            raise ValueError(f"pow: zero cannot be raised to the negative power {p!r}")
        if x < 0 and not float(p).is_integer():
            raise ValueError(f"pow: negative base {x!r} to the non-integer power {p!r} is not real")
        return scalar.pow(x, p)

    @staticmethod
    def pow_value(a: float, b: float) -> float:
        """a ** b for a Value exponent b: also a ValueError for a negative base.

        >>> scalar.pow_value(2.0, 3.0)
        8.0
        """
        # d/db a**b = a**b * log(a) needs a > 0 (or a == 0 with b >= 0).
        if a < 0:
            raise ValueError(f"pow: base {a!r} is negative under a Value exponent (its gradient needs log(base))")
        return scalar.pow_number(a, b)


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
RELU = Op("relu", lambda m, x: m.relu(x), lambda m, g, out, x: (g * m.step(x),))
ABS = Op("abs", lambda m, x: m.abs(x), lambda m, g, out, x: (g * m.sign(x),))
SIN = Op("sin", lambda m, x: m.sin(x), lambda m, g, out, x: (g * m.cos(x),))
COS = Op("cos", lambda m, x: m.cos(x), lambda m, g, out, x: (-g * m.sin(x),))
SUM = Op("sum", lambda m, *xs: builtins.sum(xs), lambda m, g, out, *xs: (g,) * len(xs))
LOGSUMEXP = Op(
    "logsumexp",
    lambda m, *xs: m.logsumexp(xs),
    lambda m, g, out, *xs: tuple([g * m.exp(x - out) for x in xs]),  # softmax
)
DOT = Op(
    "dot",
    lambda m, *xs: builtins.sum(map(operator.mul, xs[: len(xs) // 2], xs[len(xs) // 2 :])),
    lambda m, g, out, *xs: tuple([g * x for x in xs[len(xs) // 2 :] + xs[: len(xs) // 2]]),
)


def power(p: float) -> Op:
    """The op `x ** p` for a number p, named `**p` in pictures.

    The same exponent gives the same Op (2, 2.0 and numpy's 2.0 are one exponent) while fewer
    than 1,024 distinct exponents are in use; past that the table starts afresh, and an exponent
    asked for again gets a new Op with the same name and rule.

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
        return _new_power(_value._to_float(p, "power"))


_POWERS: dict[float, Op] = {}


def _new_power(p: float) -> Op:
    if len(_POWERS) >= 1024:  # exponents may come from data: keep the table small
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
    return _value.apply(SUM, *values)


def dot(a: Iterable[Any], b: Iterable[Any]) -> _value.Value:
    """One n-ary node for `a[0]*b[0] + a[1]*b[1] + ...`, as a neuron's weighted sum.

    >>> from autodiff import Value
    >>> dot([Value(1.0), Value(2.0)], [3.0, 4.0]).data
    11.0
    """
    a, b = _as_sequence(a, "dot"), _as_sequence(b, "dot")
    if len(a) != len(b) or len(a) == 0:
        raise ValueError(f"dot: needs two sequences of the same non-zero length, got {len(a)} and {len(b)}")
    return _value.apply(DOT, *a, *b)


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
    return _value.apply(LOGSUMEXP, *values)


def _as_sequence(xs: Iterable[Any], function: str) -> Sequence[Any]:
    """A list or a tuple as itself; any other iterable (a generator, say) as a tuple."""
    if type(xs) is list or type(xs) is tuple:
        return xs
    if not isinstance(xs, Iterable):
        raise TypeError(f"{function}: expected an iterable (a list, say), got {type(xs).__name__} ({xs!r})")
    return tuple(xs)
