"""make_moons: shape, labels, the two half circles, seeding, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from nn.datasets import make_moons


@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_shapes_labels_and_counts(n):
    X, y = make_moons(n, noise=0.1, seed=3)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.sum(y == -1.0) == n // 2 and np.sum(y == 1.0) == n - n // 2


def test_without_noise_the_points_lie_on_the_two_half_circles():
    X, y = make_moons(50, noise=0.0, seed=1)
    upper, lower = X[y == -1.0], X[y == 1.0]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_noise_has_the_asked_standard_deviation():
    clean, labels = make_moons(20000, noise=0.0, seed=5)
    noisy, noisy_labels = make_moons(20000, noise=0.1, seed=5)
    np.testing.assert_array_equal(labels, noisy_labels)  # same seed, same shuffle
    assert np.std(noisy - clean) == pytest.approx(0.1, rel=0.02)


def test_same_seed_same_points_other_seed_other_points():
    a, b, c = make_moons(30, seed=7), make_moons(30, seed=7), make_moons(30, seed=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"n": 0}, ValueError, "n must be >= 1, got 0"),
        ({"n": 2.5}, TypeError, "n must be an int, got float"),
        ({"n": True}, TypeError, "n must be an int, got bool"),
        ({"noise": -0.1}, ValueError, "noise must be >= 0, got -0.1"),
        ({"noise": float("nan")}, ValueError, "noise must be >= 0, got nan"),
        ({"noise": "0.1"}, TypeError, "noise must be a number, got str"),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
        ({"seed": 1.5}, TypeError, "seed must be an int, got float"),
    ],
)
def test_bad_arguments_name_the_function_and_the_value(kwargs, error, words):
    with pytest.raises(error, match=f"make_moons: {words}"):
        make_moons(**{"n": 10, **kwargs})
