"""Toy data sets, seeded so that every run (and every engine) sees the same points.

>>> from nn.datasets import make_moons
>>> X, y = make_moons(100, noise=0.1, seed=1337)
>>> X.shape, sorted(set(y.tolist()))
((100, 2), [-1.0, 1.0])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in the plane, labelled -1 and +1, in shuffled order.

    The upper moon is the half circle of radius 1 around (0, 0), labelled -1; the lower one
    is the same half circle turned over and moved to (1, 0.5), labelled +1. Each point then
    gets Gaussian noise of standard deviation `noise` on both coordinates. The same `seed`
    always gives the same points (numpy's `default_rng`); `seed=None` draws fresh ones.

    Returns `X` (float64, shape (n, 2)) and `y` (float64, shape (n,), each -1.0 or +1.0);
    the upper moon has n // 2 points and the lower one the rest.

    >>> X, y = make_moons(4, noise=0.0)
    >>> sorted(zip(y.tolist(), X.round(3).tolist()))
    [(-1.0, [-1.0, 0.0]), (-1.0, [1.0, 0.0]), (1.0, [0.0, 0.5]), (1.0, [2.0, 0.5])]
    """
    _check("n", n, minimum=1)
    if not isinstance(noise, numbers.Real) or isinstance(noise, bool):
        raise TypeError(f"make_moons: noise must be a number, got {type(noise).__name__} ({noise!r})")
    if not noise >= 0:
        raise ValueError(f"make_moons: noise must be >= 0, got {noise!r}")
    if seed is not None:
        _check("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    n_upper = n // 2
    upper = np.linspace(0.0, np.pi, n_upper)
    lower = np.linspace(0.0, np.pi, n - n_upper)
    X = np.concatenate(
        [
            np.column_stack([np.cos(upper), np.sin(upper)]),
            np.column_stack([1.0 - np.cos(lower), 0.5 - np.sin(lower)]),
        ]
    )
    y = np.concatenate([np.full(n_upper, -1.0), np.full(n - n_upper, 1.0)])
    shuffled = rng.permutation(n)
    X = X[shuffled] + rng.normal(scale=float(noise), size=(n, 2))
    return X, y[shuffled]


def _check(name: str, x: Any, minimum: int) -> None:
    if not isinstance(x, numbers.Integral) or isinstance(x, bool):
        raise TypeError(f"make_moons: {name} must be an int, got {type(x).__name__} ({x!r})")
    if x < minimum:
        raise ValueError(f"make_moons: {name} must be >= {minimum}, got {x!r}")
