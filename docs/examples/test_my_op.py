"""A user's test of an op of their own against PyTorch, as pytest runs it.

Run it with `pytest docs/examples/test_my_op.py`.
"""

import math

import pytest
from hypothesis import given, settings

from autodiff import Op
from autodiff.testing import assert_matches_torch
from autodiff.testing.programs import TABLE, OpTwin
from autodiff.testing.strategies import expressions, points

# softsign(x) = x / (1 + |x|), with its derivative 1 / (1 + |x|)^2.
softsign = Op(
    "softsign",
    lambda m, x: x / (1.0 + m.abs(x)),
    lambda m, g, out, x: (g / ((1.0 + m.abs(x)) * (1.0 + m.abs(x))),),
)


def torch_softsign(t):
    return t / (1.0 + t.abs())


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.25, 1.0, 40.0])
def test_softsign_matches_torch_up_to_the_third_derivative(x):
    assert_matches_torch(softsign, [x], torch_fn=torch_softsign, order=3)


def test_softsign_inside_an_expression():
    # One function for both: it uses only operators and methods Values and tensors share.
    def f(x, y):
        return (x * y).tanh() + (x.exp() + y * y).log()

    assert_matches_torch(lambda x, y: softsign(f(x, y)), [0.3, -1.2], torch_fn=lambda x, y: torch_softsign(f(x, y)))
    assert math.isclose(softsign(2.0).data, 2.0 / 3.0)


# Random graphs with shared nodes over a few of the table's ops and softsign.
OPS = [TABLE["*"], TABLE["+"], TABLE["tanh"], TABLE["log"], OpTwin("softsign", softsign, torch_softsign)]


@settings(max_examples=25, deadline=None)
@given(expressions(2, ops=OPS, max_steps=8), points(2))
def test_softsign_in_random_graphs(program, xs):
    assert_matches_torch(program, xs, order=2, rtol=1e-9, atol=1e-12)
