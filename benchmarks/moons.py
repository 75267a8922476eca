"""micrograd's two-moons demo in every engine: the same data, the same initial weights.

The demo: 100 points, an MLP 2-16-16-1 (relu hidden, linear output), the max-margin loss
mean(relu(1 - y * score)) plus 1e-4 times the sum of the squared parameters, zero_grad,
backward, and an SGD update with the rate 1 - 0.9 k / 100 at step k.

A trainer is a pair of functions: `step(k)` runs training step k and returns its loss,
`scores()` gives the model's score for every point (for the accuracy).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nn.datasets import make_moons

from .engines import import_torch

SIZES = (2, 16, 16, 1)
SEED = 1337
Weights = list[list[tuple[list[float], float]]]  # per layer, per neuron: (weights, bias)
Trainer = tuple[Callable[[int], float], Callable[[], Sequence[float]]]


def data(n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The demo's points: make_moons with noise 0.1, labels -1 and +1."""
    return make_moons(n, noise=0.1, seed=SEED)


def initial_weights() -> Weights:
    """micrograd's initialisation (weights uniform in [-1, 1], biases 0), from one seed."""
    rng = random.Random(SEED)
    return [
        [([rng.uniform(-1.0, 1.0) for _ in range(nin)], 0.0) for _ in range(nout)]
        for nin, nout in itertools.pairwise(SIZES)
    ]


def flat_weights() -> list[float]:
    """`initial_weights` in the order of micrograd's and our `parameters()`: per neuron, w then b."""
    return [x for layer in initial_weights() for w, b in layer for x in (*w, b)]


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / 100


def demo_loss(
    model: Callable[[list[Any]], Any], parameters: list[Any], inputs: list[list[Any]], labels: list[float]
) -> Any:
    """micrograd's demo loss, as its notebook writes it (any engine with + * relu)."""
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in parameters)
    return data_loss + reg_loss


def micrograd(X: np.ndarray, y: np.ndarray, numpy_scalars: bool = False) -> Trainer:
    """The demo step as the notebook has it; with `numpy_scalars`, the points stay numpy
    float64 as in the notebook (so micrograd's first layer computes on numpy scalars)."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(2, list(SIZES[1:]))
    for p, x in zip(model.parameters(), flat_weights(), strict=True):
        p.data = x
    rows, labels = (list(X), list(y)) if numpy_scalars else (X.tolist(), y.tolist())

    def step(k: int) -> float:
        inputs = [list(map(Value, row)) for row in rows]
        total_loss = demo_loss(model, model.parameters(), inputs, labels)
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= learning_rate(k) * p.grad
        return float(total_loss.data)

    return step, lambda: [model(list(map(Value, row))).data for row in rows]


def ours(X: np.ndarray, y: np.ndarray) -> Trainer:
    """The same step with our nn: MLP, hinge_loss, one dot node for the L2 term, SGD."""
    import autodiff
    import nn

    model, optimizer = our_model()
    params = optimizer.params
    rows, labels = X.tolist(), y.tolist()

    def step(k: int) -> float:
        loss = nn.hinge_loss([model(row) for row in rows], labels) + 1e-4 * autodiff.dot(params, params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = learning_rate(k)
        optimizer.step()
        return loss.data

    def scores() -> list[float]:
        with autodiff.no_grad():
            return [model(row).data for row in rows]

    return step, scores


def ours_compiled(X: np.ndarray, y: np.ndarray) -> Trainer:
    """The same step, full batch, with the graph of one example compiled once and replayed
    on all 100 at a time (`autodiff.compile`)."""
    import autodiff

    model, optimizer = our_model()
    loss = compiled_loss(model, optimizer.params)
    score = autodiff.compile(lambda x0, x1: model([x0, x1]), n_inputs=2)
    batch = np.column_stack([X, y])

    def step(k: int) -> float:
        losses = loss(batch)
        optimizer.zero_grad()
        loss.backward(reduction="mean")
        optimizer.lr = learning_rate(k)
        optimizer.step()
        return float(losses.mean())

    return step, lambda: score(X).tolist()


def compiled_loss(model: Any, params: list[Any]) -> Any:
    """The demo's loss for one example (x0, x1, label), compiled: tracing and planning, timed by
    the `compile` job."""
    import autodiff
    import nn

    def example_loss(x0: Any, x1: Any, label: Any) -> Any:
        # The batch mean of this is the demo's loss: the L2 term is the same for every example.
        return nn.hinge_loss(model([x0, x1]), label) + 1e-4 * autodiff.dot(params, params)

    return autodiff.compile(example_loss, n_inputs=3, example=[0.0, 0.0, 1.0])


def our_model() -> tuple[Any, Any]:
    import nn

    model = nn.MLP(2, list(SIZES[1:]), activation="relu", output_activation="linear")
    for p, x in zip(model.parameters(), flat_weights(), strict=True):
        p.data = x
    return model, nn.SGD(model.parameters(), lr=learning_rate(0))


def torch_scalar(X: np.ndarray, y: np.ndarray) -> Trainer:
    """micrograd's demo with one float64 0-d tensor per scalar, PyTorch's autograd below."""
    torch = import_torch()

    def tensor(x: float, requires_grad: bool = False) -> Any:
        return torch.tensor(x, dtype=torch.float64, requires_grad=requires_grad)

    layers = [[([tensor(x, True) for x in w], tensor(b, True)) for w, b in layer] for layer in initial_weights()]
    params = [p for layer in layers for w, b in layer for p in (*w, b)]
    rows, labels = X.tolist(), y.tolist()

    def model(x: list[Any]) -> Any:  # micrograd's MLP, neuron by neuron
        for i, layer in enumerate(layers):
            x = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            x = x if i == len(layers) - 1 else [v.relu() for v in x]
        return x[0]

    def step(k: int) -> float:
        total_loss = demo_loss(model, params, [list(map(tensor, row)) for row in rows], labels)
        for p in params:
            p.grad = None
        total_loss.backward()
        with torch.no_grad():
            for p in params:
                p -= learning_rate(k) * p.grad
        return total_loss.item()

    def scores() -> list[float]:
        with torch.no_grad():
            return [model(list(map(tensor, row))).item() for row in rows]

    return step, scores


def torch_batched(X: np.ndarray, y: np.ndarray) -> Trainer:
    """The demo as PyTorch would write it: Linear layers on the whole batch, torch.optim.SGD."""
    torch = import_torch()
    layers = []
    for i, layer in enumerate(initial_weights()):
        linear = torch.nn.Linear(len(layer[0][0]), len(layer), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([w for w, _ in layer], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([b for _, b in layer], dtype=torch.float64))
        layers += [linear] if i == len(SIZES) - 2 else [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate(0))
    inputs, labels = torch.tensor(X), torch.tensor(y)

    def step(k: int) -> float:
        loss = torch.relu(1 - labels * model(inputs).squeeze(1)).mean()
        loss = loss + 1e-4 * sum((p * p).sum() for p in model.parameters())
        optimizer.zero_grad()
        loss.backward()
        optimizer.param_groups[0]["lr"] = learning_rate(k)
        optimizer.step()
        return loss.item()

    def scores() -> list[float]:
        with torch.no_grad():
            return model(inputs).squeeze(1).tolist()

    return step, scores


TRAINERS: dict[str, Callable[..., Trainer]] = {
    "micrograd": micrograd,
    "micrograd (numpy scalars)": lambda X, y: micrograd(X, y, numpy_scalars=True),
    "ours": ours,
    "ours compiled": ours_compiled,
    "torch 0-d tensors": torch_scalar,
    "torch batched": torch_batched,
}


def accuracy(scores: Sequence[float], y: np.ndarray) -> float:
    """The fraction of points on the right side: sign(score) == label."""
    return float(np.mean((np.asarray(scores) > 0) == (y > 0)))
