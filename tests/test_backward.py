"""backward(): depth, accumulation over shared nodes, repeated calls, no_grad and detach."""

from __future__ import annotations

import sys

import pytest
import torch

from autodiff import Value, no_grad
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
