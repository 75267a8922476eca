"""`Value`: a scalar that records the computational graph it was made by."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from . import ops, value_methods
from ._numbers import _is_number, _shown, _to_float
from .anomaly import anomaly_mode, check_forward
from .grad_mode import grad_mode
from .micrograd_views import MicrogradViews, _check_arguments
from .value_methods import OneInputMethods
from .worlds import floats

if TYPE_CHECKING:
    from .hooks import RemovableHandle


class Value(MicrogradViews, OneInputMethods):
    """A scalar node: its data, its gradient, and the op and parents that made it (with
    micrograd's `_prev`, `_op` and `_backward()` as views, from `MicrogradViews`, and the
    one-input methods `v.exp()`, `v.tan()`, ... from `OneInputMethods`).

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + b**2
    >>> c.backward()
    >>> a.grad, b.grad
    (-3.0, -4.0)
    """

    # __weakref__: so that anomaly mode can note where a node was made without keeping it alive.
    # _hooks: set on a Value's first hook only (autodiff.hooks).
    __slots__ = ("__weakref__", "_grad_fn", "_hooks", "data", "grad", "label", "parents", "requires_grad")
    _hooks: tuple[tuple[int, Callable[[Any], Any]], ...]

    def __init__(self, data: Any, label: str = "", requires_grad: bool = True) -> None:
        if not isinstance(label, str) or type(requires_grad) is not bool:
            _check_arguments(label, requires_grad)
        self.data = data if type(data) is float else _to_float(data)
        self.grad: Any = 0.0
        self.label = label
        self.requires_grad = requires_grad
        self._grad_fn: ops.Op | None = None
        self.parents: tuple[Value, ...] = ()

    @property
    def op(self) -> str:
        """The name of the op that made this Value, "" for a leaf.

        >>> (Value(2.0) * 3).op, Value(2.0).op
        ('*', '')
        """
        return self._grad_fn.name if self._grad_fn is not None else ""

    def __repr__(self) -> str:
        grad = _data(self.grad)
        shown = _shown(grad) if _is_number(grad) else repr(grad)  # whatever a user may have put there
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={_shown(self.data)}, grad={shown}{label})"

    def item(self) -> float:
        """The data as a Python float, as `torch.Tensor.item()` (also `float(v)`).

        >>> loss = Value(0.25) * 2
        >>> loss.item(), float(loss), f"{loss:.3f}"
        (0.5, 0.5, '0.500')
        """
        return float(self.data)  # float() again: a user may have set .data to an int

    def __float__(self) -> float:
        return float(self.data)

    def __format__(self, spec: str) -> str:
        # As a 0-d tensor: the spec formats the data (f"{loss:.4f}"); an empty one gives str(v).
        return format(self.data, spec) if spec else str(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # Copying and pickling, for leaves only, as PyTorch's deepcopy: a node's copy would drag
        # the whole graph along.
        if self._grad_fn is not None:
            raise RuntimeError(
                f"Value: only leaves can be copied or pickled, not a node made by {self.op!r}; "
                ".detach() gives a leaf with its data"
            )
        return (_leaf, (self.data, _data(self.grad), self.label, self.requires_grad))

    def backward(self, gradient: float | Value = 1.0, create_graph: bool = False) -> None:
        """Add d(self)/d(leaf) * gradient into every leaf's `.grad` (see `autodiff.backward`).

        >>> x = Value(3.0)
        >>> y = x * x + x
        >>> y.backward()
        >>> x.grad, y.grad
        (7.0, 1.0)
        """
        from .backward import backward

        backward(self, gradient, create_graph)

    def register_hook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """Call `hook(grad)` once this Value's gradient is complete in each backward pass, before
        it flows on to its parents, as `torch.Tensor.register_hook`; a returned number (a Value
        under `create_graph=True`) replaces the gradient. `.remove()` on the handle undoes it.

        >>> x = Value(3.0)
        >>> y = x * x
        >>> handle = y.register_hook(lambda g: g * 0.5)
        >>> y.backward()
        >>> y.grad, x.grad
        (0.5, 3.0)
        """
        from .hooks import register_hook

        return register_hook(self, hook)

    def detach(self) -> Value:
        """A new leaf with the same data, outside any graph (it asks for no gradient).

        >>> y = (Value(2.0) * 3).detach()
        >>> y.data, y.parents, y.requires_grad
        (6.0, (), False)
        """
        return Value(self.data, self.label, requires_grad=False)

    @property
    def is_leaf(self) -> bool:
        """True for a Value no op made (user-made, a constant, or made under `no_grad()`), as PyTorch's.

        >>> x = Value(2.0)
        >>> x.is_leaf, (x * 3).is_leaf
        (True, False)
        """
        return self._grad_fn is None

    def retain_grad(self) -> None:
        """A no-op kept for PyTorch code: every node keeps its `.grad` after `backward()` already
        (an interior node's from the latest pass; PyTorch's retained ones add up over passes).

        >>> x = Value(2.0)
        >>> y = x * x
        >>> y.retain_grad(); (y * 3).backward(); y.grad
        3.0
        """
        if not self.requires_grad:  # as PyTorch
            raise RuntimeError(f"retain_grad: {self!r} does not require grad, so it has no gradient to keep")

    # Arithmetic with a Value or a number on either side; anything else is a TypeError naming the op.
    def __add__(self, other: Any) -> Value:
        return _pair(ops.ADD, self, other) if type(other) is Value else _binary(ops.ADD, self, other)

    def __radd__(self, other: Any) -> Value:
        return apply(ops.ADD, other, self)

    def __sub__(self, other: Any) -> Value:
        return _pair(ops.SUB, self, other) if type(other) is Value else _binary(ops.SUB, self, other)

    def __rsub__(self, other: Any) -> Value:
        return apply(ops.SUB, other, self)

    def __mul__(self, other: Any) -> Value:
        return _pair(ops.MUL, self, other) if type(other) is Value else _binary(ops.MUL, self, other)

    def __rmul__(self, other: Any) -> Value:
        return apply(ops.MUL, other, self)

    def __truediv__(self, other: Any) -> Value:
        return _pair(ops.DIV, self, other) if type(other) is Value else _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return apply(ops.DIV, other, self)

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return apply(ops.POW, self, other)
        if _is_number(other):
            return _single(self, ops.power(other))
        return NotImplemented

    def __rpow__(self, other: Any) -> Value:
        return apply(ops.POW, other, self)

    def __neg__(self) -> Value:
        return _single(self, ops.NEG)

    def __pos__(self) -> Value:
        return self

    def __mod__(self, other: Any) -> Value:
        """self % other with the sign of other, as Python's float % and torch.remainder.

        >>> (Value(-5.5) % 2).data, (5.5 // Value(-2.0)).data
        (0.5, -3.0)
        """
        return _binary(ops.REMAINDER, self, other)

    def __rmod__(self, other: Any) -> Value:
        return apply(ops.REMAINDER, other, self)

    def __floordiv__(self, other: Any) -> Value:
        return _binary(ops.FLOOR_DIVIDE, self, other)

    def __rfloordiv__(self, other: Any) -> Value:
        return apply(ops.FLOOR_DIVIDE, other, self)


def apply(op: ops.Op, *inputs: Any) -> Value:
    """Run `op` forward on the inputs (Values or numbers) and record the node.

    >>> from autodiff import ops
    >>> node = apply(ops.MUL, Value(3.0), 2)
    >>> node.data, node.op, node.parents[1].requires_grad
    (6.0, '*', False)
    """
    data = [x.data for x in inputs if type(x) is Value]
    if len(data) != len(inputs):  # numbers among the inputs become constants
        for x in inputs:  # another world's number (_numbers.WorldNumber, a Dual) runs the op there
            kind = type(x)
            if kind is not float and kind is not Value and kind is not int and hasattr(kind, "__autodiff_apply__"):
                return kind.__autodiff_apply__(op, *inputs)  # type: ignore[no-any-return]
        inputs = tuple([x if isinstance(x, Value) else constant(x, op) for x in inputs])
        data = [x.data for x in inputs]
    return _recorded(op, op.forward(floats, *data), inputs, any(x.requires_grad for x in inputs))


# The operators' paths for one and two Values: apply's, without its walk over the inputs, and
# the node made here when it is recorded as usual (in grad mode, without anomaly checks).
# Spelled out for each arity: a call more would cost a fifth of the node.
def _pair(op: ops.Op, a: Value, b: Value) -> Value:
    data = op.forward(floats, a.data, b.data)
    records = a.requires_grad or b.requires_grad
    if not records or type(data) is not float or anomaly_mode.enabled or not grad_mode.enabled:
        return _recorded(op, data, (a, b), records)
    out = _new(Value)
    out.data, out.grad, out.label = data, 0.0, ""
    out.requires_grad, out._grad_fn, out.parents = True, op, (a, b)
    return out


def _single(a: Value, op: ops.Op) -> Value:
    data = op.forward(floats, a.data)
    if not a.requires_grad or type(data) is not float or anomaly_mode.enabled or not grad_mode.enabled:
        return _recorded(op, data, (a,), a.requires_grad)
    out = _new(Value)
    out.data, out.grad, out.label = data, 0.0, ""
    out.requires_grad, out._grad_fn, out.parents = True, op, (a,)
    return out


def _many(op: ops.Op, inputs: tuple[Any, ...]) -> Value:
    """The n-ary ops' path (sum, dot, logsumexp) where every input is a Value: apply's, with its
    inputs in a tuple once, not unpacked and packed again at each call, and no generator."""
    data = [x.data for x in inputs if type(x) is Value]
    if len(data) != len(inputs):
        return apply(op, *inputs)
    data = op.forward(floats, *data)
    records = True in map(_REQUIRES_GRAD, inputs)
    if not records or type(data) is not float or anomaly_mode.enabled or not grad_mode.enabled:
        return _recorded(op, data, inputs, records)
    out = _new(Value)
    out.data, out.grad, out.label = data, 0.0, ""
    out.requires_grad, out._grad_fn, out.parents = True, op, inputs
    return out


def _recorded(op: ops.Op, data: Any, parents: tuple[Value, ...], records: bool) -> Value:
    """The node of `op` with `data`; its op and parents kept if `records` (an input requires
    grad) in grad mode. Made without Value.__init__: its checks are for users."""
    out = _new(Value)
    out.data, out.grad, out.label = data if type(data) is float else _to_float(data, op.name), 0.0, ""
    if records and grad_mode.enabled:
        out.requires_grad, out._grad_fn, out.parents = True, op, parents
    else:
        out.requires_grad, out._grad_fn, out.parents = False, None, ()
    if anomaly_mode.enabled:
        check_forward(op.name, parents, out)
    return out


_new = object.__new__
_REQUIRES_GRAD = operator.attrgetter("requires_grad")


def _node(data: float, requires_grad: bool) -> Value:
    # Without Value.__init__: its argument checks are for users, and would cost 5% of every op.
    node = object.__new__(Value)
    node.data, node.grad, node.label = data, 0.0, ""
    node.requires_grad, node._grad_fn, node.parents = requires_grad, None, ()
    return node


def _leaf(data: float, grad: Any, label: str, requires_grad: bool) -> Value:
    leaf = Value(data, label, requires_grad)
    leaf.grad = grad
    return leaf


def _binary(op: ops.Op, a: Value, b: Any) -> Value:
    if type(b) is float or type(b) is int:
        return _pair(op, a, constant(b, op))
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
    return _node(x, False)


def _data(x: Any) -> float:  # a gradient may be a Value or a number (or another world's: a Dual)
    return cast(float, x.data if isinstance(x, Value) or hasattr(type(x), "__autodiff_apply__") else x)


# The methods' examples in value_methods.py name Value, which that module cannot import (value.py imports it).
value_methods.Value = Value  # type: ignore[attr-defined]
Value._one = _single  # type: ignore[assignment]  # v.exp() and the rest: the short path, a call less
