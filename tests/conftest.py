"""Fixtures shared by the tests: the headless browser (tests/browser.py), and each test's own
random generator."""

import zlib

import numpy as np
import pytest

from tests.browser import browser, page  # noqa: F401 - fixtures, found by pytest here


@pytest.fixture
def rng(request):
    """A numpy generator of the test's own, seeded by its name and parameters: the same points
    whatever ran before it (in any order, as pytest-randomly shuffles them)."""
    callspec = getattr(request.node, "callspec", None)
    key = f"{request.node.originalname}{sorted(callspec.indices.items()) if callspec else ''}"
    return np.random.default_rng(zlib.crc32(key.encode()))
