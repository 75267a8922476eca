"""`arrays`: the math namespace on numpy arrays, for the compiled replay."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import ops


def _check_domain(bad: Any, x: Any, message: str) -> None:
    if np.any(bad):
        raise ValueError(message.format(_first(x, bad)))


def _first(x: Any, mask: Any) -> float:
    """The first entry of `x` where `mask` holds, as a float for the error message."""
    return float(np.broadcast_to(x, np.shape(mask))[mask].flat[0])


def _defined_from(fn: Callable[[Any], Any], lowest: float, message: str) -> Any:
    """`fn`, raising ValueError(message) for an input below `lowest`, as ops.scalar does."""

    def checked(x: Any) -> Any:
        """`fn` elementwise, with `ops.scalar`'s ValueError for an input below `lowest`.

        >>> arrays.sqrt(np.array([4.0, 9.0])), arrays.log1p(np.array([0.0]))
        (array([2., 3.]), array([0.]))
        """
        _check_domain(np.less(x, lowest), x, message)
        return fn(x)

    return staticmethod(checked)


class arrays:
    """`ops.scalar`'s functions on numpy arrays, elementwise, with the same domain errors.

    Results follow IEEE (inf, not an error); `CompiledGraph` silences numpy's warnings
    about them, as `ops.scalar` returns inf without a word.

    >>> arrays.sigmoid(np.array([-800.0, 0.0, 800.0]))
    array([0. , 0.5, 1. ])
    """

    exp = staticmethod(np.exp)
    tanh = staticmethod(np.tanh)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)

    log = _defined_from(np.log, 0.0, "log: undefined for negative input {!r}")
    log1p = _defined_from(np.log1p, -1.0, "log1p: undefined for input {!r} < -1")
    sqrt = _defined_from(np.sqrt, 0.0, "sqrt: undefined for negative input {!r}")

    @staticmethod
    def sigmoid(x: Any) -> Any:
        """`ops.scalar.sigmoid`, elementwise.

        >>> arrays.sigmoid(np.array([0.0, -800.0]))
        array([0.5, 0. ])
        """
        # As ops.scalar.sigmoid: exp only ever sees -|x|, so it cannot overflow.
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    @staticmethod
    def max(xs: Sequence[Any]) -> Any:
        """As `ops.scalar.max`, elementwise over the arrays of `xs`.

        >>> arrays.max([np.array([1.0, 5.0]), np.array([3.0, -2.0])])
        array([3., 5.])
        """
        return np.max(np.stack(np.broadcast_arrays(*xs)), axis=0)

    @staticmethod
    def logsumexp(xs: Sequence[Any]) -> Any:
        """As `ops.scalar.logsumexp`, elementwise over the arrays of `xs`.

        >>> arrays.logsumexp([np.array([1000.0, 0.0]), np.array([1000.0, -np.inf])])
        array([1000.69314718,    0.        ])
        """
        stacked = np.stack(np.broadcast_arrays(*xs))
        top = np.max(stacked, axis=0)
        top = np.where(np.isinf(top), 0.0, top)  # an infinite top needs no shift, and -inf - -inf is nan
        return top + np.log(np.sum(np.exp(stacked - top), axis=0))

    @staticmethod
    def relu(x: Any) -> Any:
        """max(0, x), elementwise.

        >>> arrays.relu(np.array([-2.0, 3.0]))
        array([0., 3.])
        """
        return np.maximum(x, 0.0)

    @staticmethod
    def step(x: Any) -> Any:
        """1 where x > 0, else 0: the derivative of relu.

        >>> arrays.step(np.array([-1.0, 0.0, 2.0]))
        array([0., 0., 1.])
        """
        return np.greater(x, 0.0) * 1.0

    @staticmethod
    def is_zero(x: Any) -> Any:
        """x == 0 (either sign), elementwise.

        >>> arrays.is_zero(np.array([-0.0, 1.0]))
        array([ True, False])
        """
        return np.equal(x, 0.0)

    @staticmethod
    def where(condition: Any, x: Callable[[], Any], y: Callable[[], Any]) -> Any:
        """As `ops.scalar.where`, elementwise: both branches are computed for the whole batch, so
        numpy's warnings about the one not taken (log(0) where the other is chosen) are silenced.

        >>> x = np.array([0.0, 1.0])
        >>> arrays.where(x > 0, lambda: np.log(x), lambda: 0.0 * x)
        array([0., 0.])
        """
        with np.errstate(all="ignore"):
            return np.where(condition, x(), y())

    @staticmethod
    def recip(x: Any) -> Any:
        """1 / x, elementwise (±inf at ±0).

        >>> arrays.recip(np.array([4.0, 0.5]))
        array([0.25, 2.  ])
        """
        return 1.0 / x  # 1 / ±0 is ±inf, as ops.scalar.recip

    @staticmethod
    def pow(x: Any, p: Any) -> Any:
        """x ** p for derivatives: 0 ** (negative) is +inf, as ops.scalar.pow (numpy: -inf for -0.0).

        >>> arrays.pow(np.array([2.0, 3.0]), 2.0)
        array([4., 9.])
        """
        result = np.power(x, p)
        if np.any(np.less(p, 0.0)):
            result = np.where(np.equal(x, 0.0) & np.less(p, 0.0), np.inf, result)
        return result

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        """a / b, elementwise, with `ops.scalar.div`'s `ops.DivisionByZeroError`.

        >>> arrays.div(np.array([1.0, 3.0]), np.array([4.0, 2.0]))
        array([0.25, 1.5 ])
        """
        zero = np.equal(b, 0.0)
        if np.any(zero):
            raise ops.DivisionByZeroError(f"div: cannot divide {_first(a, zero)!r} by zero ({_first(b, zero)!r})")
        return a / b

    @staticmethod
    def pow_number(x: Any, p: Any) -> Any:
        """`ops.scalar.pow_number`, elementwise, with the same ValueErrors.

        >>> arrays.pow_number(np.array([4.0, 9.0]), 0.5)
        array([2., 3.])
        """
        if np.any(bad := np.equal(x, 0.0) & np.less(p, 0.0)):
            raise ValueError(f"pow: zero cannot be raised to the negative power {_first(p, bad)!r}")
        if np.any(bad := np.less(x, 0.0) & ~(np.isfinite(p) & (np.trunc(p) == p))):
            raise ValueError(
                f"pow: negative base {_first(x, bad)!r} to the non-integer power {_first(p, bad)!r} is not real"
            )
        return arrays.pow(x, p)

    @staticmethod
    def pow_value(a: Any, b: Any) -> Any:
        """`ops.scalar.pow_value`, elementwise, with the same ValueErrors.

        >>> arrays.pow_value(np.array([2.0]), np.array([3.0]))
        array([8.])
        """
        _check_domain(
            np.less(a, 0.0), a, "pow: base {!r} is negative under a Value exponent (its gradient needs log(base))"
        )
        return arrays.pow_number(a, b)
