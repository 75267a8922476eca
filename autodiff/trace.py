"""Backprop step by step: `trace_backward` records the sweep that `backward()` runs (the sweep
itself, with a recorder, so what it shows is exactly what `backward()` computes), `explain`
writes one gradient out as the chain rule, and `node_names` gives every node the name that the
captions, `explain` and the pictures share (its label, or `n1`, `n2`, ... when it has none).

`trace_backward(root, order="naive")` replays the sweep people often write first, a recursive
backward without the topological sort, to show what goes wrong without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import ops
from ._numbers import _shown
from .backward import _check_output, _sweep, latest_root, topological_order
from .value import Value, _data

ORDERS = ("topological", "naive")
NAIVE_LIMIT = 10_000  # steps: the naive sweep visits a node once per path to it


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
    rule: str = ""  # the local derivative by name (`w1.data`, `(1 - o.data**2)`)


@dataclass(frozen=True)
class Step:
    """One node pushing its gradient into its parents: `node`, its `grad` at that moment
    (complete, in the topological order), and one `Push` per parent that takes a gradient
    (constants take none).

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


def node_names(root: Value) -> dict[Value, str]:
    """The name of each node of `root`'s graph, one each, as the pictures write it: its label (a
    label that an earlier node has already gets `#2`, `#3`, ...), or `n1`, `n2`, ... in
    topological order. Captions and `explain` write the same names, a name that is not a plain
    one in parentheses: `(x1*w1 + b).grad`.

    >>> from autodiff import Value
    >>> x = Value(2.0, label="x")
    >>> list(node_names((x * 3).tanh()).values())
    ['x', 'n1', 'n2', 'n3']
    >>> y = Value(1.0, label="x")
    >>> list(node_names(x * y).values())
    ['x', 'x#2', 'n1']
    """
    order = topological_order(root)
    taken = {v.label for v in order}
    names: dict[Value, str] = {}
    seen: dict[str, int] = {}
    count = 0
    for v in order:
        if v.label:
            seen[v.label] = k = seen.get(v.label, 0) + 1
            names[v] = v.label if k == 1 else f"{v.label}#{k}"
            continue
        count += 1
        while f"n{count}" in taken:
            count += 1
        names[v] = f"n{count}"
    return names


def _refs(root: Value) -> dict[Value, str]:
    # The names as captions write them: one that is not a plain name in parentheses.
    return {
        v: n if n.replace(".", "_").replace("#", "_").isidentifier() else f"({n})" for v, n in node_names(root).items()
    }


def trace_backward(root: Value, order: str = "topological") -> list[Step]:
    """The steps of `root.backward()` in the order it runs them, one per node that pushes a
    gradient; no `.grad` is changed. Each step's totals start from zero for the leaves, so the
    last total of a leaf is what `backward()` adds into it.

    `order="naive"`: the recursive backward without a topological sort (each node pushes its
    gradient as it stands, then calls backward on each parent), which pushes a shared node
    before its gradient is complete, and again for every path to it: its totals are wrong.

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
    if order not in ORDERS:
        raise ValueError(f"trace_backward: order must be one of {', '.join(ORDERS)}, got {order!r}")
    names = _refs(root)
    steps: list[Step] = []
    if order == "naive":
        return _naive(root, names)
    nodes = topological_order(root)

    def record(node: Value, amounts: tuple[Any, ...]) -> None:
        steps.append(_step(node, node.grad, amounts, lambda p: p.grad, names))

    saved = [v.grad for v in nodes]
    try:
        for v in nodes:
            v.grad = None
        root.grad = 1.0
        _sweep(nodes, False, record=record)
    finally:
        for v, g in zip(nodes, saved):
            v.grad = g
    return steps


def _naive(root: Value, names: dict[Value, str]) -> list[Step]:
    # def backward(v): v._backward(); for p in v._prev: backward(p)  -- by an explicit stack.
    grads: dict[Value, float] = {root: 1.0}
    steps: list[Step] = []
    stack = [root]
    while stack:
        node = stack.pop()
        op = node._grad_fn
        if op is None:
            continue
        g = grads.get(node, 0.0)
        amounts = op.derivative(ops.scalar, g, node.data, *[p.data for p in node.parents])
        step = _step(node, g, amounts, lambda p: grads.get(p), names)
        for push in step.pushes:
            grads[push.parent] = push.total
        steps.append(step)
        if len(steps) > NAIVE_LIMIT:
            raise ValueError(
                f"trace_backward: the naive order takes more than {NAIVE_LIMIT} steps on this graph "
                "(a node is visited once per path to it): draw a smaller graph"
            )
        stack.extend(reversed(node.parents))
    return steps


def _step(
    node: Value, g: float, amounts: tuple[Any, ...], start: Callable[[Value], Any], names: dict[Value, str]
) -> Step:
    op = node._grad_fn
    assert op is not None  # only nodes made by ops push
    locals_ = op.derivative(ops.scalar, 1.0, node.data, *[p.data for p in node.parents])
    totals: dict[Value, Any] = {}
    pushes = []
    for i, (parent, d) in enumerate(zip(node.parents, amounts)):
        if not parent.requires_grad:
            continue
        before = totals[parent] if parent in totals else start(parent)
        totals[parent] = total = d if before is None else before + d  # as the sweep adds
        rule = _local_name(node, i, names)
        text = f"{names[parent]}.grad += {rule} * {names[node]}.grad = {_shown(locals_[i])} * {_shown(g)} = {_shown(d)}"
        if before is not None:
            text += f", so {names[parent]}.grad = {_shown(total)}"
        pushes.append(Push(parent, locals_[i], d, total, text, rule))
    return Step(node, names[node], g, tuple(pushes))


def _local_name(node: Value, i: int, names: dict[Value, str]) -> str:
    # d node / d parent i, written with the names of the picture.
    op, parents = node.op, node.parents
    me, it = f"{names[node]}.data", f"{names[parents[i]]}.data"
    if op == "*":
        return f"{names[parents[1 - i]]}.data"
    if op in ("+", "sum") or (op == "-" and i == 0):
        return "1"
    if op == "neg" or op == "-":
        return "-1"
    if op.startswith("**") and len(op) > 2:
        k = float(op[2:])
        shown = repr(int(k)) if k.is_integer() else repr(k)
        less = repr(int(k - 1)) if k.is_integer() else repr(k - 1)
        return f"{shown}*{it}" if k == 2 else f"{shown}*{it}**{less}"
    if op == "/":
        return f"1/{names[parents[1]]}.data" if i == 0 else f"-{me}/{names[parents[1]]}.data"
    simple = {
        "exp": me,
        "log": f"1/{it}",
        "tanh": f"(1 - {me}**2)",
        "sigmoid": f"{me}*(1 - {me})",
        "relu": f"({it} > 0)",
        "sqrt": f"0.5/{me}",
        "sin": f"cos({it})",
        "cos": f"-sin({it})",
    }
    return simple.get(op, f"d{names[node]}/d{names[parents[i]]}")


def chain_rule(name: str, pushes: list[tuple[Push, str, float]]) -> str:
    """One gradient written out as the chain rule over the nodes it feeds, with the numbers:
    `pushes` holds, per term, the `Push`, the child's name and the child's grad.

    >>> from autodiff import Value
    >>> a = Value(2.0, label="a")
    >>> y = a * a; y.label = "y"
    >>> (step,) = trace_backward(y)
    >>> print(chain_rule("a", [(p, step.name, step.grad) for p in step.pushes]))
    a.grad = a.data * y.grad + a.data * y.grad = 2 * 1 + 2 * 1 = 4
    """
    symbols = " + ".join(f"{p.rule} * {child}.grad" for p, child, _ in pushes)
    numbers = " + ".join(f"{_factor(p.local)} * {_factor(g)}" for p, _, g in pushes)
    total = f"{pushes[-1][0].total:.6g}"
    return f"{name}.grad = {symbols} = {numbers} = {total}"


def _factor(x: float) -> str:
    # Six significant digits: enough for a learner to redo the sum by hand.
    return f"({x:.6g})" if x < 0 else f"{x:.6g}"


def explanations(root: Value, steps: list[Step]) -> dict[Value, str]:
    """Each node's gradient as the chain rule over the nodes it feeds (see `chain_rule`), from the
    steps of `trace_backward(root)`: what `explain` says, for every node at once.

    >>> from autodiff import Value
    >>> a = Value(3.0, label="a")
    >>> b = a + 1.0; b.label = "b"
    >>> print(explanations(b, trace_backward(b))[a])
    a.grad = 1 * b.grad = 1 * 1 = 1
    """
    names = _refs(root)
    terms: dict[Value, list[tuple[Push, str, float]]] = {}
    for step in steps:
        for push in step.pushes:
            terms.setdefault(push.parent, []).append((push, step.name, step.grad))
    out = {}
    for v in topological_order(root):
        if v is root:
            out[v] = f"{names[v]}.grad = 1: the seed of backward(), d{names[v]}/d{names[v]} = 1"
        elif v in terms:
            out[v] = chain_rule(names[v], terms[v])
        elif not v.requires_grad:
            out[v] = f"{names[v]} is a constant: it takes no gradient"
        else:
            out[v] = f"{names[v]} gets no gradient from {names[root]}"
    return out


def explain(v: Value, root: Value | None = None) -> str:
    """How `v.grad` was made by `root.backward()` (default: the latest backward() whose root is
    still alive): the chain rule over the nodes `v` feeds, each term its local derivative times
    that node's gradient, with the numbers; then each term as the sweep added it.

    >>> from autodiff import Value
    >>> a = Value(3.0, label="a")
    >>> b = a + a; b.label = "b"
    >>> b.backward()
    >>> print(explain(a))
    a.grad = 1 * b.grad + 1 * b.grad = 1 * 1 + 1 * 1 = 2
      a.grad += 1 * b.grad = 1.0000 * 1.0000 = 1.0000
      a.grad += 1 * b.grad = 1.0000 * 1.0000 = 1.0000, so a.grad = 2.0000
    """
    if not isinstance(v, Value):
        raise TypeError(f"explain: expected a Value, got {type(v).__name__} ({v!r})")
    if root is None:
        root = latest_root[0]()
        if root is None:
            raise RuntimeError("explain: no backward() has run (or its graph is gone): pass the root, explain(v, root)")
    steps = trace_backward(root)
    names = _refs(root)
    if v not in names:
        return f"{v.label or repr(v)} gets no gradient from this root: it does not feed it"
    terms = [p for s in steps for p in s.pushes if p.parent is v]
    lines = [explanations(root, steps)[v]] + ["  " + p.text for p in terms]
    now = _data(v.grad)
    if terms and isinstance(now, float) and _shown(now) != _shown(terms[-1].total):
        lines.append(f"  ({names[v]}.grad is {_shown(now)}: a leaf's grad adds up over backward() calls)")
    return "\n".join(lines)
