import random
import warnings

import numpy as np
import pytest
import torch

import nn
from autodiff import Value
from autodiff.testing import assert_close

INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
GATES = {
    "AND": [-1, -1, -1, 1],
    "OR": [-1, 1, 1, 1],
    "NAND": [1, 1, 1, -1],
    "XOR": [-1, 1, 1, -1],
}


def torch_perceptron(X, y, lr, epochs):
    """The same mistake-driven rule on torch tensors: (mistakes per epoch, weights, bias)."""
    X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    w, b = torch.zeros(X.shape[1], dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    history = []
    for _ in range(epochs):
        mistakes = 0
        for x, label in zip(X, y):
            if (1.0 if (w @ x + b) >= 0 else -1.0) != label:
                mistakes += 1
                w, b = w + lr * label * x, b + lr * label
        history.append(mistakes)
        if mistakes == 0:
            break
    return history, w, b


@pytest.mark.parametrize("lr", [1.0, 0.1, 0.37])
@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_separable_gates_reach_an_epoch_without_mistakes(gate, lr):
    p = nn.Perceptron(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no convergence warning
        mistakes = p.fit(INPUTS, GATES[gate], lr=lr, epochs=100)
    assert mistakes[-1] == 0 and all(m > 0 for m in mistakes[:-1])
    assert [p.predict(x) for x in INPUTS] == GATES[gate]
    history, w, b = torch_perceptron(INPUTS, GATES[gate], lr, 100)
    assert mistakes == history
    assert_close([*p.w, p.b], [*w.tolist(), b.item()])


def test_xor_never_converges_and_says_so():
    p = nn.Perceptron(2)
    with pytest.warns(RuntimeWarning, match="Perceptron.fit: still [0-9]+ mistakes after 50 epochs"):
        mistakes = p.fit(INPUTS, GATES["XOR"], epochs=50)
    assert len(mistakes) == 50 and min(mistakes) > 0
    history, w, b = torch_perceptron(INPUTS, GATES["XOR"], 1.0, 50)
    assert mistakes == history
    assert_close([*p.w, p.b], [*w.tolist(), b.item()])
    assert [p.predict(x) for x in INPUTS] != GATES["XOR"]


def test_random_separable_data_matches_torch():
    rng = random.Random(5)
    true_w = [rng.uniform(-1, 1) for _ in range(4)]
    X = [[rng.uniform(-1, 1) for _ in range(4)] for _ in range(60)]
    X = [x for x in X if abs(sum(a * b for a, b in zip(true_w, x)) + 0.1) > 0.05]
    y = [1 if sum(a * b for a, b in zip(true_w, x)) + 0.1 > 0 else -1 for x in X]
    p = nn.Perceptron(4)
    mistakes = p.fit(X, y, lr=0.5, epochs=1000)
    history, w, b = torch_perceptron(X, y, 0.5, 1000)
    assert mistakes == history and mistakes[-1] == 0
    assert_close([*p.w, p.b], [*w.tolist(), b.item()])
    assert [p.predict(x) for x in X] == y


def test_starts_at_zero_and_predicts_plus_one_on_the_boundary():
    p = nn.Perceptron(3)
    assert [v.data for v in p.parameters()] == [0.0] * 4
    assert p.predict([1.0, 2.0, 3.0]) == 1
    assert isinstance(p([1.0, 2.0, 3.0]), Value)
    assert p.state_dict() == {"w": [0.0, 0.0, 0.0], "b": 0.0}


def test_fit_takes_values_and_tuples():
    p = nn.Perceptron(2)
    X = [(Value(a), b) for a, b in INPUTS]
    assert p.fit(X, GATES["AND"])[-1] == 0


@pytest.mark.parametrize(
    "X, y, kwargs, error, message",
    [
        (INPUTS, [0, 1, 1, 1], {}, ValueError, r"Perceptron.fit: labels should be -1 or \+1, got 0"),
        (INPUTS, [1, "1", 1, 1], {}, TypeError, r"Perceptron.fit: labels should be -1 or \+1, got str \('1'\)"),
        (INPUTS, GATES["AND"], {"lr": "1"}, TypeError, "Perceptron.fit: lr should be a number, got str"),
        (
            INPUTS,
            GATES["AND"],
            {"epochs": 2.0},
            TypeError,
            r"Perceptron.fit: epochs should be a positive int, got float",
        ),
        (
            INPUTS,
            GATES["AND"],
            {"epochs": True},
            TypeError,
            "Perceptron.fit: epochs should be a positive int, got bool",
        ),
        (1.0, GATES["AND"], {}, TypeError, r"Perceptron.fit: expected X as a list of examples, got float \(1.0\)"),
        (INPUTS, 1, {}, TypeError, r"Perceptron.fit: expected y as a list of labels, got int \(1\)"),
        (
            [0.0, 1.0, 0.0, 1.0],
            GATES["AND"],
            {},
            TypeError,
            "Perceptron: expected a list of 2 numbers or Values, got float",
        ),
        (INPUTS, [1, 1], {}, ValueError, "Perceptron.fit: X and y should be non-empty, of one length, got 4 and 2"),
        ([], [], {}, ValueError, "non-empty"),
        (INPUTS, GATES["AND"], {"lr": 0}, ValueError, "Perceptron.fit: lr should be a positive number, got 0"),
        (INPUTS, GATES["AND"], {"epochs": 0}, ValueError, "Perceptron.fit: epochs should be a positive int, got 0"),
        ([[0.0, 1.0, 2.0]], [1], {}, ValueError, "Perceptron: expected 2 inputs, got 3"),
        ([[0.0, "1"]], [1], {}, TypeError, "Perceptron: input 1 should be a number or a Value, got str"),
    ],
)
def test_bad_input_raises_clear_errors(X, y, kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.Perceptron(2).fit(X, y, **kwargs)


def test_fit_takes_numpy_arrays_and_keeps_plain_floats():
    p = nn.Perceptron(2)
    assert p.fit(np.array(INPUTS), np.array(GATES["OR"]), lr=np.float64(0.5), epochs=np.int64(50))[-1] == 0
    assert all(type(v.data) is float for v in p.parameters())
    other = nn.Perceptron(2)
    other.fit(INPUTS, GATES["OR"], lr=0.5, epochs=50)
    assert other.state_dict() == p.state_dict()
