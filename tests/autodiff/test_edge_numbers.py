"""Derivatives at the edges: masks that stay masks whatever the upstream, logsumexp's softmax to the
last digits, and the infinite derivatives of the next orders at singular points, as PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import autodiff
from autodiff import Value, constant, func, grad, logsumexp, ops
from autodiff.worlds import arrays, floats, values

INF, NAN = math.inf, math.nan
UPSTREAMS = [INF, -INF, NAN, 2.0]


def _torch_grad(name, x0, g):
    t = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    getattr(torch, name)(t).backward(torch.tensor(g, dtype=torch.float64))
    return t.grad.item()


def _same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize("g", UPSTREAMS)
@pytest.mark.parametrize("x0", [-1.0, -0.0, 0.0, 1.5])
@pytest.mark.parametrize("op", [ops.RELU, ops.ABS])
def test_mask_derivatives_are_exact_zeros_in_every_world(op, x0, g):
    name = "relu" if op is ops.RELU else "abs"
    (ours,) = op.derivative(floats, g, op.forward(floats, x0), x0)
    masked = x0 <= 0 if op is ops.RELU else x0 == 0
    if masked:
        assert ours == 0.0  # whatever g is
    else:
        assert _same(ours, _torch_grad(name, x0, g))
    if op is ops.RELU or not masked:  # PyTorch's abs gives g * 0 at its kink: nan for g = inf
        assert _same(ours, _torch_grad(name, x0, g))
    x = Value(x0)
    (in_values,) = op.derivative(values, constant(g), op(x), x)
    assert _same(float(in_values), ours)
    (in_arrays,) = op.derivative(arrays, np.array([g, 1.0]), None, np.array([x0, x0]))
    assert _same(float(in_arrays[0]), ours)
    # forward mode: the tangent g through the op alone, and beside a second input with a tangent
    _, alone = func.jvp(lambda x: op(x), (x0,), (g,))
    _, beside = func.jvp(lambda x, y: op(x) + y * 0.0, (x0, 1.0), (g, 1.0))
    assert _same(alone, ours) and _same(beside, ours)


def test_relu_then_sqrt_gives_zero_not_nan_as_torch():
    x = Value(-1.0)
    x.relu().sqrt().backward()
    t = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)
    t.relu().sqrt().backward()
    assert x.grad == t.grad.item() == 0.0
    y = Value(-2.0)
    (dy,) = grad(y.relu().sqrt() + y * y, [y], create_graph=True)
    assert dy.data == -4.0 and grad(dy, [y]) == [2.0]


def test_relu_and_abs_masks_in_compiled_mode():
    graph = autodiff.compile(lambda x: x.relu().sqrt() + abs(x).sqrt(), 1)
    graph(np.array([[-1.0], [0.0], [4.0]]))
    # sqrt's infinite derivative at 0 is masked by relu and abs; elsewhere 0.5 / sqrt(|x|) each, signed.
    np.testing.assert_array_equal(graph.backward("sum")[:, 0], [-0.5, 0.0, 0.5])


def _softmax_exact(xs):
    top = max(xs)
    shifted = [math.exp(x - top) for x in xs]
    total = math.fsum(shifted)
    return [e / total for e in shifted]


@pytest.mark.parametrize("scale", [1.0, 1e3, 1e8, 1e16, 1e300])
def test_logsumexp_gradient_is_the_softmax_in_reverse_forward_and_compiled_mode(scale, rng):
    for _ in range(20):
        points = list(rng.uniform(-1, 1, int(rng.integers(1, 6))) * scale)
        points[0] = points[-1]  # ties too
        want = torch.softmax(torch.tensor(points, dtype=torch.float64), 0).tolist()
        xs = [Value(p) for p in points]
        logsumexp(xs).backward()
        assert [x.grad for x in xs] == pytest.approx(want, rel=1e-15, abs=1e-300)
        assert [x.grad for x in xs] == pytest.approx(_softmax_exact(points), rel=1e-15, abs=1e-300)
        n = len(points)
        for i in range(n):
            tangents = [1.0 if j == i else 0.0 for j in range(n)]
            _, tangent = func.jvp(lambda *a: logsumexp(list(a)), tuple(points), tuple(tangents))
            assert tangent == pytest.approx(want[i], rel=1e-15, abs=1e-300)
        graph = autodiff.compile(lambda *a: logsumexp(list(a)), n)
        graph(np.array([points]))
        assert graph.backward("sum")[0].tolist() == pytest.approx(want, rel=1e-15, abs=1e-300)


def test_logsumexp_of_two_large_equal_inputs_gives_halves():
    a, b = Value(1e16), Value(1e16)
    logsumexp([a, b]).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)
    assert func.jvp(lambda a, b: logsumexp([a, b]), (1e16, 1e16), (1.0, 1.0))[1] == 1.0
    (da, _) = grad(logsumexp([a, b]), [a, b], create_graph=True)
    # The Hessian is diag(p) - p p^T (PyTorch's, from exp(x - rounded output), is [0, -1] here).
    assert grad(da, [a, b]) == [0.25, -0.25]


SINGULAR = [
    ("x ** (1/3) at 0", lambda x: x ** (1 / 3), lambda t: t ** (1 / 3), 0.0),
    ("x ** 0.5 at 0", lambda x: x**0.5, lambda t: t**0.5, 0.0),
    ("x ** 1.5 at 0", lambda x: x**1.5, lambda t: t**1.5, 0.0),
    ("x ** 2.5 at 0", lambda x: x**2.5, lambda t: t**2.5, 0.0),
    ("log1p at -1", lambda x: x.log1p(), torch.log1p, -1.0),
    ("sqrt at 0", lambda x: x.sqrt(), torch.sqrt, 0.0),
    ("log at 0", lambda x: x.log(), torch.log, 0.0),
]


@pytest.mark.parametrize(("name", "ours", "theirs", "x0"), SINGULAR, ids=[s[0] for s in SINGULAR])
def test_derivatives_of_orders_one_to_three_at_singular_points_are_torchs(name, ours, theirs, x0):
    x = Value(x0)
    y, got = ours(x), []
    t = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    yt, want = theirs(t), []
    for _ in range(3):
        (y,) = grad(y, [x], create_graph=True)
        (yt,) = torch.autograd.grad(yt, [t], create_graph=True)
        got.append(y.data)
        want.append(yt.item())
    assert all(_same(a, b) for a, b in zip(got, want)), (got, want)
