"""The two-moons classifier, micrograd's demo: an MLP 2-16-16-1 with ReLU learns two half moons.

100 points (noise 0.1, labels -1/+1), max-margin loss mean(relu(1 - y*score)) plus 1e-4 times the
sum of squared parameters, SGD with learning rate 1.0 - 0.9*k/100 for k = 0..99. Eager by
default; `--compiled` replays one traced graph over the whole batch instead.
"""

from __future__ import annotations

import sys

import numpy as np

import autodiff as ad
import nn
from demos.progress import steps
from demos.report import Check, main, out_path
from nn.datasets import make_moons
from nn.plots import plot_decision_boundary, plot_loss

STEPS, ALPHA, SEED = 100, 1e-4, 1337
EX = "moons"


def micrograd_init(weight: list[list[ad.Value]]) -> None:
    """micrograd's start: weights uniform in [-1, 1], biases 0 (PyTorch's default is smaller)."""
    nn.init.uniform_(weight, -1.0, 1.0)


def regularisation(model: nn.MLP) -> ad.Value:
    return ALPHA * ad.sum([p * p for p in model.parameters()])


def eager_step(model: nn.MLP, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Forward over every point, backward; returns (loss, accuracy) before the update."""
    scores = [model(list(x)) for x in X]
    loss = nn.hinge_loss(scores, list(y)) + regularisation(model)
    model.zero_grad()
    loss.backward()
    accuracy = np.mean([(s.data > 0) == (t > 0) for s, t in zip(scores, y)])
    return loss.data, float(accuracy)


def compiled_step(model: nn.MLP):
    """The same step as one traced graph: per point, its hinge term plus the (shared) L2 term,
    so that the batch mean is the demo's loss and its gradient."""
    per_point = ad.compile(lambda x0, x1, t: (1 - t * model([x0, x1])).relu() + regularisation(model), n_inputs=3)
    score = ad.compile(lambda x0, x1: model([x0, x1]), n_inputs=2)

    def step(X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        loss = float(np.mean(per_point(np.column_stack([X, y]))))
        model.zero_grad()
        per_point.backward(reduction="mean")
        accuracy = np.mean((score(X) > 0) == (y > 0))
        return loss, float(accuracy)

    return step


def run(fast: bool = False, compiled: bool = False) -> list[Check]:
    X, y = make_moons(100, noise=0.1, seed=SEED)
    nn.manual_seed(SEED)
    model = nn.MLP(2, [16, 16, 1], weight_init=micrograd_init)
    nn.init.zeros_([b for layer in model.layers for b in layer.bias])
    step = compiled_step(model) if compiled else lambda X, y: eager_step(model, X, y)
    opt = nn.SGD(model.parameters(), lr=1.0)
    losses, accuracy = [], 0.0
    for k in steps(STEPS, "compiled" if compiled else "eager"):
        loss, accuracy = step(X, y)
        opt.lr = 1.0 - 0.9 * k / STEPS
        opt.step()
        losses.append(loss)
        if k % 10 == 0 or k == STEPS - 1:
            print(f"step {k:3d}: loss {loss:.4f}, accuracy {accuracy:.0%}")
    final = float(np.mean([(model(list(x)).data > 0) == (t > 0) for x, t in zip(X, y)]))
    print(f"after training: accuracy {final:.0%} ({'compiled' if compiled else 'eager'})")
    boundary = plot_decision_boundary(model, X, y, out_path("moons_boundary.png"), title="Two moons, MLP 2-16-16-1")
    curve = plot_loss(losses, out_path("moons_loss.png"), title="Two moons: max-margin loss + L2")
    print(f"pictures: {boundary}, {curve}")
    return [
        Check(EX, "training accuracy", "100%", f"{final:.0%}"),
        Check(EX, "loss falls", "yes", "yes" if losses[-1] < losses[0] / 2 else "no"),
    ]


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run, {"compiled": "train with the compiled graph (one trace, batched)"}))
