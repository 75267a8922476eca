"""autodiff.grad with several outputs and their seeds, Value.is_leaf and retain_grad, as PyTorch's;
gradgradcheck differentiating the backward pass in its incoming gradient, as PyTorch's."""

from __future__ import annotations

import math

import pytest
import torch

import autodiff as ad
from autodiff import GradcheckError, Op, Value, gradcheck, gradgradcheck


def t64(x, requires_grad=True):
    return torch.tensor(x, dtype=torch.float64, requires_grad=requires_grad)


def _graphs(x, y):
    return [(x * y).sin(), x.exp() * y, y * y]


def test_several_outputs_with_their_seeds_as_torch_autograd_grad(rng):
    for _ in range(20):
        a, b = rng.uniform(-2, 2, 2).tolist()
        seeds = rng.uniform(-3, 3, 3).tolist()
        x, y = Value(a), Value(b)
        X, Y = t64(a), t64(b)
        mine = ad.grad(_graphs(x, y), [x, y], grad_outputs=seeds)
        theirs = torch.autograd.grad(_graphs(X, Y), [X, Y], grad_outputs=[t64(s, False) for s in seeds])
        assert all(math.isclose(m, t.item(), rel_tol=1e-12, abs_tol=1e-15) for m, t in zip(mine, theirs))
        assert ad.grad(_graphs(x, y), (x, y)) == ad.grad(_graphs(x, y), [x, y], grad_outputs=[1.0, 1.0, 1.0])
        assert x.grad == 0.0 and y.grad == 0.0  # left as they were


def test_a_value_seed_is_differentiated_under_create_graph_as_torch():
    x, v = Value(0.7), Value(-1.5)
    (g,) = ad.grad([(x * x).sin()], [x], grad_outputs=[v], create_graph=True)
    X, V = t64(0.7), t64(-1.5)
    (G,) = torch.autograd.grad([(X * X).sin()], [X], grad_outputs=[V], create_graph=True)
    mine, theirs = ad.grad(g, [x, v]), torch.autograd.grad(G, [X, V])
    assert math.isclose(g.data, G.item(), rel_tol=1e-14)
    assert all(math.isclose(m, t.item(), rel_tol=1e-12) for m, t in zip(mine, theirs))
    # without create_graph, a Value seed counts as its number
    assert ad.grad([x * 3.0], [x], grad_outputs=[v]) == [-4.5]


def test_seed_errors_name_grad():
    x = Value(1.0)
    with pytest.raises(ValueError, match=r"^grad: expected one grad_output per output \(2\), got \[1.0\]"):
        ad.grad([x * 2.0, x * 3.0], [x], grad_outputs=[1.0])
    with pytest.raises(TypeError, match=r"^grad: grad_outputs must be numbers or Values, got str"):
        ad.grad([x * 2.0], [x], grad_outputs=["a"])
    with pytest.raises(TypeError, match=r"^grad: grad_outputs must be numbers or Values, got bool"):
        ad.grad(x * 2.0, [x], grad_outputs=True)
    with pytest.raises(RuntimeError, match=r"^grad: .* does not require grad"):
        ad.grad([x * 2.0, ad.constant(1.0)], [x])


def test_is_leaf_as_torch():
    x, c = Value(2.0), ad.constant(3.0)
    with ad.no_grad():
        quiet = x * 2.0
    cases = [(x, t64(2.0)), (x * c, t64(2.0) * 3.0), (quiet, None), ((x * c).detach(), t64(6.0).detach())]
    assert [v.is_leaf for v, _ in cases] == [True, False, True, True]
    assert all(v.is_leaf == t.is_leaf for v, t in cases if t is not None)
    with torch.no_grad():
        assert (t64(2.0) * 2.0).is_leaf


def test_retain_grad_keeps_an_interior_gradient_as_torch():
    x, X = Value(1.5), t64(1.5)
    y, Y = x.tanh(), X.tanh()
    y.retain_grad()
    Y.retain_grad()
    (y * y).backward()
    (Y * Y).backward()
    assert math.isclose(y.grad, Y.grad.item(), rel_tol=1e-14) and math.isclose(x.grad, X.grad.item(), rel_tol=1e-14)
    with pytest.raises(RuntimeError, match=r"^retain_grad: .* does not require grad"):
        ad.constant(1.0).retain_grad()


# A rule whose value is right but whose graph drops g (float(g) is a number in every world): its
# first derivative and its Hessian at g = 1 are right, its derivative in g is 0 instead of 2x.
_SQUARE_LOSING_G = Op("square", lambda m, x: x * x, lambda m, g, out, x: (float(g) * 2.0 * x,))
_SQUARE = Op("square", lambda m, x: x * x, lambda m, g, out, x: (g * 2.0 * x,))


@pytest.mark.parametrize("modes", [("rev",), ("fwd",)])
def test_gradgradcheck_catches_a_rule_that_drops_the_incoming_gradient(modes):
    assert gradcheck(lambda x: _SQUARE_LOSING_G(x), [0.3])
    assert gradgradcheck(lambda x: _SQUARE(x), [0.3], modes=modes)
    with pytest.raises(GradcheckError, match=r"of d/dx0 \(x1: the incoming gradient\) mismatch") as caught:
        gradgradcheck(lambda x: _SQUARE_LOSING_G(x), [0.3], modes=modes)
    rows = str(caught.value).splitlines()[2:]
    assert len(rows) == 1 and rows[0].split()[:4] == ["x1", "=", "0.75", "0.0"]  # only the derivative in g
    # torch's gradgradcheck catches the same slip in the same op
    square = _torch_op_losing_g()
    assert torch.autograd.gradcheck(square.apply, (t64(0.3),))
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):  # torch.autograd.GradcheckError
        torch.autograd.gradgradcheck(square.apply, (t64(0.3),))


def _torch_op_losing_g():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g.detach() * 2.0 * x

    return Square
