"""Random expression graphs (with shared nodes) against PyTorch float64, drawn by the public
strategies of `autodiff.testing.strategies` over the whole op table."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff.testing import assert_matches_torch
from autodiff.testing.strategies import expressions, points

graphs = st.integers(1, 4).flatmap(lambda n: st.tuples(expressions(n, max_steps=25), points(n)))


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_random_graph_matches_torch(graph):
    program, leaves = graph
    # Rounding differences can grow along a long graph, so these compare at 1e-9 relative
    # with a floor of 1e-12 for results that cancel to near zero.
    assert_matches_torch(program, leaves, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(expressions(n, max_steps=8), points(n))))
def test_random_graph_second_derivatives_match_torch(graph):
    program, leaves = graph
    assert_matches_torch(program, leaves, order=2, rtol=1e-9, atol=1e-12)
