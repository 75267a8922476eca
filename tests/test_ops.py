"""Every op and every reflected form against PyTorch float64, plus finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autodiff import Value, gradcheck
from tests.helpers import EPS, assert_matches_torch

N = 120
rng = np.random.default_rng(20261123)


def anywhere(n: int = N) -> list[float]:
    """Moderate numbers and magnitudes from 1e-8 to 1e3, both signs."""
    moderate = rng.uniform(-3, 3, n // 2)
    scaled = rng.choice([-1, 1], n - n // 2) * 10 ** rng.uniform(-8, 3, n - n // 2)
    return [float(x) for x in np.concatenate([moderate, scaled])]


def positive(n: int = N) -> list[float]:
    return [abs(x) for x in anywhere(n) if x != 0]


def bounded(lo: float, hi: float, n: int = N) -> list[float]:
    return [float(x) for x in rng.uniform(lo, hi, n)]


KINKS_AND_EXTREMES = [0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 1e300, -1e300, 1000.0, -1000.0]

# name: (function of Values or tensors, sample points, edge cases). One input each.
UNARY = {
    "neg": (lambda a: -a, anywhere(), KINKS_AND_EXTREMES),
    "exp": (lambda a: a.exp(), bounded(-700, 700), [0.0, 709.0, 710.0, 1000.0, -1000.0, -745.0]),
    "log": (lambda a: a.log(), positive(), [1.0, 1e-300, 1e300, 5e-324, 0.0]),
    "sqrt": (lambda a: a.sqrt(), positive(), [0.0, 1.0, 1e-300, 1e300, 5e-324]),
    "tanh": (lambda a: a.tanh(), anywhere(), KINKS_AND_EXTREMES + [20.0, -20.0]),
    "sigmoid": (lambda a: a.sigmoid(), anywhere(), KINKS_AND_EXTREMES + [36.0, -36.0, 745.0, -745.0]),
    "relu": (lambda a: a.relu(), anywhere(), KINKS_AND_EXTREMES),
    "abs": (lambda a: a.abs(), anywhere(), KINKS_AND_EXTREMES),
    "sin": (lambda a: a.sin(), anywhere(), [0.0, -0.0, 1e6, -1e6, 1e-300, 3.141592653589793]),
    "cos": (lambda a: a.cos(), anywhere(), [0.0, -0.0, 1e6, -1e6, 1e-300, 3.141592653589793]),
}
for p in [2, 3, -1, -2, 0, 1]:
    UNARY[f"a**{p}"] = (
        lambda a, p=p: a**p,
        anywhere(),
        [1.0, -1.0, 1e-100, -1e-100, 1e100] + ([0.0] if p >= 0 else []),
    )
for p in [0.5, 1.5, -0.5, 2.5, -1.5]:
    UNARY[f"a**{p}"] = (lambda a, p=p: a**p, positive(), [1.0, 1e-100, 1e100] + ([0.0] if p > 0 else []))

NUMBERS = [2.5, -0.75, 3.0, 1e-3, -1e3]
for c in NUMBERS:
    UNARY[f"a+{c}"] = (lambda a, c=c: a + c, anywhere(), [0.0, -c])
    UNARY[f"{c}+a"] = (lambda a, c=c: c + a, anywhere(), [0.0, -c])
    UNARY[f"a-{c}"] = (lambda a, c=c: a - c, anywhere(), [0.0, c])
    UNARY[f"{c}-a"] = (lambda a, c=c: c - a, anywhere(), [0.0, c])
    UNARY[f"a*{c}"] = (lambda a, c=c: a * c, anywhere(), KINKS_AND_EXTREMES)
    UNARY[f"{c}*a"] = (lambda a, c=c: c * a, anywhere(), KINKS_AND_EXTREMES)
    UNARY[f"a/{c}"] = (lambda a, c=c: a / c, anywhere(), KINKS_AND_EXTREMES)
    UNARY[f"{c}/a"] = (lambda a, c=c: c / a, [x for x in anywhere() if x != 0], [1.0, -1.0, 1e-100, 1e100])
for c in [2.0, 0.5, 10.0, 1.0, 0.0]:
    exponents = bounded(-20, 20) if c else bounded(0, 20)  # 0 ** negative is undefined
    UNARY[f"{c}**a"] = (lambda a, c=c: c**a, exponents, [0.0, 1.0, -1.0] if c else [0.5, 1.0, 2.0, 0.0])

# Two inputs: (function, sample pairs, edge pairs).
pairs = list(zip(anywhere(), anywhere()))
BINARY = {
    "a+b": (lambda a, b: a + b, pairs, [(0.0, 0.0), (1e300, 1e300), (1.0, -1.0)]),
    "a-b": (lambda a, b: a - b, pairs, [(0.0, 0.0), (1e300, -1e300), (1.0, 1.0)]),
    "a*b": (lambda a, b: a * b, pairs, [(0.0, 0.0), (1e200, 1e200), (0.0, 1e300), (-0.0, 5.0)]),
    "a/b": (lambda a, b: a / b, [(a, b) for a, b in pairs if b != 0], [(0.0, 1.0), (1.0, 1e-100), (1e100, 3.0)]),
    "a**b": (
        lambda a, b: a**b,
        list(zip(positive(), bounded(-4, 4))),
        [(0.0, 2.0), (0.0, 0.0), (0.0, 0.5), (1.0, 100.0), (2.0, 0.0), (1e-5, 3.0), (10.0, 300.0)],
    ),
    "a*a": (lambda a, b: a * a + b, pairs, [(0.0, 0.0)]),
    "a/a": (lambda a, b: a / a * b, [(a, b) for a, b in pairs if a != 0], [(1e-300, 1.0)]),
}


def tolerance(name: str) -> float:
    # tanh' = 1 - y^2 and sigmoid' = y(1 - y) are computed from the rounded y, in torch as here:
    # near saturation they are good to a few units of the last place of 1, not of themselves.
    return 4 * EPS if name in ("tanh", "sigmoid") else 0.0


@pytest.mark.parametrize("name", UNARY)
def test_unary_matches_torch(name):
    fn, points, edges = UNARY[name]
    assert len(points) + len(edges) >= 100
    for x in points + edges:
        assert_matches_torch(fn, [x], abs_=tolerance(name))


@pytest.mark.parametrize("name", BINARY)
def test_binary_matches_torch(name):
    fn, points, edges = BINARY[name]
    assert len(points) + len(edges) >= 100
    for a, b in points + edges:
        # a/a*b: d/da is exactly 0 here and a rounding error in torch, so compare absolutely.
        assert_matches_torch(fn, [a, b], abs_=8 * EPS * abs(b / a) if name == "a/a" else 0.0)


# Finite differences: moderate points away from kinks, where a central difference is accurate.
FD_POINTS = [0.37, 1.3, 2.2, -0.8, -1.9]
FD = {name: fn for name, (fn, _, _) in UNARY.items()} | {name: fn for name, (fn, _, _) in BINARY.items()}


@pytest.mark.parametrize("name", FD)
def test_central_finite_difference(name):
    fn = FD[name]
    arity = fn.__code__.co_argcount - sum(1 for v in (fn.__defaults__ or ()))
    needs_positive = name in ("log", "sqrt", "a**b", "0.0**a") or any(
        f"**{p}" in name for p in (0.5, 1.5, -0.5, 2.5, -1.5)
    )
    for i, x in enumerate(FD_POINTS):
        point = [abs(x) if needs_positive else x, FD_POINTS[(i + 2) % len(FD_POINTS)]][:arity]
        assert gradcheck(fn, point, eps=1e-6, atol=1e-7, rtol=1e-6)


def test_values_are_the_same_op_not_a_copy():
    # One graph per call: the Value and torch forward agree exactly on a sample of ops.
    a = Value(0.3)
    assert (a * 2).data == (torch.tensor(0.3, dtype=torch.float64) * 2).item()
