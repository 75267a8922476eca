"""grad(), create_graph, second and third derivatives, Hessians: against torch.autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autodiff as ad
from autodiff import Value, grad, gradgradcheck
from autodiff.testing import assert_matches_torch, is_close

# Functions of one input that work on Values and on tensors alike, with a sampler each.
moderate = [float(x) for x in np.random.default_rng(7).uniform(-2, 2, 12)] + [0.5, -1.0]
positive = [abs(x) + 0.1 for x in moderate]
above_minus_one = [abs(x) - 0.95 for x in moderate]  # log1p's domain, down to 0.05 from its pole at -1
FUNCTIONS = {
    "exp": (lambda a: a.exp(), moderate),
    "log": (lambda a: a.log(), positive),
    "log1p": (lambda a: a.log1p(), above_minus_one),
    "sqrt": (lambda a: a.sqrt(), positive),
    "tanh": (lambda a: a.tanh(), moderate),
    "sigmoid": (lambda a: a.sigmoid(), moderate),
    "relu": (lambda a: a.relu() * a, moderate),
    "abs": (lambda a: a.abs() * a, moderate),
    "sin": (lambda a: a.sin(), moderate),
    "cos": (lambda a: a.cos(), moderate),
    "neg": (lambda a: -a * a, moderate),
    "a**3": (lambda a: a**3, moderate),
    "a**-2": (lambda a: a**-2, positive),
    "a**2.5": (lambda a: a**2.5, positive),
    "2**a": (lambda a: 2.0**a, moderate),
    "a**a": (lambda a: a**a, positive),
    "a/(1+a*a)": (lambda a: a / (1.0 + a * a), moderate),
    "3-a*a": (lambda a: 3.0 - a * a * a, moderate),
    "shared": (lambda a: (a * a).tanh() * (a * a) + (a * a).sin(), moderate),
}
# The op table's second part: ours (on Values) and torch's, where they are spelled apart.
F = torch.nn.functional
inside_one = [x / 2.1 for x in moderate]
above_one = [1.05 + abs(x) for x in moderate]
ELEMENTARY = {
    "tan": (ad.tan, torch.tan, moderate),
    "sinh": (ad.sinh, torch.sinh, moderate),
    "cosh": (ad.cosh, torch.cosh, moderate),
    "asin": (ad.asin, torch.asin, inside_one),
    "acos": (ad.acos, torch.acos, inside_one),
    "atan": (ad.atan, torch.atan, moderate),
    "asinh": (ad.asinh, torch.asinh, moderate),
    "acosh": (ad.acosh, torch.acosh, above_one),
    "atanh": (ad.atanh, torch.atanh, inside_one),
    "expm1": (ad.expm1, torch.expm1, moderate),
    "exp2": (ad.exp2, torch.exp2, moderate),
    "log2": (ad.log2, torch.log2, positive),
    "log10": (ad.log10, torch.log10, positive),
    "erf": (ad.erf, torch.erf, moderate),
    "erfc": (ad.erfc, torch.erfc, moderate),
    "x*sign": (lambda a: a * ad.sign(a), lambda a: a * torch.sign(a), moderate),
    "x*floor": (lambda a: a * a * ad.floor(a * 3.0), lambda a: a * a * torch.floor(a * 3.0), moderate),
    "x*ceil": (lambda a: a * a * ad.ceil(a * 3.0), lambda a: a * a * torch.ceil(a * 3.0), moderate),
    "x*round": (lambda a: a * a * ad.round(a * 3.0), lambda a: a * a * torch.round(a * 3.0), moderate),
    "x*trunc": (lambda a: a * a * ad.trunc(a * 3.0), lambda a: a * a * torch.trunc(a * 3.0), moderate),
    "silu": (ad.silu, F.silu, moderate),
    "gelu": (ad.gelu, F.gelu, moderate),
    "gelu(tanh)": (lambda a: ad.gelu(a, "tanh"), lambda a: F.gelu(a, approximate="tanh"), moderate),
    "elu": (lambda a: a * ad.elu(a, 0.5), lambda a: a * F.elu(a, 0.5), moderate),
    "leaky_relu": (lambda a: a * ad.leaky_relu(a, 0.2), lambda a: a * F.leaky_relu(a, 0.2), moderate),
    "softplus": (lambda a: ad.softplus(a, 1.5, 2.0), lambda a: F.softplus(a, 1.5, 2.0), moderate),
    "clamp": (lambda a: a * ad.clamp(a, -1.0, 0.5), lambda a: a * a.clamp(-1.0, 0.5), moderate),
    "atan2": (lambda a: ad.atan2(a * a, a + 3.0), lambda a: torch.atan2(a * a, a + 3.0), moderate),
    "hypot": (lambda a: ad.hypot(a * a, a + 3.0), lambda a: torch.hypot(a * a, a + 3.0), moderate),
    "a%b": (lambda a: (a * a) % (a + 3.0), lambda a: (a * a) % (a + 3.0), moderate),
    "maximum": (lambda a: a * ad.maximum(a * a, a + 0.5), lambda a: a * torch.maximum(a * a, a + 0.5), moderate),
    "minimum": (lambda a: a * ad.minimum(a * a, a + 0.5), lambda a: a * torch.minimum(a * a, a + 0.5), moderate),
}
TORCH = {name: theirs for name, (_, theirs, _) in ELEMENTARY.items()}
FUNCTIONS |= {name: (ours, points) for name, (ours, _, points) in ELEMENTARY.items()}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_first_second_third_derivatives_match_torch(name):
    fn, points = FUNCTIONS[name]
    for x in points:
        # The second part of the table holds to 1e-12 (an absolute 1e-15 where a derivative cancels to 0).
        rtol, atol = (1e-12, 1e-15) if name in ELEMENTARY else (1e-10, 1e-12)
        assert_matches_torch(fn, [x], torch_fn=TORCH.get(name), order=3, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_gradgradcheck_every_function(name):
    fn, points = FUNCTIONS[name]
    for x in points[:4]:
        assert gradgradcheck(fn, [x], atol=1e-6, rtol=1e-5)


def test_binary_second_derivatives_match_torch(rng):
    def f(a, b):
        return (a * b).tanh() + a / (b * b + 1.0) + (a * a + 1.0) ** b

    for a0, b0 in rng.uniform(-1.5, 1.5, (10, 2)):
        xs = [Value(a0), Value(b0)]
        ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (a0, b0)]
        ga = grad(f(*xs), xs, create_graph=True)
        gt = torch.autograd.grad(f(*ts), ts, create_graph=True)
        for i in range(2):
            ours = grad(ga[i], xs)
            theirs = torch.autograd.grad(gt[i], ts, retain_graph=True)
            for o, t in zip(ours, theirs):
                assert is_close(o, t.item(), rtol=1e-10, atol=1e-13)


def test_grad_leaves_dot_grad_untouched_and_returns_floats():
    a, b = Value(2.0), Value(3.0)
    out = a * b
    ga, gb = grad(out, [a, b])
    assert (ga, gb) == (3.0, 2.0) and type(ga) is float
    assert (a.grad, b.grad, out.grad) == (0.0, 0.0, 0.0)


def test_grad_of_an_unused_input_is_zero():
    a, b = Value(2.0), Value(3.0)
    assert grad(a * a, [a, b]) == [4.0, 0.0]
    assert grad(a * a, [b], create_graph=True)[0].data == 0.0


def test_backward_with_create_graph_leaves_values_in_grad():
    x = Value(1.5)
    y = x**3
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 6.75  # 3x^2, exact in binary
    dx = x.grad
    x.grad = 0.0
    dx.backward()
    assert x.grad == 9.0  # d2/dx2 x^3 = 6x, exact in binary


def _mlp_loss(w, x, y, lib):
    """A 2-3-1 tanh MLP's squared error; w holds 13 numbers (weights then biases per neuron)."""
    hidden = []
    for j in range(3):
        base = 3 * j
        hidden.append(lib.tanh(w[base] * x[0] + w[base + 1] * x[1] + w[base + 2]))
    out = w[9] * hidden[0] + w[10] * hidden[1] + w[11] * hidden[2] + w[12]
    return (out - y) ** 2


class _ours:
    tanh = staticmethod(lambda v: v.tanh())


def test_full_hessian_of_an_mlp_loss_matches_torch(rng):
    w0 = rng.normal(size=13)
    x, y = [0.3, -0.8], 0.5
    picked = [0, 4, 8, 9, 12]  # a few weights, the rest held fixed

    def our_hessian():
        ws = [Value(v) for v in w0]
        loss = _mlp_loss(ws, x, y, _ours)
        first = grad(loss, [ws[i] for i in picked], create_graph=True)
        return np.array([grad(g, [ws[i] for i in picked]) for g in first])

    def torch_loss(sub):
        full = torch.tensor(w0).index_put((torch.tensor(picked),), sub)
        return _mlp_loss(full, x, y, torch)

    expected = torch.autograd.functional.hessian(torch_loss, torch.tensor(w0[picked]))
    assert np.allclose(our_hessian(), expected.numpy(), rtol=1e-10, atol=1e-13)


def test_hessian_vector_product_matches_torch(rng):
    w0 = rng.normal(size=13)
    v0 = rng.normal(size=13)
    x, y = [-0.4, 0.9], -0.2
    ws = [Value(v) for v in w0]
    gs = grad(_mlp_loss(ws, x, y, _ours), ws, create_graph=True)
    hvp = grad(sum(g * v for g, v in zip(gs, v0)), ws)

    _, expected = torch.autograd.functional.hvp(lambda w: _mlp_loss(w, x, y, torch), torch.tensor(w0), torch.tensor(v0))
    assert np.allclose(hvp, expected.numpy(), rtol=1e-10, atol=1e-13)
