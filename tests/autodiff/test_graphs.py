"""Random expression graphs (with shared nodes) against PyTorch float64."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import assert_matches_torch

# Ops that stay finite on any finite input, so every random graph is well defined.
UNARY = [
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: a.sin(),
    lambda a: a.cos(),
    lambda a: a.relu(),
    lambda a: a.abs(),
    lambda a: -a,
    lambda a: (a * a + 1.0).log(),
    lambda a: (a * a).log1p(),
    lambda a: (a * a + 1.0).sqrt(),
    lambda a: a.tanh().exp(),
    lambda a: a**2,
    lambda a: a * 0.5,
    lambda a: 1.5 - a,
]
BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1.0),
    lambda a, b: (a * a + 0.5) ** b.tanh(),
]

step = st.one_of(
    st.tuples(st.just(1), st.integers(0, len(UNARY) - 1), st.integers(0, 10**6)),
    st.tuples(st.just(2), st.integers(0, len(BINARY) - 1), st.integers(0, 10**6), st.integers(0, 10**6)),
)


def build(recipe):
    """A function of the leaves: each step applies an op to earlier nodes (reused freely)."""

    def fn(*leaves):
        nodes = list(leaves)
        for kind, op, *picks in recipe:
            args = [nodes[p % len(nodes)] for p in picks]
            nodes.append((UNARY if kind == 1 else BINARY)[op](*args))
        # Sum the last few nodes so that several branches reach the output.
        out = nodes[-1]
        for node in nodes[-4:-1]:
            out = out + node
        return out

    return fn


@settings(max_examples=150, deadline=None)
@given(
    leaves=st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=1, max_size=4),
    recipe=st.lists(step, min_size=1, max_size=25),
)
def test_random_graph_matches_torch(leaves, recipe):
    # Rounding differences can grow along a long graph, so these compare at 1e-9 relative
    # with a floor of 1e-12 for results that cancel to near zero.
    assert_matches_torch(build(recipe), leaves, rel=1e-9, abs_=1e-12)
