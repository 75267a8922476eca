"""The minimal scalar engine that learners write (microgpt's style): the `gpt_step` reference.

A node stores its data, its gradient, its children and its local gradients, computed at
forward time; backward sorts the graph by a recursive depth-first search and does one
multiply-add per edge. No closures, so no reference cycles. A number mixed into an op becomes
a leaf node. Beside +, *, **, log, exp and relu it has the n-ary `sum` and `dot` written the
same way, so that `gpt_step` builds the same graph, node for node, in both engines.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Sequence
from typing import Any


class Value:
    __slots__ = ("_children", "_local_grads", "data", "grad")

    def __init__(self, data: float, children: tuple[Value, ...] = (), local_grads: tuple[float, ...] = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other: float) -> Value:
        return Value(self.data**other, (self,), (other * self.data ** (other - 1),))

    def log(self) -> Value:
        return Value(math.log(self.data), (self,), (1 / self.data,))

    def exp(self) -> Value:
        out = math.exp(self.data)
        return Value(out, (self,), (out,))

    def relu(self) -> Value:
        return Value(max(0.0, self.data), (self,), (float(self.data > 0),))

    def backward(self) -> None:
        topo: list[Value] = []
        visited: set[Value] = set()

        def build_topo(v: Value) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1.0
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad


def sum(values: Sequence[Value]) -> Value:  # noqa: A001 - as autodiff.sum
    return Value(builtins.sum(v.data for v in values), tuple(values), (1.0,) * len(values))


def dot(a: Sequence[Value], b: Sequence[Value]) -> Value:
    a_data, b_data = [x.data for x in a], [y.data for y in b]
    return Value(builtins.sum(map(operator.mul, a_data, b_data)), (*a, *b), (*b_data, *a_data))
