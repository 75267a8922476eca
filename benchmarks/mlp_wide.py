"""Two wider models, where a tensor library's matrix products pay: the `mlp_wide` workload.

- `mlp`: an MLP 2-64-64-1 (tanh hidden, linear output), mean squared error against the
  two-moons labels (-1, +1), on 1,000 points;
- `softmax`: a softmax classifier 10-32-10 (tanh hidden), cross-entropy, on 1,000 examples of
  10 Gaussian features whose class is the largest of 10 fixed linear scores.

Each trainer takes the same data and initial weights (`nn.MLP`'s, from one seed), and a step is
the full step: forward over the batch, loss, zero_grad, backward, SGD at a fixed rate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nn.datasets import make_moons

from .engines import import_torch

SEED = 1337
LR = 0.05
N = 1000
MODELS = {"mlp": (2, [64, 64, 1]), "softmax": (10, [32, 10])}
Step = Callable[[int], float]


def data(model: str, n: int = N) -> tuple[np.ndarray, np.ndarray]:
    """The inputs (n, nin) and targets: labels -1/+1 for `mlp`, class indices for `softmax`."""
    if model == "mlp":
        return make_moons(n, noise=0.1, seed=SEED)
    rng = np.random.default_rng(SEED)
    X = rng.normal(size=(n, 10))
    return X, np.argmax(X @ rng.normal(size=(10, 10)), axis=1)


def our_model(model: str) -> Any:
    import nn

    nin, nouts = MODELS[model]
    nn.manual_seed(SEED)
    return nn.MLP(nin, nouts, activation="tanh", output_activation="linear")


def ours(model: str, X: np.ndarray, y: np.ndarray) -> Step:
    """Our eager engine, example by example, as a user of `nn` writes it."""
    import nn

    net = our_model(model)
    optimizer = nn.SGD(net.parameters(), lr=LR)
    rows, targets = X.tolist(), y.tolist()

    def step(k: int) -> float:
        outputs = [net(row) for row in rows]
        if model == "mlp":
            loss = nn.mse_loss(outputs, targets)
        else:
            loss = nn.cross_entropy(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.data)

    return step


def example_loss(model: str, net: Any) -> tuple[Callable[..., Any], int]:
    """One example's loss as a function of its inputs and target, for `autodiff.compile`, and
    its number of inputs. The classifier takes its target as 10 one-hot inputs (the class index
    would be a branch on the data, which a trace cannot follow)."""
    import autodiff
    import nn

    nin, nouts = MODELS[model]
    if model == "mlp":
        return (lambda *x: nn.mse_loss(net(list(x[:nin])), x[nin])), nin + 1
    return (lambda *x: -autodiff.dot(x[nin:], nn.log_softmax(net(list(x[:nin]))))), nin + nouts[-1]


def compiled_inputs(model: str, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    if model == "mlp":
        return np.column_stack([X, y])
    return np.column_stack([X, np.eye(MODELS[model][1][-1])[y]])


def ours_compiled(model: str, X: np.ndarray, y: np.ndarray) -> Step:
    """The same step with the example's graph compiled once and replayed on the whole batch."""
    net = our_model(model)
    fn, n_inputs = example_loss(model, net)
    return compiled_step(fn, n_inputs, net.parameters(), compiled_inputs(model, X, y), LR)


def compiled_step(fn: Callable[..., Any], n_inputs: int, parameters: list[Any], batch: np.ndarray, lr: float) -> Step:
    """One full step on the batch: `fn` (one example's loss) compiled, replayed, backward, SGD."""
    import autodiff
    import nn

    optimizer = nn.SGD(parameters, lr=lr)
    loss = autodiff.compile(fn, n_inputs=n_inputs)

    def step(k: int) -> float:
        losses = loss(batch)
        optimizer.zero_grad()
        loss.backward(reduction="mean")
        optimizer.step()
        return float(losses.mean())

    return step


def torch_batched(model: str, X: np.ndarray, y: np.ndarray) -> Step:
    """The same model as PyTorch would write it: Linear layers on the whole batch, torch.optim.SGD."""
    torch = import_torch()
    ours_net = our_model(model)
    layers: list[Any] = []
    for i, layer in enumerate(ours_net.layers):
        linear = torch.nn.Linear(len(layer.weight[0]), len(layer.weight), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in row] for row in layer.weight], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([b.data for b in layer.bias], dtype=torch.float64))
        layers += [linear] if i == len(ours_net.layers) - 1 else [linear, torch.nn.Tanh()]
    net = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(net.parameters(), lr=LR)
    inputs, targets = torch.tensor(X), torch.tensor(y)

    def step(k: int) -> float:
        out = net(inputs)
        if model == "mlp":
            loss = torch.nn.functional.mse_loss(out.squeeze(1), targets)
        else:
            loss = torch.nn.functional.cross_entropy(out, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


TRAINERS: dict[str, Callable[[str, np.ndarray, np.ndarray], Step]] = {
    "ours": ours,
    "ours compiled": ours_compiled,
    "torch batched": torch_batched,
}
