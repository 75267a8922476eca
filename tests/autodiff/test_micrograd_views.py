"""micrograd's surface on Value, used as micrograd's lecture and trace_graph.ipynb use it."""

from __future__ import annotations

from graphviz import Digraph

from autodiff import Value


def trace(root):
    # builds a set of all nodes and edges in a graph (trace_graph.ipynb)
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root):
    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})  # LR = left to right
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")  # noqa: UP031 - as the notebook
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def lecture():
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


def test_prev_and_op_as_micrograd() -> None:
    a = Value(2.0)
    c = a * 3
    assert c._op == "*" and a._op == "" and isinstance(c._prev, set)
    assert a in c._prev and len(c._prev) == 2  # the constant 3 is a parent, as in micrograd
    assert (a * a)._prev == {a}
    assert (a + 1).tanh()._op == "tanh"


def test_trace_graph_notebook_draws_our_graph() -> None:
    o, _ = lecture()
    nodes, edges = trace(o)
    assert len(nodes) == 10 and len(edges) == 9
    source = draw_dot(o).source
    assert "{ n | data 0.8814 | grad 0.0000 }" in source and "tanh" in source


def test_backward_by_hand_in_reverse_topological_order() -> None:
    o, v = lecture()
    topo = []
    visited = set()

    def build_topo(node):
        if node not in visited:
            visited.add(node)
            for child in node._prev:
                build_topo(child)
            topo.append(node)

    build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    by_hand = {name: x.grad for name, x in v.items()}
    assert round(by_hand["n"], 12) == 0.5 and round(by_hand["x1"], 12) == -1.5
    assert (round(by_hand["w1"], 12), by_hand["x2"], by_hand["w2"]) == (1.0, by_hand["n"], 0.0)
    o2, v2 = lecture()
    o2.backward()
    assert by_hand == {name: x.grad for name, x in v2.items()}


def test_one_node_at_a_time_as_the_lecture() -> None:
    o, v = lecture()
    o.grad = 1.0
    o._backward()
    assert v["n"].grad == 1 - o.data**2
    v["n"]._backward()
    assert v["b"].grad == v["n"].grad
    v["x1"]._backward()  # a leaf: nothing happens, as micrograd's `lambda: None`
    assert v["x1"].grad == 0.0


def test_shared_node_and_update_as_micrograd() -> None:
    a = Value(3.0, label="a")
    b = a + a
    b.grad = 1.0
    b._backward()
    assert a.grad == 2.0
    w = Value(0.5)
    loss = (w * 2 - 1) ** 2
    for _ in range(3):
        w.grad = 0.0
        loss = (w * 2 - 1.5) ** 2
        loss.backward()
        w.data += -0.1 * w.grad
    assert abs(w.data - 0.75) < abs(0.5 - 0.75)
    loss.label = "loss"
    assert "label='loss'" in repr(loss)
