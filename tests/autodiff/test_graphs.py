"""Random expression graphs (with shared nodes) against PyTorch float64, drawn by the public
strategies of `autodiff.testing.strategies` over the whole op table."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autodiff import Value, topological_order
from autodiff.testing import assert_matches_torch
from autodiff.testing.programs import TABLE, Program
from autodiff.testing.strategies import expressions, points

# Near a kink, a rounding difference of an ulp (PyTorch computes sqrt(0.5)**2 - 0.5 as -1.1e-16,
# we as +1.1e-16) puts the two engines on different sides: both right, but different.
KINKS = {"relu", "abs"}


def clear_of_kinks(program, xs) -> bool:
    out = program(*[Value(x) for x in xs])
    return all(abs(p.data) > 1e-9 for v in topological_order(out) if v.op in KINKS for p in v.parents)


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
    program = Program(1, ((TABLE["*"], (0, 0)), (TABLE["-"], (1, 1)), (TABLE["relu"], (2,))))
    assert not clear_of_kinks(program, [0.5])  # relu(x*x - x*x): exactly at the kink
    assert clear_of_kinks(Program(1, ((TABLE["relu"], (0,)),)), [0.5])
