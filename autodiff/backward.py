"""Reverse-mode sweep: `backward()` and `grad()`, with no recursion on the graph."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from . import hooks, ops
from ._numbers import _is_number, _to_float
from .anomaly import anomaly_mode, check_backward
from .grad_mode import enable_grad
from .value import Value, constant
from .worlds import floats, values

# The root of the latest backward(), for `autodiff.explain`: a weak reference keeps no graph alive.
latest_root: list[Callable[[], Value | None]] = [lambda: None]

# Sees one step of the sweep: the node and the amounts it is about to add into its parents.
Recorder = Callable[[Value, tuple[Any, ...]], None]


def topological_order(root: Value) -> list[Value]:
    """Every node that `root` depends on, each after all of its parents.

    >>> a = Value(2.0, label="a")
    >>> b = a * a
    >>> c = b + a
    >>> [v.label or v.op for v in topological_order(c)]
    ['a', '*', '+']
    """
    return _post_order(root, with_leaves=True)


def _post_order(root: Value, with_leaves: bool) -> list[Value]:
    """`root`'s ancestors, each after all of its parents: a depth-first search on a stack.

    `with_leaves=False` is for `backward`, which then resets the `.grad` of every node it gets:
    so only nodes made by ops are taken, and marked as visited in `.grad` (a mark new to each
    call), not in a set, which would cost some 40 bytes a node, a quarter of the graph itself.
    """
    mark = object()  # in .grad: visited, for this call
    visited: set[Value] = set()  # with_leaves: every node met (then .grad is left alone)
    if with_leaves:
        visited.add(root)
    elif root.parents:
        root.grad = mark
    else:
        return []
    order: list[Value] = []
    path = [root]  # the nodes whose parents are being visited, with an iterator over those parents
    pending = [iter(root.parents)]
    while path:
        for parent in pending[-1]:
            if not parent.parents:  # a leaf has no parents to wait for
                if with_leaves and parent not in visited:
                    visited.add(parent)
                    order.append(parent)
            elif parent.grad is not mark and parent not in visited:
                if with_leaves:
                    visited.add(parent)
                else:
                    parent.grad = mark
                path.append(parent)
                pending.append(iter(parent.parents))
                break
        else:
            order.append(path.pop())
            pending.pop()
    return order


def _sweep(
    order: list[Value],
    create_graph: bool,
    towards: Iterable[Value] = (),
    nodes: Iterable[Value] | None = None,
    record: Recorder | None = None,
) -> None:
    """Push each node's `.grad` into its parents', every node before its parents; a `.grad` of
    None means zero (no `0 +` node). Hooks run where some Value has one (only on the way to
    `towards`, grad()'s inputs, if given). `record(node, local)`, where given, sees each step
    before it is added (`autodiff.trace`).
    """
    if nodes is None and hooks.active():  # one look per sweep: hooks.sweep passes the nodes back
        return hooks.sweep(order, create_graph, towards, _sweep, record)
    check = anomaly_mode.enabled
    for node in reversed(order) if nodes is None else nodes:
        op = node._grad_fn
        if op is None:
            continue
        parents = node.parents
        if create_graph:
            local = op.derivative(values, node.grad, node, *parents)
        else:
            local = op.derivative(floats, node.grad, node.data, *[p.data for p in parents])
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
    order = _post_order(root, with_leaves=False)
    try:
        for node in order:
            node.grad = None
        with enable_grad() if create_graph else contextlib.nullcontext():
            seed = seed if root.parents else hooks.run(root, seed, create_graph)  # a leaf root: no sweep
            root.grad = seed if root.grad is None else root.grad + seed
            _sweep(order, create_graph)
    except BaseException:
        # Nodes that the failed sweep did not reach got no gradient: zero, not None.
        for node in order:
            if node.grad is None:
                node.grad = 0.0
        raise


def grad(
    outputs: Value | Iterable[Value],
    inputs: Iterable[Value] | Value,
    grad_outputs: Any = None,
    create_graph: bool = False,
) -> list[Any]:
    """The gradients of `outputs` with respect to `inputs`, leaving every `.grad` as it was.

    Floats by default; with `create_graph=True`, Values that can be differentiated again. An
    output or an input that does not require grad is a `RuntimeError`, as in PyTorch; an input
    that the output does not depend on gets 0 (as torch.autograd.grad with materialize_grads).
    Several outputs, each with its seed in `grad_outputs` (numbers or Values, 1 if None), give
    the gradients of the sum of seed times output, as `torch.autograd.grad`; a Value seed is
    part of the new graph under `create_graph=True`.

    >>> x = Value(2.0)
    >>> (dx,) = grad(x**3, [x], create_graph=True)
    >>> dx.data, grad(dx, [x])[0], grad([x * x, x + 1], x, grad_outputs=[1.0, 10.0])
    (12.0, 12.0, [14.0])
    """
    output = (
        outputs if isinstance(outputs, Value) and grad_outputs is None else _seeded(outputs, grad_outputs, create_graph)
    )
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
        output.grad = output.grad if output.parents else hooks.run(output, output.grad, create_graph)
        with enable_grad() if create_graph else contextlib.nullcontext():
            _sweep(order, create_graph, towards=inputs)
        reached = set(order)
        zero = constant(0.0) if create_graph else 0.0
        return [_as_grad(x.grad, create_graph) if x in reached and x.grad is not None else zero for x in inputs]
    finally:
        for node, g in zip(order, saved):
            node.grad = g


def _seeded(outputs: Any, grad_outputs: Any, create_graph: bool) -> Value:
    """One root for several outputs: the sum of each output times its seed (a number or Value)."""
    outputs = list(outputs) if type(outputs) in (list, tuple) else [outputs]
    seeds = [1.0] * len(outputs) if grad_outputs is None else grad_outputs
    seeds = [seeds] if isinstance(seeds, Value) or _is_number(seeds) else ops._as_sequence(seeds, "grad")
    if len(seeds) != len(outputs) or not outputs:
        raise ValueError(f"grad: expected one grad_output per output ({len(outputs)}), got {grad_outputs!r}")
    for seed in seeds:
        if type(seed) is bool or not (isinstance(seed, Value) or _is_number(seed)):
            raise TypeError(f"grad: grad_outputs must be numbers or Values, got {type(seed).__name__} ({seed!r})")
    checked: list[Value] = []
    for output in outputs:
        _check_output("grad", output)
        checked.append(output)
    if len(checked) == 1 and type(seeds[0]) in (float, int) and seeds[0] == 1:
        return checked[0]
    with enable_grad():
        return ops.dot(checked, [s if create_graph or not isinstance(s, Value) else s.data for s in seeds])


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
