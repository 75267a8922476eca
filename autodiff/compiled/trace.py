"""The first stage of compiling: call `fn` once on placeholder Values and keep the graph it made."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ..backward import topological_order
from ..checkpoint import traced_through
from ..grad_mode import enable_grad
from ..value import Value, constant


class Trace(NamedTuple):
    """What one call of `fn` recorded: its placeholders, its outputs, and the nodes in between.

    >>> from autodiff import Value
    >>> w = Value(2.0, label="w")
    >>> t = trace(lambda x: w * x, n_inputs=1)
    >>> [v.label or v.op for v in t.order], t.single_output
    (['w', 'x0', '*'], True)
    """

    inputs: list[Value]
    outputs: list[Value]
    order: list[Value]  # every node the outputs depend on, each after its parents
    single_output: bool  # fn returned one Value, not a list


MAX_INPUTS = 2**32  # each is a Value, a row of the replay's arrays: past this, a mistake


def trace(fn: Callable[..., Any], n_inputs: int, example: Sequence[float] | None = None) -> Trace:
    """Run `fn` on `n_inputs` placeholders holding `example` (default all 1.0); its graph.

    >>> t = trace(lambda x, y: x * y + 1.0, n_inputs=2, example=[2.0, 3.0])
    >>> t.outputs[0].data, len(t.order)
    (7.0, 5)
    """
    if not callable(fn):
        raise TypeError(f"compile: fn must be callable, got {type(fn).__name__} ({fn!r})")
    if not isinstance(n_inputs, int) or isinstance(n_inputs, bool):
        raise TypeError(f"compile: n_inputs must be an int, got {type(n_inputs).__name__} ({n_inputs!r})")
    if not 1 <= n_inputs <= MAX_INPUTS:  # checked before a placeholder is made
        shown = repr(n_inputs) if n_inputs.bit_length() < 64 else f"an int of {n_inputs.bit_length()} bits"
        raise ValueError(f"compile: n_inputs must be from 1 to {MAX_INPUTS}, got {shown}")
    example = [1.0] * n_inputs if example is None else list(example)
    if len(example) != n_inputs:
        raise ValueError(f"compile: example must hold n_inputs = {n_inputs} numbers, got {len(example)}")
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(example)]
    _check_arguments(fn, inputs)
    previous, traced_through.active = traced_through.active, True  # a checkpoint records fn's graph
    try:
        with enable_grad():
            result = fn(*inputs)
    finally:
        traced_through.active = previous
    single = not isinstance(result, (list, tuple))
    outputs = [result] if single else list(result)
    if not outputs:
        raise ValueError("compile: fn returned an empty sequence; it must return a Value or a list of Values")
    outputs = [v if isinstance(v, Value) else constant(v) for v in outputs]
    return Trace(inputs, outputs, _merged_topological_order(outputs), single)


def _check_arguments(fn: Callable[..., Any], inputs: list[Value]) -> None:
    """A TypeError naming compile and n_inputs if `fn` cannot take the inputs, checked before
    the call: an error that `fn` itself raises is left as it is."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # no signature to read (some builtins): the call will tell
        return
    try:
        signature.bind(*inputs)
    except TypeError as error:
        name = getattr(fn, "__qualname__", type(fn).__name__)
        raise TypeError(f"compile: n_inputs={len(inputs)} does not fit fn {name}{signature}: {error}") from None


def _merged_topological_order(outputs: Sequence[Value]) -> list[Value]:
    """Every node the outputs depend on, each after its parents (each root's order, chained)."""
    seen: set[Value] = set()
    order: list[Value] = []
    for root in outputs:
        for v in topological_order(root):
            if v not in seen:
                seen.add(v)
                order.append(v)
    return order
