"""Compiled mode: trace a function of Values once, then replay its graph on numpy batches.

`compile(fn, n_inputs)` calls `fn` once on placeholder Values (define-by-run), keeps the
graph it records, and returns a `CompiledGraph` that evaluates that same graph on a whole
batch at a time (define-then-run). Every node is computed by its own `Op`: the replay
calls `op.forward` and `op.derivative` with the numpy namespace `arrays` below, so there
is still one definition per op. Nodes of the same op, arity and depth form one group,
evaluated together on a (group size, batch) array; terms that depend on no input (an L2
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

import inspect
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from . import ops
from .backward import topological_order
from .grad_mode import enable_grad
from .ops import Op
from .value import Value, constant
from .worlds import arrays


class _Group(NamedTuple):
    """Nodes of one op, arity and depth: their outputs are rows start:stop of the buffer.

    A `uniform` group depends on no input (say, an L2 penalty on the parameters): it is
    computed once, in column 0, and its rows are then filled across the batch. A uniform
    group of one node runs on Python floats (`ops.scalar`, as eager mode): for a single
    number that is faster than numpy, whose every call costs as much as a thousand additions.
    """

    op: Op
    uniform: bool
    start: int
    stop: int
    parents: np.ndarray  # (arity, size): the row of each node's k-th input
    scatter: list[tuple[Any, Any]]  # see _scatter_plan

    @property
    def on_floats(self) -> bool:
        return self.uniform and self.stop - self.start == 1


class _Workspace(NamedTuple):
    values: np.ndarray  # (rows, batch): every node's value for every example
    grads: np.ndarray  # (rows, batch): the gradient of the output with respect to each
    args: list[np.ndarray]  # per group, (arity, size, width): the group's inputs
    stacked: list[np.ndarray]  # per group, (arity * size, width): the gradients for its inputs


class CompiledGraph:
    """A traced graph, evaluated on numpy batches: one row of inputs per example.

    Call it on an array of shape (batch, n_inputs) for the outputs: shape (batch,) when `fn`
    returned one Value, (batch, n_outputs) when it returned a list. Then `backward()`
    adds the gradient of the summed or mean output (over the batch, and over the outputs
    of a list) into each parameter's `.grad`, as eager `backward()` does, and returns the
    gradient with respect to the inputs. The Values of the traced graph itself are left as
    the trace made them.

    >>> import numpy as np
    >>> from autodiff import Value, compile
    >>> w = Value(3.0)
    >>> f = compile(lambda x: [w * x, x + 1.0], n_inputs=1)
    >>> f(np.array([[1.0], [2.0]]))
    array([[3., 2.],
           [6., 3.]])
    >>> f.backward(reduction="mean"), w.grad   # d/dx (3x + x + 1) = 4, over 2 examples
    (array([[2.],
           [2.]]), 1.5)
    """

    def __init__(self, inputs: Sequence[Value], outputs: Sequence[Value], single_output: bool) -> None:
        self.n_inputs = len(inputs)
        self._single_output = single_output
        order = _merged_topological_order(outputs)
        placeholders = set(inputs)
        groups = _groups_by_depth(order, placeholders)
        leaves = _leaves_by_first_use(groups, order, placeholders)
        self._parameters = [v for v in leaves if v.requires_grad]
        constants = [v for v in leaves if not v.requires_grad]
        row = {v: i for i, v in enumerate([*inputs, *self._parameters, *constants])}
        self._constants = np.array([v.data for v in constants], dtype=float)
        self._constant_rows = slice(len(row) - len(constants), len(row))
        self._groups = []
        for op, uniform, nodes in groups:
            start = len(row)
            row.update((v, start + i) for i, v in enumerate(nodes))
            parents = np.array([[row[p] for p in v.parents] for v in nodes]).T
            rows = parents.ravel()
            is_constant = (rows >= self._constant_rows.start) & (rows < self._constant_rows.stop)
            scatter = _scatter_plan(rows, needs_grad=~is_constant)
            self._groups.append(_Group(op, uniform, start, len(row), parents, scatter))
        self._n_rows = len(row)
        self._output_rows = [row[v] for v in outputs]
        self._workspace: _Workspace | None = None
        self._ready = False  # a batch has gone forward: backward() may run

    def parameters(self) -> list[Value]:
        """The leaves with `requires_grad=True` that `fn` captured, in the order the graph uses them.

        >>> from autodiff import Value, compile
        >>> w, b = Value(2.0, label="w"), Value(0.5, label="b")
        >>> f = compile(lambda x: w * x + b, n_inputs=1)
        >>> [p.label for p in f.parameters()]
        ['w', 'b']
        """
        return list(self._parameters)

    def __repr__(self) -> str:
        return (
            f"CompiledGraph({_count(self.n_inputs, 'input')}, {_count(len(self._output_rows), 'output')}, "
            f"{_count(len(self._parameters), 'parameter')}, {_count(self._n_rows, 'node')} "
            f"in {_count(len(self._groups), 'group')})"
        )

    def __call__(self, inputs: Any) -> np.ndarray:
        """The outputs for `inputs` of shape (batch, n_inputs): shape (batch,) or (batch, n_outputs).

        >>> import numpy as np
        >>> from autodiff import compile
        >>> f = compile(lambda x, y: x * y, n_inputs=2)
        >>> f(np.array([[2.0, 3.0], [4.0, 0.5]]))
        array([6., 2.])
        """
        x = self._checked(inputs)
        self._ready = False  # a failed call leaves nothing for backward()
        work = self._workspace_for(x.shape[0])
        values = work.values
        n_in, n_params = self.n_inputs, len(self._parameters)
        values[:n_in] = x.T
        # Parameters are read now, so updates since the trace are seen.
        values[n_in : n_in + n_params] = np.fromiter((p.data for p in self._parameters), float, n_params)[:, None]
        with np.errstate(all="ignore"):
            for group, args in zip(self._groups, work.args):
                (values[:, :1] if group.uniform else values).take(group.parents, axis=0, out=args, mode="clip")
                if group.on_floats:
                    values[group.start] = group.op.forward(ops.scalar, *args.ravel().tolist())
                else:
                    try:
                        values[group.start : group.stop] = group.op.forward(arrays, *args)
                    except ValueError:
                        narrowed = None if group.uniform else _in_first_failing_row(group.op, args)
                        if narrowed is None:
                            raise
                        raise narrowed from None
        self._ready = True
        out = values[self._output_rows]  # a copy: the workspace is used again by the next call
        return np.asarray(out[0] if self._single_output else out.T)

    def backward(self, reduction: str = "mean") -> np.ndarray:
        """Backpropagate the summed or mean output of the last call; return d/d(inputs).

        Adds the gradient into each parameter's `.grad` (accumulating, as eager backward);
        returns an array of the inputs' shape, (batch, n_inputs).

        >>> import numpy as np
        >>> from autodiff import Value, compile
        >>> w = Value(2.0)
        >>> f = compile(lambda x: w * x * x, n_inputs=1)
        >>> f(np.array([[1.0], [3.0]]))
        array([ 2., 18.])
        >>> f.backward(reduction="sum"), w.grad   # d/dx = 2 w x; d/dw = x^2, summed: 1 + 9
        (array([[ 4.],
               [12.]]), 10.0)
        """
        if reduction not in ("sum", "mean"):
            raise ValueError(f"backward: reduction must be 'sum' or 'mean', got {reduction!r}")
        work = self._workspace
        if not self._ready or work is None:
            raise RuntimeError("backward: call the compiled graph on a batch before backward()")
        values, grads, batch = work.values, work.grads, work.values.shape[1]
        grads.fill(0.0)
        for r in self._output_rows:
            grads[r] += 1.0 if reduction == "sum" else 1.0 / batch
        with np.errstate(all="ignore"):
            for group, args, stacked in zip(reversed(self._groups), reversed(work.args), reversed(work.stacked)):
                g, out = grads[group.start : group.stop], values[group.start : group.stop]
                if group.uniform:  # one column; its gradient is the sum over the batch
                    g, out = g.sum(axis=1, keepdims=True), out[:, :1]
                if group.on_floats:
                    floats = args.ravel().tolist()
                    stacked[:, 0] = group.op.derivative(ops.scalar, float(g[0, 0]), float(out[0, 0]), *floats)
                else:
                    _stack(group.op.derivative(arrays, g, out, *args), stacked)
                _scatter(grads[:, :1] if group.uniform else grads, group.scatter, stacked)
        n_in = self.n_inputs
        # A parameter's gradient is its row's sum: per example from the batch groups,
        # in column 0 from the uniform ones.
        totals = grads[n_in : n_in + len(self._parameters)].sum(axis=1).tolist()
        for p, total in zip(self._parameters, totals):
            p.grad = total if p.grad is None else p.grad + total
        return np.array(grads[:n_in].T)

    def _workspace_for(self, batch: int) -> _Workspace:
        """Arrays for a batch of this size, kept from call to call.

        Allocating them anew for each call costs more than the arithmetic: the system hands
        out fresh zeroed pages for arrays this large.
        """
        if self._workspace is None or self._workspace.values.shape[1] != batch:
            widths = [1 if g.uniform else batch for g in self._groups]
            self._workspace = _Workspace(
                np.empty((self._n_rows, batch)),
                np.empty((self._n_rows, batch)),
                [np.empty((*g.parents.shape, w)) for g, w in zip(self._groups, widths)],
                [np.empty((g.parents.size, w)) for g, w in zip(self._groups, widths)],
            )
            self._workspace.values[self._constant_rows] = self._constants[:, None]
        return self._workspace

    def _checked(self, inputs: Any) -> np.ndarray:
        try:
            x = np.asarray(inputs)
            # float() takes a Value: refuse one rather than drop the graph it may belong to.
            value = next((v for v in x.flat if isinstance(v, Value)), None) if x.dtype == object else None
            if value is not None:
                raise TypeError(f"got a Value, {value!r}: its .data is the number; backward() returns d/d(inputs)")
            x = x.astype(float, copy=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"compiled graph: inputs must be an array of numbers ({error})") from None
        if x.ndim != 2 or x.shape[1] != self.n_inputs or x.shape[0] == 0:
            raise ValueError(
                f"compiled graph: expected inputs of shape (batch, {self.n_inputs}) with batch >= 1, got {x.shape}"
            )
        return x


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
    if not isinstance(n_inputs, int) or isinstance(n_inputs, bool):
        raise TypeError(f"compile: n_inputs must be an int, got {type(n_inputs).__name__} ({n_inputs!r})")
    if n_inputs < 1:
        raise ValueError(f"compile: n_inputs must be at least 1, got {n_inputs}")
    example = [1.0] * n_inputs if example is None else list(example)
    if len(example) != n_inputs:
        raise ValueError(f"compile: example must hold n_inputs = {n_inputs} numbers, got {len(example)}")
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(example)]
    _check_arguments(fn, inputs)
    with enable_grad():
        result = fn(*inputs)
    single = not isinstance(result, (list, tuple))
    outputs = [result] if single else list(result)
    if not outputs:
        raise ValueError("compile: fn returned an empty sequence; it must return a Value or a list of Values")
    outputs = [v if isinstance(v, Value) else constant(v) for v in outputs]
    return CompiledGraph(inputs, outputs, single)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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


def _in_first_failing_row(op: Op, args: np.ndarray) -> ValueError | None:
    """The domain error of the first example on which `op`'s forward fails, saying its row of the
    inputs; None if no single example fails. `args` is (arity, size, batch): the forward is
    elementwise, so halving the batch finds that example in some log2(batch) calls."""
    lo, hi = 0, args.shape[-1]  # the first failing example is in lo:hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            op.forward(arrays, *args[..., lo:mid])
            lo = mid
        except ValueError:
            hi = mid
    try:
        op.forward(arrays, *args[..., lo:hi])
    except ValueError as error:
        error.args = (f"{error}, in row {lo} of the inputs",)
        return error
    return None


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


def _groups_by_depth(order: Sequence[Value], inputs: set[Value]) -> list[tuple[Op, bool, list[Value]]]:
    """Interior nodes grouped by (op, arity, uniform) within each depth, shallowest first.

    A node's depth is one more than its deepest parent, so the nodes of one depth depend
    only on shallower ones: each group can be computed in one go. A node is uniform when
    it depends on none of the inputs.
    """
    depth: dict[Value, int] = {}
    uniform: dict[Value, bool] = {}
    by_depth: dict[int, dict[tuple[Op, int, bool], list[Value]]] = {}
    for v in order:
        if v._grad_fn is None:
            depth[v], uniform[v] = 0, v not in inputs
            continue
        d = depth[v] = 1 + max(depth[p] for p in v.parents)
        u = uniform[v] = all(uniform[p] for p in v.parents)
        by_depth.setdefault(d, {}).setdefault((v._grad_fn, len(v.parents), u), []).append(v)
    return [(op, u, nodes) for d in sorted(by_depth) for (op, _, u), nodes in by_depth[d].items()]


def _leaves_by_first_use(
    groups: Sequence[tuple[Op, bool, list[Value]]], order: Sequence[Value], inputs: set[Value]
) -> list[Value]:
    """The leaves other than the inputs, in the order the groups' gradients reach them.

    Then a dot group's weights, say, get consecutive rows in the order of its input
    gradients, and its backward adds them with one slice instead of an indexed copy.
    Groups that run per example come first: their rows are the wide ones.
    """
    first_use: dict[Value, None] = {}
    for uniform_pass in (False, True):
        for _, uniform, nodes in groups:
            if uniform == uniform_pass:
                for k in range(len(nodes[0].parents)):
                    first_use.update((v.parents[k], None) for v in nodes if v.parents[k]._grad_fn is None)
    first_use.update((v, None) for v in order if v._grad_fn is None)  # leaves that are outputs themselves
    return [v for v in first_use if v not in inputs]


def _scatter_plan(rows: np.ndarray, needs_grad: np.ndarray) -> list[tuple[Any, Any]]:
    """How to add a group's input gradients into their rows, where a row may repeat.

    `rows[i]` is the row that the i-th input gradient goes to. Rows are sorted by how many
    times they occur, m: for each m, one pair (the rows, an array (m, rows) of positions)
    so that `grads[rows] += stacked[positions].sum(axis=0)` adds every occurrence at once.
    (`np.add.at` does the same, several times slower.) Rows that need no gradient are left out.
    For m = 1, the positions are one row, and a run of consecutive indices becomes a slice.
    """
    positions = np.flatnonzero(needs_grad)
    unique, inverse, counts = np.unique(rows[positions], return_inverse=True, return_counts=True)
    by_row = positions[np.argsort(inverse, kind="stable")]
    starts = np.cumsum(counts) - counts
    plan = []
    for m in np.unique(counts):
        chosen = counts == m
        occurrences = by_row[np.arange(m)[:, None] + starts[chosen]]
        plan.append((_as_slice(unique[chosen]), _as_slice(occurrences[0]) if m == 1 else occurrences))
    return plan


def _as_slice(index: np.ndarray) -> slice | np.ndarray:
    """A run of consecutive indices as a slice: numpy then reads and adds in place, no copy."""
    if index.ndim == 1 and np.all(np.diff(index) == 1):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def _stack(local: Sequence[Any], stacked: np.ndarray) -> None:
    """Write a group's input gradients, one (size, width) block per input, into `stacked`."""
    try:
        # Each gradient has its node's shape (size, width), being made from g, out or the args.
        np.concatenate(local, out=stacked)
    except ValueError:  # numbers, or arrays that broadcast: place them one by one
        size = len(stacked) // len(local)
        for k, d in enumerate(local):
            stacked[k * size : (k + 1) * size] = d


def _scatter(grads: np.ndarray, plan: list[tuple[Any, Any]], stacked: np.ndarray) -> None:
    """Add the stacked input gradients into their parents' rows of `grads` (see _scatter_plan)."""
    for rows, positions in plan:
        repeated = type(positions) is np.ndarray and positions.ndim == 2
        grads[rows] += stacked[positions].sum(axis=0) if repeated else stacked[positions]
