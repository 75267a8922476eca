"""Random expression graphs (with shared nodes) against PyTorch float64, drawn by the public
strategies of `autodiff.testing.strategies` over the whole op table."""

from __future__ import annotations

import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autodiff import Value
from autodiff.testing import assert_matches_torch
from autodiff.testing.programs import TABLE, Program
from autodiff.testing.strategies import expressions, points


def clear_of_kinks(program, xs) -> bool:
    """Whether each op that bends or jumps (relu, floor, %, maximum, ...) gets the same numbers here
    as in PyTorch, or numbers clear of its kinks: near one, a rounding difference of an ulp
    (PyTorch computes sqrt(0.5)**2 - 0.5 as -1.1e-16, we as +1.1e-16) puts the two engines on
    different sides of it: both right, but different."""
    ours = program.arguments(*[Value(x) for x in xs])
    theirs = program.arguments(*[torch.tensor(x, dtype=torch.float64) for x in xs])
    return all(op.same_branch(a, b) for (op, _), a, b in zip(program.steps, ours, theirs))


graphs = st.integers(1, 4).flatmap(lambda n: st.tuples(expressions(n, max_steps=25), points(n)))


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_random_graph_matches_torch(graph):
    program, leaves = graph
    assume(clear_of_kinks(program, leaves))
    # Rounding differences can grow along a long graph, so these compare at 1e-9 relative
    # with a floor of 1e-12 for results that cancel to near zero.
    assert_matches_torch(program, leaves, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(expressions(n, max_steps=8), points(n))))
def test_random_graph_second_derivatives_match_torch(graph):
    program, leaves = graph
    assume(clear_of_kinks(program, leaves))
    assert_matches_torch(program, leaves, order=2, rtol=1e-9, atol=1e-12)


def test_a_point_at_a_kink_is_left_out_and_one_clear_of_it_is_kept():
    # relu((x**0.5)**2 - x) at x = 0.5 (the ops' maps leave 0.5 as it is): PyTorch rounds its
    # argument to -1.1e-16, we to +1.1e-16; the kink lies between them.
    ops = ((TABLE["**0.5"], (0,)), (TABLE["**2"], (1,)), (TABLE["-"], (2, 0)), (TABLE["relu"], (3,)))
    near = Program(1, ops)
    ours, theirs = near.arguments(Value(0.5))[3], near.arguments(torch.tensor(0.5, dtype=torch.float64))[3]
    assert ours != theirs and not clear_of_kinks(near, [0.5])
    exactly_at = Program(1, ((TABLE["-"], (0, 0)), (TABLE["relu"], (1,)), (TABLE["floor"], (2,))))
    assert clear_of_kinks(exactly_at, [0.5])  # relu(x - x), floor(0): the same numbers in both
    assert clear_of_kinks(Program(1, ((TABLE["relu"], (0,)),)), [0.5])
