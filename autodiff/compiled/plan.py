"""The second stage: from a traced graph, the plan of its replay (rows, groups, scatters).

Every node gets a row of a (rows, batch) array. Inputs come first, then the parameters, the
constants, and the interior nodes group by group. Nodes of the same op, arity and depth form
one group, computed in one go. Among dot nodes, those of one depth that share one half of their
inputs while the other half depends on no input (a layer's neurons: each its own weights, all
the same inputs) form a `Matmul` group, one matrix product for all of them (BLAS). The 1.0
that multiplies a layer's bias is copied into the row after the previous layer's rows (a tail),
so that the layer reads its inputs in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .. import ops
from ..ops import Op
from ..value import Value
from .trace import Trace
from .writes import first_writes

Scatter = list[tuple[Any, Any, bool]]  # (rows, positions, assign): see _scatter_plan and writes.first_writes


class Elementwise(NamedTuple):
    """Nodes of one op, arity and depth: their outputs are rows start:stop.

    A `uniform` group depends on no input (say, an L2 penalty on the parameters): it is
    computed once, into the workspace's `column` (one number a row), and its rows are then filled
    across the batch, unless it is `narrow`: read by uniform groups only (the terms of a penalty),
    it lives in the column alone. A uniform
    group of one node runs on Python floats (`ops.scalar`, as eager mode): for a single
    number that is faster than numpy, whose every call costs as much as a thousand additions.

    >>> from autodiff.compiled.trace import trace
    >>> (group,) = make_plan(trace(lambda x, y: x * y, n_inputs=2)).groups
    >>> group.op.name, group.parents.tolist(), group.on_floats
    ('*', [[0], [1]], False)
    """

    op: Op
    uniform: bool
    start: int
    stop: int
    parents: np.ndarray  # (arity, size): the row of each node's k-th input
    scatter: Scatter
    consecutive: slice | None = None  # the rows of `parents`, where they follow each other: read in place
    narrow: bool = False  # uniform, and read from the column only: never filled across the batch

    @property
    def on_floats(self) -> bool:
        """One node that depends on no input: computed on Python floats.

        >>> from autodiff import Value
        >>> from autodiff.compiled.trace import trace
        >>> w = Value(2.0)
        >>> [g.on_floats for g in make_plan(trace(lambda x: x * (w * w), n_inputs=1)).groups]
        [True, False]
        """
        return self.uniform and self.stop - self.start == 1


class Matmul(NamedTuple):
    """`ops.DOT` nodes that share one half of their inputs, X (k rows of the batch), while the
    other half, W (k per node), depends on no input: rows start:stop are W @ X, and the
    backward gives X the gradient W.T @ G and W, summed over the batch, G @ X.T.

    W is read from the workspace's `column` (it is the same for every example); it is `weights` reshaped
    to `shape` (nodes, k).

    >>> import autodiff
    >>> from autodiff.compiled.trace import trace
    >>> w = [autodiff.Value(v) for v in (1.0, 2.0, 3.0, 4.0)]
    >>> (group,) = make_plan(trace(lambda x, y: [autodiff.dot(w[:2], [x, y]), autodiff.dot(w[2:], [x, y])], 2)).groups
    >>> group.shape, group.shared
    ((2, 2), slice(0, 2, None))
    """

    start: int
    stop: int
    weights: slice | np.ndarray  # the rows of W, node after node
    shape: tuple[int, int]
    shared: slice | np.ndarray  # the rows of X
    weight_scatter: Scatter
    shared_scatter: Scatter


Group = Elementwise | Matmul


class Plan(NamedTuple):
    """Where every node lives and in what order the groups run.

    >>> from autodiff.compiled.trace import trace
    >>> plan = make_plan(trace(lambda x: x * 2.0 + 1.0, n_inputs=1))
    >>> plan.n_rows, plan.constants.tolist(), plan.output_rows
    (5, [2.0, 1.0], [4])
    """

    n_inputs: int
    parameters: list[Value]  # leaves with requires_grad, rows n_inputs onwards
    n_wide: int  # the first n_wide parameters are read across the batch too; all, in the column
    constants: np.ndarray
    constant_rows: slice
    groups: list[Group]
    n_rows: int
    output_rows: list[int]
    tails: list[tuple[slice, np.ndarray]]  # rows that copy constants after a group's rows (see _tails)
    zeroed: list[slice]  # the rows of the gradients that start each backward at zero (see writes.first_writes)


class _Nodes(NamedTuple):
    op: Op
    uniform: bool
    nodes: list[Value]
    shared_half: int | None  # for a Matmul group: which half of each dot's inputs is X (0 or 1)


def make_plan(traced: Trace) -> Plan:
    """The plan of `traced`'s replay.

    >>> import autodiff
    >>> from autodiff import Value
    >>> from autodiff.compiled.trace import trace
    >>> w = [Value(1.0), Value(2.0)]
    >>> plan = make_plan(trace(lambda x: autodiff.dot(w, [x, x]), n_inputs=1))
    >>> [type(g).__name__ for g in plan.groups], plan.n_rows
    (['Matmul'], 4)
    """
    inputs, outputs, order = traced.inputs, traced.outputs, traced.order
    placeholders = set(inputs)
    groups = _groups_by_depth(order, placeholders)
    tails = _tails(groups, placeholders)
    leaves = _leaves_by_first_use(groups, order, placeholders)
    wide = _read_across_the_batch(groups, outputs)
    parameters = [v for v in leaves if v.requires_grad and v in wide]
    n_wide = len(parameters)
    parameters += [v for v in leaves if v.requires_grad and v not in wide]
    constants = [v for v in leaves if not v.requires_grad]
    row = {v: i for i, v in enumerate([*inputs, *parameters, *constants])}
    constant_rows = slice(len(row) - len(constants), len(row))
    n_rows = len(row)
    tail_rows: dict[tuple[Value, ...], np.ndarray] = {}  # a layer's X, tail included -> its rows
    placed_tails: list[tuple[slice, np.ndarray]] = []

    def needs_grad(rows: np.ndarray) -> np.ndarray:
        tail = np.isin(rows, [r for t, _ in placed_tails for r in range(t.start, t.stop)])
        return ((rows < constant_rows.start) | (rows >= constant_rows.stop)) & ~tail

    planned: list[Group] = []
    for op, uniform, nodes, shared_half in groups:
        start = n_rows
        row.update((v, start + i) for i, v in enumerate(nodes))
        n_rows += len(nodes)
        parents = np.array([[row[p] for p in v.parents] for v in nodes], dtype=np.intp).T
        if tail := tails.get(tuple(nodes)):
            placed_tails.append((slice(n_rows, n_rows + len(tail)), np.array([v.data for v in tail], dtype=float)))
            tail_rows[tuple(nodes) + tail] = np.arange(start, n_rows + len(tail))
            n_rows += len(tail)
        if shared_half is None:
            rows = parents.ravel()
            scatter, rows_in_place = _scatter_plan(rows, needs_grad(rows)), _as_slice(rows)
            in_place = rows_in_place if type(rows_in_place) is slice and not uniform else None
            narrow = uniform and not any(v in wide for v in nodes)
            planned.append(Elementwise(op, uniform, start, start + len(nodes), parents, scatter, in_place, narrow))
            continue
        k = len(parents) // 2
        shared = parents[k:, 0] if shared_half else parents[:k, 0]
        shared = tail_rows.get(_shared_half(nodes[0], shared_half), shared)
        weights = (parents[:k] if shared_half else parents[k:]).T.ravel()  # node after node
        planned.append(
            Matmul(
                start,
                start + len(nodes),
                _as_slice(weights),
                (len(nodes), k),
                _as_slice(shared),
                _scatter_plan(weights, needs_grad(weights)),
                _scatter_plan(shared, needs_grad(shared)),
            )
        )
    constant_data = np.array([v.data for v in constants], dtype=float)
    output_rows = [row[v] for v in outputs]
    planned, zeroed = first_writes(planned, n_rows, output_rows, slice(0, len(inputs) + n_wide))
    return Plan(
        len(inputs),
        parameters,
        n_wide,
        constant_data,
        constant_rows,
        planned,
        n_rows,
        output_rows,
        placed_tails,
        zeroed,
    )


def _shared_half(v: Value, half: int) -> tuple[Value, ...]:
    """A dot node's inputs that its Matmul group shares: X, the second half (1) or the first (0)."""
    k = len(v.parents) // 2
    return v.parents[k:] if half else v.parents[:k]


def _tails(groups: Sequence[_Nodes], inputs: set[Value]) -> dict[tuple[Value, ...], tuple[Value, ...]]:
    """The constants to copy into rows right after a group's own: a layer's X is the previous
    layer's outputs and then the 1.0 that multiplies the bias; with the 1.0 copied after them,
    X is rows that follow each other, read in place instead of gathered at each call.

    Keyed by the group's nodes; only elementwise groups that run per example, one tail each.
    """
    per_example = {tuple(g.nodes) for g in groups if g.shared_half is None and not g.uniform}
    tails: dict[tuple[Value, ...], tuple[Value, ...]] = {}
    for group in groups:
        if group.shared_half is None:
            continue
        x = _shared_half(group.nodes[0], group.shared_half)
        m = len(x)
        while m > 0 and x[m - 1]._grad_fn is None and not x[m - 1].requires_grad and x[m - 1] not in inputs:
            m -= 1
        head, tail = x[:m], x[m:]
        if head in per_example and tail:
            tails.setdefault(head, tail)
    return tails


def _matmul_half(v: Value, uniform: dict[Value, bool]) -> int | None:
    """For a dot node, the half of its inputs that a Matmul group can share (0 or 1): the one
    whose other half depends on no input. None for any other node."""
    if v._grad_fn is not ops.DOT:
        return None
    k = len(v.parents) // 2
    if all(uniform[p] for p in v.parents[:k]):
        return 1
    if all(uniform[p] for p in v.parents[k:]):
        return 0
    return None


def _groups_by_depth(order: Sequence[Value], inputs: set[Value]) -> list[_Nodes]:
    """Interior nodes grouped by (op, arity, uniform, shared inputs) within each depth, shallowest first.

    A node's depth is one more than its deepest parent, so the nodes of one depth depend
    only on shallower ones: each group can be computed in one go. A node is uniform when
    it depends on none of the inputs.
    """
    depth: dict[Value, int] = {}
    uniform: dict[Value, bool] = {}
    by_depth: dict[int, dict[tuple[Any, ...], list[Value]]] = {}
    for v in order:
        if v._grad_fn is None:
            depth[v], uniform[v] = 0, v not in inputs
            continue
        d = depth[v] = 1 + max(depth[p] for p in v.parents)
        u = uniform[v] = all(uniform[p] for p in v.parents)
        half = None if u else _matmul_half(v, uniform)
        k = len(v.parents) // 2
        shared = () if half is None else (v.parents[k:] if half else v.parents[:k])
        by_depth.setdefault(d, {}).setdefault((v._grad_fn, len(v.parents), u, half, shared), []).append(v)
    return [_Nodes(op, u, nodes, half) for d in sorted(by_depth) for (op, _, u, half, _), nodes in by_depth[d].items()]


def _leaves_by_first_use(groups: Sequence[_Nodes], order: Sequence[Value], inputs: set[Value]) -> list[Value]:
    """The leaves other than the inputs, in the order the groups' gradients reach them.

    Then a dot group's weights, say, get consecutive rows in the order of its input
    gradients, and its backward adds them with one slice instead of an indexed copy.
    Groups that run per example come first: their rows are the wide ones.
    """
    first_use: dict[Value, None] = {}
    for uniform_pass in (False, True):
        for group in groups:
            if group.uniform == uniform_pass:
                first_use.update((p, None) for p in _parents_in_gradient_order(group) if p._grad_fn is None)
    first_use.update((v, None) for v in order if v._grad_fn is None)  # leaves that are outputs themselves
    return [v for v in first_use if v not in inputs]


def _parents_in_gradient_order(group: _Nodes) -> list[Value]:
    """The group's inputs in the order its backward lays out their gradients: input after input
    (each across the nodes), for a Matmul group W node after node."""
    if group.shared_half is None:
        return [v.parents[k] for k in range(len(group.nodes[0].parents)) for v in group.nodes]
    k = len(group.nodes[0].parents) // 2
    weights = [p for v in group.nodes for p in (v.parents[:k] if group.shared_half else v.parents[k:])]
    return weights + list(group.nodes[0].parents[k:] if group.shared_half else group.nodes[0].parents[:k])


def _read_across_the_batch(groups: Sequence[_Nodes], outputs: Sequence[Value]) -> set[Value]:
    """The Values whose rows some group reads (or the caller gets) example by example. The
    other parameters need their number in the workspace's column only: filling a whole row for each of a wide
    layer's weights would cost more than the layer's matrix product."""
    wide = set(outputs)
    for group in groups:
        if group.uniform:
            continue
        if group.shared_half is None:
            wide.update(p for v in group.nodes for p in v.parents)
        else:
            k = len(group.nodes[0].parents) // 2
            parents = group.nodes[0].parents
            wide.update(parents[k:] if group.shared_half else parents[:k])
    return wide


def _scatter_plan(rows: np.ndarray, needs_grad: np.ndarray) -> Scatter:
    """How to add a group's input gradients into their rows, where a row may repeat.

    `rows[i]` is the row that the i-th input gradient goes to. Rows are sorted by how many
    times they occur, m: for each m, the rows, an array (m, rows) of positions, and False,
    so that `grads[rows] += stacked[positions].sum(axis=0)` adds every occurrence at once.
    (`np.add.at` does the same, several times slower.) Rows that need no gradient are left out.
    For m = 1, the positions are one row, and a run of consecutive indices becomes a slice.
    The False says "add"; `writes.first_writes` makes it True ("assign") where the rows get
    their first gradient.
    """
    positions = np.flatnonzero(needs_grad)
    unique, inverse, counts = np.unique(rows[positions], return_inverse=True, return_counts=True)
    by_row = positions[np.argsort(inverse, kind="stable")]
    starts = np.cumsum(counts) - counts
    plan = []
    for m in np.unique(counts):
        chosen = counts == m
        occurrences = by_row[np.arange(m)[:, None] + starts[chosen]]
        plan.append((_as_slice(unique[chosen]), _as_slice(occurrences[0]) if m == 1 else occurrences, False))
    return plan


def _as_slice(index: np.ndarray) -> slice | np.ndarray:
    """A run of consecutive indices as a slice: numpy then reads and adds in place, no copy."""
    if index.ndim == 1 and len(index) > 0 and np.all(np.diff(index) == 1):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index
