"""Reverse-mode sweep: `backward()` and `grad()`, with no recursion on the graph."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import ops
from .anomaly import anomaly_mode, check_backward
from .grad_mode import enable_grad
from .value import Value, constant


def topological_order(root: Value) -> list[Value]:
    """Every node that `root` depends on, each after all of its parents (iterative DFS)."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if p not in visited)
    return order


def backpropagate(root: Value, seed: Any, create_graph: bool = False) -> dict[Value, Any]:
    """d(root)/d(node) * seed for every node that asks for a gradient.

    With `create_graph` the gradients are Values with graphs of their own; otherwise floats.
    """
    grads: dict[Value, Any] = {root: seed}
    check = anomaly_mode.enabled
    for node in reversed(topological_order(root)):
        if node._op is None:
            continue
        if create_graph:
            local = node._op.derivative(values, grads[node], node, *node.parents)
        else:
            local = node._op.derivative(ops.scalar, grads[node], node.data, *[p.data for p in node.parents])
        if check:
            check_backward(node, local)
        for parent, d in zip(node.parents, local):
            if parent.requires_grad:
                grads[parent] = grads[parent] + d if parent in grads else d
    return grads


def backward(root: Value, gradient: float = 1.0, create_graph: bool = False) -> None:
    """Add d(root)/d(leaf) * gradient into each leaf's `.grad`; set each interior node's `.grad`.

    Leaves accumulate over calls, as in PyTorch; interior nodes start afresh each call.

    >>> x = Value(3.0)
    >>> y = x * x
    >>> y.backward(); y.backward()
    >>> x.grad
    12.0
    """
    if create_graph:
        with enable_grad():
            grads = backpropagate(root, constant(gradient), create_graph=True)
    else:
        grads = backpropagate(root, float(gradient))
    for node, g in grads.items():
        if node.parents:
            node.grad = g
        elif isinstance(node.grad, float) and node.grad == 0.0:
            node.grad = g
        else:
            node.grad = node.grad + g


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """The gradients of `output` with respect to `inputs`, leaving every `.grad` untouched.

    Floats by default; with `create_graph=True`, Values that can be differentiated again.

    >>> x = Value(2.0)
    >>> (dx,) = grad(x**3, [x], create_graph=True)
    >>> dx.data, grad(dx, [x])[0]
    (12.0, 12.0)
    """
    if create_graph:
        with enable_grad():
            grads = backpropagate(output, constant(1.0), create_graph=True)
        return [_as_value(grads.get(x, 0.0)) for x in inputs]
    grads = backpropagate(output, 1.0)
    return [grads.get(x, 0.0) for x in inputs]


def _as_value(x: Any) -> Value:
    return x if isinstance(x, Value) else constant(x)


class values:
    """The math namespace on Values: a derivative evaluated here builds a graph of its own."""

    exp, log, log1p, sqrt = ops.EXP, ops.LOG, ops.LOG1P, ops.SQRT
    tanh, sigmoid, relu, abs, sin, cos = ops.TANH, ops.SIGMOID, ops.RELU, ops.ABS, ops.SIN, ops.COS

    @staticmethod
    def pow(x: Any, p: Any) -> Any:
        if _data(x) == 0 and _data(p) < 0:
            return math.inf  # an infinite derivative; 0 ** p itself would raise
        return x**p

    @staticmethod
    def recip(x: Any) -> Any:
        return 1.0 / x if _data(x) != 0 else ops.scalar.recip(_data(x))

    @staticmethod
    def step(x: Any) -> float:
        # A constant: relu's own derivative is zero (almost everywhere).
        return ops.scalar.step(_data(x))

    @staticmethod
    def sign(x: Any) -> float:
        return ops.scalar.sign(_data(x))

    @staticmethod
    def is_zero(x: Any) -> bool:
        return _data(x) == 0

    where = staticmethod(ops.scalar.where)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x
