"""`BareNode`: the floor of the chain table, the least node a pure-Python engine can have."""

from __future__ import annotations

import math
from typing import Any

from autodiff import ops


class BareNode:
    """The least a pure-Python graph node can be: its data, grad, op and parents, `+`, `*`,
    `tanh` and `relu` (their derivatives read from the engine's op table, as ours do).

    Not an engine: the chain table's floor, what the interpreter itself charges per node for a
    graph of N linked objects alive at once, whatever engine is built on such nodes.

    >>> a, b = BareNode(2.0), BareNode(3.0)
    >>> y = a * b + a
    >>> y.backward()
    >>> y.data, a.grad, b.grad
    (8.0, 4.0, 2.0)
    """

    __slots__ = ("data", "grad", "op", "parents")

    def __init__(self, data: float, op: Any = None, parents: tuple[BareNode, ...] = ()):
        self.data, self.grad, self.op, self.parents = data, 0.0, op, parents

    def __add__(self, other: BareNode) -> BareNode:
        return BareNode(self.data + other.data, ops.ADD, (self, other))

    def __mul__(self, other: BareNode) -> BareNode:
        return BareNode(self.data * other.data, ops.MUL, (self, other))

    def tanh(self) -> BareNode:
        return BareNode(math.tanh(self.data), ops.TANH, (self,))

    def relu(self) -> BareNode:
        return BareNode(0.0 if self.data <= 0 else self.data, ops.RELU, (self,))

    def backward(self) -> None:
        order, visited, stack = [], set(), [(self, False)]
        while stack:  # post-order DFS: a node goes into `order` after all of its parents
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((parent, False) for parent in node.parents)
        self.grad = 1.0
        for node in reversed(order):
            if node.op is not None:
                local = node.op.derivative(ops.scalar, node.grad, node.data, *[p.data for p in node.parents])
                for parent, d in zip(node.parents, local):
                    parent.grad += d
