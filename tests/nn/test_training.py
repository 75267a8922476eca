"""Training: our MLP and optimizer against torch's, from the same weights, step for step."""

import math
import random

import pytest
import torch
import torch.nn.functional as F

import nn
from autodiff.testing import assert_close

STEPS = 50


def moons(n: int, seed: int) -> tuple[list[list[float]], list[int]]:
    """Two noisy interleaved half circles in the plane, labelled 0 and 1."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        label = i % 2
        angle = rng.uniform(0, 3.14159)
        cx, cy, sign = (1.0, 0.3, -1.0) if label else (0.0, 0.0, 1.0)
        X.append([cx + sign * math.cos(angle) + rng.gauss(0, 0.1), cy + sign * math.sin(angle) + rng.gauss(0, 0.1)])
        y.append(label)
    return X, y


# (hidden activation, output size, our loss on the model's outputs, torch's loss on its output tensor)
TASKS = {
    "mse": (
        "tanh",
        1,
        lambda outs, y: nn.mse_loss(outs, [2.0 * t - 1.0 for t in y]),
        lambda out, y: F.mse_loss(out[:, 0], 2 * y - 1),
    ),
    "bce_with_logits": (
        "relu",
        1,
        nn.binary_cross_entropy_with_logits,
        lambda out, y: F.binary_cross_entropy_with_logits(out[:, 0], y),
    ),
    "cross_entropy": (
        "sigmoid",
        2,
        lambda outs, y: nn.cross_entropy(outs, [int(t) for t in y]),
        lambda out, y: F.cross_entropy(out, y.long()),
    ),
    "hinge": (
        "relu",
        1,
        lambda outs, y: nn.hinge_loss(outs, [2.0 * t - 1.0 for t in y]),
        lambda out, y: torch.relu(1 - (2 * y - 1) * out[:, 0]).mean(),
    ),
}

OPTIMIZERS = {
    "adam": (lambda ps: nn.Adam(ps, lr=0.02), lambda ps: torch.optim.Adam(ps, lr=0.02)),
    "sgd": (lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9), lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
}


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("task", list(TASKS))
def test_training_stays_equal_to_torch(task, optimizer):
    activation, nout, our_loss, torch_loss = TASKS[task]
    make_ours, make_theirs = OPTIMIZERS[optimizer]
    X, y = moons(16, seed=len(task))
    nn.manual_seed(1)
    model = nn.MLP(2, [8, 8, nout], activation=activation)
    seq = model.to_torch()
    opt, t_opt = make_ours(model.parameters()), make_theirs(seq.parameters())
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    tX, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = our_loss([model(x) for x in X], [float(t) for t in y])
        loss.backward()
        opt.step()
        t_opt.zero_grad()
        t_loss = torch_loss(seq(tX), ty)
        t_loss.backward()
        t_opt.step()
        assert_close(loss, t_loss, rtol=1e-9)
        assert_close(
            [[w for row in layer.weight for w in row] for layer in model.layers], [m.weight for m in linears], rtol=1e-9
        )
        assert_close([layer.bias for layer in model.layers], [m.bias for m in linears], rtol=1e-9)
        losses.append(loss.data)
    assert losses[-1] < losses[0]  # and it learns
