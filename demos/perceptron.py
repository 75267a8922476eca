"""The classic perceptron (Rosenblatt): AND and OR converge, XOR never does.

Labels -1/+1, prediction sign(w.x + b) with z >= 0 giving +1, and the mistake-driven rule
w <- w + eta*y*x, b <- b + eta*y. Start: w from a normal with standard deviation 0.1
(numpy default_rng(0), drawn afresh for each gate), b = 0, eta = 0.5, at most 20 epochs.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

import nn
from demos.report import Check, check, main

CORNERS = [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]
GATES = {"AND": [-1, -1, -1, 1], "OR": [-1, 1, 1, 1], "XOR": [-1, 1, 1, -1]}
ETA, EPOCHS = 0.5, 20
EX = "perceptron"


def train(targets: list[int]) -> tuple[nn.Perceptron, list[int]]:
    p = nn.Perceptron(2)
    for w, start in zip(p.w, np.random.default_rng(0).normal(0.0, 0.1, 2)):
        w.data = float(start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # XOR's "did not converge": shown below instead
        mistakes = p.fit(CORNERS, targets, lr=ETA, epochs=EPOCHS)
    return p, mistakes


def run(fast: bool = False) -> list[Check]:
    checks = []
    for gate, targets in GATES.items():
        p, mistakes = train(targets)
        converged = mistakes[-1] == 0
        predictions = [p.predict(x) for x in CORNERS]
        print(f"{gate}: mistakes per epoch {mistakes}")
        if converged:
            weights = ", ".join(f"{w.data:+.3f}" for w in p.w)
            print(
                f"  converged in epoch {len(mistakes)}: w = [{weights}], b = {p.b.data:+.3f}, predictions {predictions}"
            )
        else:
            print(f"  no epoch without a mistake in {EPOCHS}: XOR is not linearly separable (Minsky and Papert, 1969)")
        expected = "never converges" if gate == "XOR" else "converges"
        checks.append(Check(EX, f"{gate}", expected, "converges" if converged else "never converges"))
        if converged:
            checks.append(Check(EX, f"{gate} predictions = targets", str(targets), str(predictions)))

    p = nn.Perceptron(2)
    p.w[0].data, p.w[1].data, p.b.data = 2.0, -1.0, -1.0
    print("Decision boundary check, w = [2, -1], b = -1:")
    for x, quoted_z, quoted_label in [([1.0, 1.0], "0", 1), ([2.0, 0.0], "3", 1), ([0.0, 2.0], "-3", -1)]:
        z = p(x).data
        print(f"  x = {x}: z = {z:+.1f}, predicted {p.predict(x):+d}")
        checks.append(check(EX, f"z at x = {x}", quoted_z, z))
        checks.append(Check(EX, f"label at x = {x}", quoted_label, p.predict(x)))
    return checks


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
