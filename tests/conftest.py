"""Fixtures shared by the tests: the headless browser (tests/browser.py), each test's own
random generator, and `nn`'s generator seeded by the test's name."""

import zlib

import numpy as np
import pytest

import nn
from tests.browser import browser, page  # noqa: F401 - fixtures, found by pytest here


def _seed_of(request) -> int:
    """A number of the test's own, from its name and parameters."""
    callspec = getattr(request.node, "callspec", None)
    name = getattr(request.node, "originalname", request.node.name)  # a doctest has no originalname
    key = f"{name}{sorted(callspec.indices.items()) if callspec else ''}"
    return zlib.crc32(key.encode())


@pytest.fixture
def rng(request):
    """A numpy generator of the test's own, seeded by its name and parameters: the same points
    whatever ran before it (in any order, as pytest-randomly shuffles them)."""
    return np.random.default_rng(_seed_of(request))


@pytest.fixture(autouse=True)
def _seeded_nn(request):
    """`nn`'s initialisers draw from one generator, seeded from the operating system at import:
    without this, a model built without `nn.manual_seed` would get other weights in every run
    and every order. Seeded by the test's name, a test sees the same weights however it runs."""
    nn.manual_seed(_seed_of(request))
