"""XOR with a 2-4-1 network (tanh hidden, sigmoid out), beside a plain numpy version of the tutorial.

Glorot/Xavier uniform weights drawn as the tutorial draws them (numpy seed 0, W1 then W2),
zero biases, loss mean of 1/2 (y - y_hat)^2 with the gradient summed over the batch, lr 0.001
for 100,000 steps (--fast: lr 0.01 for 10,000 steps, the same lr x steps). The engine trains
its own model all the way, its weights compared with the numpy implementation's after every step.
"""

from __future__ import annotations

import sys

import numpy as np

import autodiff as ad
import nn
from demos.progress import steps
from demos.report import Check, main

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([0.0, 1.0, 1.0, 0.0])
# (lr, steps) of the compiled run. --fast takes ten times the tutorial's step a tenth as often:
# gradient descent then travels much the same path (the predictions agree to 1e-4), and the
# engine's own model gets there in both.
SCHEDULE = {False: (0.001, 100_000), True: (0.01, 10_000)}
EAGER_STEPS = {False: 3_000, True: 300}  # eager is compared with numpy step by step
NOT_REPRODUCIBLE = (
    "the tutorial's final loss 0.0033 and its predictions are not reproducible from seed 0 (its notebook "
    "had drawn random numbers before): what is checked is that training converges to the targets"
)
EX = "xor"


def glorot_init() -> list[np.ndarray]:
    """The tutorial's initial weights: uniform in +-sqrt(6 / (fan_in + fan_out)), seed 0."""
    np.random.seed(0)
    w1 = np.random.uniform(-np.sqrt(6 / (2 + 4)), np.sqrt(6 / (2 + 4)), (2, 4))
    w2 = np.random.uniform(-np.sqrt(6 / (4 + 1)), np.sqrt(6 / (4 + 1)), (4, 1))
    return [w1, np.zeros(4), w2, np.zeros(1)]


def numpy_step(params: list[np.ndarray], lr: float) -> float:
    """One step of the tutorial's algorithm, by hand, in place; returns the loss before it."""
    w1, b1, w2, b2 = params
    h = np.tanh(X @ w1 + b1)
    out = 1 / (1 + np.exp(-(h @ w2 + b2)))[:, 0]
    delta2 = ((out - Y) * out * (1 - out))[:, None]  # d(1/2 (y - out)^2)/dz2, summed below
    delta1 = (delta2 @ w2.T) * (1 - h * h)
    w2 -= lr * (h.T @ delta2)
    b2 -= lr * delta2.sum(axis=0)
    w1 -= lr * (X.T @ delta1)
    b1 -= lr * delta1.sum(axis=0)
    return float(np.mean(0.5 * (Y - out) ** 2))


def model_from(params: list[np.ndarray]) -> nn.MLP:
    """Our MLP with the given weights (a neuron's weights are a column of W)."""
    model = nn.MLP(2, [4, 1], activation="tanh", output_activation="sigmoid")
    for layer, (w, b) in zip(model.layers, [params[:2], params[2:]]):
        for j, (row, bias) in enumerate(zip(layer.weight, layer.bias)):
            for i, v in enumerate(row):
                v.data = float(w[i, j])
            bias.data = float(b[j])
    return model


def as_arrays(model: nn.MLP) -> list[np.ndarray]:
    (l1, l2) = model.layers
    return [
        np.array([[v.data for v in row] for row in l1.weight]).T,
        np.array([b.data for b in l1.bias]),
        np.array([[v.data for v in row] for row in l2.weight]).T,
        np.array([b.data for b in l2.bias]),
    ]


def max_difference(model: nn.MLP, params: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(a - b))) for a, b in zip(as_arrays(model), params))


def train_eager(n: int, lr: float) -> tuple[float, float]:
    """n eager steps beside numpy; returns the largest weight difference seen and the last loss."""
    reference = glorot_init()
    model = model_from(reference)
    opt = nn.SGD(model.parameters(), lr=lr)
    worst, loss = 0.0, None
    for _ in steps(n, "eager"):
        loss = ad.sum([0.5 * (y - model(list(x))) ** 2 for x, y in zip(X, Y)])  # summed: its gradient is
        opt.zero_grad()
        loss.backward()
        opt.step()
        numpy_step(reference, lr)
        worst = max(worst, max_difference(model, reference))
    return worst, loss.data / len(Y)


def train_compiled(n: int, lr: float) -> tuple[nn.MLP, float, list[float]]:
    """n steps with the compiled graph beside numpy, compared every step. Returns our model as it
    trained itself, the largest weight difference seen and the loss before each step."""
    reference = glorot_init()
    model = model_from(reference)
    opt = nn.SGD(model.parameters(), lr=lr)
    per_example = ad.compile(lambda x0, x1, y: 0.5 * (y - model([x0, x1])) ** 2, n_inputs=3)
    batch = np.column_stack([X, Y])
    worst, losses = 0.0, []
    for _ in steps(n, "compiled"):
        losses.append(float(np.mean(per_example(batch))))
        opt.zero_grad()
        per_example.backward(reduction="sum")
        opt.step()
        numpy_step(reference, lr)
        worst = max(worst, max_difference(model, reference))
    return model, worst, losses


def run(fast: bool = False) -> list[Check]:
    (lr, compiled_n), eager_n = SCHEDULE[fast], EAGER_STEPS[fast]
    eager_worst, eager_loss = train_eager(eager_n, lr)
    print(
        f"eager engine, {eager_n} steps at lr {lr}: loss {eager_loss:.6f}; "
        f"largest weight difference from numpy {eager_worst:.2e}"
    )
    model, worst, losses = train_compiled(compiled_n, lr)
    predictions = [model(list(x)).data for x in X]
    print(
        f"compiled graph, {compiled_n} steps at lr {lr}: loss {losses[0]:.4f} -> {losses[-1]:.4f}; "
        f"largest weight difference from numpy {worst:.2e}"
    )
    print("predictions:", ", ".join(f"{p:.4f}" for p in predictions), "for targets", Y.astype(int).tolist())
    print(f"note: {NOT_REPRODUCIBLE}")
    converged = "converges" if losses[-1] < losses[0] / 5 else "no"
    return [
        Check(EX, f"eager vs numpy, {eager_n} steps (max |dw|)", 0.0, eager_worst, 1e-9),
        Check(EX, f"compiled vs numpy, {compiled_n} steps at lr {lr} (max |dw|)", 0.0, worst, 1e-9),
        Check(
            EX,
            "the engine's predictions round to the targets",
            str(Y.astype(int).tolist()),
            str([round(p) for p in predictions]),
        ),
        Check(
            EX, "converges (loss falls fivefold)", "converges", converged, note="the quoted 0.0033 is not reproducible"
        ),
    ]


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
