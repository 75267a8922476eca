"""Compiled mode: trace a function of Values once, then replay its graph on numpy batches.

`compile(fn, n_inputs)` calls `fn` once on placeholder Values (define-by-run), keeps the
graph it records, and returns a `CompiledGraph` that evaluates that same graph on a whole
batch at a time (define-then-run). Every node is computed by its own `Op`: the replay
calls `op.forward` and `op.derivative` with the numpy namespace `arrays`, so there
is still one definition per op. Nodes of the same op, arity and depth form one group,
evaluated together on a (group size, batch) array, and a layer's dot nodes (their own weights,
the same inputs) one matrix product; terms that depend on no input (an L2
penalty on the parameters) are computed once per call, not once per example. A domain
error (the log of a negative input, in any example) raises the same error as eager mode, and
says the first row of the inputs that has it.

What it costs: compiling takes some 0.1 to 0.2 ms per node, once; each call then makes a few
numpy calls per group, and keeps two (nodes, batch) arrays. A wide graph (a layer's neurons
side by side) forms few, large groups and gains the most; a long chain of single ops forms one
group per op and gains only from the batch: for one example at a time, eager mode is faster.

What a trace cannot see: Python control flow. If `fn` branches on `.data` (`if x.data > 0:`),
the graph holds only the branch the placeholders took, and the compiled graph follows that
branch for every example, right or wrong. Use ops instead (`relu`, `abs`, ...), or trace
with an `example` that takes the branch you want. Values that ask for no gradient
(constants) are fixed at trace time; parameters (leaves with `requires_grad=True` captured
by `fn`) are read at each call, so an optimizer's updates are seen without tracing again.

The name `compile` lives in the `autodiff` namespace (`autodiff.compile`, as `torch.compile`);
it is left out of `autodiff.__all__` so that `from autodiff import *` keeps Python's builtin.

The stages, one file each, in the order they run: `trace` (one call of `fn` on placeholders),
`fold` (chains of `+` folded into one n-ary sum, whatever the spelling), `plan` (rows, groups
and scatters, made once; `writes` marks the backward's writes that can assign instead of add),
`replay` (forward and backward, at each call); `graph.CompiledGraph` holds the plan. The math
namespace on numpy arrays is `autodiff.worlds.arrays`.

>>> import numpy as np
>>> from autodiff import Value, compile
>>> w = Value(2.0)
>>> f = compile(lambda x, y: (w * x + y).tanh(), n_inputs=2)
>>> f(np.array([[0.0, 0.0], [1.0, -2.0]]))
array([0., 0.])
>>> f.backward(reduction="sum")
array([[2., 1.],
       [2., 1.]])
>>> w.grad
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .fold import fold_sums
from .graph import CompiledGraph
from .plan import make_plan
from .trace import trace

__all__ = ["CompiledGraph", "compile"]


def compile(  # noqa: A001 - autodiff.compile, beside Python's builtin, as torch.compile
    fn: Callable[..., Any], n_inputs: int, example: Sequence[float] | None = None
) -> CompiledGraph:
    """Trace `fn(x_0, ..., x_{n_inputs-1})` once on placeholder Values; return its graph.

    `fn` takes `n_inputs` positional arguments (checked before the trace: a `TypeError` naming
    both otherwise) and returns a Value (or a number) or a non-empty list or tuple of them. The
    placeholders hold `example` (default: all 1.0) during the trace: if `fn` branches on `.data`,
    the graph records the branch the example takes, and only that one (see the module docstring).

    >>> import numpy as np
    >>> f = compile(lambda x: x * x, n_inputs=1)
    >>> f(np.array([[1.0], [3.0]]))
    array([1., 9.])
    >>> f.backward(reduction="mean")
    array([[1.],
           [3.]])
    """
    traced = trace(fn, n_inputs, example)
    return CompiledGraph(make_plan(fold_sums(traced)), traced.single_output)
