"""autodiff.checkpoint against the plain computation and torch.utils.checkpoint: the same
gradients (first and second order), one node per output, the same branch and random numbers
in the re-run, and clear errors."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
import torch.utils.checkpoint as tc

import autodiff as ad
from autodiff import Value, checkpoint, grad, no_grad
from autodiff.testing import is_close

POINTS = [(0.9, 0.1, 0.3), (-1.2, 0.4, -0.8), (0.5, -2.0, 1.5), (1.0, 0.0, 0.0), (3.0, -0.7, 1e-9)]


def recurrence(w, u, steps):
    """x <- tanh(w * x + u), the workload of `make bench`'s checkpoint table; w and u from the closure."""

    def segment(x):
        for _ in range(steps):
            x = (w * x + u).tanh()
        return x

    return segment


def run(w0, u0, x0, segments, steps, checkpointed, engine="ours"):
    if engine == "ours":
        w, u, x0v = Value(w0), Value(u0), Value(x0)
    else:
        w, u, x0v = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (w0, u0, x0))
    segment = recurrence(w, u, steps)
    x = x0v
    for _ in range(segments):
        if not checkpointed:
            x = segment(x)
        elif engine == "ours":
            x = checkpoint(segment, x)
        else:
            x = tc.checkpoint(segment, x, use_reentrant=False)
    return x * x, (x0v, w, u)


@pytest.mark.parametrize(("w0", "u0", "x0"), POINTS)
def test_first_order_gradients_equal_the_plain_ones_and_torchs(w0, u0, x0):
    plain, leaves = run(w0, u0, x0, 20, 10, False)
    checked, ck_leaves = run(w0, u0, x0, 20, 10, True)
    torch_out, torch_leaves = run(w0, u0, x0, 20, 10, True, "torch")
    assert checked.data == plain.data
    plain.backward()
    checked.backward()
    torch_out.backward()
    for p, c, t in zip(leaves, ck_leaves, torch_leaves):
        assert is_close(c.grad, p.grad, 1e-13), (c.grad, p.grad)
        assert is_close(c.grad, t.grad.item(), 1e-12, 1e-300), (c.grad, t.grad.item())


@pytest.mark.parametrize(("w0", "u0", "x0"), POINTS)
def test_second_order_gradients_with_create_graph_equal_the_plain_ones_and_torchs(w0, u0, x0):
    results = []
    for checkpointed, engine in ((False, "ours"), (True, "ours"), (True, "torch")):
        out, leaves = run(w0, u0, x0, 4, 5, checkpointed, engine)
        if engine == "ours":
            first = grad(out, leaves, create_graph=True)
            second = grad(first[1] + first[0] * first[2], leaves)
            results.append([g.data for g in first] + second)
        else:
            first = torch.autograd.grad(out, leaves, create_graph=True)
            second = torch.autograd.grad(first[1] + first[0] * first[2], leaves)
            results.append([g.item() for g in first + second])
    plain, checked, theirs = results
    for p, c, t in zip(plain, checked, theirs):
        assert is_close(c, p, 1e-13) and is_close(c, t, 1e-12, 1e-300), (plain, checked, theirs)


def test_backward_with_create_graph_through_a_checkpoint_accumulates_values():
    w, x = Value(0.7), Value(0.2)
    y = checkpoint(lambda v: (w * v).sin() * v, x)
    y.backward(create_graph=True)
    tw, tx = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.7, 0.2))
    ty = tc.checkpoint(lambda v: (tw * v).sin() * v, tx, use_reentrant=False)
    dw, dx = torch.autograd.grad(ty, [tw, tx], create_graph=True)
    assert (
        isinstance(w.grad, Value)
        and is_close(w.grad.data, dw.item(), 1e-14)
        and is_close(x.grad.data, dx.item(), 1e-14)
    )
    assert is_close(grad(w.grad, [x])[0], torch.autograd.grad(dw, [tx])[0].item(), 1e-13)


def test_one_node_for_the_whole_call_with_the_arguments_and_the_captured_leaves_as_parents():
    w, u, x = Value(0.5), Value(0.1), Value(0.2)
    y = checkpoint(recurrence(w, u, 50), x)
    assert y.op == "checkpoint" and y.parents[0] is x and set(y.parents[1:]) == {w, u}
    explicit = checkpoint(lambda v, a, b, n: recurrence(a, b, n)(v), x, w, u, 50)  # a number passes through
    assert explicit.parents == (x, w, u) and explicit.data == y.data


def test_a_tuple_of_outputs_gives_one_node_each_and_the_plain_gradients():
    def pair(a, b):
        s = (a * b).tanh()
        return s * a, s + b * b

    for use in (lambda p, q: p * q + q, lambda p, q: p, lambda p, q: q * 3.0):
        a, b = Value(0.6), Value(-1.1)
        p, q = pair(a, b)
        plain = grad(use(p, q), [a, b])
        cp, cq = checkpoint(pair, a, b)
        assert (cp.op, cq.op) == ("checkpoint", "checkpoint") and (cp.data, cq.data) == (p.data, q.data)
        checked = grad(use(cp, cq), [a, b])
        assert all(is_close(c, g, 1e-14) for c, g in zip(checked, plain)), (checked, plain)


def test_a_branch_on_data_and_random_numbers_are_the_same_in_the_re_run():
    def branchy(x):
        noise = random.random()  # as dropout would draw
        return (x * noise).exp() if x.data > 0 else (x * noise).tanh()

    for x0 in (0.8, -0.8):
        random.seed(5)
        x = Value(x0)
        y = checkpoint(branchy, x)
        y.backward()
        random.seed(5)
        x2 = Value(x0)
        branchy(x2).backward()
        assert x.grad == x2.grad


def test_nested_checkpoints_and_a_function_that_returns_its_input():
    w, x = Value(1.3), Value(0.4)

    def outer(v):
        return checkpoint(lambda z: (z * w).tanh(), v * v) + checkpoint(lambda z: z, v)

    y = checkpoint(outer, x)
    y.backward()
    assert is_close(x.grad, grad(outer(x), [x])[0], 1e-15)
    assert is_close(w.grad, grad(outer(x), [w])[0], 1e-15)


def test_under_no_grad_it_is_the_plain_call():
    x = Value(2.0)
    with no_grad():
        y = checkpoint(lambda v: v * 3, x)
    assert y.data == 6.0 and y.parents == () and not y.requires_grad


def test_a_function_of_constants_only_records_no_node():
    y = checkpoint(lambda v: v * 3, 2.0) if False else checkpoint(lambda: Value(2.0, requires_grad=False) * 3)
    assert y.data == 6.0 and not y.requires_grad


def test_a_non_callable_is_a_type_error():
    with pytest.raises(TypeError, match=r"checkpoint: fn must be callable, got float \(2.0\)"):
        checkpoint(2.0, Value(1.0))


@pytest.mark.parametrize("returned", [1.5, None, (), (Value(1.0), 2.0), [Value(1.0)]])
def test_a_function_that_returns_no_value_is_a_type_error_naming_it(returned):
    def no_value(x):
        return returned

    with pytest.raises(TypeError, match=r"checkpoint: fn .*no_value must return a Value or a tuple of Values, got"):
        checkpoint(no_value, Value(1.0))


def test_compile_traces_through_a_checkpoint_to_the_plain_graphs_values_and_gradients():
    w = Value(0.7)

    def step(x, u):
        return (w * x + u).tanh() * x

    batch = np.array([[0.3, -1.2], [1.5, 0.4], [-0.8, 2.0]])
    plain, checkpointed = ad.compile(step, n_inputs=2), ad.compile(lambda x, u: checkpoint(step, x, u), n_inputs=2)
    assert repr(checkpointed) == repr(plain)  # the same nodes, groups and parameters
    assert np.array_equal(checkpointed(batch), plain(batch))
    w.grad = 0.0
    from_plain = plain.backward(reduction="sum")
    w_plain, w.grad = w.grad, 0.0
    assert np.array_equal(checkpointed.backward(reduction="sum"), from_plain)
    assert w.grad == w_plain
    x = Value(0.5)
    assert checkpoint(step, x, 0.25).op == "checkpoint"  # outside compile, a checkpoint node as before
