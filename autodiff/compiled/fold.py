"""Between trace and plan: chains of `+` folded into one n-ary sum, however the user wrote them.

`sum(p * p for p in params)` (Python's `sum`) records a chain of binary `+`, one node deeper
at each term; the plan would give each its own group, run one after another. Folded, the chain
is one `ops.SUM` node over all the terms: one group. A `+` (or a sum) takes in its first input
when that input is a `+` or a sum that nothing else uses: ((a + b) + c) + d becomes
sum(a, b, c, d), which adds in the same order, so every number comes out the same, bit for bit
(the right-nested a + (b + c) adds in another order and is left alone). The folded nodes are
new Values; the traced graph itself is left as the trace made it.
"""

from __future__ import annotations

from collections import Counter

from .. import ops
from ..value import Value
from .trace import Trace

_SUMS = (ops.ADD, ops.SUM)


def fold_sums(traced: Trace) -> Trace:
    """`traced` with its chains of `+` folded into n-ary sums (see the module docstring).

    >>> from autodiff import Value
    >>> from autodiff.compiled.trace import trace
    >>> w = [Value(1.0), Value(2.0), Value(3.0)]
    >>> folded = fold_sums(trace(lambda x: x * sum(p * p for p in w), n_inputs=1))
    >>> [v.op for v in folded.order if v.op in ("+", "sum")], folded.outputs[0].data
    (['sum'], 14.0)
    """
    uses = Counter(p for v in traced.order for p in v.parents)
    uses.update(traced.outputs)
    folded: dict[Value, Value] = {}  # a traced node -> the node the plan gets
    inlined: set[Value] = set()  # nodes taken into the sum that uses them
    for v in traced.order:
        if v._grad_fn is None:
            folded[v] = v
            continue
        parents = [folded[p] for p in v.parents]
        first = v.parents[0]
        if v._grad_fn in _SUMS and first._grad_fn in _SUMS and uses[first] == 1:
            inlined.add(first)
            parents[:1] = folded[first].parents
        op = ops.SUM if len(parents) != len(v.parents) else v._grad_fn
        folded[v] = _node(v, op, tuple(parents))
    order = [folded[v] for v in traced.order if v not in inlined]
    return Trace(traced.inputs, [folded[v] for v in traced.outputs], order, traced.single_output)


def _node(v: Value, op: ops.Op, parents: tuple[Value, ...]) -> Value:
    """A copy of `v` with `op` and `parents`, or `v` itself where nothing changed."""
    if op is v._grad_fn and all(a is b for a, b in zip(parents, v.parents)):
        return v
    node = Value(v.data, v.label)
    node._grad_fn, node.parents = op, parents
    return node
