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
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__} ({root!r})")
    visited = {root}
    order: list[Value] = []
    path = [root]  # the nodes whose parents are being visited, with an iterator over those parents
    pending = [iter(root.parents)]
    while path:
        for parent in pending[-1]:
            if parent not in visited:
                visited.add(parent)
                path.append(parent)
                pending.append(iter(parent.parents))
                break
        else:
            order.append(path.pop())
            pending.pop()
    return order


def _marked_order(root: Value, order: list[Value], leaves: list[Value], olds: list[Any]) -> None:
    """For backward, into the lists given (so that a caller stopped half way sees what was
    done): the nodes made by ops that `root` depends on, each after its parents, with their
    `.grad` set to None; the leaves that take a gradient, their `.grad` set to None for this
    pass; and the `.grad` that each of those leaves had (two flat lists: 16 bytes a leaf).

    Visited nodes are marked in `.grad` (a mark new to each call), not in a set, which would cost
    some 40 bytes a node, a quarter of the graph itself; if the walk is stopped (Ctrl-C), every
    mark is taken away again: 0.0 in the nodes, the old `.grad` in the leaves.
    """
    mark = object()
    path: list[Value] = []
    try:
        if not root.parents:
            leaves.append(root)
            olds.append(root.grad)
            root.grad = mark
        else:
            root.grad = mark
            path.append(root)
        pending = [iter(root.parents)]
        while path:
            for parent in pending[-1]:
                if parent.grad is mark or not parent.requires_grad:
                    continue
                if not parent.parents:
                    leaves.append(parent)
                    olds.append(parent.grad)
                    parent.grad = mark
                else:
                    parent.grad = mark
                    path.append(parent)
                    pending.append(iter(parent.parents))
                    break
            else:
                order.append(path[-1])  # in order before it leaves path: a Ctrl-C between finds it
                path.pop()
                pending.pop()
        for node in order:
            node.grad = None
        for leaf in leaves:
            leaf.grad = None
    except BaseException:
        _to_the_end(lambda: _undo(order + path, leaves, olds, all_nodes=True))
        raise


def _undo(nodes: list[Value], leaves: list[Value], olds: list[Any], all_nodes: bool) -> None:
    # After a failed pass: interior nodes get a number (0.0 for those the pass did not reach, or
    # for all of them), leaves their `.grad` of before.
    for node in nodes:
        if all_nodes or node.grad is None:
            node.grad = 0.0
    for leaf, old in zip(leaves, olds):
        leaf.grad = old


def _to_the_end(cleanup: Callable[[], None]) -> None:
    """Run `cleanup` (which can be run again) to its end: a Ctrl-C in the middle of it would leave
    half of the graph undone, so it runs again, and the interrupt is raised once it is done."""
    interrupted: KeyboardInterrupt | None = None
    while True:
        try:
            cleanup()
            break
        except KeyboardInterrupt as error:
            interrupted = error
    if interrupted is not None:
        raise interrupted


def _sweep(
    order: list[Value], create_graph: bool, towards: Iterable[Value] = (), record: Recorder | None = None
) -> None:
    """Push each node's `.grad` into its parents', every node before its parents; a `.grad` of
    None means zero (no `0 +` node). A node's hooks run where the sweep reaches it, its gradient
    then complete (only on the way to `towards`, grad()'s inputs, if given); a leaf's, by the
    caller, once the sweep is done. `record(node, local)`, where given, sees each step before it
    is added (`autodiff.trace`).
    """
    check = anomaly_mode.enabled and anomaly_mode.here
    hooked = hooks.active()
    wanted = hooks.on_the_way(order, towards) if hooked else None
    for node in reversed(order):
        op = node._grad_fn
        if op is None:
            continue
        if wanted is not None and node.grad is not None and node in wanted:
            node.grad = hooks.run(node, node.grad, create_graph)
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

    Leaves accumulate over calls, as in PyTorch, and only once the pass has succeeded: a pass
    that raises (a hook, an op's derivative, Ctrl-C) leaves every leaf's `.grad` as it was, and
    every interior node's a number. A leaf's hooks see what this pass brings it, before it is
    added (as PyTorch's AccumulateGrad). Interior nodes start afresh each call. A Value as
    `gradient` is part of the new graph under `create_graph=True`; otherwise its number is used.
    A root that does not require grad (made under `no_grad()`, or from constants alone) has no
    graph to go back through: that is a `RuntimeError`, as in PyTorch.

    >>> x = Value(3.0)
    >>> y = x * x
    >>> y.backward(); y.backward()
    >>> x.grad
    12.0
    """
    create_graph = _checked_flag(create_graph, "backward")
    _check_output("backward", root)
    seed = _seed(gradient, create_graph)
    latest_root[0] = weakref.ref(root)
    order: list[Value] = []
    leaves: list[Value] = []
    olds: list[Any] = []
    try:
        _marked_order(root, order, leaves, olds)
        root.grad = seed
        with enable_grad() if create_graph else contextlib.nullcontext():
            _sweep(order, create_graph)
            hooked = hooks.active()
            for leaf, old in zip(leaves, olds):
                leaf.grad = _passed_to_leaf(leaf, old, hooked, create_graph)
    except BaseException:
        _to_the_end(lambda: _undo(order, leaves, olds, all_nodes=False))
        raise


def _passed_to_leaf(leaf: Value, old: Any, hooked: bool, create_graph: bool) -> Any:
    """The `.grad` of `leaf` after this pass: what it had, plus what the pass brought it (after
    its hooks)."""
    new = leaf.grad
    if new is None:  # not reached by this pass
        return old
    new = hooks.run(leaf, new, create_graph) if hooked else new
    return new if old is None else old + new


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
    create_graph = _checked_flag(create_graph, "grad")
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
        with enable_grad() if create_graph else contextlib.nullcontext():
            _sweep(order, create_graph, towards=inputs)
            if hooks.active():  # the leaves' hooks, on the way to the inputs
                wanted = hooks.on_the_way(order, inputs)
                for node in order:
                    if not node.parents and node.grad is not None and node in wanted:
                        node.grad = hooks.run(node, node.grad, create_graph)
        reached = set(order)
        zero = constant(0.0) if create_graph else 0.0
        return [_as_grad(x.grad, create_graph) if x in reached and x.grad is not None else zero for x in inputs]
    finally:
        _to_the_end(lambda: _undo([], order, saved, all_nodes=False))


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


def _checked_flag(flag: Any, function: str) -> bool:
    if type(flag) is not bool:
        raise TypeError(f"{function}: create_graph must be a bool, got {type(flag).__name__} ({flag!r})")
    return flag


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
