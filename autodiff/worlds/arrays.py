"""The array world: numpy arrays, elementwise, for the compiled replay over a batch.

The same results as `floats`, element by element; a domain error names the first element that
fails. `CompiledGraph` silences numpy's warnings about infinities, as `floats` returns them
without a word. Besides `Math`, `max(xs)`.

>>> import numpy as np
>>> from autodiff.worlds import arrays
>>> arrays.sigmoid(np.array([-800.0, 0.0, 800.0]))
array([0. , 0.5, 1. ])
>>> arrays.log(np.array([1.0, -2.0]))
Traceback (most recent call last):
ValueError: log: undefined for negative input -2.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import domain

exp, tanh, sin, cos, abs = np.exp, np.tanh, np.sin, np.cos, np.abs


def _check_domain(bad: Any, x: Any, message: str) -> None:
    if np.any(bad):
        raise ValueError(message.format(_first(x, bad)))


def _first(x: Any, mask: Any) -> float:
    """The first entry of `x` where `mask` holds, as a float for the error message."""
    return float(np.broadcast_to(x, np.shape(mask))[mask].flat[0])


def _defined_from(fn: Callable[[Any], Any], lowest: float, message: str) -> Callable[[Any], Any]:
    """`fn`, raising ValueError(message) for an input below `lowest`."""

    def checked(x: Any) -> Any:
        _check_domain(np.less(x, lowest), x, message)
        return fn(x)

    return checked


log = _defined_from(np.log, 0.0, domain.LOG)
log1p = _defined_from(np.log1p, -1.0, domain.LOG1P)
sqrt = _defined_from(np.sqrt, 0.0, domain.SQRT)


def sigmoid(x: Any) -> Any:
    e = np.exp(-np.abs(x))  # as floats.sigmoid: exp never sees a large positive argument
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(x: Any) -> Any:
    return np.maximum(x, 0.0)


def max(xs: Sequence[Any]) -> Any:
    """As `floats.max`, elementwise over the arrays of `xs`.

    >>> max([np.array([1.0, 5.0]), np.array([3.0, -2.0])])
    array([3., 5.])
    """
    return np.max(np.stack(np.broadcast_arrays(*xs)), axis=0)


def logsumexp(xs: Sequence[Any]) -> Any:
    stacked = np.stack(np.broadcast_arrays(*xs))
    top = np.max(stacked, axis=0)
    top = np.where(np.isinf(top), 0.0, top)  # an infinite top needs no shift, and -inf - -inf is nan
    return top + np.log(np.sum(np.exp(stacked - top), axis=0))


def softmax(xs: Sequence[Any]) -> Any:
    stacked = np.stack(np.broadcast_arrays(*xs))
    top = np.max(stacked, axis=0)
    shifted = np.exp(stacked - top)
    with np.errstate(invalid="ignore", divide="ignore"):
        # As floats.softmax: where the top is infinite, exp(x - top), as torch.
        return list(np.where(np.isinf(top), shifted, shifted / np.sum(shifted, axis=0)))


def div(a: Any, b: Any) -> Any:
    zero = np.equal(b, 0.0)
    if np.any(zero):
        raise domain.DivisionByZeroError(domain.DIVISION.format(_first(a, zero), _first(b, zero)))
    return a / b


def pow_number(x: Any, p: Any) -> Any:
    if type(p) is float and p >= 0.0 and p.is_integer():  # (x ** 2, say): every x is in the domain
        return np.power(x, p)
    if np.any(bad := np.equal(x, 0.0) & np.less(p, 0.0)):
        raise ValueError(domain.ZERO_TO_NEGATIVE_POWER.format(_first(p, bad)))
    if np.any(bad := np.less(x, 0.0) & ~(np.isfinite(p) & (np.trunc(p) == p))):
        raise ValueError(domain.NEGATIVE_BASE.format(_first(x, bad), _first(p, bad)))
    return pow(x, p)


def pow_value(a: Any, b: Any) -> Any:
    _check_domain(np.less(a, 0.0), a, domain.NEGATIVE_BASE_UNDER_VALUE)
    return pow_number(a, b)


def pow(x: Any, p: Any) -> Any:
    result = np.power(x, p)
    if np.any(np.less(p, 0.0)):  # 0 ** (negative) is +inf, as floats.pow (numpy: -inf for -0.0)
        result = np.where(np.equal(x, 0.0) & np.less(p, 0.0), np.inf, result)
    return result


def recip(x: Any) -> Any:
    return 1.0 / x  # 1 / ±0 is ±inf, as floats.recip


def step(x: Any, g: Any = 1.0) -> Any:
    return np.where(np.greater(x, 0.0), g, 0.0)


def sign(x: Any, g: Any = 1.0) -> Any:
    with np.errstate(invalid="ignore"):  # -g of an infinite g where x >= 0, not taken
        return np.where(np.greater(x, 0.0), g, np.where(np.less(x, 0.0), np.negative(g), 0.0 * x))


def is_zero(x: Any) -> Any:
    return np.equal(x, 0.0)


def where(condition: Any, x: Callable[[], Any], y: Callable[[], Any]) -> Any:
    # Both branches are computed for the whole batch: silence numpy's warnings about the one not taken.
    with np.errstate(all="ignore"):
        return np.where(condition, x(), y())


# The elementary functions beyond micrograd's (the second part of the op table).
tan, sinh, cosh, atan, asinh, atan2 = np.tan, np.sinh, np.cosh, np.arctan, np.arcsinh, np.arctan2
hypot, expm1, exp2, floor, ceil, trunc = np.hypot, np.expm1, np.exp2, np.floor, np.ceil, np.trunc
maximum, minimum, round = np.maximum, np.minimum, np.rint  # rint: half to even, as Python's round and torch
# numpy has no erf: math's, element by element (the same numbers as the float world).
erf = np.vectorize(math.erf, otypes=[float])
erfc = np.vectorize(math.erfc, otypes=[float])


def _defined_within(fn: Callable[[Any], Any], lowest: float, highest: float, message: str) -> Callable[[Any], Any]:
    """`fn`, raising ValueError(message) for an input outside [lowest, highest]."""

    def checked(x: Any) -> Any:
        _check_domain(np.less(x, lowest) | np.greater(x, highest), x, message)
        return fn(x)

    return checked


asin = _defined_within(np.arcsin, -1.0, 1.0, domain.ASIN)
acos = _defined_within(np.arccos, -1.0, 1.0, domain.ACOS)
atanh = _defined_within(np.arctanh, -1.0, 1.0, domain.ATANH)
acosh = _defined_from(np.arccosh, 1.0, domain.ACOSH)
log2 = _defined_from(np.log2, 0.0, domain.LOG2)
log10 = _defined_from(np.log10, 0.0, domain.LOG10)


def _by_nonzero(fn: Callable[[Any, Any], Any], message: str) -> Callable[[Any, Any], Any]:
    """`fn(a, b)`, raising DivisionByZeroError(message) where b is zero."""

    def checked(a: Any, b: Any) -> Any:
        zero = np.equal(b, 0.0)
        if np.any(zero):
            raise domain.DivisionByZeroError(message.format(_first(a, zero), _first(b, zero)))
        return fn(a, b)

    return checked


remainder = _by_nonzero(np.remainder, domain.REMAINDER)
floor_divide = _by_nonzero(np.floor_divide, domain.FLOOR_DIVIDE)
