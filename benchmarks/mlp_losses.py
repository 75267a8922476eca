"""One model, five ways of writing its loss: the `mlp_losses` workload of the compiled mode.

An MLP 2-64-64-K (tanh hidden, linear output) on 1,000 two-moons points, one full step
(forward, loss, zero_grad, backward, SGD), with the loss of one example written as a user
writes it, compiled once and replayed on the batch; against PyTorch batched, the same loss on
the same weights. The compiled step should not care how the loss is spelled.

- `hinge`: relu(1 - y * score), labels -1/+1 (K = 1);
- `hinge + L2`: the same plus `1e-4 * sum(p * p for p in params)`, Python's `sum` over every
  parameter, as micrograd's demo writes it: a term that depends on no input;
- `(pred - t) ** 2`: the squared error written out (K = 1);
- `nn.mse_loss`: the same through `nn.mse_loss`;
- `cross-entropy`: 10 classes (ten bands of sin(3 x) + y, as many points in each),
  `logsumexp(logits) - dot(one_hot, logits)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nn.datasets import make_moons

from .engines import import_torch
from .mlp_wide import compiled_step

SEED = 1337
LR = 0.05
N = 1000
CLASSES = 10
LOSSES = ("hinge", "hinge + L2", "(pred - t) ** 2", "nn.mse_loss", "cross-entropy")
Step = Callable[[int], float]


def outputs(loss: str) -> int:
    return CLASSES if loss == "cross-entropy" else 1


def data(loss: str, n: int = N) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, 2) and their targets: -1/+1, or a class index for the cross-entropy."""
    X, y = make_moons(n, noise=0.1, seed=SEED)
    if loss != "cross-entropy":
        return X, y
    score = np.sin(3 * X[:, 0]) + X[:, 1]  # ten bands of a wavy score, as many points in each
    return X, np.searchsorted(np.quantile(score, np.linspace(0, 1, CLASSES + 1)[1:-1]), score)


def our_model(loss: str) -> Any:
    import nn

    nn.manual_seed(SEED)
    return nn.MLP(2, [64, 64, outputs(loss)], activation="tanh", output_activation="linear")


def example_loss(loss: str, net: Any) -> Callable[..., Any]:
    """One example's loss, of its two coordinates and its target (K one-hot inputs for the
    cross-entropy), written as a user of `autodiff` and `nn` writes it."""
    import autodiff
    import nn

    params = net.parameters()
    if loss == "hinge":
        return lambda x0, x1, y: (1.0 - y * net([x0, x1])).relu()
    if loss == "hinge + L2":
        return lambda x0, x1, y: (1.0 - y * net([x0, x1])).relu() + 1e-4 * sum(p * p for p in params)
    if loss == "(pred - t) ** 2":
        return lambda x0, x1, t: (net([x0, x1]) - t) ** 2
    if loss == "nn.mse_loss":
        return lambda x0, x1, t: nn.mse_loss(net([x0, x1]), t)
    return lambda x0, x1, *one_hot: autodiff.logsumexp(logits := net([x0, x1])) - autodiff.dot(one_hot, logits)


def compiled_inputs(loss: str, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    if loss == "cross-entropy":
        return np.column_stack([X, np.eye(CLASSES)[y]])
    return np.column_stack([X, y])


def ours_compiled(loss: str, X: np.ndarray, y: np.ndarray) -> Step:
    net = our_model(loss)
    n_inputs = 2 + (CLASSES if loss == "cross-entropy" else 1)
    return compiled_step(example_loss(loss, net), n_inputs, net.parameters(), compiled_inputs(loss, X, y), LR)


def torch_batched(loss: str, X: np.ndarray, y: np.ndarray) -> Step:
    """The same model and loss in PyTorch on the whole batch, torch.optim.SGD."""
    torch = import_torch()
    F = torch.nn.functional
    ours = our_model(loss)
    layers: list[Any] = []
    for i, layer in enumerate(ours.layers):
        linear = torch.nn.Linear(len(layer.weight[0]), len(layer.weight), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in row] for row in layer.weight], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([b.data for b in layer.bias], dtype=torch.float64))
        layers += [linear] if i == len(ours.layers) - 1 else [linear, torch.nn.Tanh()]
    net = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(net.parameters(), lr=LR)
    inputs, targets = torch.tensor(X), torch.tensor(y)

    def loss_of(out: Any) -> Any:
        if loss == "cross-entropy":
            return F.cross_entropy(out, targets)
        if loss in ("(pred - t) ** 2", "nn.mse_loss"):
            return F.mse_loss(out.squeeze(1), targets)
        hinge = torch.relu(1.0 - targets * out.squeeze(1)).mean()
        if loss == "hinge":
            return hinge
        return hinge + 1e-4 * sum((p * p).sum() for p in net.parameters())

    def step(k: int) -> float:
        total = loss_of(net(inputs))
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        return total.item()

    return step


TRAINERS: dict[str, Callable[[str, np.ndarray, np.ndarray], Step]] = {
    "ours compiled": ours_compiled,
    "torch batched": torch_batched,
}
