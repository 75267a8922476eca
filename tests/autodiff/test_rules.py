"""Every rule of the op table against its exact derivatives, written with `math`: the value, the
gradient and the Hessian at generic points (not 0 or 1, where many wrong rules agree), in
reverse mode, forward mode, reverse over reverse, reverse over forward and the compiled replay.

No torch here (test_ops.py compares with PyTorch): these tests are quick enough to run for each
mutant of `make mutation`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autodiff as ad
from autodiff import Value, grad
from autodiff.tangents import Dual
from autodiff.testing import assert_close

RTOL = 1e-12


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _unary(f, d1, d2):
    """A function of one input, with its exact first and second derivatives."""
    return lambda x: (f(x), [d1(x)], [[d2(x)]])


# name: (the function on Values or Duals, the exact (value, gradient, Hessian), points)
UNARY = {
    "neg": (lambda a: -a, _unary(lambda x: -x, lambda x: -1.0, lambda x: 0.0), [0.7, -2.3]),
    "pos": (lambda a: +a, _unary(lambda x: x, lambda x: 1.0, lambda x: 0.0), [0.7, -2.3]),
    "exp": (lambda a: a.exp(), _unary(math.exp, math.exp, math.exp), [0.7, -2.3]),
    "log": (lambda a: a.log(), _unary(math.log, lambda x: 1 / x, lambda x: -1 / x**2), [0.3, 2.7]),
    "log1p": (
        lambda a: a.log1p(),
        _unary(math.log1p, lambda x: 1 / (1 + x), lambda x: -1 / (1 + x) ** 2),
        [-0.6, 0.3, 2.7],
    ),
    "sqrt": (
        lambda a: a.sqrt(),
        _unary(math.sqrt, lambda x: 0.5 / math.sqrt(x), lambda x: -0.25 * x**-1.5),
        [0.3, 2.7],
    ),
    "tanh": (
        lambda a: a.tanh(),
        _unary(math.tanh, lambda x: 1 - math.tanh(x) ** 2, lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2)),
        [0.7, -2.3],
    ),
    "sigmoid": (
        lambda a: a.sigmoid(),
        _unary(
            _sigmoid,
            lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
            lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)),
        ),
        [0.7, -2.3, 40.0, -40.0],
    ),
    "relu": (lambda a: a.relu(), _unary(lambda x: max(x, 0.0), lambda x: float(x > 0), lambda x: 0.0), [0.7, -2.3]),
    "abs": (lambda a: a.abs(), _unary(abs, lambda x: math.copysign(1.0, x), lambda x: 0.0), [0.7, -2.3]),
    "abs()": (lambda a: abs(a), _unary(abs, lambda x: math.copysign(1.0, x), lambda x: 0.0), [-1.3]),
    "sin": (lambda a: a.sin(), _unary(math.sin, math.cos, lambda x: -math.sin(x)), [0.7, -2.3]),
    "cos": (lambda a: a.cos(), _unary(math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x)), [0.7, -2.3]),
}
for p in [3, 2.5, 0.5, -2, -1.5, 1]:
    UNARY[f"x**{p}"] = (
        lambda a, p=p: a**p,
        _unary(lambda x, p=p: x**p, lambda x, p=p: p * x ** (p - 1), lambda x, p=p: p * (p - 1) * x ** (p - 2)),
        [0.7, 2.3] if p != int(p) else [0.7, -2.3, 1.0, -1.0],
    )
for c in [2.5, -0.75]:
    UNARY[f"x+{c}"] = (lambda a, c=c: a + c, _unary(lambda x, c=c: x + c, lambda x: 1.0, lambda x: 0.0), [0.7])
    UNARY[f"{c}+x"] = (lambda a, c=c: c + a, _unary(lambda x, c=c: c + x, lambda x: 1.0, lambda x: 0.0), [0.7])
    UNARY[f"x-{c}"] = (lambda a, c=c: a - c, _unary(lambda x, c=c: x - c, lambda x: 1.0, lambda x: 0.0), [0.7])
    UNARY[f"{c}-x"] = (lambda a, c=c: c - a, _unary(lambda x, c=c: c - x, lambda x: -1.0, lambda x: 0.0), [0.7])
    UNARY[f"x*{c}"] = (lambda a, c=c: a * c, _unary(lambda x, c=c: x * c, lambda x, c=c: c, lambda x: 0.0), [0.7])
    UNARY[f"{c}*x"] = (lambda a, c=c: c * a, _unary(lambda x, c=c: c * x, lambda x, c=c: c, lambda x: 0.0), [0.7])
    UNARY[f"x/{c}"] = (lambda a, c=c: a / c, _unary(lambda x, c=c: x / c, lambda x, c=c: 1 / c, lambda x: 0.0), [0.7])
    UNARY[f"{c}/x"] = (
        lambda a, c=c: c / a,
        _unary(lambda x, c=c: c / x, lambda x, c=c: -c / x**2, lambda x, c=c: 2 * c / x**3),
        [0.7, -2.3],
    )
UNARY["2.5**x"] = (
    lambda a: 2.5**a,
    _unary(lambda x: 2.5**x, lambda x: 2.5**x * math.log(2.5), lambda x: 2.5**x * math.log(2.5) ** 2),
    [0.7, -2.3],
)


# The op table's second part, through the functions of `autodiff` (which take Values and Duals alike).
LN2, LN10, SQRT_PI = math.log(2.0), math.log(10.0), math.sqrt(math.pi)


def _phi(x):  # the normal distribution's density and cdf, for GELU
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _zero(x):
    return 0.0


UNARY |= {
    "tan": (
        ad.tan,
        _unary(math.tan, lambda x: 1 + math.tan(x) ** 2, lambda x: 2 * math.tan(x) * (1 + math.tan(x) ** 2)),
        [0.7, -1.3],
    ),
    "sinh": (ad.sinh, _unary(math.sinh, math.cosh, math.sinh), [0.7, -2.3]),
    "cosh": (ad.cosh, _unary(math.cosh, math.sinh, math.cosh), [0.7, -2.3]),
    "asin": (ad.asin, _unary(math.asin, lambda x: (1 - x * x) ** -0.5, lambda x: x * (1 - x * x) ** -1.5), [0.7, -0.4]),
    "acos": (
        ad.acos,
        _unary(math.acos, lambda x: -((1 - x * x) ** -0.5), lambda x: -x * (1 - x * x) ** -1.5),
        [0.7, -0.4],
    ),
    "atan": (ad.atan, _unary(math.atan, lambda x: 1 / (1 + x * x), lambda x: -2 * x / (1 + x * x) ** 2), [0.7, -2.3]),
    "asinh": (
        ad.asinh,
        _unary(math.asinh, lambda x: (1 + x * x) ** -0.5, lambda x: -x * (1 + x * x) ** -1.5),
        [0.7, -2.3],
    ),
    "acosh": (
        ad.acosh,
        _unary(math.acosh, lambda x: (x * x - 1) ** -0.5, lambda x: -x * (x * x - 1) ** -1.5),
        [1.3, 2.7],
    ),
    "atanh": (
        ad.atanh,
        _unary(math.atanh, lambda x: 1 / (1 - x * x), lambda x: 2 * x / (1 - x * x) ** 2),
        [0.7, -0.4],
    ),
    "expm1": (ad.expm1, _unary(math.expm1, math.exp, math.exp), [0.7, -2.3, 1e-3]),
    "exp2": (ad.exp2, _unary(lambda x: 2**x, lambda x: 2**x * LN2, lambda x: 2**x * LN2**2), [0.7, -2.3]),
    "log2": (ad.log2, _unary(math.log2, lambda x: 1 / (x * LN2), lambda x: -1 / (x * x * LN2)), [0.3, 2.7]),
    "log10": (ad.log10, _unary(math.log10, lambda x: 1 / (x * LN10), lambda x: -1 / (x * x * LN10)), [0.3, 2.7]),
    "erf": (
        ad.erf,
        _unary(math.erf, lambda x: 2 / SQRT_PI * math.exp(-x * x), lambda x: -4 * x / SQRT_PI * math.exp(-x * x)),
        [0.7, -1.3],
    ),
    "erfc": (
        ad.erfc,
        _unary(math.erfc, lambda x: -2 / SQRT_PI * math.exp(-x * x), lambda x: 4 * x / SQRT_PI * math.exp(-x * x)),
        [0.7, -1.3],
    ),
    "sign": (ad.sign, _unary(lambda x: math.copysign(1.0, x), _zero, _zero), [0.7, -2.3, -0.4]),
    "floor": (ad.floor, _unary(math.floor, _zero, _zero), [0.7, -2.3]),
    "ceil": (ad.ceil, _unary(math.ceil, _zero, _zero), [0.7, -2.3]),
    "round": (ad.round, _unary(round, _zero, _zero), [0.7, -2.3, 3.2]),
    "trunc": (ad.trunc, _unary(math.trunc, _zero, _zero), [0.7, -2.3]),
    "silu": (
        ad.silu,
        _unary(
            lambda x: x * _sigmoid(x),
            lambda x: _sigmoid(x) * (1 + x * (1 - _sigmoid(x))),
            lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (2 + x * (1 - 2 * _sigmoid(x))),
        ),
        [0.7, -2.3],
    ),
    "gelu": (
        ad.gelu,
        _unary(
            lambda x: x * (1 + math.erf(x / math.sqrt(2))) / 2,
            lambda x: (1 + math.erf(x / math.sqrt(2))) / 2 + x * _phi(x),
            lambda x: _phi(x) * (2 - x * x),
        ),
        [0.7, -2.3],
    ),
    "gelu(tanh)": (lambda a: ad.gelu(a, approximate="tanh"), lambda x: _gelu_tanh(x), [0.7, -2.3]),
    "elu": (
        lambda a: ad.elu(a, alpha=1.5),
        _unary(
            lambda x: x if x > 0 else 1.5 * math.expm1(x),
            lambda x: 1.0 if x > 0 else 1.5 * math.exp(x),
            lambda x: 0.0 if x > 0 else 1.5 * math.exp(x),
        ),
        [0.7, -2.3],
    ),
    "leaky_relu": (
        lambda a: ad.leaky_relu(a, 0.2),
        _unary(lambda x: x if x > 0 else 0.2 * x, lambda x: 1.0 if x > 0 else 0.2, _zero),
        [0.7, -2.3],
    ),
    "softplus": (
        lambda a: ad.softplus(a, beta=2.0, threshold=3.0),
        _unary(
            lambda x: x if 2 * x > 3 else math.log1p(math.exp(2 * x)) / 2,
            lambda x: 1.0 if 2 * x > 3 else _sigmoid(2 * x),
            lambda x: 0.0 if 2 * x > 3 else 2 * _sigmoid(2 * x) * (1 - _sigmoid(2 * x)),
        ),
        [0.7, -2.3, 2.0],
    ),
    "clamp": (
        lambda a: ad.clamp(a, -1.0, 0.5),
        _unary(lambda x: min(max(x, -1.0), 0.5), lambda x: float(-1 <= x <= 0.5), _zero),
        [0.3, -2.3, 1.7],
    ),
    "clamp(min)": (
        lambda a: ad.clamp(a, min=0.0),
        _unary(lambda x: max(x, 0.0), lambda x: float(x >= 0), _zero),
        [0.3, -2.3],
    ),
}


def _gelu_tanh(x):
    k, c = math.sqrt(2 / math.pi), 0.044715
    u, du, ddu = k * (x + c * x**3), k * (1 + 3 * c * x * x), 6 * k * c * x
    t = math.tanh(u)
    d1 = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du
    d2 = (1 - t * t) * du + 0.5 * x * (1 - t * t) * (ddu - 2 * t * du * du)
    return 0.5 * x * (1 + t), [d1], [[d2]]


def _add(a, b):
    return a + b, [1.0, 1.0], [[0.0, 0.0], [0.0, 0.0]]


def _sub(a, b):
    return a - b, [1.0, -1.0], [[0.0, 0.0], [0.0, 0.0]]


def _mul(a, b):
    return a * b, [b, a], [[0.0, 1.0], [1.0, 0.0]]


def _div(a, b):
    return a / b, [1 / b, -a / b**2], [[0.0, -1 / b**2], [-1 / b**2, 2 * a / b**3]]


def _pow(a, b):
    ab, log = a**b, math.log(a)
    cross = a ** (b - 1) * (1 + b * log)
    return ab, [b * a ** (b - 1), ab * log], [[b * (b - 1) * a ** (b - 2), cross], [cross, ab * log**2]]


def _sum(*xs):
    n = len(xs)
    return math.fsum(xs), [1.0] * n, [[0.0] * n for _ in xs]


def _dot(*xs):
    n = len(xs) // 2
    a, b = xs[:n], xs[n:]
    hessian = [[1.0 if abs(i - j) == n else 0.0 for j in range(2 * n)] for i in range(2 * n)]
    return math.fsum(x * y for x, y in zip(a, b)), list(b) + list(a), hessian


def _logsumexp(*xs):
    out = math.log(math.fsum(math.exp(x) for x in xs))
    s = [math.exp(x - out) for x in xs]
    return out, s, [[(s[i] if i == j else 0.0) - s[i] * s[j] for j in range(len(xs))] for i in range(len(xs))]


def _atan2(y, x):
    r2 = y * y + x * x
    return (
        math.atan2(y, x),
        [x / r2, -y / r2],
        [[-2 * x * y / r2**2, (y * y - x * x) / r2**2], [(y * y - x * x) / r2**2, 2 * x * y / r2**2]],
    )


def _hypot(a, b):
    h = math.hypot(a, b)
    return h, [a / h, b / h], [[b * b / h**3, -a * b / h**3], [-a * b / h**3, a * a / h**3]]


# name: (the function on Values or Duals, the exact (value, gradient, Hessian), points)
MANY = {
    "add": (lambda a, b: a + b, _add, [(0.7, -2.3)]),
    "sub": (lambda a, b: a - b, _sub, [(0.7, -2.3)]),
    "mul": (lambda a, b: a * b, _mul, [(0.7, -2.3), (-1.9, 0.4)]),
    "div": (lambda a, b: a / b, _div, [(0.7, -2.3), (-1.9, 0.4)]),
    "pow": (lambda a, b: a**b, _pow, [(0.7, -2.3), (2.9, 1.6), (0.7, 1.0), (1.0, 2.3), (2.9, -1.0)]),
    "sum": (lambda *xs: ad.sum(xs), _sum, [(0.7, -2.3, 1.1), (0.4,)]),
    "dot": (
        lambda *xs: ad.dot(xs[: len(xs) // 2], xs[len(xs) // 2 :]),
        _dot,
        [(0.7, -2.3, 1.1, 0.4, 1.7, -0.6), (0.7, -2.3)],
    ),
    "logsumexp": (lambda *xs: ad.logsumexp(xs), _logsumexp, [(0.7, -2.3, 1.1), (0.3,)]),
    # A shared input: both gradients of one op go into one leaf.
    "x*x": (lambda a: a * a, lambda x: (x * x, [2 * x], [[2.0]]), [(0.7,), (-2.3,)]),
    "x/x**2": (lambda a: a / a**2, lambda x: (1 / x, [-1 / x**2], [[2 / x**3]]), [(0.7,)]),
    "atan2": (ad.atan2, _atan2, [(0.7, -2.3), (-1.9, 0.4)]),
    "hypot": (ad.hypot, _hypot, [(0.7, -2.3), (-1.9, 0.4)]),
    "remainder": (ad.remainder, lambda a, b: (a % b, [1.0, -(a // b)], [[0.0] * 2] * 2), [(5.3, -2.1), (-5.3, 2.1)]),
    "floor_divide": (ad.floor_divide, lambda a, b: (a // b, [0.0, 0.0], [[0.0] * 2] * 2), [(5.3, -2.1), (-5.3, 2.1)]),
    "maximum": (
        ad.maximum,
        lambda a, b: (max(a, b), [float(a > b), float(b > a)], [[0.0] * 2] * 2),
        [(0.7, -2.3), (-1.9, 0.4)],
    ),
    "minimum": (
        ad.minimum,
        lambda a, b: (min(a, b), [float(a < b), float(b < a)], [[0.0] * 2] * 2),
        [(0.7, -2.3), (-1.9, 0.4)],
    ),
}
CASES = [(name, fn, exact, (x,)) for name, (fn, exact, points) in UNARY.items() for x in points]
CASES += [(name, fn, exact, xs) for name, (fn, exact, points) in MANY.items() for xs in points]
IDS = [f"{name}{list(point)}" for name, _, _, point in CASES]


@pytest.mark.parametrize(("name", "fn", "exact", "point"), CASES, ids=IDS)
def test_value_and_gradient_by_backward(name, fn, exact, point):
    value, gradient, _ = exact(*point)
    xs = [Value(x) for x in point]
    y = fn(*xs)
    y.backward()
    assert_close(y, value, rtol=RTOL, what="value")
    assert_close([x.grad for x in xs], gradient, rtol=RTOL, what="gradient")
    y.backward()  # a second backward adds exactly one more gradient into the leaves
    assert_close([x.grad for x in xs], [2 * g for g in gradient], rtol=RTOL, what="gradient, twice")


@pytest.mark.parametrize(("name", "fn", "exact", "point"), CASES, ids=IDS)
def test_hessian_by_reverse_over_reverse(name, fn, exact, point):
    _, gradient, hessian = exact(*point)
    xs = [Value(x) for x in point]
    first = grad(fn(*xs), xs, create_graph=True)
    assert_close(first, gradient, rtol=RTOL, what="gradient")
    for i, row in enumerate(hessian):
        assert_close(grad(first[i], xs) if first[i].requires_grad else [0.0] * len(xs), row, rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize(("name", "fn", "exact", "point"), CASES, ids=IDS)
def test_gradient_by_forward_mode(name, fn, exact, point):
    value, gradient, _ = exact(*point)
    for i in range(len(point)):
        y = fn(*[Dual(x, 1.0 if j == i else 0.0) for j, x in enumerate(point)])
        assert_close(y.primal, value, rtol=RTOL, what="value")
        assert_close(y.tangent, gradient[i], rtol=RTOL, atol=1e-15, what=f"tangent along x{i}")
        # The other inputs as constants: no tangent from them at all.
        y = fn(*[Dual(x, 2.0) if j == i else x for j, x in enumerate(point)])
        assert_close(y.tangent, 2.0 * gradient[i], rtol=RTOL, atol=1e-15, what=f"tangent of x{i} alone")


@pytest.mark.parametrize(("name", "fn", "exact", "point"), CASES, ids=IDS)
def test_hessian_by_reverse_over_forward(name, fn, exact, point):
    _, gradient, hessian = exact(*point)
    xs = [Value(x) for x in point]
    for i, row in enumerate(hessian):
        y = fn(*[Dual(x, 1.0 if j == i else 0.0) for j, x in enumerate(xs)])
        assert isinstance(y.primal, Value)
        assert_close(y.tangent, gradient[i], rtol=RTOL, atol=1e-15, what=f"tangent along x{i}")
        tangent = y.tangent
        got = grad(tangent, xs) if isinstance(tangent, Value) and tangent.requires_grad else [0.0] * len(xs)
        assert_close(got, row, rtol=RTOL, atol=1e-15, what=f"row {i} of the Hessian")


@pytest.mark.parametrize(("name", "fn", "exact", "point"), CASES, ids=IDS)
def test_compiled_replay_on_a_batch(name, fn, exact, point):
    # Each example moved a little, so that the rows differ; the same branch of every kink.
    batch = np.array([[x * s for x in point] for s in (1.0, 1.05, 0.9)])
    f = ad.compile(fn, n_inputs=len(point), example=list(batch[1]))
    out = f(batch)
    wanted = [exact(*row) for row in batch.tolist()]
    assert_close(out, [w[0] for w in wanted], rtol=RTOL, what="values")
    assert_close(f.backward(reduction="sum"), [w[1] for w in wanted], rtol=RTOL, what="gradients")
    assert_close(f.backward(reduction="mean"), [[g / 3 for g in w[1]] for w in wanted], rtol=RTOL, what="mean")


def test_a_zero_exponent_passes_on_a_zero_gradient():
    # x ** 0 and a ** b at b = 0 have zero gradient (PyTorch's convention), for an upstream
    # gradient of 0 too.
    for upstream in (0.0, -2.0):
        x, a, b = Value(0.7), Value(0.7), Value(0.0)
        y = upstream * x**0 + upstream * a**b
        assert grad(y, [x, a]) == [0.0, 0.0]
        first = grad(y, [x, a], create_graph=True)
        assert [d.data for d in first] == [0.0, 0.0]


@pytest.mark.parametrize("make", [list, tuple, iter], ids=["list", "tuple", "generator"])
def test_the_n_ary_ops_take_any_iterable(make):
    xs = [Value(0.7), Value(-2.3), 1.1]
    assert ad.sum(make(xs)).data == 0.7 - 2.3 + 1.1
    assert ad.dot(make(xs), make([2.0, 3.0, 4.0])).data == 0.7 * 2.0 - 2.3 * 3.0 + 1.1 * 4.0
    assert_close(ad.logsumexp(make(xs)), math.log(math.exp(0.7) + math.exp(-2.3) + math.exp(1.1)), rtol=RTOL)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ad.sum([]), "sum: needs at least one value, got an empty sequence"),
        (lambda: ad.logsumexp(()), "logsumexp: needs at least one value, got an empty sequence"),
        (lambda: ad.dot([], []), "dot: needs two sequences of the same non-zero length, got 0 and 0"),
        (lambda: ad.dot([1.0], [2.0, 3.0]), "dot: needs two sequences of the same non-zero length, got 1 and 2"),
        (lambda: ad.dot([1.0, 2.0], [3.0]), "dot: needs two sequences of the same non-zero length, got 2 and 1"),
    ],
)
def test_the_n_ary_ops_refuse_empty_or_unequal_sequences(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message


def test_the_n_ary_ops_on_many_values():
    xs = [Value(float(i)) for i in range(300)]  # lengths past Python's small ints are compared by value
    y = ad.dot(xs, xs)
    y.backward()
    assert y.data == sum(i * i for i in range(300)) and [x.grad for x in xs] == [2.0 * i for i in range(300)]


def test_a_power_s_op_is_made_once_per_exponent():
    square, cube = ad.power(2.5), ad.power(3.5)
    assert ad.power(2.5) is square and ad.power(3.5) is cube and ad.power(np.float64(2.5)) is square
    assert (square.name, ad.power(-1).name, ad.power(0.5).name) == ("**2.5", "**-1", "**0.5")


def test_the_n_ary_ops_refuse_a_number():
    with pytest.raises(TypeError) as error:
        ad.sum(3.0)
    assert str(error.value) == "sum: expected an iterable (a list, say), got float (3.0)"


def test_a_zero_base_has_a_zero_gradient_in_the_exponent():
    # d/db a**b = a**b * log(a) is 0 at a = 0 (PyTorch's convention), not 0 * -inf.
    for upstream in (1.0, -2.0, 0.0):
        a, b = Value(0.0), Value(2.5)
        assert grad(upstream * a**b, [a, b]) == [0.0, 0.0]
        assert [d.data for d in grad(upstream * a**b, [a, b], create_graph=True)] == [0.0, 0.0]
    f = ad.compile(lambda a, b: a**b, n_inputs=2)
    f(np.array([[0.0, 2.5], [2.0, 1.5]]))
    want = [[0.0, 0.0], [1.5 * 2.0**0.5, 2.0**1.5 * math.log(2.0)]]
    assert_close(f.backward(reduction="sum"), want, rtol=RTOL)


@pytest.mark.parametrize("kink", [0.0, -0.0])
def test_relu_and_abs_have_a_zero_slope_at_their_kink(kink):
    # As PyTorch: 0 at x = 0, in every mode.
    for f in (lambda a: a.relu(), lambda a: a.abs()):
        x = Value(kink)
        assert grad(f(x), [x]) == [0.0] and grad(f(x), [x], create_graph=True)[0].data == 0.0
        assert f(Dual(kink, 1.0)).tangent == 0.0
        g = ad.compile(f, n_inputs=1)
        g(np.array([[kink], [2.0]]))
        assert g.backward(reduction="sum").tolist() == [[0.0], [1.0]]


@pytest.mark.parametrize(
    ("fn", "point", "want"),
    [
        (ad.maximum, (1.5, 1.5), [0.5, 0.5]),
        (ad.minimum, (-1.5, -1.5), [0.5, 0.5]),
        (lambda a, b: ad.maximum(a, b) + ad.minimum(a, b), (0.5, 0.5), [1.0, 1.0]),
        (lambda a, b: ad.clamp(a, -1.0, 0.5) + ad.clamp(b, -1.0, 0.5), (-1.0, 0.5), [1.0, 1.0]),
        (lambda a, b: ad.clamp(a, min=0.5) * ad.clamp(b, max=-1.0), (0.5, -1.0), [-1.0, 0.5]),
    ],
    ids=["maximum", "minimum", "both", "clamp", "one-sided clamp"],
)
def test_ties_share_the_gradient_and_bounds_pass_it_as_pytorch(fn, point, want):
    # PyTorch's conventions: maximum and minimum give half to each at a tie; clamp passes the
    # gradient at its bounds. In every mode.
    xs = [Value(x) for x in point]
    assert grad(fn(*xs), xs) == want
    assert grad(-3.0 * fn(*xs), xs) == [-3.0 * w for w in want]  # a share of g, not g less a share
    assert [d.data for d in grad(fn(*xs), xs, create_graph=True)] == want
    assert [fn(*[Dual(x, float(i == j)) for j, x in enumerate(point)]).tangent for i in range(2)] == want
    f = ad.compile(fn, n_inputs=2)
    f(np.array([point, point]))
    assert f.backward(reduction="sum").tolist() == [want, want]


@pytest.mark.parametrize("upstream", [math.inf, -math.inf, math.nan])
def test_a_zero_gradient_is_exactly_zero_for_any_upstream(upstream):
    # As PyTorch: where the derivative is zero (the roundings, sign, //) or masked (clamp out of
    # bounds, the smaller of maximum's inputs), an inf or nan from above gives 0, not nan.
    x, y = Value(2.7), Value(-0.5)
    outs = [ad.floor(x), ad.ceil(x), ad.round(x), ad.trunc(x), ad.sign(x), x // y, ad.clamp(x, max=1.0)]
    outs += [ad.maximum(x, y + 5.0), ad.minimum(x, y)]  # x the smaller of maximum's, the larger of minimum's
    for out in outs:
        out.backward(upstream)
    assert x.grad == 0.0
    y.grad = 0.0
    ad.maximum(x, y).backward(upstream)  # now x takes all of it, and y none
    assert y.grad == 0.0 and (x.grad == upstream or upstream != upstream)


def test_the_edges_of_the_new_rules_as_pytorch_has_them():
    # Each as torch gives it (test_ops.py compares the same points with torch itself).
    y, x = Value(0.0), Value(0.0)
    assert grad(ad.atan2(y, x), [y, x]) == [0.0, 0.0]  # 0 at the origin, not 0 * inf
    y, x = Value(1e-200), Value(1e-200)  # y^2 + x^2 underflows to 0: 0 as well
    assert grad(ad.atan2(y, x), [y, x]) == [0.0, 0.0]
    y, x = Value(1e-160), Value(0.0)  # y^2 is not 0 but its reciprocal overflows: as torch, nan and -inf
    dy, dx = grad(ad.atan2(y, x), [y, x])
    assert math.isnan(dy) and dx == -math.inf
    for y0, x0 in [(3e-154, 4e-154), (6e-155, 6e-155), (1.0, 1e-200), (1e-200, -1.0)]:
        # Where 1 / (y^2 + x^2) is finite, if only just (6e-155: 7.2e-309): the exact partials.
        y, x = Value(y0), Value(x0)
        assert_close(grad(ad.atan2(y, x), [y, x]), [x0 / (y0 * y0 + x0 * x0), -y0 / (y0 * y0 + x0 * x0)], rtol=1e-12)
    a, b = Value(0.0), Value(0.0)
    assert all(math.isnan(d) for d in grad(ad.hypot(a, b), [a, b]))  # 0 * inf, as torch's 0 / 0
    for kink in (0.0, -0.0):
        assert ad.sign(kink).data == 0.0 and ad.sign(Value(kink)).data == 0.0
    assert (ad.sign(math.nan).data, ad.sign(-3.0).data, ad.sign(1e-300).data) == (0.0, -1.0, 1.0)
    # softplus is x itself where beta * x > threshold (not at it), and its slope 1 there.
    for x0, want in [(10.5, 10.5), (10.0, math.log1p(math.exp(20.0)) / 2), (9.5, math.log1p(math.exp(19.0)) / 2)]:
        x = Value(x0)
        out = ad.softplus(x, beta=2.0, threshold=20.0)
        assert out.data == want and grad(out, [x]) == [1.0 if x0 >= 10.5 else _sigmoid(2 * x0)]
    # leaky_relu and elu take their negative branch at 0, as torch: the slope there is theirs.
    for f, slope in [(lambda v: ad.leaky_relu(v, 0.2), 0.2), (lambda v: ad.elu(v, 1.5), 1.5)]:
        zero = Value(0.0)
        assert f(zero).data == 0.0 and grad(f(zero), [zero]) == [slope]
    assert ad.elu(-0.0).data == 0.0 and math.copysign(1.0, ad.elu(-0.0).data) == -1.0  # expm1(-0.0), as torch


def test_an_op_with_parameters_is_made_once_per_set_of_numbers():
    from autodiff import ops

    assert ops.LEAKY_RELU(0.2) is ops.LEAKY_RELU(0.2) is ops.LEAKY_RELU(np.float64(0.2))
    assert ops.CLAMP(0, 1) is ops.CLAMP(0.0, 1.0) and ops.CLAMP(0.0, 1.0) is not ops.CLAMP(0.0, 2.0)
    assert repr(ops.ELU) == "Family('elu')" and ops.ELU(1.0).name == "elu" and ops.ELU(0.5).name == "elu(alpha=0.5)"
    assert ops.SOFTPLUS(1, 20).name == "softplus" and ops.SOFTPLUS(1, 5.5).name == "softplus(threshold=5.5)"
    assert ops.CLAMP(-math.inf, 2.0).name == "clamp(max=2)" and ops.CLAMP(-1, 2).name == "clamp(min=-1, max=2)"
    with pytest.raises(TypeError, match=r"^leaky_relu: takes 1 numbers \(negative_slope\)$"):
        ops.LEAKY_RELU(0.1, 0.2)
    with pytest.raises(TypeError, match=r"^softplus: takes 2 numbers \(beta, threshold\)$"):
        ops.SOFTPLUS(1.0)
    kept = ops.LEAKY_RELU(0.3)
    assert ops.LEAKY_RELU(0.4) is not kept and ops.LEAKY_RELU(0.3) is kept  # another op in between
    with pytest.raises(TypeError, match=r"^softplus: expected an int, a float or a numpy scalar, got str"):
        ops.SOFTPLUS("1", 20.0)
    first = ops.ELU(0.125)
    for i in range(1100):  # numbers from data: past 1,024 the family starts afresh, as power's table
        ops.ELU(float(i) + 0.5)
    assert len(ops.ELU.ops) <= 1024 and ops.ELU(0.125) is not first and ops.ELU(0.125).name == first.name


def test_a_nan_in_maximum_or_minimum_passes_the_whole_gradient_to_both_as_pytorch():
    # torch: where(a == b, g / 2, g), masked where one is below the other; nan is neither.
    for f in (ad.maximum, ad.minimum):
        a, b = Value(math.nan), Value(1.0)
        assert grad(f(a, b), [a, b]) == [1.0, 1.0] and math.isnan(f(a, b).data) and math.isnan(f(b, a).data)
