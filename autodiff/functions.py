"""Every op of the table as a function, spelled as PyTorch spells it (`autodiff.atan2(y, x)` as
`torch.atan2(y, x)`); each takes Values or numbers (a number is a constant) and records the op's node.
The activations are in `autodiff.activations`.

>>> from autodiff import Value
>>> x = Value(0.5)
>>> y = atan2(x, 1.0) + floor(x * 3.0)
>>> y.backward()
>>> y.op, x.grad
('+', 0.8)
"""

from __future__ import annotations

import math
from typing import Any

from . import ops
from .value import Value


def exp(x: Any) -> Value:
    """e ** x, as torch.exp.

    >>> exp(0.0).data
    1.0
    """
    return ops.EXP(x)


def log(x: Any) -> Value:
    """The natural logarithm: -inf at 0, a ValueError below, as torch.log (which gives nan).

    >>> log(1.0).data
    0.0
    """
    return ops.LOG(x)


def log1p(x: Any) -> Value:
    """log(1 + x), accurate for tiny x: -inf at -1, a ValueError below.

    >>> log1p(0.0).data
    0.0
    """
    return ops.LOG1P(x)


def sqrt(x: Any) -> Value:
    """The square root: a ValueError below 0.

    >>> sqrt(4.0).data
    2.0
    """
    return ops.SQRT(x)


def sin(x: Any) -> Value:
    """The sine, in radians.

    >>> sin(0.0).data
    0.0
    """
    return ops.SIN(x)


def cos(x: Any) -> Value:
    """The cosine, in radians.

    >>> cos(0.0).data
    1.0
    """
    return ops.COS(x)


def tan(x: Any) -> Value:
    """The tangent, in radians; nan at ±inf.

    >>> tan(0.0).data
    0.0
    """
    return ops.TAN(x)


def sinh(x: Any) -> Value:
    """The hyperbolic sine.

    >>> sinh(0.0).data
    0.0
    """
    return ops.SINH(x)


def cosh(x: Any) -> Value:
    """The hyperbolic cosine.

    >>> cosh(0.0).data
    1.0
    """
    return ops.COSH(x)


def tanh(x: Any) -> Value:
    """The hyperbolic tangent.

    >>> tanh(0.0).data
    0.0
    """
    return ops.TANH(x)


def asin(x: Any) -> Value:
    """The arcsine: a ValueError outside [-1, 1] (torch.asin gives nan); its slope is inf at ±1.

    >>> asin(1.0).data
    1.5707963267948966
    """
    return ops.ASIN(x)


def acos(x: Any) -> Value:
    """The arccosine: a ValueError outside [-1, 1].

    >>> acos(1.0).data
    0.0
    """
    return ops.ACOS(x)


def atan(x: Any) -> Value:
    """The arctangent.

    >>> atan(1.0).data
    0.7853981633974483
    """
    return ops.ATAN(x)


def asinh(x: Any) -> Value:
    """The inverse hyperbolic sine.

    >>> asinh(0.0).data
    0.0
    """
    return ops.ASINH(x)


def acosh(x: Any) -> Value:
    """The inverse hyperbolic cosine: a ValueError below 1.

    >>> acosh(1.0).data
    0.0
    """
    return ops.ACOSH(x)


def atanh(x: Any) -> Value:
    """The inverse hyperbolic tangent: ±inf at ±1, a ValueError beyond.

    >>> atanh(0.0).data
    0.0
    """
    return ops.ATANH(x)


def expm1(x: Any) -> Value:
    """e ** x - 1, accurate for tiny x.

    >>> expm1(1e-20).data
    1e-20
    """
    return ops.EXPM1(x)


def exp2(x: Any) -> Value:
    """2 ** x.

    >>> exp2(3.0).data
    8.0
    """
    return ops.EXP2(x)


def log2(x: Any) -> Value:
    """The base-2 logarithm: -inf at 0, a ValueError below.

    >>> log2(8.0).data
    3.0
    """
    return ops.LOG2(x)


def log10(x: Any) -> Value:
    """The base-10 logarithm: -inf at 0, a ValueError below.

    >>> log10(100.0).data
    2.0
    """
    return ops.LOG10(x)


def erf(x: Any) -> Value:
    """The error function.

    >>> erf(0.0).data
    0.0
    """
    return ops.ERF(x)


def erfc(x: Any) -> Value:
    """1 - erf(x), accurate where erf(x) is near 1.

    >>> erfc(0.0).data
    1.0
    """
    return ops.ERFC(x)


def abs(x: Any) -> Value:  # noqa: A001 - torch's name
    """|x|; its slope is 0 at 0, as PyTorch's.

    >>> abs(-2.0).data
    2.0
    """
    return ops.ABS(x)


def sign(x: Any) -> Value:
    """-1, 0 or 1 (0 at ±0 and nan); its gradient is 0, as PyTorch's.

    >>> sign(-2.5).data
    -1.0
    """
    return ops.SIGN(x)


def floor(x: Any) -> Value:
    """The largest whole number <= x; its gradient is 0, as PyTorch's.

    >>> floor(-2.5).data
    -3.0
    """
    return ops.FLOOR(x)


def ceil(x: Any) -> Value:
    """The smallest whole number >= x; its gradient is 0.

    >>> ceil(-2.5).data
    -2.0
    """
    return ops.CEIL(x)


def round(x: Any) -> Value:  # noqa: A001 - torch's name
    """x to the nearest whole number, half to even (as Python's round and torch.round); its gradient is 0.

    >>> round(2.5).data
    2.0
    """
    return ops.ROUND(x)


def trunc(x: Any) -> Value:
    """x rounded towards zero; its gradient is 0.

    >>> trunc(-2.5).data
    -2.0
    """
    return ops.TRUNC(x)


def atan2(y: Any, x: Any) -> Value:
    """The angle of the point (x, y), in (-pi, pi], as torch.atan2(y, x); its gradient is 0 at the origin, as PyTorch's.

    >>> atan2(1.0, -1.0).data
    2.356194490192345
    """
    return ops.ATAN2(y, x)


def hypot(a: Any, b: Any) -> Value:
    """sqrt(a*a + b*b) without overflow, as torch.hypot; its gradient is nan at (0, 0), as PyTorch's.

    >>> hypot(3.0, 4.0).data
    5.0
    """
    return ops.HYPOT(a, b)


def remainder(a: Any, b: Any) -> Value:
    """a % b with the sign of b (Python's and torch.remainder's; also `a % b` on Values): its
    gradient is 1 in a and -(a // b) in b. A ValueError (and ZeroDivisionError) for b == 0.

    >>> remainder(-5.5, 2.0).data
    0.5
    """
    return ops.REMAINDER(a, b)


def floor_divide(a: Any, b: Any) -> Value:
    """a // b, Python's (also `a // b` on Values); its gradient is 0, as that of
    torch.div(a, b, rounding_mode='floor'). A ValueError (and ZeroDivisionError) for b == 0.

    >>> floor_divide(-5.5, 2.0).data
    -3.0
    """
    return ops.FLOOR_DIVIDE(a, b)


def maximum(a: Any, b: Any) -> Value:
    """The larger of a and b, as torch.maximum: the gradient goes to the larger, half to each
    at a tie (PyTorch's); nan if either is nan.

    >>> maximum(1.0, 2.0).data
    2.0
    """
    return ops.MAXIMUM(a, b)


def minimum(a: Any, b: Any) -> Value:
    """The smaller of a and b, as torch.minimum: the gradient goes to the smaller, half to each at a tie.

    >>> minimum(1.0, 2.0).data
    1.0
    """
    return ops.MINIMUM(a, b)


def clamp(x: Any, min: float | None = None, max: float | None = None) -> Value:  # noqa: A002 - torch's names
    """x held within [min, max] (either may be None), as torch.clamp: min(max(x, min), max), so max
    wins where min > max. The gradient passes where min <= x <= max, the bounds included (PyTorch's).

    >>> clamp(2.5, -1.0, 1.0).data, clamp(Value(-2.5), min=0.0).op
    (1.0, 'clamp(min=0)')
    """
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be a number, got None for both")
    return ops.CLAMP(-math.inf if min is None else min, math.inf if max is None else max)(x)
