"""The one-input methods of `Value` (`v.exp()`, `v.tan()`, `v.clamp(0, 1)`, ...), one per op of the
table, as `torch.Tensor` names them; kept apart from value.py, which holds the node and its operators.
Also the comparisons. Forward mode's `Dual` has the same methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from . import ops
from ._numbers import _is_number

if TYPE_CHECKING:
    from .value import Value


class OneInputMethods:
    """Each method records its op's node (see `autodiff.functions` and `autodiff.activations`).

    >>> from autodiff import Value
    >>> x = Value(0.5)
    >>> y = x.tan() + x.clamp(max=0.25) + x.gelu()
    >>> y.backward()
    >>> y.op, round(x.grad, 6)
    ('+', 2.165942)
    """

    __slots__ = ()

    # How a method records its op, set by each class: Value's short path for one input; forward
    # mode's Dual runs the op on its dual numbers.
    _one: Callable[[ops.Op], Value]

    # Comparisons read the data and give a bool, as bool(tensor < 3) (a Dual's too): `if x < 3:`,
    # max(values) and sorted(values) work; no node is recorded. `==` stays identity, as object's:
    # nodes are hashed by identity (sets of parents, dicts of gradients), and equal data is not the
    # same node.
    def __lt__(self, other: Any) -> bool:
        """self.data < other (a Value's data or a number).

        >>> Value(2.0) < 3, max([Value(1.0), Value(4.0)]).data, Value(2.0) == Value(2.0)
        (True, 4.0, False)
        """
        return bool(_compared(self) < _compared(other))  # bool, not numpy's, for a numpy scalar

    def __le__(self, other: Any) -> bool:
        return bool(_compared(self) <= _compared(other))

    def __gt__(self, other: Any) -> bool:
        return bool(_compared(self) > _compared(other))

    def __ge__(self, other: Any) -> bool:
        return bool(_compared(self) >= _compared(other))

    def exp(self) -> Value:
        """e ** self (inf past 709.78, as in float64).

        >>> Value(0.0).exp().data
        1.0
        """
        return self._one(ops.EXP)

    def log(self) -> Value:
        """The natural logarithm: -inf at 0, a ValueError below.

        >>> Value(1.0).log().data
        0.0
        """
        return self._one(ops.LOG)

    def log1p(self) -> Value:
        """log(1 + self), accurate for tiny inputs: -inf at -1, a ValueError below.

        >>> Value(1e-20).log1p().data
        1e-20
        """
        return self._one(ops.LOG1P)

    def sqrt(self) -> Value:
        """The square root: a ValueError below 0.

        >>> Value(9.0).sqrt().data
        3.0
        """
        return self._one(ops.SQRT)

    def tanh(self) -> Value:
        """The hyperbolic tangent; like every op here, it records a node that backward() goes through.

        >>> x = Value(0.0)
        >>> y = x.tanh()
        >>> y.backward()
        >>> y.data, y.op, x.grad
        (0.0, 'tanh', 1.0)
        """
        return self._one(ops.TANH)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), without overflow for any input.

        >>> Value(0.0).sigmoid().data, Value(-800.0).sigmoid().data
        (0.5, 0.0)
        """
        return self._one(ops.SIGMOID)

    def relu(self) -> Value:
        """max(0, self).

        >>> Value(-2.0).relu().data, Value(3.0).relu().data
        (0.0, 3.0)
        """
        return self._one(ops.RELU)

    def abs(self) -> Value:
        """|self|, also as `abs(v)`.

        >>> abs(Value(-2.0)).data
        2.0
        """
        return self._one(ops.ABS)

    __abs__ = abs  # noqa: A003 - abs(v) and v.abs() are the same op

    def sin(self) -> Value:
        """The sine, in radians.

        >>> Value(0.0).sin().data
        0.0
        """
        return self._one(ops.SIN)

    def cos(self) -> Value:
        """The cosine, in radians.

        >>> Value(0.0).cos().data
        1.0
        """
        return self._one(ops.COS)

    def tan(self) -> Value:
        """The tangent, in radians; nan at ±inf.

        >>> Value(0.0).tan().data
        0.0
        """
        return self._one(ops.TAN)

    def sinh(self) -> Value:
        """The hyperbolic sine.

        >>> Value(0.0).sinh().data
        0.0
        """
        return self._one(ops.SINH)

    def cosh(self) -> Value:
        """The hyperbolic cosine.

        >>> Value(0.0).cosh().data
        1.0
        """
        return self._one(ops.COSH)

    def asin(self) -> Value:
        """The arcsine: a ValueError outside [-1, 1].

        >>> Value(0.0).asin().data
        0.0
        """
        return self._one(ops.ASIN)

    def acos(self) -> Value:
        """The arccosine: a ValueError outside [-1, 1].

        >>> Value(1.0).acos().data
        0.0
        """
        return self._one(ops.ACOS)

    def atan(self) -> Value:
        """The arctangent.

        >>> Value(0.0).atan().data
        0.0
        """
        return self._one(ops.ATAN)

    def asinh(self) -> Value:
        """The inverse hyperbolic sine.

        >>> Value(0.0).asinh().data
        0.0
        """
        return self._one(ops.ASINH)

    def acosh(self) -> Value:
        """The inverse hyperbolic cosine: a ValueError below 1.

        >>> Value(1.0).acosh().data
        0.0
        """
        return self._one(ops.ACOSH)

    def atanh(self) -> Value:
        """The inverse hyperbolic tangent: ±inf at ±1, a ValueError beyond.

        >>> Value(0.0).atanh().data
        0.0
        """
        return self._one(ops.ATANH)

    def expm1(self) -> Value:
        """e ** self - 1, accurate for tiny inputs.

        >>> Value(1e-20).expm1().data
        1e-20
        """
        return self._one(ops.EXPM1)

    def exp2(self) -> Value:
        """2 ** self.

        >>> Value(3.0).exp2().data
        8.0
        """
        return self._one(ops.EXP2)

    def log2(self) -> Value:
        """The base-2 logarithm: -inf at 0, a ValueError below.

        >>> Value(8.0).log2().data
        3.0
        """
        return self._one(ops.LOG2)

    def log10(self) -> Value:
        """The base-10 logarithm: -inf at 0, a ValueError below.

        >>> Value(100.0).log10().data
        2.0
        """
        return self._one(ops.LOG10)

    def erf(self) -> Value:
        """The error function.

        >>> Value(0.0).erf().data
        0.0
        """
        return self._one(ops.ERF)

    def erfc(self) -> Value:
        """1 - erf(self), accurate where erf is near 1.

        >>> Value(0.0).erfc().data
        1.0
        """
        return self._one(ops.ERFC)

    def sign(self) -> Value:
        """-1, 0 or 1; its gradient is 0, as PyTorch's.

        >>> Value(-2.5).sign().data
        -1.0
        """
        return self._one(ops.SIGN)

    def floor(self) -> Value:
        """The largest whole number <= self; its gradient is 0.

        >>> Value(-2.5).floor().data
        -3.0
        """
        return self._one(ops.FLOOR)

    def ceil(self) -> Value:
        """The smallest whole number >= self; its gradient is 0.

        >>> Value(-2.5).ceil().data
        -2.0
        """
        return self._one(ops.CEIL)

    def round(self) -> Value:
        """The nearest whole number, half to even (as torch.round); its gradient is 0.

        >>> Value(2.5).round().data
        2.0
        """
        return self._one(ops.ROUND)

    def trunc(self) -> Value:
        """self rounded towards zero; its gradient is 0.

        >>> Value(-2.5).trunc().data
        -2.0
        """
        return self._one(ops.TRUNC)

    def silu(self) -> Value:
        """self * sigmoid(self) (`autodiff.activations.silu`).

        >>> Value(0.0).silu().data
        0.0
        """
        return self._one(ops.SILU)

    def clamp(self, min: float | None = None, max: float | None = None) -> Value:  # noqa: A002 - torch's names
        """self held within [min, max], as `autodiff.clamp`.

        >>> Value(2.5).clamp(-1.0, 1.0).data
        1.0
        """
        from .functions import clamp

        return clamp(self, min, max)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Value:
        """log(1 + e ** (beta * self)) / beta, as `autodiff.activations.softplus`.

        >>> Value(30.0).softplus().data
        30.0
        """
        from .activations import softplus

        return softplus(self, beta, threshold)

    def gelu(self, approximate: str = "none") -> Value:
        """self * Phi(self), as `autodiff.activations.gelu`.

        >>> Value(0.0).gelu().data
        0.0
        """
        from .activations import gelu

        return gelu(self, approximate)

    def elu(self, alpha: float = 1.0) -> Value:
        """As `autodiff.activations.elu`.

        >>> Value(2.0).elu().data
        2.0
        """
        from .activations import elu

        return elu(self, alpha)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """As `autodiff.activations.leaky_relu`.

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        """
        from .activations import leaky_relu

        return leaky_relu(self, negative_slope)


def _compared(x: Any) -> Any:
    """What a Value is compared with: a Value's data (or another world's number's: a Dual's), a
    number; anything else a TypeError, as Python's own for `<` between unrelated types."""
    if isinstance(x, OneInputMethods):  # a Value, or a Dual
        return cast(Any, x).data
    if _is_number(x):
        return x
    raise TypeError(f"comparison: expected a Value or a number, got {type(x).__name__} ({x!r})")
