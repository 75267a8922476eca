"""Backprop step by step: `trace_backward` records the sweep that `backward()` runs (the sweep
itself, with a recorder, so what it shows is exactly what `backward()` computes), `explain`
says how one gradient was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import ops
from ._numbers import _shown
from .backward import _check_output, _sweep, latest_root, topological_order
from .value import Value, _data


@dataclass(frozen=True)
class Push:
    """What one step adds into one parent: `added = local * grad`, and the parent's `total` after.

    >>> from autodiff import Value
    >>> x = Value(2.0, label="x")
    >>> (push,) = trace_backward(x * 5.0)[0].pushes
    >>> push.parent is x, push.local, push.added, push.total
    (True, 5.0, 5.0, 5.0)
    """

    parent: Value
    local: float
    added: float
    total: float
    text: str  # the chain rule with numbers, as str(step) writes it


@dataclass(frozen=True)
class Step:
    """One node pushing its gradient into its parents: `node`, its complete `grad` at that
    moment, and one `Push` per parent that takes a gradient (constants take none).

    >>> from autodiff import Value
    >>> a = Value(3.0, label="a")
    >>> (step,) = trace_backward(a + a)
    >>> [(p.parent.label, p.added, p.total) for p in step.pushes]
    [('a', 1.0, 1.0), ('a', 1.0, 2.0)]
    """

    node: Value
    name: str
    grad: float
    pushes: tuple[Push, ...]

    def __str__(self) -> str:
        return "\n".join(p.text for p in self.pushes)


def trace_backward(root: Value) -> list[Step]:
    """The steps of `root.backward()` in the order it runs them, one per node that pushes a
    gradient; no `.grad` is changed. Each step's totals start from zero for the leaves, so the
    last total of a leaf is what `backward()` adds into it.

    >>> from autodiff import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x; y.label = "y"
    >>> print(trace_backward(y)[0])
    x.grad += x.data * y.grad = 3.0000 * 1.0000 = 3.0000
    x.grad += x.data * y.grad = 3.0000 * 1.0000 = 3.0000, so x.grad = 6.0000
    >>> x.grad
    0.0
    """
    _check_output("trace_backward", root)
    order = topological_order(root)
    names = {v: _name(v, i) for i, v in enumerate(order)}
    steps: list[Step] = []

    def record(node: Value, amounts: tuple[Any, ...]) -> None:
        op = node._grad_fn
        assert op is not None  # the sweep records nodes made by ops only
        locals_ = op.derivative(ops.scalar, 1.0, node.data, *[p.data for p in node.parents])
        totals: dict[Value, Any] = {}
        pushes = []
        for i, (parent, d) in enumerate(zip(node.parents, amounts)):
            if not parent.requires_grad:
                continue
            before = totals.get(parent, parent.grad)
            totals[parent] = total = d if before is None else before + d  # as the sweep adds
            rule = f"{_local_name(node, i, names)} * {names[node]}.grad"
            text = f"{names[parent]}.grad += {rule} = {_shown(locals_[i])} * {_shown(node.grad)} = {_shown(d)}"
            if before is not None:
                text += f", so {names[parent]}.grad = {_shown(total)}"
            pushes.append(Push(parent, locals_[i], d, total, text))
        steps.append(Step(node, names[node], node.grad, tuple(pushes)))

    saved = [v.grad for v in order]
    try:
        for v in order:
            v.grad = None
        root.grad = 1.0
        _sweep(order, False, record=record)
    finally:
        for v, g in zip(order, saved):
            v.grad = g
    return steps


def _name(v: Value, i: int) -> str:
    if not v.label:
        return f"({v.op}#{i})" if v.parents else _shown(v.data)
    return v.label if v.label.replace(".", "_").isidentifier() else f"({v.label})"


def _local_name(node: Value, i: int, names: dict[Value, str]) -> str:
    op, parents = node.op, node.parents
    if op == "*":
        return f"{names[parents[1 - i]]}.data"
    if op in ("+", "sum") or (op == "-" and i == 0):
        return "1"
    return f"d{names[node]}/d{names[parents[i]]}"


def explain(v: Value, root: Value | None = None) -> str:
    """How `v.grad` was made by `root.backward()` (default: the latest backward() whose root is
    still alive): the sum over the nodes `v` feeds, each term its local derivative times that
    node's gradient.

    >>> from autodiff import Value
    >>> a = Value(3.0, label="a")
    >>> b = a + a; b.label = "b"
    >>> b.backward()
    >>> print(explain(a))
    a.grad = 2.0000: the sum over the 2 terms for the nodes a feeds
      a.grad += 1 * b.grad = 1.0000 * 1.0000 = 1.0000
      a.grad += 1 * b.grad = 1.0000 * 1.0000 = 1.0000, so a.grad = 2.0000
    """
    if not isinstance(v, Value):
        raise TypeError(f"explain: expected a Value, got {type(v).__name__} ({v!r})")
    if root is None:
        root = latest_root[0]()
        if root is None:
            raise RuntimeError("explain: no backward() has run (or its graph is gone): pass the root, explain(v, root)")
    terms = [p for s in trace_backward(root) for p in s.pushes if p.parent is v]
    if v is root:
        return f"{v.label or 'root'}.grad = {_shown(1.0)}: the seed of backward(), d(root)/d(root) = 1"
    if not terms:
        return f"{v.label or repr(v)} gets no gradient from this root: it does not feed it, or asks for no grad"
    name = terms[-1].text.partition(".grad")[0]
    count = "1 term" if len(terms) == 1 else f"{len(terms)} terms"
    lines = [f"{name}.grad = {_shown(terms[-1].total)}: the sum over the {count} for the nodes {name} feeds"]
    lines += ["  " + p.text for p in terms]
    now = _data(v.grad)
    if isinstance(now, float) and _shown(now) != _shown(terms[-1].total):
        lines.append(f"  ({name}.grad is {_shown(now)}: a leaf's grad adds up over backward() calls)")
    return "\n".join(lines)
