"""The float world: Python floats, for the eager forward and first-order backward.

Besides `Math`, `max(xs)`, the largest of the numbers.

>>> from autodiff import ops
>>> from autodiff.worlds import floats
>>> floats.exp(1000.0), floats.sigmoid(-800.0), ops.TANH.forward(floats, 0.0)
(inf, 0.0, 0.0)
>>> floats.log(-1.0)
Traceback (most recent call last):
ValueError: log: undefined for negative input -1.0
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from typing import Any

from . import domain

tanh, sin, cos, abs = math.tanh, math.sin, math.cos, builtins.abs


def exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def log(x: float) -> float:
    if x < 0:
        raise ValueError(domain.LOG.format(x))
    return -math.inf if x == 0 else math.log(x)  # nan stays nan


def log1p(x: float) -> float:
    if x < -1:
        raise ValueError(domain.LOG1P.format(x))
    return -math.inf if x == -1 else math.log1p(x)


def sqrt(x: float) -> float:
    if x < 0:
        raise ValueError(domain.SQRT.format(x))
    return math.sqrt(x)


def sigmoid(x: float) -> float:
    # Two branches so that exp never sees a large positive argument.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def relu(x: float) -> float:
    return 0.0 if x <= 0 else x


def max(xs: Sequence[float]) -> float:
    """The largest of the numbers; nan if any is nan, whatever its place (as numpy's max).

    >>> max([1.0, 3.0, -2.0]), max([math.inf, math.nan])
    (3.0, nan)
    """
    top = builtins.max(xs)
    return math.nan if any(x != x for x in xs) else top  # builtins.max skips a nan after the first


def logsumexp(xs: Sequence[float]) -> float:
    top = max(xs)  # taken out first, so that exp never overflows
    if math.isinf(top):
        return top
    return top + math.log(builtins.sum([math.exp(x - top) for x in xs]))  # in order, as torch adds


def softmax(xs: Sequence[float]) -> list[float]:
    top = max(xs)
    if math.isinf(top):  # as torch: exp(x - logsumexp), nan for an infinite x, 0 for the others
        return [exp(x - top) for x in xs]
    shifted = [math.exp(x - top) for x in xs]
    total = builtins.sum(shifted)
    return [e / total for e in shifted]


def div(a: float, b: float) -> float:
    if b == 0:
        raise domain.DivisionByZeroError(domain.DIVISION.format(a, b))
    return a / b


def pow_number(x: float, p: float) -> float:
    if x == 0 and p < 0:
        raise ValueError(domain.ZERO_TO_NEGATIVE_POWER.format(p))
    if x < 0 and not float(p).is_integer():
        raise ValueError(domain.NEGATIVE_BASE.format(x, p))
    return pow(x, p)


def pow_value(a: float, b: float) -> float:
    if a < 0:
        raise ValueError(domain.NEGATIVE_BASE_UNDER_VALUE.format(a))
    return pow_number(a, b)


def pow(x: float, p: float) -> float:
    if x < 0 and not float(p).is_integer():
        return math.nan  # Python would give a complex number
    try:
        return float(x**p)
    except ZeroDivisionError:
        return math.inf
    except OverflowError:
        return math.copysign(math.inf, x) if float(p).is_integer() and p % 2 else math.inf


def recip(x: float) -> float:
    return 1.0 / x if x else math.copysign(math.inf, x)


def step(x: float, g: Any = 1.0) -> Any:
    return g if x > 0 else 0.0


def sign(x: float, g: Any = 1.0) -> Any:
    return g if x > 0 else (-g if x < 0 else 0.0 * x)


def is_zero(x: float) -> bool:
    return x == 0


def where(condition: bool, x: Callable[[], Any], y: Callable[[], Any]) -> Any:
    return x() if condition else y()


# The elementary functions beyond micrograd's (the second part of the op table).
atan, asinh, atan2, hypot, erf, erfc = math.atan, math.asinh, math.atan2, math.hypot, math.erf, math.erfc


def _overflowing(fn: Callable[[float], float], sign_of_x: bool) -> Callable[[float], float]:
    """`fn`, with inf (of the sign of x if `sign_of_x`) where math raises OverflowError."""

    def safe(x: float) -> float:
        try:
            return fn(x)
        except OverflowError:
            return math.copysign(math.inf, x) if sign_of_x else math.inf

    return safe


sinh = _overflowing(math.sinh, sign_of_x=True)
cosh = _overflowing(math.cosh, sign_of_x=False)
expm1 = _overflowing(math.expm1, sign_of_x=False)
exp2 = _overflowing(lambda x: 2.0**x, sign_of_x=False)


def tan(x: float) -> float:
    return math.tan(x) if x - x == 0 else math.nan  # nan for ±inf (math raises), as numpy and torch


def asin(x: float) -> float:
    if x < -1 or x > 1:
        raise ValueError(domain.ASIN.format(x))
    return math.asin(x)


def acos(x: float) -> float:
    if x < -1 or x > 1:
        raise ValueError(domain.ACOS.format(x))
    return math.acos(x)


def acosh(x: float) -> float:
    if x < 1:
        raise ValueError(domain.ACOSH.format(x))
    return math.acosh(x)


def atanh(x: float) -> float:
    if x < -1 or x > 1:
        raise ValueError(domain.ATANH.format(x))
    return math.copysign(math.inf, x) if abs(x) == 1 else math.atanh(x)


def log2(x: float) -> float:
    if x < 0:
        raise ValueError(domain.LOG2.format(x))
    return -math.inf if x == 0 else math.log2(x)


def log10(x: float) -> float:
    if x < 0:
        raise ValueError(domain.LOG10.format(x))
    return -math.inf if x == 0 else math.log10(x)


def _whole(fn: Callable[[float], int]) -> Callable[[float], float]:
    """A rounding function of math (which gives an int) as a float, ±inf and nan as they are, and
    the sign of a zero kept (ceil(-0.5) is -0.0, as numpy and torch)."""

    def rounded(x: float) -> float:
        return math.copysign(float(fn(x)), x) if x - x == 0 else x

    return rounded


floor, ceil, trunc, round = _whole(math.floor), _whole(math.ceil), _whole(math.trunc), _whole(builtins.round)


def remainder(a: float, b: float) -> float:
    if b == 0:
        raise domain.DivisionByZeroError(domain.REMAINDER.format(a, b))
    return a % b


def floor_divide(a: float, b: float) -> float:
    if b == 0:
        raise domain.DivisionByZeroError(domain.FLOOR_DIVIDE.format(a, b))
    return a // b


def maximum(a: float, b: float) -> float:
    return a if a > b or a != a else b  # nan if either is nan, as torch.maximum


def minimum(a: float, b: float) -> float:
    return a if a < b or a != a else b
