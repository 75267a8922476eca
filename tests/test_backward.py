"""backward(): depth, accumulation over shared nodes, repeated calls, no_grad and detach."""

from __future__ import annotations

import gc
import sys
import tracemalloc

import pytest
import torch

from autodiff import Value, detect_anomaly, no_grad
from tests.helpers import assert_matches_torch


def test_million_node_chain_at_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0 + 1e-7
    y.backward()
    assert x.grad == 1.0
    assert y.data == pytest.approx(0.5 + 0.1, rel=1e-9)


def test_a_plus_a_and_a_times_a():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0


def test_diamond_adds_both_paths():
    def diamond(a):
        b = a * 3.0
        c = a.tanh()
        return (b + c) * (b - c)

    assert_matches_torch(diamond, [0.4])
    assert_matches_torch(diamond, [-1.7])


def test_second_backward_adds_exactly_the_same_again():
    a, b = Value(0.3), Value(-1.2)
    shared = a * b
    out = (shared + shared.tanh()) * shared
    out.backward()
    first = (a.grad, b.grad, shared.grad)
    out.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    assert shared.grad == first[2], "interior gradients start afresh each call"

    ta = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(-1.2, dtype=torch.float64, requires_grad=True)
    ts = ta * tb
    tout = (ts + ts.tanh()) * ts
    tout.backward(retain_graph=True)
    tout.backward()
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-12)


def test_backward_with_a_seed_gradient():
    a = Value(2.0)
    (a * a).backward(gradient=0.5)
    assert a.grad == 2.0


def test_backward_on_a_leaf():
    a = Value(2.0)
    a.backward()
    assert a.grad == 1.0


def test_constants_get_no_gradient():
    a = Value(2.0)
    c = Value(5.0, requires_grad=False)
    out = a * c + 3.0
    out.backward()
    assert a.grad == 5.0 and c.grad == 0.0
    assert [p.requires_grad for p in out.parents] == [True, False]


def test_unreached_leaf_keeps_its_gradient():
    a, b = Value(1.0), Value(2.0)
    (a * 2).backward()
    assert b.grad == 0.0


def test_no_grad_records_nothing():
    a = Value(2.0)
    with no_grad():
        b = a * 3 + a.exp()
    assert b.parents == () and b.op == "" and not b.requires_grad
    c = a * 3
    assert c.parents == (a, c.parents[1]) and c.op == "*"


def test_no_grad_restores_on_error():
    a = Value(2.0)
    with pytest.raises(ValueError), no_grad():
        a.log() * (-1.0 * a).log()
    assert (a * 2).parents


def test_detach_is_a_leaf_with_the_same_data():
    a = Value(2.0)
    b = a * a
    d = b.detach()
    assert d.data == 4.0 and d.parents == () and not d.requires_grad
    (d * a).backward()
    assert a.grad == 4.0


def test_ops_on_constants_only_record_no_graph():
    c = Value(2.0, requires_grad=False)
    assert (c * 3).parents == ()


@pytest.mark.parametrize("stale", [None, 5.0, object()])
def test_interior_gradients_start_afresh_whatever_they_held(stale):
    def graph(a):
        h = a * a
        return h, h * h.tanh() + h

    a, b = Value(0.7), Value(0.7)
    h, out = graph(a)
    h.grad = stale
    out.backward()
    fresh_h, fresh_out = graph(b)
    fresh_out.backward()
    assert (a.grad, h.grad) == (b.grad, fresh_h.grad)


def test_backward_after_one_that_failed_half_way():
    x, y = Value(0.0), Value(2.0)
    h = y * y
    with pytest.raises(FloatingPointError), detect_anomaly():
        (h * x.sqrt() + h).backward()  # sqrt's gradient at 0 is infinite
    x.grad = y.grad = 0.0
    (h * 3.0).backward()
    assert (h.grad, y.grad, x.grad) == (3.0, 12.0, 0.0)


def test_backward_keeps_no_set_of_visited_nodes():
    # Beyond the gradients it hands out, backward holds a list of the interior nodes (8 bytes
    # each) at its peak; a set of visited nodes would add some 40 bytes a node.
    n = 20_000
    terms = [Value(i / n) * Value(1.0 - i / n) for i in range(n)]
    root = sum(terms[1:], terms[0])
    gc.collect()
    tracemalloc.start()
    try:
        root.backward()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    nodes = 4 * n - 1
    assert (peak - after) / nodes < 12
