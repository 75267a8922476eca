"""Reverse-mode sweep: `backward()` and `grad()`, with no recursion on the graph."""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from . import ops
from .anomaly import anomaly_mode, check_backward
from .grad_mode import enable_grad
from .value import Value, _data, _is_number, _to_float, constant

# The root of the latest backward(), for `autodiff.explain`: a weak reference keeps no graph alive.
latest_root: list[Callable[[], Value | None]] = [lambda: None]

# Sees one step of the sweep: the node and the amounts it is about to add into its parents.
Recorder = Callable[[Value, tuple[Any, ...]], None]


def topological_order(root: Value) -> list[Value]:
    """Every node that `root` depends on, each after all of its parents (iterative DFS).

    >>> a = Value(2.0, label="a")
    >>> b = a * a
    >>> c = b + a
    >>> [v.label or v.op for v in topological_order(c)]
    ['a', '*', '+']
    """
    order: list[Value] = []
    visited = {root}
    path = [root]  # the nodes whose parents are being visited, with an iterator over those parents
    pending = [iter(root.parents)]
    while path:
        for parent in pending[-1]:
            if parent not in visited:
                visited.add(parent)
                if parent.parents:
                    path.append(parent)
                    pending.append(iter(parent.parents))
                    break
                order.append(parent)  # a leaf has no parents to wait for
        else:
            order.append(path.pop())
            pending.pop()
    return order


def _interior_order(root: Value) -> list[Value]:
    """The nodes made by ops that `root` depends on (no leaves), each after all of its parents.

    For `backward`, which then resets those nodes' `.grad`: so `.grad` can also mark a node as
    visited, with a mark new to each call, instead of a set of visited nodes (a set costs some
    40 bytes a node, a quarter of the graph itself). Leaves are never marked.
    """
    if not root.parents:
        return []
    order: list[Value] = []
    visited = root.grad = object()
    path = [root]  # as in topological_order
    pending = [iter(root.parents)]
    while path:
        for parent in pending[-1]:
            if parent.parents and parent.grad is not visited:
                parent.grad = visited
                path.append(parent)
                pending.append(iter(parent.parents))
                break
        else:
            order.append(path.pop())
            pending.pop()
    return order


def _sweep(order: list[Value], create_graph: bool, record: Recorder | None = None) -> None:
    """Push each node's `.grad` into its parents' `.grad`, every node before its parents.

    Nodes that are to receive a gradient start at None (meaning zero, without a `0 +` node).
    `record(node, local)`, where given, sees each step before it is added (`autodiff.trace`).
    """
    check = anomaly_mode.enabled
    for node in reversed(order):
        op = node._grad_fn
        if op is None:
            continue
        parents = node.parents
        if create_graph:
            local = op.derivative(values, node.grad, node, *parents)
        else:
            local = op.derivative(ops.scalar, node.grad, node.data, *[p.data for p in parents])
        if check:
            check_backward(node, local)
        if record is not None:
            record(node, local)
        for parent, d in zip(parents, local):
            if parent.requires_grad:
                parent.grad = d if parent.grad is None else parent.grad + d


def backward(root: Value, gradient: float | Value = 1.0, create_graph: bool = False) -> None:
    """Add d(root)/d(leaf) * gradient into each leaf's `.grad`; set each interior node's `.grad`.

    Leaves accumulate over calls, as in PyTorch; interior nodes start afresh each call. A Value
    as `gradient` is part of the new graph under `create_graph=True`; otherwise its number is used.
    A root that does not require grad (made under `no_grad()`, or from constants alone) has no
    graph to go back through: that is a `RuntimeError`, as in PyTorch.

    >>> x = Value(3.0)
    >>> y = x * x
    >>> y.backward(); y.backward()
    >>> x.grad
    12.0
    """
    _check_output("backward", root)
    seed = _seed(gradient, create_graph)
    latest_root[0] = weakref.ref(root)
    order = _interior_order(root)
    try:
        for node in order:
            node.grad = None
        with enable_grad() if create_graph else contextlib.nullcontext():
            root.grad = seed if root.grad is None else root.grad + seed
            _sweep(order, create_graph)
    except BaseException:
        # Nodes that the failed sweep did not reach got no gradient: zero, not None.
        for node in order:
            if node.grad is None:
                node.grad = 0.0
        raise


def grad(output: Value, inputs: Iterable[Value] | Value, create_graph: bool = False) -> list[Any]:
    """The gradients of `output` with respect to `inputs`, leaving every `.grad` as it was.

    Floats by default; with `create_graph=True`, Values that can be differentiated again. An
    output or an input that does not require grad is a `RuntimeError`, as in PyTorch; an input
    that the output does not depend on gets 0 (as torch.autograd.grad with materialize_grads).

    >>> x = Value(2.0)
    >>> (dx,) = grad(x**3, [x], create_graph=True)
    >>> dx.data, grad(dx, [x])[0]
    (12.0, 12.0)
    """
    _check_output("grad", output)
    inputs = [inputs] if isinstance(inputs, Value) else ops._as_sequence(inputs, "grad")  # as torch: one or many
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: input {i} must be a Value, got {type(x).__name__} ({x!r})")
        if not x.requires_grad:
            raise RuntimeError(f"grad: input {i} ({x!r}) does not require grad (a constant, or made under no_grad())")
    order = topological_order(output)
    saved = [node.grad for node in order]
    try:
        for node in order:
            node.grad = None
        output.grad = constant(1.0) if create_graph else 1.0
        with enable_grad() if create_graph else contextlib.nullcontext():
            _sweep(order, create_graph)
        reached = set(order)
        zero = constant(0.0) if create_graph else 0.0
        return [_as_grad(x.grad, create_graph) if x in reached and x.grad is not None else zero for x in inputs]
    finally:
        for node, g in zip(order, saved):
            node.grad = g


def _check_output(function: str, output: Any) -> None:
    if not isinstance(output, Value):
        raise TypeError(f"{function}: expected a Value to differentiate, got {type(output).__name__} ({output!r})")
    if not output.requires_grad:
        raise RuntimeError(
            f"{function}: {output!r} does not require grad, so there is no graph to differentiate: "
            "it is a constant, or was made under no_grad() or from constants only"
        )


def _seed(gradient: Any, create_graph: bool) -> Any:
    """The gradient that backward starts from: a Value seeds the new graph under create_graph."""
    if isinstance(gradient, Value):
        return gradient if create_graph else gradient.data
    if not _is_number(gradient):
        raise TypeError(f"backward: gradient must be a Value or a number, got {type(gradient).__name__} ({gradient!r})")
    seed = _to_float(gradient, "backward")
    return constant(seed) if create_graph else seed


def _as_grad(g: Any, create_graph: bool) -> Any:
    return g if not create_graph or isinstance(g, Value) else constant(g)


class values:
    """The math namespace on Values: a derivative evaluated here builds a graph of its own.

    >>> x = Value(0.5)
    >>> (dx,) = ops.TANH.derivative(values, constant(1.0), x.tanh(), x)
    >>> dx.op, round(dx.data, 6)   # a node: 1 - tanh(x)^2, which can be differentiated again
    ('*', 0.786448)
    """

    exp, log, log1p, sqrt = ops.EXP, ops.LOG, ops.LOG1P, ops.SQRT
    tanh, sigmoid, relu, abs, sin, cos = ops.TANH, ops.SIGMOID, ops.RELU, ops.ABS, ops.SIN, ops.COS

    @staticmethod
    def pow(x: Any, p: Any) -> Any:
        """x ** p as a node; +inf (a number) for 0 to a negative power, as `ops.scalar.pow`.

        >>> values.pow(Value(3.0), 2.0).data
        9.0
        """
        if _data(x) == 0 and _data(p) < 0:
            return math.inf  # an infinite derivative; 0 ** p itself would raise
        return x**p

    @staticmethod
    def recip(x: Any) -> Any:
        """1 / x as a node; ±inf (a number) at ±0, as `ops.scalar.recip`.

        >>> values.recip(Value(4.0)).data
        0.25
        """
        return 1.0 / x if _data(x) != 0 else ops.scalar.recip(_data(x))

    @staticmethod
    def step(x: Any) -> float:
        """relu's derivative, as a number.

        >>> values.step(Value(2.0))
        1.0
        """
        # A constant: relu's own derivative is zero (almost everywhere).
        return ops.scalar.step(_data(x))

    @staticmethod
    def sign(x: Any) -> float:
        """abs's derivative, as a number: its own derivative is zero (almost everywhere).

        >>> values.sign(Value(-2.0))
        -1.0
        """
        return ops.scalar.sign(_data(x))

    @staticmethod
    def is_zero(x: Any) -> bool:
        """x == 0, read off the Value's data.

        >>> values.is_zero(Value(0.0))
        True
        """
        return _data(x) == 0

    where = staticmethod(ops.scalar.where)
