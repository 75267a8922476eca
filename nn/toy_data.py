"""Toy data sets in the plane from the standard library alone (`random.Random(seed)`), so that
they are made the same in CPython and in the browser (Pyodide, without numpy).

Each returns `(X, y)`: `X` a list of `[x0, x1]` points, `y` their labels -1.0 or +1.0, in
shuffled order. `nn.datasets.make_moons` (numpy) draws other points for the same seed.

>>> X, y = make("xor", 4, noise=0.0, seed=0)
>>> sorted(zip(y, X))[0][0], len(X), len(X[0])
(-1.0, 4, 2)
"""

from __future__ import annotations

import math
import numbers
import random

from . import _checks as checks

Points = tuple[list[list[float]], list[float]]
KINDS = ("moons", "xor", "circles")


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> Points:
    """Two interleaving half circles: the upper (label -1) of radius 1 around (0, 0), the lower
    (+1) turned over and moved to (1, 0.5), each point moved by Gaussian noise of deviation `noise`.

    >>> X, y = moons(4, noise=0.0)
    >>> sorted((label, [round(c, 3) for c in p]) for label, p in zip(y, X))
    [(-1.0, [-1.0, 0.0]), (-1.0, [1.0, 0.0]), (1.0, [0.0, 0.5]), (1.0, [2.0, 0.5])]
    """
    rng = _rng("moons", n, noise, seed)
    upper, lower = n // 2, n - n // 2
    points = [[math.cos(t), math.sin(t)] for t in _angles(upper, math.pi)]
    points += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _angles(lower, math.pi)]
    return _shuffled(rng, points, [-1.0] * upper + [1.0] * lower, noise)


def xor(n: int = 100, noise: float = 0.1, seed: int = 0) -> Points:
    """Points uniform in the square [-1, 1]², labelled +1 where x0 and x1 have the same sign (the
    label is made before the noise is added, so noise blurs the border).

    >>> X, y = xor(50, noise=0.0, seed=3)
    >>> all(label == (1.0 if x0 * x1 > 0 else -1.0) for (x0, x1), label in zip(X, y))
    True
    """
    rng = _rng("xor", n, noise, seed)
    points = [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in range(n)]
    labels = [1.0 if x0 * x1 > 0 else -1.0 for x0, x1 in points]
    return _shuffled(rng, points, labels, noise)


def circles(n: int = 100, noise: float = 0.1, seed: int = 0) -> Points:
    """A circle of radius 1 (label -1) around a circle of radius 0.4 (+1), both around (0, 0).

    >>> X, y = circles(6, noise=0.0)
    >>> sorted({(label, round(math.hypot(*p), 6)) for label, p in zip(y, X)})
    [(-1.0, 1.0), (1.0, 0.4)]
    """
    rng = _rng("circles", n, noise, seed)
    outer, inner = n // 2, n - n // 2
    points = [[math.cos(t), math.sin(t)] for t in _angles(outer, 2 * math.pi, closed=False)]
    points += [[0.4 * math.cos(t), 0.4 * math.sin(t)] for t in _angles(inner, 2 * math.pi, closed=False)]
    return _shuffled(rng, points, [-1.0] * outer + [1.0] * inner, noise)


def make(kind: str, n: int = 100, noise: float = 0.1, seed: int = 0) -> Points:
    """The data set `kind` ("moons", "xor" or "circles"), by name.

    >>> make("circles", 10, seed=1) == circles(10, seed=1)
    True
    """
    kind = checks.choice("make", "kind", kind, KINDS)
    return {"moons": moons, "xor": xor, "circles": circles}[kind](n, noise, seed)


def _rng(function: str, n: int, noise: float, seed: int) -> random.Random:
    checks.positive_int(function, "n", n)
    checks.non_negative(function, "noise", noise)
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise TypeError(f"{function}: seed should be an int, got {type(seed).__name__} ({seed!r})")
    if seed < 0:
        raise ValueError(f"{function}: seed should be an int >= 0, got {seed!r}")
    return random.Random(int(seed))


def _angles(count: int, stop: float, closed: bool = True) -> list[float]:
    # As numpy's linspace, which the browser (Pyodide, without numpy) does not have.
    steps = count - 1 if closed else count
    return [stop * i / steps if steps else 0.0 for i in range(count)]


def _shuffled(rng: random.Random, points: list[list[float]], labels: list[float], noise: float) -> Points:
    order = list(range(len(points)))
    rng.shuffle(order)
    X = [[c + rng.gauss(0.0, noise) for c in points[i]] for i in order]
    return X, [labels[i] for i in order]
