"""trace_backward and explain: the recorded sweep is backward()'s, on graphs with shared nodes."""

from __future__ import annotations

import random

import pytest

from autodiff import Value, draw_dot, explain, topological_order, trace_backward
from autodiff.trace import node_names


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
    assert text.splitlines()[0] == "a.grad = 1 * b.grad + 1 * b.grad = 1 * 1 + 1 * 1 = 2"
    assert text.count("a.grad += 1 * b.grad") == 2 and a.grad == 2.0
    assert explain(a, b) == text
    assert "seed" in explain(b)
    assert "no gradient" in explain(Value(1.0), b)
    b.backward()  # a leaf adds up: the explanation says so
    assert "adds up over backward() calls" in explain(a)


@pytest.mark.parametrize("seed", range(10))
def test_explain_is_the_chain_rule_with_the_numbers(seed) -> None:
    root, leaves = shared_graph(seed)
    root.backward()
    order = topological_order(root)
    for v in leaves + [n for n in order if n.parents and n is not root]:
        line = explain(v, root).splitlines()[0]
        symbols, numbers, total = line.split(" = ")[1:]
        children = [c for c in order if any(p is v for p in c.parents)]
        terms = sum(1 for c in children for p in c.parents if p is v)
        assert symbols.count(".grad") == numbers.count(" * ") == terms
        products = [
            float(a.strip("()")) * float(b.strip("()")) for a, b in (t.split(" * ") for t in numbers.split(" + "))
        ]
        assert abs(sum(products) - v.grad) <= 1e-5 * sum(abs(p) for p in products)  # 6 digits shown
        assert total == f"{v.grad:.6g}"


def test_names_are_labels_or_short_and_never_clash() -> None:
    x = Value(1.0, label="n1")
    y = x * 2.0 + x
    z = y.tanh()
    z.label = "x1*w1 + b"
    names = node_names(z)
    assert names[x] == "n1" and names[z] == "x1*w1 + b"
    assert len(set(names.values())) == len(names)
    assert all(n.startswith("n") for v, n in names.items() if not v.label)
    assert "(x1*w1 + b).grad" in str(trace_backward(z)[0])  # captions put it in parentheses


def test_a_label_used_twice_gets_a_number_everywhere() -> None:
    h1, h2 = Value(0.5, label="h"), Value(-2.0, label="h")
    out = h1 * h2
    out.label = "out"
    assert list(node_names(out).values()) == ["h", "h#2", "out"]
    (step,) = trace_backward(out)
    assert str(step).splitlines()[1].startswith("h#2.grad += h.data * out.grad")
    out.backward()
    assert explain(h2, out).startswith("h#2.grad = h.data * out.grad")
    assert "{h#2 | data -2.0000" in draw_dot(out).source


def test_naive_order_pushes_shared_nodes_early_and_twice() -> None:
    a = Value(1.5, label="a")
    b = a * a
    b.label = "b"
    c = b + b.tanh()
    steps = trace_backward(c, order="naive")
    pushed = [s.node for s in steps]
    assert pushed.count(b) == 2  # once per path
    right = {s.node: s.grad for s in trace_backward(c)}
    assert steps[pushed.index(b)].grad != right[b]  # its first push came before its gradient was complete
    with pytest.raises(ValueError, match="trace_backward: order must be one of"):
        trace_backward(c, order="bfs")


def test_naive_order_refuses_an_exponential_walk() -> None:
    x = Value(1.0, label="x")
    for _ in range(20):
        x = x + x  # 2**20 paths
    with pytest.raises(ValueError, match="naive order takes more than"):
        trace_backward(x, order="naive")


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="explain: expected a Value"):
        explain(2.0)
    with pytest.raises(TypeError, match="trace_backward: expected a Value"):
        trace_backward(2.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        trace_backward(Value(1.0, requires_grad=False))


@pytest.mark.parametrize("seed", range(10))
def test_naive_order_is_the_recursive_backward(seed) -> None:
    root, leaves = shared_graph(seed)
    grads = {root: 1.0}

    def backward(v) -> None:  # micrograd's shape: push, then recurse into each parent
        if not v.parents:
            return
        (step,) = trace_backward(v)[:1]  # v's local derivatives, from the one op table
        for push in step.pushes:
            grads[push.parent] = grads.get(push.parent, 0.0) + push.local * grads.get(v, 0.0)
        for p in v.parents:
            backward(p)

    backward(root)
    totals = {}
    for step in trace_backward(root, order="naive"):
        totals.update((p.parent, p.total) for p in step.pushes)
    for x in leaves:
        assert totals[x] == pytest.approx(grads[x], rel=1e-12)
    root.backward()
    assert any(abs(totals[x] - x.grad) > 1e-9 * (1 + abs(x.grad)) for x in leaves)  # and it is wrong here
