"""Pictures of the graph after backward: a small expression, and one neuron.

Writes out/expression.svg and out/neuron.svg (Graphviz's `dot` renders them).
"""

from __future__ import annotations

import math
import sys

import autodiff as ad
from autodiff import Value
from demos.report import Check, main, out_path

EX = "graph"


def expression() -> tuple[Value, Value, Value]:
    """The teacher's example: c = tanh(a*b + b**2)."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b + b**2).tanh()
    c.label = "c"
    c.backward()
    return a, b, c


def neuron() -> tuple[list[Value], Value, Value]:
    """One tanh neuron on two inputs, micrograd's classic picture."""
    w = [Value(-3.0, label="w1"), Value(1.0, label="w2")]
    x = [Value(2.0, label="x1", requires_grad=False), Value(0.0, label="x2", requires_grad=False)]
    b = Value(6.8813735870195432, label="b")
    o = (ad.dot(w, x) + b).tanh()
    o.label = "o"
    o.backward()
    return w, b, o


def run(fast: bool = False) -> list[Check]:
    a, b, c = expression()
    path = ad.save_graph(c, out_path("expression.svg"), params=[a, b])
    print(f"c = tanh(a*b + b**2) = {c.data:.4f}; dc/da = {a.grad:.4f}, dc/db = {b.grad:.4f} -> {path}")
    w, bias, o = neuron()
    path_neuron = ad.save_graph(o, out_path("neuron.svg"), params=[*w, bias])
    print(f"neuron output o = {o.data:.4f}; do/dw1 = {w[0].grad:.4f}, do/dw2 = {w[1].grad:.4f} -> {path_neuron}")
    t = math.tanh(2.0 * -3.0 + 9.0)
    return [
        Check(EX, "dc/da = (1 - c^2) * b", (1 - t * t) * -3.0, a.grad, 1e-15),
        Check(EX, "dc/db = (1 - c^2) * (a + 2b)", (1 - t * t) * (2.0 - 6.0), b.grad, 1e-15),
        Check(EX, "neuron o (micrograd's picture)", 0.7071, o.data, 1e-4),
        Check(EX, "neuron do/dw1 (micrograd's picture)", 1.0, w[0].grad, 1e-4),
        Check(EX, "neuron do/dw2 (x2 = 0)", 0.0, w[1].grad),
        Check(EX, "expression.svg written", "yes", "yes" if _is_svg(path) else "no"),
        Check(EX, "neuron.svg written", "yes", "yes" if _is_svg(path_neuron) else "no"),
    ]


def _is_svg(path) -> bool:
    with open(path) as f:
        return "<svg" in f.read(2000)


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
