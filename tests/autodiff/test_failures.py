"""A backward() or grad() that raises (a hook, an op's derivative, Ctrl-C) leaves every leaf's
`.grad` as it was and every interior node's a number; a retry gives the right gradient."""

from __future__ import annotations

import signal
import sys

import pytest
import torch

from autodiff import Op, Value, grad

BACKWARD_FILE = sys.modules["autodiff.backward"].__file__


def _fail(g):
    raise ArithmeticError("no")


def _broken_derivative(m, g, out, x):
    raise ArithmeticError("no derivative here")


BROKEN = Op("broken", lambda m, x: x, _broken_derivative)


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_hook_that_raises_leaves_the_leaf_untouched_as_torch_and_a_retry_is_right(create_graph):
    x = Value(1.0)
    three = x * 3
    out = three + x * 2
    handle = three.register_hook(_fail)
    with pytest.raises(ArithmeticError):
        out.backward(create_graph=create_graph)
    t = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    t3 = t * 3
    t3.register_hook(_fail)
    with pytest.raises(ArithmeticError):
        (t3 + t * 2).backward()
    assert t.grad is None and x.grad == 0.0  # torch's None is our 0.0: untouched
    kinds = (float, Value) if create_graph else (float,)  # gradients are Values under create_graph
    assert all(type(v.grad) in kinds for v in (three, out))
    handle.remove()
    out.backward()
    assert x.grad == 5.0


def test_an_op_whose_derivative_raises_leaves_every_leaf_as_it_was():
    x, w = Value(1.0), Value(2.0)
    x.grad, w.grad = 0.25, -1.0
    inner = x * w
    out = BROKEN(inner) + x * 2 + w
    with pytest.raises(ArithmeticError):
        out.backward()
    assert (x.grad, w.grad) == (0.25, -1.0)
    assert all(type(v.grad) is float for v in (inner, out))
    with pytest.raises(ArithmeticError):
        grad(out, [x, w])
    assert (x.grad, w.grad) == (0.25, -1.0)
    (x * 2 + w).backward()
    assert (x.grad, w.grad) == (2.25, 0.0)


def test_a_hook_on_a_leaf_that_raises_after_others_ran_undoes_them_all():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    c.register_hook(_fail)
    out = a * b * c
    with pytest.raises(ArithmeticError):
        out.backward()
    assert (a.grad, b.grad, c.grad) == (0.0, 0.0, 0.0)


def _interrupt(signum, frame):
    # Ctrl-C, but only inside backward: before or after it, the test's own lines run.
    while frame is not None:
        if frame.f_code.co_filename == BACKWARD_FILE:
            raise KeyboardInterrupt
        frame = frame.f_back


@pytest.mark.parametrize("after", [0.01, 0.05, 0.15, 0.25])  # in the walk, then in the sweep
def test_ctrl_c_during_a_long_backward_leaves_numbers_and_the_leaves_as_they_were(after):
    n = 50_000
    xs = [Value(1.0 + i / n) for i in range(50)]
    for x in xs:
        x.grad = 0.5
    y = xs[0]
    for i in range(n):
        y = y * 1.0 + xs[i % 50] * 1e-6
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.setitimer(signal.ITIMER_REAL, after)
    interrupted = False
    try:
        y.backward()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    node, interior = y, []
    while node.parents:
        interior.append(node)
        node = node.parents[0]
    assert all(type(v.grad) is float for v in interior)
    if interrupted:
        assert all(x.grad == 0.5 for x in xs)
    else:  # the pass was done before the signal
        assert abs(xs[1].grad - (0.5 + 1000 * 1e-6)) < 1e-12
    for x in xs:
        x.grad = 0.0
    y.backward()
    assert abs(xs[1].grad - 1000 * 1e-6) < 1e-12
