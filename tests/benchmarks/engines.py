"""The engines under test, each imported only in the process that measures it.

"ours" is this project's eager engine, "micrograd" the reference (version 0.1.0 from PyPI),
"torch" PyTorch with one float64 0-d tensor per scalar, on one thread, and "bare nodes" the
floor under any pure-Python engine (`BareNode`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENGINES = ("micrograd", "ours", "torch", "bare nodes")


def leaf_maker(engine: str) -> Callable[[float], Any]:
    """A function that makes a scalar leaf which asks for its gradient, in `engine`."""
    if engine == "micrograd":
        from micrograd.engine import Value as MicrogradValue

        return MicrogradValue
    if engine == "ours":
        from autodiff import Value

        return Value
    if engine == "torch":
        torch = import_torch()
        return lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True)
    if engine == "bare nodes":
        return BareNode
    raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")


def import_torch() -> Any:
    """torch, on one thread: the scalar engines have one, and the machine may be shared."""
    import torch

    torch.set_num_threads(1)
    return torch


class BareNode:
    """The least a pure-Python graph node can be: its data, grad, op and parents, `+` and `*`.

    Not an engine: the chain table's floor, what the interpreter itself charges per node for a
    graph of N linked objects alive at once, whatever engine is built on such nodes.

    >>> a, b = BareNode(2.0), BareNode(3.0)
    >>> y = a * b + a
    >>> y.backward()
    >>> y.data, a.grad, b.grad
    (8.0, 4.0, 2.0)
    """

    __slots__ = ("data", "grad", "op", "parents")

    def __init__(self, data: float, op: str = "", parents: tuple[BareNode, ...] = ()):
        self.data, self.grad, self.op, self.parents = data, 0.0, op, parents

    def __add__(self, other: BareNode) -> BareNode:
        return BareNode(self.data + other.data, "+", (self, other))

    def __mul__(self, other: BareNode) -> BareNode:
        return BareNode(self.data * other.data, "*", (self, other))

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
            if node.op == "+":
                a, b = node.parents
                a.grad += node.grad
                b.grad += node.grad
            elif node.op == "*":
                a, b = node.parents
                a.grad += node.grad * b.data
                b.grad += node.grad * a.data
