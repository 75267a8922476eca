"""Toy data sets, seeded so that every run (and every engine) sees the same points."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in the plane, labelled -1 and +1, in shuffled order.

    The upper moon (n // 2 points, -1) is the half circle of radius 1 around (0, 0), the lower one
    (+1) the same turned over and moved to (1, 0.5); each point gets Gaussian noise of deviation
    `noise`. A `seed` (numpy's `default_rng`) always gives the same points, None fresh ones.

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
