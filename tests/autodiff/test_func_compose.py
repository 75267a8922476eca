"""autodiff.func composed, on an MLP's loss, on random graphs with shared nodes, and with
torch.func and torch.autograd.functional as the reference."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.autograd.functional as taf
import torch.func as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff as ad
from autodiff import Value, func
from autodiff.testing.strategies import expressions, points
from tests.autodiff.test_func import assert_close, t64

DRAWS = np.random.default_rng(16)  # for the module's constants; each test has its own (the rng fixture)
X = DRAWS.uniform(-1, 1, (5, 3)).tolist()
Y = DRAWS.uniform(-1, 1, 5).tolist()
SIZES = [(3, 4), (4, 1)]
N_WEIGHTS = sum((n_in + 1) * n_out for n_in, n_out in SIZES)


def mlp_outputs(w):
    """A 3-4-1 tanh MLP whose weights are the flat list `w`: one output per row of X."""
    outputs = []
    for x in X:
        h, at = list(x), 0
        for layer, (n_in, n_out) in enumerate(SIZES):
            new = []
            for _ in range(n_out):
                z = w[at + n_in] + sum(w[at + i] * h[i] for i in range(n_in))
                new.append(z.tanh() if layer < len(SIZES) - 1 else z)
                at += n_in + 1
            h = new
        outputs.append(h[0])
    return outputs


def mlp_loss(w):
    return sum((out - y) ** 2 for out, y in zip(mlp_outputs(w), Y)) / len(Y)


def torch_outputs(w):
    return torch.stack(mlp_outputs(list(w.unbind(0))))


WEIGHTS = DRAWS.uniform(-1, 1, N_WEIGHTS).tolist()


def test_mlp_loss_gradient_and_hessian_as_a_function_of_its_weights(rng):
    w = t64(WEIGHTS)
    assert_close(func.grad(mlp_loss)(WEIGHTS), tf.grad(mlp_loss)(w), 1e-12, 1e-15, "grad")
    value, _gradient = func.value_and_grad(mlp_loss)(WEIGHTS)
    assert math.isclose(value, mlp_loss(w).item(), rel_tol=1e-12)
    hessian = tf.hessian(mlp_loss)(w)
    assert_close(func.hessian(mlp_loss)(WEIGHTS), hessian, 1e-10, 1e-13, "hessian")
    assert_close(func.jacrev(func.jacrev(mlp_loss))(WEIGHTS), hessian, 1e-10, 1e-13, "jacrev(jacrev)")
    assert_close(func.jacrev(func.jacfwd(mlp_loss))(WEIGHTS), hessian, 1e-10, 1e-13, "jacrev(jacfwd)")
    tangent = rng.uniform(-1, 1, N_WEIGHTS).tolist()
    _, product = func.hvp(mlp_loss, (WEIGHTS,), (tangent,))
    assert_close(product[0], taf.hvp(mlp_loss, w, t64(tangent))[1], 1e-10, 1e-13, "hvp")


def test_mlp_jacobian_of_its_outputs_both_ways_and_vjp_jvp(rng):
    w = t64(WEIGHTS)
    jacobian = taf.jacobian(torch_outputs, w)
    assert_close(func.jacrev(mlp_outputs)(WEIGHTS), jacobian, 1e-12, 1e-15, "jacrev")
    assert_close(func.jacfwd(mlp_outputs)(WEIGHTS), jacobian, 1e-12, 1e-15, "jacfwd")
    cotangent = rng.uniform(-1, 1, len(X)).tolist()
    _, vjp_fn = func.vjp(mlp_outputs, WEIGHTS)
    assert_close(vjp_fn(cotangent)[0], taf.vjp(torch_outputs, w, t64(cotangent))[1], 1e-12, 1e-15, "vjp")
    tangent = rng.uniform(-1, 1, N_WEIGHTS).tolist()
    out, jvp_out = func.jvp(mlp_outputs, (WEIGHTS,), (tangent,))
    t_out, t_jvp = tf.jvp(torch_outputs, (w,), (t64(tangent),))
    assert_close([out, jvp_out], [t_out, t_jvp], 1e-12, 1e-15, "jvp")


def test_grad_composes_to_third_order_and_through_a_grad_inside():
    f = lambda x: (x * x).sin() * x.exp() + x**4
    x = 0.7
    for depth in range(1, 5):
        ours, theirs = f, f
        for _ in range(depth):
            ours, theirs = func.grad(ours), tf.grad(theirs)
        assert_close(ours(x), theirs(t64(x)), 1e-10, 0.0, f"order {depth}")
    # f calls grad inside: g(x) = x * d/dy (x * y**2) at y = x, that is 2 x**3.
    inner = lambda x: x * func.grad(lambda y: x * y**2)(x)
    t_inner = lambda x: x * tf.grad(lambda y: x * y**2)(x)
    assert_close(func.grad(inner)(1.5), tf.grad(t_inner)(t64(1.5)), 1e-12, 0.0, "grad inside")
    assert func.grad(inner)(1.5) == 6 * 1.5**2


def test_no_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = d/dx [x] = 1: the inner grad is with respect to y alone.
    assert func.grad(lambda x: x * func.grad(lambda y: x + y)(x))(3.0) == 1.0
    # A closed-over number of the outer transform is followed through the inner one.
    assert func.grad(lambda x: func.grad(lambda y: x * y * y)(2.0))(3.0) == 4.0


def test_reverse_over_forward_and_forward_over_reverse():
    f = lambda x, y: (x * y).tanh() * x
    a, b = t64(0.4), t64(-1.3)
    hessian = tf.hessian(f, argnums=(0, 1))(a, b)
    assert_close(func.hessian(f, argnums=(0, 1))(0.4, -1.3), hessian, 1e-10, 0.0, "hessian")
    assert_close(func.jacrev(func.jacfwd(f, argnums=(0, 1)), argnums=(0, 1))(0.4, -1.3), hessian, 1e-10, 0.0, "rev/fwd")
    # grad of a jvp: the derivative of the directional derivative.
    ours = func.grad(lambda x: func.jvp(lambda u: f(u, -1.3), (x,), (1.0,))[1])(0.4)
    theirs = tf.grad(lambda x: tf.jvp(lambda u: f(u, b), (x,), (t64(1.0),))[1])(a)
    assert_close(ours, theirs, 1e-10, 0.0, "grad(jvp)")
    # jvp of a grad: hvp, as torch.func's recipe.
    ours = func.jvp(func.grad(f), (0.4, -1.3), (1.0, 2.0))
    theirs = tf.jvp(tf.grad(f), (a, b), (t64(1.0), t64(2.0)))
    assert_close(list(ours), list(theirs), 1e-10, 0.0, "jvp(grad)")


def test_has_aux_argnums_and_structures_as_torch_func():
    f = lambda x, v: (x * v[0] + v[1].sin(), x * 2.0)
    gradient, aux = func.grad(f, argnums=(0, 1), has_aux=True)(0.5, [1.5, -0.2])
    t_gradient, t_aux = tf.grad(f, argnums=(0, 1), has_aux=True)(t64(0.5), t64([1.5, -0.2]))
    assert_close(gradient[0], t_gradient[0], 1e-12, 0.0, "x")
    assert_close(gradient[1], t_gradient[1], 1e-12, 0.0, "v")
    assert aux == 1.0 == t_aux.item()
    (_value, aux), gradient = func.value_and_grad(f, argnums=1, has_aux=True)(0.5, [1.5, -0.2])
    assert aux == 1.0 and gradient == func.grad(f, argnums=-1, has_aux=True)(0.5, [1.5, -0.2])[0]
    _out, jvp_out, aux = func.jvp(f, (0.5, [1.5, -0.2]), (1.0, [0.0, 0.0]), has_aux=True)
    assert aux == 1.0 and jvp_out == 1.5
    jacobian, aux = func.jacfwd(lambda v: ([v[0] * v[1], v[1]], v[0]), has_aux=True)([2.0, 3.0])
    assert jacobian == [[3.0, 2.0], [0.0, 1.0]] and aux == 2.0


def test_jacobians_of_several_outputs_and_arguments():
    f = lambda x, y: (x * y, [x.exp(), y / x])
    theirs = tf.jacrev(f, argnums=(0, 1))(t64(0.3), t64(2.0))
    for transform in (func.jacrev, func.jacfwd):
        ours = transform(f, argnums=(0, 1))(0.3, 2.0)
        assert_close(ours[0], theirs[0], 1e-12, 0.0, transform.__name__)
        assert_close(ours[1], theirs[1], 1e-12, 0.0, transform.__name__)
    out, vjp_fn = func.vjp(f, 0.3, 2.0)
    assert out == (0.3 * 2.0, [math.exp(0.3), 2.0 / 0.3])
    _t_out, t_vjp_fn = tf.vjp(f, t64(0.3), t64(2.0))
    cotangent = (1.0, [0.5, -2.0])
    assert_close(vjp_fn(cotangent), t_vjp_fn((t64(1.0), [t64(0.5), t64(-2.0)])), 1e-12, 0.0, "vjp")


def test_values_in_give_values_out_that_can_be_differentiated():
    x = Value(0.8)
    dx = func.grad(lambda u: u**3)(x)
    assert isinstance(dx, Value) and math.isclose(dx.data, 3 * 0.64)
    assert ad.grad(dx, [x])[0] == 6 * 0.8


def test_a_function_of_constants_alone_has_zero_derivatives():
    f = lambda x: ad.constant(2.0)
    assert func.grad(f)(1.0) == 0.0 and func.jacfwd(f)(1.0) == 0.0 and func.hessian(f)(1.0) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    graph=st.integers(1, 4).flatmap(lambda n: st.tuples(expressions(n), points(n))),
    direction=st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=4, max_size=4),
)
def test_random_graphs_with_shared_nodes(graph, direction):
    fn, leaves = graph
    vector = lambda v: fn(*v)
    every = tuple(range(len(leaves)))
    tangents = tuple(direction[: len(leaves)])
    ts = [t64(x) for x in leaves]
    # Rounding differences grow along a long graph (as in test_graphs): a floor for results that cancel.
    assert_close(func.grad(fn, argnums=every)(*leaves), tf.grad(fn, argnums=every)(*ts), 1e-12, 1e-12, "grad")
    ours = func.jvp(fn, tuple(leaves), tangents)
    assert_close(list(ours), list(tf.jvp(fn, tuple(ts), tuple(t64(t) for t in tangents))), 1e-12, 1e-12, "jvp")
    hessian = tf.hessian(vector)(t64(leaves))
    assert_close(func.hessian(vector)(leaves), hessian, 1e-10, 1e-10, "hessian")
    assert_close(func.jacrev(func.jacrev(vector))(leaves), hessian, 1e-10, 1e-10, "jacrev(jacrev)")
