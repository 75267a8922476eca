"""nn.micrograd against micrograd 0.1.0 itself, on the same seed and the same points.

micrograd's backward visits a node's parents in the order of a Python set (`_prev`), which
follows memory addresses: sums of three or more gradient terms are added in an order that
changes from run to run, and so do micrograd's own last digits (two runs of its demo in one
process differ by an ulp). Everything that does not depend on that order is compared exactly
(the weights, the forward pass, the reprs); the gradients and the training run to 1e-12.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import micrograd.engine
import micrograd.nn
import pytest

import nn
from nn import micrograd as ours
from nn.datasets import make_moons


def demo(Value, MLP, steps: int, n: int) -> list[tuple[float, float]]:
    """micrograd's demo.ipynb, as it is written there (sklearn's make_moons aside)."""
    random.seed(1337)
    X, y = make_moons(n, noise=0.1, seed=1337)
    X, y = X.tolist(), y.tolist()
    model = MLP(2, [16, 16, 1])
    history = []
    for k in range(steps):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total_loss.data, sum(accuracy) / len(accuracy)))
    return history


def test_same_weights_reprs_and_forward() -> None:
    random.seed(7)
    theirs = micrograd.nn.MLP(3, [4, 4, 1])
    random.seed(7)
    mine = ours.MLP(3, [4, 4, 1])
    assert repr(mine) == repr(theirs)
    assert repr(mine).startswith("MLP of [Layer of [ReLUNeuron(3), ")
    assert [p.data for p in mine.parameters()] == [p.data for p in theirs.parameters()]
    x = [0.5, -1.25, 2.0]
    assert mine(x).data == theirs(x).data  # the same order of operations: bitwise equal
    assert mine(list(map(ours.Value, x))).data == theirs(list(map(micrograd.engine.Value, x))).data
    assert repr(ours.Layer(2, 1, nonlin=False)) == "Layer of [LinearNeuron(2)]"
    assert isinstance(mine, nn.Module) and isinstance(mine, ours.Module)


def test_same_gradients_after_one_step() -> None:
    random.seed(3)
    theirs = micrograd.nn.MLP(2, [8, 1])
    random.seed(3)
    mine = ours.MLP(2, [8, 1])
    X = [[0.3, -0.7], [1.1, 0.2], [-0.4, 0.9]]
    loss_t = sum((theirs(x) - 1) ** 2 for x in X)
    loss_m = sum((mine(x) - 1) ** 2 for x in X)
    assert loss_m.data == loss_t.data
    loss_t.backward()
    loss_m.backward()
    for a, b in zip(mine.parameters(), theirs.parameters()):
        assert a.grad == pytest.approx(b.grad, rel=1e-13, abs=1e-15)
    mine.zero_grad()
    assert all(p.grad == 0 for p in mine.parameters())


def test_micrograds_demo_step_for_step() -> None:
    theirs = demo(micrograd.engine.Value, micrograd.nn.MLP, steps=100, n=8)
    mine = demo(ours.Value, ours.MLP, steps=100, n=8)
    assert mine[0][0] == theirs[0][0]  # the first step's loss: the same weights, bitwise
    for (loss_m, acc_m), (loss_t, acc_t) in zip(mine, theirs):
        assert acc_m == acc_t
        assert loss_m == pytest.approx(loss_t, rel=1e-12)
    assert mine[-1][1] == theirs[-1][1] == 1.0


def test_parameters_and_state() -> None:
    model = ours.MLP(2, [3, 1])
    assert len(model.parameters()) == 13
    assert model.parameters()[:3] == model.layers[0].neurons[0].parameters()
    assert all(p.data == 0 for p in (n.b for layer in model.layers for n in layer.neurons))
    state = model.state_dict()
    assert len(state) == 13
    model.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in model.parameters())


def test_readme_says_how_a_values_repr_differs_from_micrograds() -> None:
    # README's claim about the drop-in's repr, checked against both engines as they print.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Coming from micrograd") :]
    ours_shown, theirs_shown = re.findall(r"\(`(Value\(data=[^`]*)`\)", " ".join(section.split()))[:2]
    assert ours_shown == repr(ours.Value(1 / 3))
    assert theirs_shown == repr(micrograd.engine.Value(1 / 3))
    assert ours_shown != theirs_shown
    assert "the reprs of its modules" in " ".join(section.split())
    random.seed(0)
    theirs_model = micrograd.nn.MLP(2, [3, 1])
    random.seed(0)
    assert repr(ours.MLP(2, [3, 1])) == repr(theirs_model)
