"""The n-ary ops `autodiff.sum`, `dot` and `logsumexp` on their own, against PyTorch float64.

Many lengths, repeated and shared inputs, numbers mixed in as constants; then finite
differences and second derivatives.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
import torch

import autodiff as ad
from autodiff import Value, grad, gradcheck, gradgradcheck
from autodiff.tangents import Dual
from autodiff.testing import assert_matches_torch, is_close

EPS = sys.float_info.epsilon

OURS = (Value, Dual)  # what our functions get: Values, and Duals in gradcheck's forward mode


LENGTHS = [1, 2, 3, 4, 5, 8, 13, 32, 100]


def _stacked(xs):
    return torch.stack([x if isinstance(x, torch.Tensor) else torch.tensor(float(x), dtype=torch.float64) for x in xs])


def nsum(xs):
    """`autodiff.sum` on Values, `torch.sum` on tensors; numbers may be mixed in either way."""
    return ad.sum(xs) if any(isinstance(x, OURS) for x in xs) else _stacked(xs).sum()


def ndot(a, b):
    """`autodiff.dot` on Values, `torch.dot` on tensors; numbers may be mixed in either way."""
    return ad.dot(a, b) if any(isinstance(x, OURS) for x in [*a, *b]) else torch.dot(_stacked(a), _stacked(b))


def nlse(xs):
    """`autodiff.logsumexp` on Values, `torch.logsumexp` on tensors."""
    return ad.logsumexp(xs) if any(isinstance(x, OURS) for x in xs) else torch.logsumexp(_stacked(xs), dim=0)


def rounding(n, terms):
    """A bound on the gap between two sums of n terms added in different orders (torch may pair
    them up, or fuse a multiply-add): n units of rounding of the sum of the terms' sizes."""
    return n * EPS * math.fsum(abs(t) for t in terms)


def sample(rng, n):
    return [float(x) for x in rng.uniform(-3, 3, n)]


@pytest.mark.parametrize("n", LENGTHS)
def test_sum_of_n_values_matches_torch(n, rng):
    for xs in (sample(rng, n), [float(x) for x in rng.choice([-1, 1], n) * 10 ** rng.uniform(-8, 8, n)]):
        assert_matches_torch(lambda *vs: nsum(list(vs)), xs, atol=rounding(n, xs))


@pytest.mark.parametrize("n", LENGTHS)
def test_sum_with_numbers_mixed_in_matches_torch(n, rng):
    xs, numbers = sample(rng, n), sample(rng, n)

    def fn(*vs):  # every third term a number: a constant leaf, which gets no gradient
        return nsum([c if i % 3 == 1 else v for i, (v, c) in enumerate(zip(vs, numbers))])

    assert_matches_torch(fn, xs, atol=rounding(n, xs + numbers))


@pytest.mark.parametrize("n", LENGTHS)
def test_dot_of_n_values_matches_torch(n, rng):
    a, b = sample(rng, n), sample(rng, n)
    scale = rounding(n, [x * y for x, y in zip(a, b)])
    assert_matches_torch(lambda *vs: ndot(list(vs[:n]), list(vs[n:])), a + b, atol=scale)
    # One side numbers: the weights of a neuron against fixed inputs, and the other way round.
    assert_matches_torch(lambda *vs: ndot(list(vs), b), a, atol=scale)
    assert_matches_torch(lambda *vs: ndot(a, list(vs)), b, atol=scale)


@pytest.mark.parametrize("n", LENGTHS)
def test_logsumexp_of_n_values_matches_torch(n, rng):
    # Moderate, then wide apart (where one term dominates and the others' exps underflow), then
    # so large or small that exp alone would overflow or underflow.
    spread = [float(x) for x in rng.choice([-1, 1], n) * 10 ** rng.uniform(-8, 3, n)]
    for xs in (sample(rng, n), spread, [x + 1e4 for x in sample(rng, n)], [x - 1e4 for x in sample(rng, n)]):
        assert_matches_torch(lambda *vs: nlse(list(vs)), xs)


def test_logsumexp_with_infinities_and_numbers_mixed_in_matches_torch(rng):
    for xs in ([0.0, -math.inf], [-math.inf, 2.0, -math.inf], [1e300, -1e300], [709.0, 710.0, 800.0]):
        assert_matches_torch(lambda *vs: nlse(list(vs)), xs)
    assert ad.logsumexp([-math.inf, -math.inf]).data == -math.inf
    assert ad.logsumexp([Value(1.0), math.inf]).data == math.inf
    numbers = sample(rng, 4)
    assert_matches_torch(lambda *vs: nlse([*vs, *numbers]), sample(rng, 3))


def test_logsumexp_never_overflows_and_its_gradient_is_the_softmax():
    xs = [Value(1000.0), Value(1000.0), Value(-1000.0)]
    y = ad.logsumexp(xs)
    y.backward()
    assert y.data == 1000.0 + math.log(2.0)
    # exp(x - out), as torch: out = 1000.69... carries an ulp of 1000, so 0.5 to some 1e-13.
    assert [is_close(x.grad, 0.5) for x in xs[:2]] == [True, True] and xs[2].grad == 0.0


# Functions of three leaves x, y, z with repeated and shared inputs, numbers mixed in, and
# sums and dots nested in each other and in other ops. They run on Values and on tensors.
SHARED = {
    "sum([x])": lambda x, y, z: nsum([x]),
    "sum([x, x])": lambda x, y, z: nsum([x, x]),
    "sum([x, 2.5, y, x, -1.0])": lambda x, y, z: nsum([x, 2.5, y, x, -1.0]),
    "sum([x*y, x.tanh(), y, z*z])": lambda x, y, z: nsum([x * y, x.tanh(), y, z * z]),
    "dot([x], [y])": lambda x, y, z: ndot([x], [y]),
    "dot([x], [x])": lambda x, y, z: ndot([x], [x]),
    "dot([x, x], [x, y])": lambda x, y, z: ndot([x, x], [x, y]),
    "dot([x, x, x], [x, x, x])": lambda x, y, z: ndot([x, x, x], [x, x, x]),
    "dot([x, 2.0], [y, x])": lambda x, y, z: ndot([x, 2.0], [y, x]),
    "dot([1.5, -2.0, 0.25], [x, y, x])": lambda x, y, z: ndot([1.5, -2.0, 0.25], [x, y, x]),
    "dot([x, y, z], [z, x, y])": lambda x, y, z: ndot([x, y, z], [z, x, y]),
    "dot([x, y, z], [x, y, z]).sqrt()": lambda x, y, z: ndot([x, y, z], [x, y, z]).sqrt(),
    "dot([x, y], [y.sin(), x.tanh()])": lambda x, y, z: ndot([x, y], [y.sin(), x.tanh()]),
    "dot([sum([x, y]), x], [z, dot([x], [y])])": lambda x, y, z: ndot([nsum([x, y]), x], [z, ndot([x], [y])]),
    "sum([dot([x, y], [y, z]), x, 3.0]).tanh()": lambda x, y, z: nsum([ndot([x, y], [y, z]), x, 3.0]).tanh(),
    "sum([x, y]) * dot([y, z], [z, z])": lambda x, y, z: nsum([x, y]) * ndot([y, z], [z, z]),
    "logsumexp([x])": lambda x, y, z: nlse([x]),
    "logsumexp([x, x, y])": lambda x, y, z: nlse([x, x, y]),
    "logsumexp([x*y, 2.0, z.sin(), x])": lambda x, y, z: nlse([x * y, 2.0, z.sin(), x]),
    "logsumexp([dot([x, y], [y, z]), sum([x, z])]) * x": lambda x, y, z: nlse([ndot([x, y], [y, z]), nsum([x, z])]) * x,
}
POINTS = [[float(v) for v in row] for row in np.random.default_rng(20260214).uniform(-2, 2, (12, 3))] + [
    [0.0, 0.0, 1.0],
    [1.0, -1.0, 0.5],
    [1e-8, 1e8, -3.0],
]


@pytest.mark.parametrize("name", SHARED)
def test_repeated_and_shared_inputs_match_torch(name):
    fn = SHARED[name]
    for point in POINTS:
        assert_matches_torch(fn, point)


@pytest.mark.parametrize("name", SHARED)
def test_repeated_and_shared_inputs_pass_gradcheck(name):
    for point in POINTS[:5]:
        assert gradcheck(SHARED[name], point, eps=1e-6, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("n", LENGTHS)
def test_sum_and_dot_of_n_values_pass_gradcheck(n, rng):
    xs = sample(rng, 2 * n)
    assert gradcheck(lambda *vs: nsum(list(vs)), xs[:n])
    assert gradcheck(lambda *vs: ndot(list(vs[:n]), list(vs[n:])), xs)
    assert gradcheck(lambda *vs: nlse(list(vs)), xs[:n])


def test_logsumexp_compiled_equals_eager_for_any_input(rng):
    # The largest term is taken out inside the op, per example: no shift fixed at trace time.
    f = ad.compile(lambda x, y, z: ad.logsumexp([x, y * 2.0, z]), n_inputs=3)
    rows = np.concatenate([rng.uniform(-3, 3, (20, 3)), rng.uniform(-1e4, 1e4, (20, 3)), [[800.0, 0.0, -800.0]]])
    eager = []
    for row in rows.tolist():
        xs = [Value(v) for v in row]
        y = ad.logsumexp([xs[0], xs[1] * 2.0, xs[2]])
        y.backward()
        eager.append((y.data, [x.grad for x in xs]))
    out, grads = f(rows), f.backward(reduction="sum")
    for k, (value, gradient) in enumerate(eager):  # numpy's exp and log may differ by an ulp
        assert is_close(out[k], value, rtol=1e-15, atol=1e-300)
        assert all(is_close(a, b, rtol=1e-14, atol=1e-300) for a, b in zip(grads[k], gradient))


def our_hessian(fn, point):
    xs = [Value(v) for v in point]
    first = grad(fn(*xs), xs, create_graph=True)
    # A first derivative that depends on no input (d/dx of sum([x]) is 1) has a zero row, as in torch.
    return [grad(g, xs) if g.requires_grad else [0.0] * len(xs) for g in first]


def torch_hessian(fn, point):
    hessian = torch.autograd.functional.hessian(lambda t: fn(*t.unbind()), torch.tensor(point, dtype=torch.float64))
    return hessian.tolist()


@pytest.mark.parametrize("name", SHARED)
def test_second_derivatives_match_torch(name):
    fn = SHARED[name]
    for point in POINTS[:8]:
        assert_matches_torch(fn, point, order=2, rtol=1e-10)


def test_second_derivatives_of_dot_count_each_repetition():
    # dot([x, x], [x, y]) = x^2 + x y: its Hessian is [[2, 1], [1, 0]] exactly, whatever x and y.
    fn = SHARED["dot([x, x], [x, y])"]
    assert our_hessian(fn, [0.7, -1.3, 0.0]) == [[2.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    # dot([x, x, x], [x, x, x]) = 3 x^2.
    assert our_hessian(SHARED["dot([x, x, x], [x, x, x])"], [0.7, 0.0, 0.0])[0][0] == 6.0


@pytest.mark.parametrize("name", SHARED)
def test_repeated_and_shared_inputs_pass_gradgradcheck(name):
    for point in POINTS[:3]:
        assert gradgradcheck(SHARED[name], point, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("n", [1, 2, 5, 13])
def test_second_derivatives_of_n_ary_ops_through_a_nonlinearity_match_torch(n, rng):
    # tanh(sum(x_i^2) + dot(x, w)): a Hessian that is full, and not constant.
    w = sample(rng, n)

    def fn(*xs):
        return (nsum([x * x for x in xs]) * 0.1 + ndot(list(xs), w)).tanh()

    point = sample(rng, n)
    inner = [0.2 * x + wi for x, wi in zip(point, w)]  # du/dx_i, for u the argument of tanh
    for i, (row, t_row) in enumerate(zip(our_hessian(fn, point), torch_hessian(fn, point))):
        for j, (h, t) in enumerate(zip(row, t_row)):
            # Where tanh saturates, the entries are made of 1 - tanh(u)^2, which cancels: ours and
            # torch's are then good to units of rounding of 1 (times du/dx_i du/dx_j, seen up to
            # 2.1 of them), not to 1e-10 of entries that small.
            assert is_close(h, t, rtol=1e-10, atol=8 * EPS * max(1.0, abs(inner[i] * inner[j])))


def test_logsumexp_and_max_give_nan_for_a_nan_in_any_place():
    for xs in ([math.inf, math.nan], [math.nan, math.inf], [1.0, math.nan, 2.0]):
        assert math.isnan(ad.logsumexp(xs).data)
        assert math.isnan(ad.ops.scalar.max(xs))
        assert math.isnan(torch.logsumexp(torch.tensor(xs, dtype=torch.float64), dim=0).item())
