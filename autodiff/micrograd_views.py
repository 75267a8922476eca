"""micrograd's names on `Value`: `_prev`, `_op` and `_backward()`, as views over the node.

micrograd stores them (a set, a string and a closure per node); here they are read from the
node's parents and op, so a graph keeps no closure and no reference cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .value import Value


class MicrogradViews:
    """The part of `Value` that micrograd's users' code reads: the lecture's graph walk and its
    node-by-node backward run unchanged.

    >>> from autodiff import Value
    >>> x, w = Value(2.0), Value(-3.0)
    >>> n = x * w
    >>> n._op, n._prev == {x, w}
    ('*', True)
    """

    __slots__ = ()

    @property
    def _prev(self) -> set[Value]:
        """micrograd's `_prev`: the set of Values this one was made from (constants included).

        >>> from autodiff import Value
        >>> a = Value(2.0)
        >>> (a * a)._prev == {a}, len((a * 3)._prev), Value(1.0)._prev
        (True, 2, set())
        """
        return set(cast("Value", self).parents)

    @property
    def _op(self) -> str:
        """micrograd's `_op`: the op's name, "" for a leaf (also `.op`).

        >>> from autodiff import Value
        >>> (Value(2.0) + 1)._op, Value(2.0)._op
        ('+', '')
        """
        return cast("Value", self).op

    def _backward(self) -> None:
        """micrograd's `_backward()`: one step of the backward sweep, for this node alone: add
        its `.grad` times each local derivative into its parents' `.grad` (constants get none).
        Called node by node in reverse topological order after `root.grad = 1.0`, it gives what
        `backward()` gives; a leaf does nothing.

        >>> from autodiff import Value
        >>> x, w = Value(2.0), Value(-3.0)
        >>> n = x * w
        >>> n.grad = 0.5
        >>> n._backward()
        >>> x.grad, w.grad
        (-1.5, 1.0)
        """
        from .backward import _sweep

        _sweep([cast("Value", self)], False)


def _check_arguments(label: Any, requires_grad: Any) -> None:
    """Value's label and requires_grad, where micrograd's `Value(data, children, op)` puts its parents."""
    if not isinstance(label, str):
        raise TypeError(
            f"Value: label must be a str, got {type(label).__name__} ({label!r}); ops record their parents "
            "themselves: the arguments are Value(data, label='', requires_grad=True), not micrograd's "
            "Value(data, children, op)"
        )
    if type(requires_grad) is not bool:
        raise TypeError(f"Value: requires_grad must be a bool, got {type(requires_grad).__name__} ({requires_grad!r})")
