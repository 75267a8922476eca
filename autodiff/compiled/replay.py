"""The third stage: run a plan forward and backward on a batch, group after group.

Each `Elementwise` group calls its op's own `forward` and `derivative` with the numpy namespace
`arrays` (or `ops.scalar`, for a single uniform node): one definition per op. A `Matmul` group is
`ops.DOT` over a layer, evaluated as the matrix product it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .. import ops
from ..ops import Op
from ..worlds import arrays
from .plan import Elementwise, Matmul, Plan, Scatter


class Workspace(NamedTuple):
    """Arrays for one batch size, kept from call to call: allocating them anew for each call
    costs more than the arithmetic (the system hands out fresh zeroed pages for large arrays).

    >>> from autodiff.compiled.plan import make_plan
    >>> from autodiff.compiled.trace import trace
    >>> work = workspace(make_plan(trace(lambda x: x.tanh(), n_inputs=1)), batch=4)
    >>> work.values.shape, work.args[0].shape, work.blocks[0]
    ((2, 4), (1, 1, 4), [(slice(0, 4096, None), slice(None, None, None))])
    """

    values: np.ndarray  # (rows, batch): every node's value for every example
    grads: np.ndarray  # (rows, batch): the gradient of the output with respect to each
    args: list[np.ndarray]  # per group, its inputs: (arity, size, width), or X (k, batch) for a Matmul
    stacked: list[np.ndarray]  # per group, their gradients: (arity * size, width), or X's (k, batch)
    blocks: list[list[Block]]  # per group, the rows and columns it computes at a time (see _blocks)
    # What is the same for every example (parameters, constants, the nodes of groups that depend
    # on no input) lives here, one number a row, contiguous: read from a column of `values`, a
    # layer's thousands of weights would cost a page each.
    column: np.ndarray  # (rows,)
    column_grads: np.ndarray  # (rows,): the gradient of such a row, summed over the batch
    floats: dict[int, list[float]]  # a group on floats (by its first row): its inputs, as the forward read them


def workspace(plan: Plan, batch: int) -> Workspace:
    """The arrays for `plan` on batches of `batch` examples, constants filled in.

    >>> from autodiff.compiled.plan import make_plan
    >>> from autodiff.compiled.trace import trace
    >>> workspace(make_plan(trace(lambda x: x * 2.0, n_inputs=1)), batch=5).values.shape
    (3, 5)
    """
    values = np.empty((plan.n_rows, batch))
    args, stacked, blocks = [], [], []
    for g in plan.groups:
        if isinstance(g, Matmul):
            args.append(np.empty((g.shape[1], batch)))
            stacked.append(np.empty((g.shape[1], batch)))
            blocks.append([_WHOLE])
            continue
        width = 1 if g.uniform else batch
        in_place = g.consecutive is not None
        args.append(
            values[g.consecutive].reshape(*g.parents.shape, width) if in_place else np.empty((*g.parents.shape, width))
        )
        stacked.append(np.empty((g.parents.size, width)))
        blocks.append([_WHOLE] if g.uniform else _blocks(g.stop - g.start, batch))
    work = Workspace(
        values, np.empty((plan.n_rows, batch)), args, stacked, blocks, np.empty(plan.n_rows), np.empty(plan.n_rows), {}
    )
    work.values[plan.constant_rows] = plan.constants[:, None]
    work.column[plan.constant_rows] = plan.constants
    for rows, data in plan.tails:
        work.values[rows] = data[:, None]
    return work


def forward(plan: Plan, work: Workspace, x: np.ndarray) -> None:
    """Every node's value for the inputs `x` (batch, n_inputs), into `work.values`.

    >>> from autodiff.compiled.plan import make_plan
    >>> from autodiff.compiled.trace import trace
    >>> plan = make_plan(trace(lambda x: x * x, n_inputs=1))
    >>> work = workspace(plan, batch=2)
    >>> forward(plan, work, np.array([[2.0], [3.0]]))
    >>> work.values[plan.output_rows].tolist()
    [[4.0, 9.0]]
    """
    values, column, n_in, n_wide = work.values, work.column, plan.n_inputs, plan.n_wide
    values[:n_in] = x.T
    # Parameters are read now, so updates since the trace are seen.
    column[n_in : n_in + len(plan.parameters)] = [p.data for p in plan.parameters]  # faster than fromiter(map(...))
    values[n_in : n_in + n_wide] = column[n_in : n_in + n_wide, None]
    with np.errstate(all="ignore"):
        for group, args, blocks in zip(plan.groups, work.args, work.blocks):
            if isinstance(group, Matmul):
                x = _shared(group, values, args)
                np.matmul(_weights(group, column), x, out=values[group.start : group.stop])
                continue
            if group.uniform:
                _uniform_forward(group, work, args)
                continue
            if group.consecutive is None:  # else `args` is a view of those rows
                values.take(group.parents, axis=0, out=args, mode="clip")
            out = values[group.start : group.stop]
            try:
                for rows, cols in blocks:
                    out[rows, cols] = group.op.forward(arrays, *args[:, rows, cols])
            except ValueError:
                narrowed = _in_first_failing_row(group.op, args)
                if narrowed is None:
                    raise
                raise narrowed from None


def _uniform_forward(group: Elementwise, work: Workspace, args: np.ndarray) -> None:
    """A group that depends on no input: computed once, into `work.column` (and across the batch
    in `work.values` unless it is narrow); on floats for a single node."""
    column, start, stop = work.column, group.start, group.stop
    column.take(group.parents, out=args.reshape(group.parents.shape), mode="clip")
    if group.on_floats:
        floats = work.floats[start] = args.ravel().tolist()  # kept for the backward
        column[start] = group.op.forward(ops.scalar, *floats)
    else:
        column[start:stop, None] = group.op.forward(arrays, *args)
    if not group.narrow:
        work.values[start:stop] = column[start:stop, None]


def backward(plan: Plan, work: Workspace, seed: float) -> None:
    """The gradient of the outputs (each weighted by `seed`) into `work.grads`, group after group.

    >>> from autodiff.compiled.plan import make_plan
    >>> from autodiff.compiled.trace import trace
    >>> plan = make_plan(trace(lambda x: x * x, n_inputs=1))
    >>> work = workspace(plan, batch=2)
    >>> forward(plan, work, np.array([[2.0], [3.0]]))
    >>> backward(plan, work, seed=1.0)
    >>> work.grads[0].tolist()   # d(x * x)/dx = 2x
    [4.0, 6.0]
    """
    values, grads = work.values, work.grads
    for rows in plan.zeroed:  # the other rows get their first gradient by assignment
        grads[rows] = 0.0
    work.column_grads[:] = 0.0
    for r in plan.output_rows:
        grads[r] += seed
    with np.errstate(all="ignore"):
        every = list(zip(plan.groups, work.args, work.stacked, work.blocks))
        for group, args, stacked, blocks in reversed(every):
            if isinstance(group, Matmul):
                _matmul_backward(group, work, args, stacked)
                continue
            if group.uniform:
                _uniform_backward(group, work, args, stacked)
                continue
            g, out = grads[group.start : group.stop], values[group.start : group.stop]
            if (parent_rows := _straight(group)) is not None:  # one input, its own rows: added as it comes
                into, assign = grads[parent_rows], group.scatter[0][2]
                for rows, cols in blocks:
                    (local,) = group.op.derivative(arrays, g[rows, cols], out[rows, cols], *args[:, rows, cols])
                    if assign:
                        into[rows, cols] = local
                    else:
                        into[rows, cols] += local
                continue
            by_input = stacked.reshape(args.shape)
            for rows, cols in blocks:
                local = group.op.derivative(arrays, g[rows, cols], out[rows, cols], *args[:, rows, cols])
                _stack(local, by_input[:, rows, cols])
            _scatter(grads, group.scatter, stacked)


def _straight(group: Elementwise) -> slice | None:
    """The rows that a group of one input adds its gradients into, when they follow each other
    and each is one node's input (a layer's tanh): then no copy into `stacked`. None otherwise."""
    if len(group.parents) != 1 or len(group.scatter) != 1:
        return None
    rows, positions, _ = group.scatter[0]
    whole = slice(0, group.stop - group.start)
    return rows if type(rows) is slice and type(positions) is slice and positions == whole else None


def _uniform_backward(group: Elementwise, work: Workspace, args: np.ndarray, stacked: np.ndarray) -> None:
    """A uniform group's backward, once: its gradient is what uniform groups gave it (in
    `work.column_grads`) and, unless narrow, its row of `work.grads` summed over the batch."""
    start, stop = group.start, group.stop
    g = work.column_grads[start:stop, None]
    if not group.narrow:
        g = g + work.grads[start:stop].sum(axis=1, keepdims=True)
    out = work.column[start:stop, None]
    if group.on_floats:
        local = group.op.derivative(ops.scalar, float(g[0, 0]), float(out[0, 0]), *work.floats[start])
        stacked[:, 0] = np.fromiter(local, float, len(stacked))  # faster than from a tuple
    else:
        _stack(group.op.derivative(arrays, g, out, *args), stacked.reshape(args.shape))
    _scatter(work.column_grads, group.scatter, stacked[:, 0])


def parameter_gradients(plan: Plan, work: Workspace) -> list[float]:
    """Each parameter's gradient, summed over the batch: what the uniform groups and the Matmuls
    gave it (in `column_grads`) and, for a wide one, its row of `grads` summed.

    >>> from autodiff import Value
    >>> from autodiff.compiled.plan import make_plan
    >>> from autodiff.compiled.trace import trace
    >>> w = Value(3.0)
    >>> plan = make_plan(trace(lambda x: w * x, n_inputs=1))
    >>> work = workspace(plan, batch=2)
    >>> forward(plan, work, np.array([[2.0], [5.0]]))
    >>> backward(plan, work, seed=1.0)
    >>> parameter_gradients(plan, work)   # d/dw, summed over the batch: 2 + 5
    [7.0]
    """
    n_in, n_wide = plan.n_inputs, plan.n_wide
    totals = work.column_grads[n_in : n_in + len(plan.parameters)].copy()  # from the uniform groups and the Matmuls
    totals[:n_wide] += work.grads[n_in : n_in + n_wide].sum(axis=1)  # from the groups that run per example
    result: list[float] = totals.tolist()
    return result


def _matmul_backward(group: Matmul, work: Workspace, x: np.ndarray, dx: np.ndarray) -> None:
    values, grads = work.values, work.grads
    g = grads[group.start : group.stop]
    x = values[group.shared] if isinstance(group.shared, slice) else x  # X, as the forward left it
    w_t = _weights(group, work.column).T
    scatter = group.shared_scatter
    if _in_place(scatter):  # X's first gradient, into rows that follow each other: written there
        rows, positions, _ = scatter[0]
        w_t, dx, scatter = w_t[positions], grads[rows], []
    if group.shape[0] == 1:  # one node: W.T @ G is an outer product, where BLAS is slow
        np.multiply(w_t, g, out=dx)
    else:
        np.matmul(w_t, g, out=dx)
    _scatter(grads, scatter, dx)
    _scatter(work.column_grads, group.weight_scatter, (g @ x.T).reshape(-1))


def _in_place(scatter: Scatter) -> bool:
    """One assignment, from positions in a run to rows in a run: written straight into its rows."""
    return len(scatter) == 1 and type(scatter[0][0]) is slice and type(scatter[0][1]) is slice and scatter[0][2]


def _weights(group: Matmul, column: np.ndarray) -> np.ndarray:
    return column[group.weights].reshape(group.shape)


def _shared(group: Matmul, values: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """X: a view of `values` where its rows are consecutive, else gathered into `buffer`."""
    if isinstance(group.shared, slice):
        return values[group.shared]
    return values.take(group.shared, axis=0, out=buffer)


_BLOCK = 16384  # numbers per array at a time: the size where numpy's temporaries stop costing fresh pages
Block = tuple[slice, slice]  # rows and columns of a group's (size, batch) arrays
_WHOLE: Block = (slice(None), slice(None))


def _blocks(size: int, batch: int) -> list[Block]:
    """A group of `size` rows, computed in blocks of about `_BLOCK` numbers. An op's formula
    makes a temporary array per step (`g * (1 - out) * (1 + out)`); one the size of the whole
    group comes from fresh pages of the system each time, which costs more than the arithmetic.
    A block is whole rows, one piece of memory, where a row fits in a block; else columns.

    >>> _blocks(3, 8192)
    [(slice(0, 2, None), slice(None, None, None)), (slice(2, 4, None), slice(None, None, None))]
    >>> _blocks(2, 20000)[0]
    (slice(None, None, None), slice(0, 8192, None))
    """
    if batch <= _BLOCK:
        height = _BLOCK // batch
        return [(slice(a, a + height), slice(None)) for a in range(0, size, height)]
    width = max(1, _BLOCK // size)
    return [(slice(None), slice(a, a + width)) for a in range(0, batch, width)]


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


def _stack(local: Sequence[Any], stacked: np.ndarray) -> None:
    """Write a group's input gradients, one (size, width) block per input, into `stacked`
    (arity, size, width)."""
    try:
        # Each gradient has its node's shape (size, width), being made from g, out or the args.
        np.stack(local, out=stacked)
    except ValueError:  # numbers, or arrays that broadcast: place them one by one
        for k, d in enumerate(local):
            stacked[k] = d


def _scatter(grads: np.ndarray, plan: Scatter, stacked: np.ndarray) -> None:
    """Add (or assign: see writes.first_writes) the stacked input gradients into their parents'
    rows of `grads` (see plan._scatter_plan)."""
    for rows, positions, assign in plan:
        repeated = type(positions) is np.ndarray and positions.ndim == 2
        gradient = stacked[positions].sum(axis=0) if repeated else stacked[positions]
        if assign:
            grads[rows] = gradient
        else:
            grads[rows] += gradient
