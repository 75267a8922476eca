"""The comparison every nn test relies on: relative, so that a tiny number is held to its own digits."""

import math

from tests.nn.torch_reference import close


def test_close_is_relative_even_below_one():
    assert close(1.0 + 1e-12, 1.0) and close(-3e-20 * (1 + 1e-11), -3e-20)
    # The loss of binary_cross_entropy_with_logits(20, 1) before it kept its digits: 3e-7 apart.
    assert not close(2.061153026033935e-09, 2.061153620314381e-09)
    assert not close(1e-18, 2e-18) and not close(1.0, 1.0 + 1e-9)


def test_zero_and_the_ends():
    assert close(0.0, 0.0) and close(-0.0, 0.0)
    assert not close(4.248354255291589e-18, 0.0)  # torch's 0 is no licence for ours to be anything small
    assert close(5e-324, 0.0)  # but a subnormal carries no relative digits to compare
    assert close(math.inf, math.inf) and not close(math.inf, 1e308) and not close(-math.inf, math.inf)
    assert not close(math.nan, math.nan) and not close(math.nan, 1.0)


def test_a_documented_scale_widens_it():
    assert not close(1e-13, 1.1e-13) and close(1e-13, 1.1e-13, scale=1.0)
