"""detect_anomaly(): the first NaN or infinity, forward or backward, names its op and origin."""

from __future__ import annotations

import math
import warnings
import weakref

import numpy as np
import pytest

from autodiff import Value, detect_anomaly, ops
from autodiff.anomaly import anomaly_mode
from autodiff.worlds import arrays, values


def test_forward_infinity_names_op_operand_and_line():
    x = Value(800.0, label="x")
    with detect_anomaly():
        y = x * 2.0
        with pytest.raises(FloatingPointError) as info:
            y.exp()
    message = str(info.value)
    assert "exp forward gave inf" in message and "1600.0" in message
    assert "test_anomaly.py" in message and "test_forward_infinity" in message


def test_forward_nan_from_a_nan_input():
    with pytest.raises(FloatingPointError, match=r"\+ forward gave nan"), detect_anomaly():
        Value(math.nan) + 1.0


def test_backward_infinity_names_the_node_and_where_it_was_made():
    x = Value(0.0, label="x")
    with detect_anomaly():
        root = x.sqrt()
        root.label = "root"
        with pytest.raises(FloatingPointError) as info:
            (root * 3.0).backward()
    message = str(info.value)
    assert "sqrt backward gave inf" in message and "x=0.0" in message
    assert "'root'" in message and f"test_anomaly.py:{_line_of('root = x.sqrt()')}" in message


def test_outside_the_block_nothing_is_checked():
    x = Value(1000.0)
    assert x.exp().data == math.inf
    y = Value(0.0)
    y.sqrt().backward()
    assert y.grad == math.inf


def test_finite_graphs_pass_through():
    with detect_anomaly():
        a = Value(0.5)
        out = (a * a).tanh() + a.log()
        out.backward()
    assert a.grad == pytest.approx(2 * 0.5 * (1 - math.tanh(0.25) ** 2) + 2.0)


def _line_of(text):
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, start=1) if text in line and "_line_of" not in line)


@pytest.mark.parametrize("a, b", [(0.0, 2.0), (0.0, 3.0), (2.0, 0.0), (0.0, 0.0)])
def test_create_graph_through_pow_where_a_branch_not_taken_is_undefined(a, b):
    import torch  # only here: the rest of the file runs without it, quick for make mutation

    # d/db a**b = a**b * log(a) is 0 at a = 0 by convention: log(0) must not even be computed,
    # or it makes a node that detect_anomaly() rightly reports.
    x, y = Value(a), Value(b)
    with detect_anomaly():
        (x**y).backward(create_graph=True)
    tx, ty = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (a, b))
    (tx**ty).backward()
    assert (x.grad.data, y.grad.data) == (tx.grad.item(), ty.grad.item())


@pytest.mark.parametrize("m", [ops.scalar, values, arrays])
def test_where_computes_only_the_branch_it_needs(m):
    taken = []
    chosen = m.where(True, lambda: taken.append("x") or 1.0, lambda: taken.append("y") or 2.0)
    assert chosen == 1.0
    if m is arrays:  # numpy computes both, for the whole batch, without a warning for either
        assert taken == ["x", "y"]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            zero = np.array([0.0, 1.0])
            got = m.where(zero == 0, lambda: 0.0 * zero, lambda: np.log(zero) * zero)
        np.testing.assert_array_equal(got, [0.0, 0.0])
    else:
        assert taken == ["x"]


def test_a_graph_dropped_inside_the_block_is_freed_at_once():
    x = Value(0.5)
    with detect_anomaly():
        for _ in range(1000):
            y = (x * 2.0).tanh()
            node = weakref.ref(y)
            del y
            assert node() is None  # anomaly mode keeps no node alive
        y = x.exp()
        assert len(anomaly_mode.origins) == 1 and y in anomaly_mode.origins
