"""One sigmoid neuron trained by hand: the chain rule written out, beside the engine's gradients.

x = [1, 0], target y = 1, w = [0, 0], b = 0, a = sigmoid(w.x + b), L = 1/2 (a - y)^2, lr = 0.1.
"""

from __future__ import annotations

import math
import sys

import autodiff as ad
from autodiff import Value
from demos.report import Check, check, main, number

X, Y, LR, EPOCHS = [1.0, 0.0], 1.0, 0.1, 5
EX = "single_neuron"
QUOTED_LOSS = ["0.125000", "0.121895", "0.118868", "0.115919", "0.113049"]
QUOTED_W0 = ["0.0125", "0.02484183", "0.03702385", "0.04904478", "0.06090366"]


def by_hand(w: list[float], b: float) -> dict[str, float]:
    """The tutorial's chain rule, term by term, on plain floats."""
    z = w[0] * X[0] + w[1] * X[1] + b
    a = 1 / (1 + math.exp(-z))
    dl_da = a - Y
    da_dz = a * (1 - a)
    dl_dz = dl_da * da_dz
    return {
        "z": z,
        "a": a,
        "L": 0.5 * (a - Y) ** 2,
        "dL/da": dl_da,
        "da/dz": da_dz,
        "dL/dz": dl_dz,
        "dL/dw0": dl_dz * X[0],
        "dL/dw1": dl_dz * X[1],
        "dL/db": dl_dz,
    }


def run(fast: bool = False) -> list[Check]:
    w = [Value(0.0, label="w0"), Value(0.0, label="w1")]
    b = Value(0.0, label="b")
    checks: list[Check] = []
    for epoch in range(EPOCHS):
        hand = by_hand([v.data for v in w], b.data)
        z = ad.dot(w, X) + b
        a = z.sigmoid()
        loss = 0.5 * (a - Y) ** 2
        for p in (*w, b):
            p.grad = 0.0
        loss.backward()
        engine = {"dL/da": a.grad, "dL/dz": z.grad, "dL/dw0": w[0].grad, "dL/dw1": w[1].grad, "dL/db": b.grad}
        print(f"epoch {epoch + 1}: z = {hand['z']:.6f}  a = {hand['a']:.6f}  L = {loss.data:.6f}")
        for name, value in engine.items():
            # By hand dL/dw1 = dL/dz * x1 is -0.0 (a negative times 0.0); the engine adds that into
            # a .grad of 0.0, which gives 0.0: the same number, shown alike.
            print(f"  {name:7s} by hand {number(hand[name], '+.8f')}   engine {number(value, '+.8f')}")
            checks.append(Check(EX, f"epoch {epoch + 1} {name}: hand vs engine", hand[name], value, 1e-15))
        checks.append(check(EX, f"epoch {epoch + 1} loss", QUOTED_LOSS[epoch], loss.data))
        if epoch == 0:
            checks += [
                check(EX, "first step z", "0", hand["z"]),
                check(EX, "first step a", "0.5", a.data),
                check(EX, "first step da/dz", "0.25", hand["da/dz"]),
                check(EX, "first step dL/da", "-0.5", a.grad),
                check(EX, "first step dL/dz", "-0.125", z.grad),
                check(EX, "first step dL/dw0", "-0.125", w[0].grad),
                check(EX, "first step dL/dw1", "0", w[1].grad),
                check(EX, "first step dL/db", "-0.125", b.grad),
            ]
        for p in (*w, b):
            p.data -= LR * p.grad
        print(f"  after the update: w0 = {w[0].data:.8f}  b = {b.data:.8f}")
        checks.append(check(EX, f"epoch {epoch + 1} w0 after", QUOTED_W0[epoch], w[0].data))
        checks.append(Check(EX, f"epoch {epoch + 1} b equals w0", w[0].data, b.data, 0.0))
    return checks


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
