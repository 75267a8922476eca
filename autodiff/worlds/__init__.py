"""The math worlds (`floats`, `values`, `arrays`): what `m` means in a rule of the op table.
A new world implements `Math` and adds itself to the check at the end of this file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol


class Math(Protocol):
    """What a rule may call on `m`, besides the arithmetic `+ - * / **` on the world's numbers.

    Each world returns IEEE results where the float result is infinite or undefined (inf for an
    overflow, nan for a negative base to a non-integer power) and raises the errors of
    `autodiff.worlds.domain` where an op is undefined.

    >>> from autodiff import ops
    >>> from autodiff.worlds import floats
    >>> ops.TANH.forward(floats, 0.0), ops.TANH.derivative(floats, 1.0, 0.0, 0.0)
    (0.0, (1.0,))
    """

    def exp(self, x: Any, /) -> Any:
        """e ** x; inf for an overflow."""

    def log(self, x: Any, /) -> Any:
        """The natural logarithm: -inf at 0, a domain error below."""

    def log1p(self, x: Any, /) -> Any:
        """log(1 + x), accurate for tiny x: -inf at -1, a domain error below."""

    def sqrt(self, x: Any, /) -> Any:
        """The square root: a domain error below 0."""

    def tanh(self, x: Any, /) -> Any:
        """The hyperbolic tangent."""

    def sigmoid(self, x: Any, /) -> Any:
        """1 / (1 + e ** -x), without overflow for any x."""

    def relu(self, x: Any, /) -> Any:
        """max(0, x)."""

    def abs(self, x: Any, /) -> Any:
        """|x|."""

    def sin(self, x: Any, /) -> Any:
        """The sine, in radians."""

    def cos(self, x: Any, /) -> Any:
        """The cosine, in radians."""

    def logsumexp(self, xs: Sequence[Any], /) -> Any:
        """log(exp(xs[0]) + exp(xs[1]) + ...), without overflow; -inf if all are -inf."""

    def softmax(self, xs: Sequence[Any], /) -> Any:
        """exp(xs[i]) / (exp(xs[0]) + exp(xs[1]) + ...) for each i, to the last digits for any
        finite xs: logsumexp's derivative. Where the largest x is infinite, exp(xs[i] - it), as
        torch."""

    def div(self, a: Any, b: Any, /) -> Any:
        """a / b; `DivisionByZeroError` for b == 0."""

    def pow_number(self, x: Any, p: Any, /) -> Any:
        """x ** p for a number p; a domain error for 0 to a negative power or a negative base to a
        non-integer one."""

    def pow_value(self, a: Any, b: Any, /) -> Any:
        """a ** b for a Value exponent b: as `pow_number`, and a domain error for a negative base
        (the gradient in b needs log(a))."""

    def pow(self, x: Any, p: Any, /) -> Any:
        """x ** p inside a derivative, never an error: 0 to a negative power is +inf."""

    def recip(self, x: Any, /) -> Any:
        """1 / x inside a derivative, never an error: 1 / ±0 is ±inf."""

    def step(self, x: Any, g: Any = 1.0, /) -> Any:
        """g where x > 0, else an exact 0 whatever g is (inf, nan): relu's derivative applied to
        g, a mask (0 at the kink, as PyTorch). Its own derivative is zero: a mask is never a node."""

    def sign(self, x: Any, g: Any = 1.0, /) -> Any:
        """g, -g or an exact 0 (x > 0, x < 0, x == 0) whatever g is: abs's derivative applied to
        g, a mask as `step` (PyTorch gives g * 0, nan for an infinite g, at the kink)."""

    def is_zero(self, x: Any, /) -> Any:
        """x == 0 (either sign), where pow's derivatives take their special case."""

    def where(self, condition: Any, x: Callable[[], Any], y: Callable[[], Any], /) -> Any:
        """`x()` where condition holds, else `y()`; a world that can evaluates only the branch
        taken, so that the other (log(0), say) makes no node and no NaN for `detect_anomaly()`."""

    # The elementary functions beyond micrograd's (the second part of the op table).
    def tan(self, x: Any, /) -> Any:
        """The tangent, in radians; nan for ±inf."""

    def sinh(self, x: Any, /) -> Any:
        """The hyperbolic sine; ±inf for an overflow."""

    def cosh(self, x: Any, /) -> Any:
        """The hyperbolic cosine; inf for an overflow."""

    def asin(self, x: Any, /) -> Any:
        """The arcsine: a domain error outside [-1, 1]."""

    def acos(self, x: Any, /) -> Any:
        """The arccosine: a domain error outside [-1, 1]."""

    def atan(self, x: Any, /) -> Any:
        """The arctangent."""

    def asinh(self, x: Any, /) -> Any:
        """The inverse hyperbolic sine."""

    def acosh(self, x: Any, /) -> Any:
        """The inverse hyperbolic cosine: a domain error below 1."""

    def atanh(self, x: Any, /) -> Any:
        """The inverse hyperbolic tangent: ±inf at ±1, a domain error beyond."""

    def atan2(self, y: Any, x: Any, /) -> Any:
        """The angle of the point (x, y), in (-pi, pi]."""

    def hypot(self, a: Any, b: Any, /) -> Any:
        """sqrt(a*a + b*b), without overflow."""

    def expm1(self, x: Any, /) -> Any:
        """e ** x - 1, accurate for tiny x; inf for an overflow."""

    def exp2(self, x: Any, /) -> Any:
        """2 ** x; inf for an overflow."""

    def log2(self, x: Any, /) -> Any:
        """The base-2 logarithm: -inf at 0, a domain error below."""

    def log10(self, x: Any, /) -> Any:
        """The base-10 logarithm: -inf at 0, a domain error below."""

    def erf(self, x: Any, /) -> Any:
        """The error function."""

    def erfc(self, x: Any, /) -> Any:
        """1 - erf(x), accurate where erf(x) is near 1."""

    def floor(self, x: Any, /) -> Any:
        """The largest whole number <= x (a number in the Value world: its derivative is zero)."""

    def ceil(self, x: Any, /) -> Any:
        """The smallest whole number >= x (a number in the Value world)."""

    def trunc(self, x: Any, /) -> Any:
        """x rounded towards zero (a number in the Value world)."""

    def round(self, x: Any, /) -> Any:
        """x rounded to the nearest whole number, half to even (a number in the Value world)."""

    def remainder(self, a: Any, b: Any, /) -> Any:
        """a % b with the sign of b (Python's, torch.remainder's); `DivisionByZeroError` for b == 0."""

    def floor_divide(self, a: Any, b: Any, /) -> Any:
        """a // b (Python's); `DivisionByZeroError` for b == 0 (a number in the Value world)."""

    def maximum(self, a: Any, b: Any, /) -> Any:
        """The larger of a and b; nan if either is nan."""

    def minimum(self, a: Any, b: Any, /) -> Any:
        """The smaller of a and b; nan if either is nan."""


if TYPE_CHECKING:  # mypy checks that each world implements Math; nothing runs here
    from . import arrays, floats, values

    _floats: Math = floats
    _values: Math = values
    _arrays: Math = arrays
