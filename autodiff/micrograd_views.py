"""micrograd's `_prev`, `_op` and `_backward()` on `Value`, read from the node's parents and op
rather than stored (micrograd keeps a closure per node): a graph holds no reference cycle."""

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
    >>> n._op, n._prev == {x, w}, Value(1.0)._op
    ('*', True, '')
    >>> n.grad = 0.5
    >>> n._backward()
    >>> x.grad, w.grad
    (-1.5, 1.0)
    """

    __slots__ = ()

    @property
    def _prev(self) -> set[Value]:
        """The set of Values this one was made from, constants included."""
        return set(cast("Value", self).parents)

    @property
    def _op(self) -> str:
        """The op's name, "" for a leaf (also `.op`)."""
        return cast("Value", self).op

    def _backward(self) -> None:
        """Add this node's `.grad` times each local derivative into its parents' `.grad` (constants
        get none); node by node in reverse topological order after `root.grad = 1.0`, it gives
        what `backward()` gives."""
        from .backward import _sweep

        _sweep([cast("Value", self)], False)


def _check_arguments(label: Any, requires_grad: Any) -> None:
    # Where micrograd's Value(data, children, op) puts its parents, ours takes label and requires_grad.
    if not isinstance(label, str):
        raise TypeError(
            f"Value: label must be a str, got {type(label).__name__} ({label!r}); ops record their parents "
            "themselves: the arguments are Value(data, label='', requires_grad=True), not micrograd's "
            "Value(data, children, op)"
        )
    if type(requires_grad) is not bool:
        raise TypeError(f"Value: requires_grad must be a bool, got {type(requires_grad).__name__} ({requires_grad!r})")
