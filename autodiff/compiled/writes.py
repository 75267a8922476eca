"""Part of the plan: which gradient writes of the backward assign rather than add.

The backward adds each group's input gradients into its parents' rows of `grads`. A row whose
first gradient (in the order the backward runs) comes from one write can take that write as it
is (`=`), and then needs no zeroing before: a layer's rows cost one pass instead of three
(zero, read, add). The rows that some write adds into first, or that no write reaches, start at
zero. The same sums in the same order: 0.0 + x is x (only the sign of a zero may differ).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .plan import Group, Scatter


def first_writes(
    groups: list[Group], n_rows: int, output_rows: list[int], leaves: slice
) -> tuple[list[Group], list[slice]]:
    """`groups` with each write into `grads` flagged "assign" where it gives its rows their first
    gradient, and the rows to zero before each backward: those read (the outputs', the groups',
    and `leaves`, the inputs' and the parameters' read across the batch) and not assigned.

    >>> from autodiff.compiled.plan import make_plan
    >>> from autodiff.compiled.trace import trace
    >>> plan = make_plan(trace(lambda x: (x * 2.0).tanh(), n_inputs=1))
    >>> [[assign for *_, assign in g.scatter] for g in plan.groups], plan.zeroed
    ([[True], [True]], [slice(3, 4, None)])
    """
    from .plan import Matmul

    every_row = np.arange(n_rows)
    written = np.zeros(n_rows, dtype=bool)
    written[output_rows] = True  # the seed is added into the outputs' rows first: they start at zero
    assigned = np.zeros(n_rows, dtype=bool)

    def flagged(scatter: Scatter) -> Scatter:
        result = []
        for rows, positions, _ in scatter:
            first = not written[every_row[rows]].any()
            assigned[every_row[rows]] |= first
            written[every_row[rows]] = True
            result.append((rows, positions, first))
        return result

    read = np.zeros(n_rows, dtype=bool)
    read[output_rows] = read[leaves] = True
    planned: list[Group] = list(groups)
    for i in reversed(range(len(groups))):  # the order the backward runs
        group = groups[i]
        if isinstance(group, Matmul):
            planned[i] = group._replace(shared_scatter=flagged(group.shared_scatter))
        elif not group.uniform:  # a uniform group's gradients go into the column, zeroed whole
            planned[i] = group._replace(scatter=flagged(group.scatter))
        if isinstance(group, Matmul) or not group.narrow:  # a narrow group has no row across the batch
            read[group.start : group.stop] = True
    return planned, _runs(read & ~assigned)


def _runs(mask: np.ndarray) -> list[slice]:
    """The runs of True in `mask`, as slices."""
    edges = np.flatnonzero(np.diff(np.concatenate([[False], mask, [False]]).astype(np.int8)))
    return [slice(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]
