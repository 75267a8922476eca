"""Compiled mode does not care how a sum is spelled: chains of `+` fold into one n-ary sum
(autodiff.compiled.fold), and a penalty's terms are never filled across the batch (narrow uniform groups)."""

from __future__ import annotations

import numpy as np

import autodiff
from autodiff import Value
from autodiff.compiled.fold import fold_sums
from autodiff.compiled.plan import Elementwise, make_plan
from autodiff.compiled.trace import trace
from tests.autodiff.test_replay import assert_compiled_equals_eager


def ops_of(traced):
    return [v.op for v in traced.order if v.parents]


def test_a_left_nested_chain_becomes_one_sum_with_the_same_bits(rng):
    w = [Value(v) for v in rng.uniform(-1, 1, 40)]

    def fn(x):
        return x * sum(p * p for p in w)  # Python's sum: 0 + w0*w0 + w1*w1 + ...

    traced = trace(fn, 1, example=[0.3])
    folded = fold_sums(traced)
    assert ops_of(folded).count("sum") == 1 and "+" not in ops_of(folded)
    assert ops_of(traced).count("+") == 40  # the trace itself is left as it was
    assert folded.outputs[0].data == traced.outputs[0].data  # the same order of additions: the same bits
    assert_compiled_equals_eager(fn, rng.uniform(-1, 1, (7, 1)), w)


def test_a_shared_partial_sum_and_a_right_nested_sum_are_left_alone(rng):
    a, b, c = (Value(v) for v in rng.uniform(-1, 1, 3))

    def shared(x):
        partial = a + x
        return [partial + b, partial * c]  # partial has two uses: folding it would compute it twice

    def right_nested(x):
        return a + (x + b)  # folded, it would add in another order

    for fn in (shared, right_nested):
        traced = trace(fn, 1)
        assert ops_of(fold_sums(traced)) == ops_of(traced)
        assert_compiled_equals_eager(fn, rng.uniform(-1, 1, (5, 1)), [a, b, c])


def test_sums_of_sums_and_mixed_chains_fold_into_their_first_input(rng):
    w = [Value(v) for v in rng.uniform(-1, 1, 6)]

    def fn(x, y):
        return autodiff.sum([autodiff.sum(w[:3]) + x, y]) + w[3] * x + w[4] - w[5]

    traced = trace(fn, 2)
    assert ops_of(fold_sums(traced)).count("sum") == 1
    assert_compiled_equals_eager(fn, rng.uniform(-1, 1, (6, 2)), w)


def test_an_outputs_partial_sum_is_kept(rng):
    w = Value(0.5)

    def fn(x):
        total = w + x
        return [total, total + 1.0]

    assert ops_of(fold_sums(trace(fn, 1))) == ["+", "+"]
    assert_compiled_equals_eager(fn, rng.uniform(-1, 1, (4, 1)), [w])


def test_a_penaltys_terms_are_narrow_and_its_total_is_read_across_the_batch(rng):
    w = [Value(v) for v in rng.uniform(-1, 1, 5)]

    def fn(x):
        penalty = sum(p * p for p in w)
        return (w[0] * x).tanh() + 1e-2 * penalty + penalty * penalty

    plan = make_plan(fold_sums(trace(fn, 1)))
    uniform = [g for g in plan.groups if isinstance(g, Elementwise) and g.uniform]
    # the squares and their sum feed only uniform nodes; the two products of the total feed each example
    assert [(g.op.name, g.narrow) for g in uniform] == [("*", True), ("sum", True), ("*", False)]
    assert_compiled_equals_eager(fn, rng.uniform(-1, 1, (8, 1)), w)
    graph = autodiff.compile(fn, 1)
    x = rng.uniform(-1, 1, (3, 1))
    for batch in (x, x[:1], np.vstack([x, x])):  # a new batch size: a new workspace, the same numbers
        np.testing.assert_allclose(graph(batch), [fn(*row).data for row in batch.tolist()], rtol=1e-14)
