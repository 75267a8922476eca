"""The lecture's neuron, backpropagated step by step: the player and its GIF.

Writes out/backprop.html (a step-through of the backward pass, open it in a browser) and
out/backprop.gif, and prints every step's chain rule with its numbers.
"""

from __future__ import annotations

import sys

import autodiff as ad
from autodiff import Value
from demos.report import Check, check, main, out_path

EX = "backprop"


def neuron() -> tuple[dict[str, Value], Value]:
    """x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.88..., o = tanh(x1*w1 + x2*w2 + b), labelled as in
    the lecture (worked example 7)."""
    v = {
        "x1": Value(2.0, label="x1"),
        "x2": Value(0.0, label="x2"),
        "w1": Value(-3.0, label="w1"),
        "w2": Value(1.0, label="w2"),
        "b": Value(6.8813735870195432, label="b"),
    }
    x1w1 = v["x1"] * v["w1"]
    x1w1.label = "x1*w1"
    x2w2 = v["x2"] * v["w2"]
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    v["n"] = s + v["b"]
    v["n"].label = "n"
    o = v["n"].tanh()
    o.label = "o"
    return v, o


def run(fast: bool = False) -> list[Check]:
    v, o = neuron()
    steps = ad.trace_backward(o)
    for i, step in enumerate(steps, 1):
        print(f"step {i} ({step.name}, grad {step.grad:.4f}):")
        print("  " + str(step).replace("\n", "\n  "))
    player = ad.draw_backward(o, legend=False)
    html, gif = player.save(out_path("backprop.html")), player.save(out_path("backprop.gif"))
    print(f"-> {html}, {gif}")
    traced = {push.parent.label: push.total for step in steps for push in step.pushes}
    o.backward()
    print(ad.explain(v["x1"]))
    checks = [check(EX, "n (quoted)", "0.8814", v["n"].data), check(EX, "o (quoted)", "0.7071", o.data)]
    checks.append(check(EX, "o.grad (the seed)", "1", o.grad))
    for name, quoted in [("n", "0.5"), ("x1", "-1.5"), ("w1", "1.0"), ("x2", "0.5"), ("w2", "0")]:
        checks.append(check(EX, f"{name}.grad in the trace", quoted, traced[name]))
    checks.append(Check(EX, "trace = backward(), every leaf", "yes", _same(traced, v)))
    checks.append(Check(EX, "frames = steps + the seed", len(steps) + 1, len(player.frames)))
    return checks


def _same(traced: dict[str, float], v: dict[str, Value]) -> str:
    return "yes" if all(traced[name] == x.grad for name, x in v.items()) else "no"


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
