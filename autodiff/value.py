"""`Value`: a scalar that records the computational graph it was made by."""

from __future__ import annotations

import decimal
import numbers
import sys
from typing import Any, cast

from . import ops
from .anomaly import anomaly_mode, check_forward
from .grad_mode import grad_mode


class Value:
    """A scalar node: its data, its gradient, and the op and parents that made it.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + b**2
    >>> c.backward()
    >>> a.grad, b.grad
    (-3.0, -4.0)
    """

    __slots__ = ("_op", "data", "grad", "label", "parents", "requires_grad")

    def __init__(self, data: Any, label: str = "", requires_grad: bool = True):
        self.data = data if type(data) is float else _to_float(data)
        self.grad: Any = 0.0
        self.label = label
        self.requires_grad = requires_grad
        self._op: ops.Op | None = None
        self.parents: tuple[Value, ...] = ()

    @property
    def op(self) -> str:
        """The name of the op that made this Value, "" for a leaf."""
        return self._op.name if self._op is not None else ""

    def __repr__(self) -> str:
        grad = self.grad.data if isinstance(self.grad, Value) else self.grad
        shown = f"{grad:.4f}" if _is_number(grad) else repr(grad)  # whatever a user may have put there
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.4f}, grad={shown}{label})"

    def backward(self, gradient: float | Value = 1.0, create_graph: bool = False) -> None:
        """Add d(self)/d(leaf) * gradient into every leaf's `.grad` (see `autodiff.backward`)."""
        from .backward import backward

        backward(self, gradient, create_graph)

    def detach(self) -> Value:
        """A new leaf with the same data, outside any graph (it asks for no gradient)."""
        return Value(self.data, self.label, requires_grad=False)

    # Arithmetic with a Value or a number on either side; anything else is a TypeError naming the op.
    def __add__(self, other: Any) -> Value:
        return _binary(ops.ADD, self, other)

    def __radd__(self, other: Any) -> Value:
        return apply(ops.ADD, other, self)

    def __sub__(self, other: Any) -> Value:
        return _binary(ops.SUB, self, other)

    def __rsub__(self, other: Any) -> Value:
        return apply(ops.SUB, other, self)

    def __mul__(self, other: Any) -> Value:
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other: Any) -> Value:
        return apply(ops.MUL, other, self)

    def __truediv__(self, other: Any) -> Value:
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return apply(ops.DIV, other, self)

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return apply(ops.POW, self, other)
        if _is_number(other):
            return apply(ops.power(other), self)
        return NotImplemented

    def __rpow__(self, other: Any) -> Value:
        return apply(ops.POW, other, self)

    def __neg__(self) -> Value:
        return apply(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def exp(self) -> Value:
        return apply(ops.EXP, self)

    def log(self) -> Value:
        return apply(ops.LOG, self)

    def log1p(self) -> Value:
        return apply(ops.LOG1P, self)

    def sqrt(self) -> Value:
        return apply(ops.SQRT, self)

    def tanh(self) -> Value:
        return apply(ops.TANH, self)

    def sigmoid(self) -> Value:
        return apply(ops.SIGMOID, self)

    def relu(self) -> Value:
        return apply(ops.RELU, self)

    def abs(self) -> Value:
        return apply(ops.ABS, self)

    __abs__ = abs  # noqa: A003 - abs(v) and v.abs() are the same op

    def sin(self) -> Value:
        return apply(ops.SIN, self)

    def cos(self) -> Value:
        return apply(ops.COS, self)


def apply(op: ops.Op, *inputs: Any) -> Value:
    """Run `op` forward on the inputs (Values or numbers) and record the node.

    >>> from autodiff import ops
    >>> node = apply(ops.MUL, Value(3.0), 2)
    >>> node.data, node.op, node.parents[1].requires_grad
    (6.0, '*', False)
    """
    parents = inputs
    for x in inputs:
        if type(x) is not Value:
            parents = tuple([x if isinstance(x, Value) else constant(x, op) for x in inputs])
            break
    out = Value(op.forward(ops.scalar, *[p.data for p in parents]))
    out.requires_grad = False
    if grad_mode.enabled:
        for p in parents:
            if p.requires_grad:
                out.requires_grad = True
                out._op = op
                out.parents = parents
                break
    if anomaly_mode.enabled:
        check_forward(op.name, parents, out)
    return out


def _binary(op: ops.Op, a: Value, b: Any) -> Value:
    if type(b) is Value or type(b) is float or type(b) is int:
        return apply(op, a, b)
    # A numpy array on the right broadcasts the op over its elements (via its reflected form).
    return cast(Value, NotImplemented) if hasattr(b, "__array_ufunc__") and not _is_number(b) else apply(op, a, b)


def constant(x: Any, op: ops.Op | None = None) -> Value:
    """A number as a leaf that asks for no gradient (shown as a constant in pictures).

    >>> c = constant(2.5)
    >>> c.data, c.requires_grad, (c * Value(1.0)).parents[0] is c
    (2.5, False, True)
    """
    if type(x) is not float:  # checked and converted here, so that an error names the op
        where = op.name if op is not None else "constant"
        if not _is_number(x):
            raise TypeError(f"{where}: expected a Value or a number, got {type(x).__name__} ({x!r})")
        x = _to_float(x, where)
    return Value(x, requires_grad=False)


def _is_number(x: Any) -> bool:
    # float and int first: the abstract-class check alone costs more than making the node.
    return type(x) is float or type(x) is int or isinstance(x, numbers.Real)


def _to_float(x: Any, where: str = "Value") -> float:
    """`x` as a float; an error names `where` (the op or function) and `x`."""
    if not _is_number(x):
        raise TypeError(f"{where}: expected an int, a float or a numpy scalar, got {type(x).__name__} ({x!r})")
    try:
        return float(x)
    except OverflowError:  # an int beyond 1.8e308, shown rounded: it may have thousands of digits
        shown = f"{decimal.Decimal(int(x)):.4e}"
        raise ValueError(f"{where}: {shown} is too large for a float (at most {sys.float_info.max:.4g})") from None
