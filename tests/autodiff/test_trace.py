"""trace_backward and explain: the recorded sweep is backward()'s, on graphs with shared nodes."""

from __future__ import annotations

import random

import pytest

from autodiff import Value, explain, topological_order, trace_backward


def shared_graph(seed: int):
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-2, 2), label=f"x{i}") for i in range(4)]
    a, b, c, d = leaves
    s = a * b + a  # a used twice
    t = (s * c).tanh() + s * s  # s shared
    u = t * d + (a + a).sigmoid() + t.exp() * 0.5
    return u, leaves


@pytest.mark.parametrize("seed", range(20))
def test_running_the_steps_gives_backward(seed) -> None:
    root, leaves = shared_graph(seed)
    steps = trace_backward(root)
    assert all(v.grad == 0.0 for v in topological_order(root))  # tracing changed nothing
    totals = {}
    for step in steps:
        for push in step.pushes:
            totals[push.parent] = push.total
            assert push.added == push.local * step.grad or abs(push.added - push.local * step.grad) <= 1e-15 * (
                1 + abs(push.added)
            )
    root.backward()
    for x in leaves:
        assert totals[x] == x.grad  # exactly, in the same order of additions
    for step in steps:
        assert step.grad == step.node.grad  # each node's gradient was complete when it pushed


def test_order_is_reverse_topological_and_grads_complete() -> None:
    root, _ = shared_graph(0)
    steps = trace_backward(root)
    interior = [v for v in topological_order(root) if v.parents]
    assert [s.node for s in steps] == interior[::-1]


def test_step_text_is_the_chain_rule() -> None:
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    n = x1 * w1
    n.label = "n"
    (step,) = trace_backward(n)
    assert str(step).splitlines() == [
        "x1.grad += w1.data * n.grad = -3.0000 * 1.0000 = -3.0000",
        "w1.grad += x1.data * n.grad = 2.0000 * 1.0000 = 2.0000",
    ]
    c = x1 * 2.0  # a constant takes no gradient: no line for it
    assert len(trace_backward(c)[0].pushes) == 1


def test_explain_a_plus_a() -> None:
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    text = explain(a)
    assert text.splitlines()[0] == "a.grad = 2.0000: the sum over the 2 terms for the nodes a feeds"
    assert text.count("a.grad += 1 * b.grad") == 2 and a.grad == 2.0
    assert explain(a, b) == text
    assert "seed" in explain(b)
    assert "no gradient" in explain(Value(1.0), b)
    b.backward()  # a leaf adds up: the explanation says so
    assert "adds up over backward() calls" in explain(a)


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="explain: expected a Value"):
        explain(2.0)
    with pytest.raises(TypeError, match="trace_backward: expected a Value"):
        trace_backward(2.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        trace_backward(Value(1.0, requires_grad=False))
