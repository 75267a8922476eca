"""nn.toy_data: seeded data sets from the standard library (the playground's, in CPython too)."""

from __future__ import annotations

import math

import pytest

from nn import toy_data


@pytest.mark.parametrize("kind", toy_data.KINDS)
def test_a_seed_gives_the_same_points_and_another_seed_others(kind: str) -> None:
    X, y = toy_data.make(kind, 40, noise=0.1, seed=5)
    assert (X, y) == toy_data.make(kind, 40, noise=0.1, seed=5)
    assert toy_data.make(kind, 40, noise=0.1, seed=6)[0] != X
    assert len(X) == len(y) == 40
    assert all(len(p) == 2 and all(isinstance(c, float) for c in p) for p in X)
    assert set(y) == {-1.0, 1.0}
    assert abs(y.count(1.0) - y.count(-1.0)) <= 1 or kind == "xor"


def test_moons_without_noise_lie_on_their_half_circles() -> None:
    X, y = toy_data.moons(21, noise=0.0, seed=2)
    for (x0, x1), label in zip(X, y):
        if label < 0:
            assert math.hypot(x0, x1) == pytest.approx(1.0) and x1 >= -1e-12
        else:
            assert math.hypot(x0 - 1.0, x1 - 0.5) == pytest.approx(1.0) and x1 <= 0.5 + 1e-12


def test_circles_without_noise_have_radii_one_and_four_tenths() -> None:
    X, y = toy_data.circles(30, noise=0.0, seed=1)
    radii = {(label, round(math.hypot(*p), 12)) for p, label in zip(X, y)}
    assert radii == {(-1.0, 1.0), (1.0, 0.4)}


def test_xor_labels_are_the_signs_product_before_noise() -> None:
    X, y = toy_data.xor(200, noise=0.0, seed=4)
    assert all(label == (1.0 if x0 * x1 > 0 else -1.0) for (x0, x1), label in zip(X, y))
    assert all(-1.0 <= c <= 1.0 for p in X for c in p)


def test_noise_is_gaussian_of_the_given_deviation() -> None:
    clean, labels = toy_data.circles(2000, noise=0.0, seed=3)
    noisy, same_labels = toy_data.circles(2000, noise=0.2, seed=3)
    assert labels == same_labels  # the same shuffle: noise is drawn after it
    moves = [math.hypot(p[0] - q[0], p[1] - q[1]) for p, q in zip(noisy, clean)]
    # A 2-d Gaussian step of deviation s has mean length s * sqrt(pi / 2).
    assert sum(moves) / len(moves) == pytest.approx(0.2 * math.sqrt(math.pi / 2), rel=0.05)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: toy_data.make("spirals"), ValueError, "make: unknown kind 'spirals'"),
        (lambda: toy_data.moons(0), ValueError, "moons: n should be a positive int"),
        (lambda: toy_data.xor(2.5), TypeError, "xor: n should be a positive int"),  # type: ignore[arg-type]
        (lambda: toy_data.circles(10, noise=-1.0), ValueError, "circles: noise should be a number >= 0"),
        (lambda: toy_data.moons(10, seed=-1), ValueError, "moons: seed should be an int >= 0, got -1"),
        (lambda: toy_data.moons(10, seed=1.5), TypeError, "moons: seed should be an int, got float"),  # type: ignore[arg-type]
        (lambda: toy_data.moons(10, seed=True), TypeError, "moons: seed should be an int, got bool"),
    ],
)
def test_bad_arguments_name_the_function_and_the_value(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message.replace("(", r"\(")):
        call()
