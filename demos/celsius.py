"""Celsius to Fahrenheit with one weight and one bias: the line the data lies on, learnt.

Inputs: the 100 integers -50 ... 49; targets F = 1.8 C + 32. Model: w*C + b. Loss: mean squared
error; the gradient is summed over the 100 points (the tutorial scales it with a small learning
rate, 1e-5 here, instead of averaging); 10,000 iterations with the compiled graph. The eager
engine runs the first iterations beside it, to show the two agree.
"""

from __future__ import annotations

import sys

import numpy as np

import autodiff as ad
import nn
from demos.progress import steps
from demos.report import Check, main, out_path

C = np.arange(-50.0, 50.0)
F = 1.8 * C + 32
LR, ITERATIONS = 1e-5, 10_000
EAGER = {False: 200, True: 20}
EX = "celsius"


def fresh_model() -> nn.Neuron:
    nn.manual_seed(0)
    return nn.Neuron(1)


def train_eager(model: nn.Neuron, n: int) -> None:
    opt = nn.SGD(model.parameters(), lr=LR)
    for _ in steps(n, "eager"):
        loss = ad.sum([(model([c]) - f) ** 2 for c, f in zip(C, F)])  # summed: so is its gradient
        opt.zero_grad()
        loss.backward()
        opt.step()


def train_compiled(model: nn.Neuron, n: int) -> list[float]:
    opt = nn.SGD(model.parameters(), lr=LR)
    squared_error = ad.compile(lambda c, f: (model([c]) - f) ** 2, n_inputs=2)
    batch = np.column_stack([C, F])
    losses = []
    for _ in steps(n, "compiled"):
        losses.append(float(np.mean(squared_error(batch))))
        opt.zero_grad()
        squared_error.backward(reduction="sum")
        opt.step()
    return losses


def plot(untrained: tuple[float, float], trained: tuple[float, float], path: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(C, F, s=8, color="black", label="data: F = 1.8 C + 32")
    ax.plot(C, untrained[0] * C + untrained[1], "--", color="tab:gray", label="untrained")
    ax.plot(C, trained[0] * C + trained[1], color="tab:red", label=f"trained: {trained[0]:.4f} C + {trained[1]:.4f}")
    ax.set_xlabel("Celsius")
    ax.set_ylabel("Fahrenheit")
    ax.legend()
    fig.savefig(path, dpi=100)


def run(fast: bool = False) -> list[Check]:
    n = EAGER[fast]
    eager, compiled = fresh_model(), fresh_model()
    start = (eager.w[0].data, eager.b.data)
    train_eager(eager, n)
    train_compiled(compiled, n)
    gap = max(abs(a.data - b.data) for a, b in zip(eager.parameters(), compiled.parameters()))
    print(f"after {n} iterations: eager w = {eager.w[0].data:.10f}, compiled w = {compiled.w[0].data:.10f}")
    losses = train_compiled(compiled, ITERATIONS - n)
    w, b = compiled.w[0].data, compiled.b.data
    print(f"after {ITERATIONS} iterations: w = {w:.6f}, b = {b:.6f}, mean squared error {losses[-1]:.2e}")
    path = out_path("celsius.png")
    plot(start, (w, b), path)
    print(f"picture: {path}")
    return [
        Check(EX, f"eager vs compiled, {n} iterations", 0.0, gap, 1e-9),
        Check(EX, "w (true 1.8)", 1.8, w, 1e-3),
        Check(EX, "b (true 32)", 32.0, b, 1e-2),
    ]


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
