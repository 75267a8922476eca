"""Bad input gets a TypeError or a ValueError at once, naming the function called and the value;
sizes and hyper-parameters are checked before anything is made."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

import autodiff
import nn
from autodiff import Value, backward, grad, no_grad
from autodiff.expression import evaluate
from nn import toy_data

HUGE = 10**400
ONE = [Value(1.0)]

CASES = [
    ("Neuron", lambda: nn.Neuron(HUGE), ValueError, r"Neuron: nin should be at most \d+, got 1.0000e\+400"),
    ("Layer", lambda: nn.Layer(HUGE, 2), ValueError, r"Layer: nin should be at most \d+, got 1.0000e\+400"),
    ("Layer size", lambda: nn.Layer(10**6, 10**6), ValueError, r"Layer: these sizes make 1000001000000 parameters"),
    ("MLP", lambda: nn.MLP(HUGE, [2]), ValueError, r"MLP: nin should be at most"),
    ("MLP sizes", lambda: nn.MLP(2, [10**5, 10**5]), ValueError, r"MLP: these sizes make \d+ parameters"),
    ("Perceptron", lambda: nn.Perceptron(HUGE), ValueError, r"^Perceptron: nin should be at most"),
    ("Perceptron type", lambda: nn.Perceptron(2.0), TypeError, r"^Perceptron: nin should be a positive int"),
    ("SGD lr", lambda: nn.SGD(ONE, lr=HUGE), ValueError, r"SGD: lr: 1.0000e\+400 is too large for a float"),
    ("SGD momentum", lambda: nn.SGD(ONE, lr=0.1, momentum=HUGE), ValueError, r"SGD: momentum: 1.0000e\+400"),
    ("Adam eps", lambda: nn.Adam(ONE, eps=HUGE), ValueError, r"Adam: eps: 1.0000e\+400 is too large"),
    ("normal_", lambda: nn.init.normal_(ONE, std=HUGE), ValueError, r"normal_: std: 1.0000e\+400"),
    ("fit", lambda: nn.Perceptron(1).fit([[HUGE]], [1]), ValueError, r"Perceptron.fit: X: 1.0000e\+400"),
    ("moons", lambda: toy_data.moons(HUGE), ValueError, r"moons: n should be at most \d+, got 1.0000e\+400"),
    ("compile", lambda: autodiff.compile(lambda x: x, HUGE), ValueError, r"compile: n_inputs must be from 1 to"),
    ("compile fn", lambda: autodiff.compile(3, 1), TypeError, r"compile: fn must be callable, got int \(3\)"),
    ("graph X", lambda: autodiff.compile(lambda x: x * 2, 1)([[HUGE]]), ValueError, r"compiled graph: inputs must"),
    ("gradcheck eps", lambda: autodiff.gradcheck(lambda x: x, [1.0], eps=HUGE), ValueError, r"gradcheck: eps: 1.0"),
    ("gradcheck 0", lambda: autodiff.gradcheck(lambda x: x, [1.0], eps=0), ValueError, r"gradcheck: eps must be a"),
    ("gradcheck nan", lambda: autodiff.gradcheck(lambda x: x, [1.0], eps=float("nan")), ValueError, r"eps must be"),
    ("gradgradcheck atol", lambda: autodiff.gradgradcheck(lambda x: x, [1.0], atol=-1), ValueError, r"^gradgradcheck"),
    ("gradcheck fn", lambda: autodiff.gradcheck(None, [1.0]), TypeError, r"gradcheck: fn must be callable, got None"),
    ("module load_state_dict", lambda: nn.Perceptron(1).load_state_dict({"w": [HUGE], "b": 0}), ValueError, r"^Perc"),
    ("topological_order", lambda: autodiff.topological_order(3.0), TypeError, r"topological_order: expected a Value"),
    ("evaluate", lambda: evaluate("x", [("x", Value(1.0))]), TypeError, r"evaluate: inputs must be a dict"),
    ("create_graph", lambda: (Value(1.0) * 2).backward(create_graph="False"), TypeError, r"backward: create_graph"),
    ("grad create_graph", lambda: grad(Value(1.0) * 2, ONE, create_graph=1), TypeError, r"grad: create_graph must"),
    ("backward create_graph", lambda: backward(Value(1.0) * 2, 1.0, None), TypeError, r"backward: create_graph"),
    ("sum 0-d", lambda: autodiff.sum(np.array(3.0)), TypeError, r"sum: expected an iterable .*ndarray"),
    ("dot 0-d", lambda: autodiff.dot(np.array(3.0), [1.0]), TypeError, r"dot: expected an iterable .*ndarray"),
    ("grad 0-d", lambda: grad(Value(1.0) * 2, np.array(3.0)), TypeError, r"grad: expected an iterable .*ndarray"),
]


@pytest.mark.parametrize(("call", "error", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_error_at_once(call, error, message):
    tracemalloc.start()
    try:
        with pytest.raises(error, match=message):
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000  # nothing big was made first


def test_an_optimizers_load_state_dict_checks_its_numbers():
    optimizer = nn.SGD(ONE, lr=0.1)
    state = optimizer.state_dict()
    state["param_groups"][0]["lr"] = HUGE
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: param_groups\[0\]: lr: 1.0000e\+400 is too large"):
        optimizer.load_state_dict(state)
    assert optimizer.lr == 0.1


def test_module_load_of_deeply_nested_json_is_a_value_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match=r"Perceptron.load: .*deep.json' is not a JSON state"):
        nn.Perceptron(1).load(path)
    path.write_text(json.dumps({"w": [1.0], "b": 2.0}))
    assert nn.Perceptron(1).load(path).state_dict() == {"w": [1.0], "b": 2.0}


def test_a_no_grad_object_entered_twice_and_set_grad_enabled_as_a_function():
    block = no_grad()
    with block, block:
        assert not (Value(1.0) * 2).requires_grad
    assert (Value(1.0) * 2).requires_grad
    autodiff.set_grad_enabled(False)
    try:
        assert not (Value(1.0) * 2).requires_grad
    finally:
        autodiff.set_grad_enabled(True)
    assert (Value(1.0) * 2).requires_grad
