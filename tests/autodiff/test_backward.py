"""backward(): depth, accumulation over shared nodes, repeated calls, no_grad and detach."""

from __future__ import annotations

import gc
import sys
import tracemalloc

import pytest

from autodiff import Value, backward, constant, detect_anomaly, draw_dot, grad, no_grad, topological_order
from autodiff.testing import assert_matches_torch


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
    import torch  # only here: the rest of the file runs without it, quick for make mutation

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
    # each) and of the leaves with the gradients they had, to put back if the pass fails (16
    # bytes each) at its peak: here 12 bytes a node, with the lists' spare room under 16; a set
    # of visited nodes would add some 40 bytes a node.
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
    assert (peak - after) / nodes < 16


def _made_under_no_grad():
    with no_grad():
        return Value(2.0) * 3.0


@pytest.mark.parametrize(
    "make", [_made_under_no_grad, lambda: Value(2.0, requires_grad=False), lambda: constant(2.0) * 3.0 + 1.0]
)
def test_backward_on_a_root_that_needs_no_grad_is_an_error(make):
    import torch  # only here: the rest of the file runs without it, quick for make mutation

    root = make()
    with pytest.raises(RuntimeError, match=r"backward: .* does not require grad.*no_grad\(\).*constants"):
        root.backward()
    with pytest.raises(RuntimeError, match="backward"):
        backward(root)
    with pytest.raises(RuntimeError, match=r"grad: .* does not require grad"):
        grad(root, [Value(1.0)])
    with pytest.raises(RuntimeError, match="does not require grad"):  # as PyTorch
        torch.tensor(2.0, dtype=torch.float64).backward()


def test_grad_with_respect_to_a_constant_is_an_error():
    import torch  # only here: the rest of the file runs without it, quick for make mutation

    x = Value(2.0)
    with no_grad():
        frozen = x * 3.0
    for not_differentiable in [constant(1.0), frozen]:
        with pytest.raises(RuntimeError, match=r"grad: input 1 .* does not require grad"):
            grad(x * x, [x, not_differentiable])
    t = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.autograd.grad(t * t, [t, torch.tensor(1.0, dtype=torch.float64)])


def test_grad_accepts_one_value_as_torch_accepts_one_tensor_and_any_iterable():
    x = Value(3.0)
    assert grad(x * x, x) == grad(x * x, (v for v in [x])) == [6.0]


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_value_as_the_gradient_of_backward(create_graph):
    import torch  # only here: the rest of the file runs without it, quick for make mutation

    x, seed = Value(1.5), Value(2.0)
    y = x * x
    y.backward(seed, create_graph=create_graph)
    tx, tseed = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (1.5, 2.0))
    (tgx,) = torch.autograd.grad(tx * tx, tx, grad_outputs=tseed, create_graph=create_graph)
    if not create_graph:  # the seed's number is used, no graph is made
        assert type(x.grad) is float and x.grad == tgx.item()
        return
    assert x.grad.data == tgx.item()
    (d_seed,) = grad(x.grad, [seed])  # the gradient depends on the seed, as in torch
    assert d_seed == torch.autograd.grad(tgx, tseed)[0].item()


def test_a_failed_backward_leaves_no_none_behind():
    x, y = Value(0.0, label="x"), Value(2.0, label="y")
    root = (y * y).tanh() + x.sqrt()
    with pytest.raises(FloatingPointError), detect_anomaly():
        root.backward()  # sqrt's gradient at 0 is infinite: the sweep stops before y * y
    nodes = topological_order(root)
    assert all(v.grad is not None for v in nodes)
    assert all(repr(v).startswith("Value(") for v in nodes) and draw_dot(root).source


def test_repr_and_picture_of_a_grad_that_is_not_a_number():
    x = Value(1.0)
    root = x * 2.0
    root.grad = None
    assert repr(root) == "Value(data=2.0000, grad=None)"
    assert "grad nan" in draw_dot(root, color_by_grad=True).source
