"""The playground's Python side in CPython (playground/session.py, formulas.py, training.py):
JSON that JSON.parse reads, errors with their place, local derivatives as the engine computes
them, and the Train panel's checks, divergence and data editing."""

from __future__ import annotations

import doctest
import json
import math
import pathlib
import re
import sys
from typing import Any

import pytest

import autodiff
from autodiff import Value
from autodiff.backward import topological_order
from autodiff.trace import node_names, trace_backward

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "playground"))
import formulas
import session
import training


@pytest.mark.parametrize("module", [session, formulas, training])
def test_the_examples_in_the_docstrings(module: Any) -> None:
    failed, tried = doctest.testmod(module)
    assert tried > 0 and failed == 0


def strict(text: str) -> Any:
    """json.loads as JSON.parse reads it: NaN and Infinity are not JSON."""
    return json.loads(text, parse_constant=lambda word: pytest.fail(f"{word} in the answer"))


@pytest.mark.parametrize(
    ("text", "value", "grads"),
    [
        ("a*1e308*10", "inf", {"a": "inf"}),
        ("(a-a).sqrt()", 0.0, {"a": "nan"}),
        ("-(a*1e308*10)", "-inf", {"a": "-inf"}),
        ("9**9**9", "inf", {}),
    ],
)
def test_infinite_and_undefined_numbers_travel_as_words(text: str, value: Any, grads: Any) -> None:
    answer = strict(session.expression("a = 2", text))
    assert (answer["value"], answer["grads"]) == (value, grads)


def test_a_graph_too_large_to_draw_still_gives_its_numbers_and_its_frames() -> None:
    answer = strict(session.expression("a = 2", "+".join(["a"] * 994)))
    assert (answer["value"], answer["grads"], answer["nodes"]) == (1988.0, {"a": 994.0}, 1987)
    assert "dot" not in answer and "1987 nodes" in answer["undrawn"]
    assert len(answer["player"]["frames"]) == 994


def test_drawing_cost_counts_nodes_and_crossed_ranks() -> None:
    a = Value(1.0)
    chain = a
    for _ in range(9):
        chain = chain + a
    # a (1), each sum and its op (2 each), and a's edge to the k-th op crossing 2k - 2 ranks
    assert session.drawing_cost(topological_order(chain)) == 1 + 2 * 9 + sum(2 * k - 2 for k in range(1, 10))
    flat = autodiff.sum([a] * 10)
    assert session.drawing_cost(topological_order(flat)) == 3


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ("a = 2\nb = two", "inputs, line 2, column 5: 'two' is not a number"),
        ("a 2", "inputs, line 1, column 4: expected `name = number`"),
        ("  if = 1", "inputs, line 1, column 3: 'if' is not a name"),
        ("ｘ = 1\nx = 2", "inputs, line 2, column 1: 'x' is given twice"),
    ],
)
def test_a_bad_inputs_line_is_named_with_its_column(inputs: str, message: str) -> None:
    answer = strict(session.expression(inputs, "1"))
    assert answer["where"] == "inputs"
    assert answer["error"].startswith(f"ValueError: {message}")


def test_every_expression_error_ends_with_a_column() -> None:
    for text in ["a +", "b", "(-a).log()", "a.data", "", "a" * 2001, "-" * 1999 + "a", "1/0"]:
        answer = strict(session.expression("a = 2", text))
        assert answer["where"] == "expression"
        assert re.search(r"\(column \d+\)$", answer["error"]), answer["error"]


def test_local_derivatives_are_the_engines_numbers() -> None:
    a, b = Value(0.7, label="a"), Value(-1.3, label="b")
    root = (a * b + b**2).tanh() + (a / b).exp() + a ** b.abs() + (a - b).sigmoid().log() + autodiff.logsumexp([a, b])
    names = node_names(root)
    locals_ = {(p.parent, s.node): p.local for s in trace_backward(root) for p in s.pushes}
    for v in topological_order(root):
        if not v.parents:
            continue
        lines = formulas.local_derivatives(v, names)
        wanted = [p for p in v.parents if p.requires_grad]
        assert len(lines) == len(wanted)
        for parent, line in zip(wanted, lines):
            assert line.startswith(f"d{names[v]}/d{names[parent]} = ")
            shown = float(line.rpartition(" = ")[2].strip("()"))
            assert shown == pytest.approx(locals_[(parent, v)], rel=1e-3, abs=1e-4), line


SETTINGS = {"dataset": "moons", "n": "20", "noise": "0.1", "seed": "3", "hidden": "4", "activation": "tanh"}


def run(**changes: str) -> training.Training:
    return training.Training(json.dumps({**SETTINGS, "lr": "0.1", "speed": "5", **changes}))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("dataset", "spiral", "Data: 'spiral' is not one of moons, xor, circles"),
        ("activation", "swish", "Activation: 'swish' is not one of"),
        ("n", "many", "Points: 'many' is not a whole number"),
        ("noise", "nan", "Noise: 'nan' must be a finite number"),
        ("seed", "-1", "Seed: -1 is outside 0 to"),
        ("hidden", "abc", "Hidden sizes: 'abc' is not a whole number"),
        ("hidden", "1,1,1,1,1", "Hidden sizes: 5 layers, at most 4"),
        ("lr", "inf", "Learning rate: 'inf' must be a finite number above 0"),
        ("lr", "-0.1", "Learning rate: '-0.1' must be a finite number above 0"),
        ("speed", "0", "Steps per second: 0 is outside 1 to 30"),
        ("hidden", "32, 32", "Hidden sizes: 1185 parameters on 20 points and the 24x24 picture is 706,260 units"),
    ],
)
def test_each_field_is_checked_by_name(field: str, value: str, message: str) -> None:
    with pytest.raises(training.SettingsError) as raised:
        run(**{field: value})
    assert str(raised.value).startswith(message)


def test_a_divergent_run_stops_and_says_the_learning_rate() -> None:
    t = run(lr="1e6", activation="relu", hidden="8, 8")
    answers = [strict(t.step()) for _ in range(30)]
    stopped = next(i for i, answer in enumerate(answers) if "error" in answer)
    assert all("loss" in answer and math.isfinite(answer["loss"]) for answer in answers[:stopped])
    assert f"The training diverged at step {stopped + 1}" in answers[stopped]["error"]
    assert "The learning rate 1e+06 is too large" in answers[stopped]["error"]
    assert all(answer == answers[stopped] for answer in answers[stopped:])  # stays stopped
    strict(t.picture(8))  # what the page draws after it is still JSON


def test_points_added_and_moved_are_the_next_steps_data() -> None:
    edited, plain = run(), run()
    assert edited.add_point(0.5, 2.0, -1) == 20
    edited.move_point(0, -1.0, 1.0)
    X, y = [list(p) for p in plain.X], list(plain.y)
    X.append([0.5, 2.0])
    y.append(-1.0)
    X[0] = [-1.0, 1.0]
    assert (edited.X, edited.y) == (X, y)
    plain.X, plain.y = X, y  # the same data by hand: the same step
    assert edited.step() == plain.step()
    with pytest.raises(ValueError, match="label of 1 or -1"):
        edited.add_point(0.0, 0.0, 2)
    with pytest.raises(ValueError, match="no point 99"):
        edited.move_point(99, 0.0, 0.0)


def test_points_are_added_up_to_the_work_a_step_may_take() -> None:
    t = run(hidden="16, 16")  # 337 parameters: (points + 576) * 337 <= 600,000 up to 1,204 points
    for _ in range(training.LIMITS["n"][1] - len(t.X)):
        t.add_point(0.0, 0.0, 1)
    with pytest.raises(ValueError, match="400 points are as many as this network can train on here"):
        t.add_point(0.0, 0.0, 1)
    wide = run(hidden="24, 24")  # 697 parameters: (points + 576) * 697 <= 600,000 up to 284 points
    for _ in range(284 - len(wide.X)):
        wide.add_point(0.0, 0.0, 1)
    with pytest.raises(ValueError, match="284 points are as many"):
        wide.add_point(0.0, 0.0, 1)


def test_the_picture_holds_every_layer_and_the_first_layers_lines() -> None:
    t = run(hidden="3, 2")
    t.step()
    picture = strict(t.picture(6))
    assert len(picture["scores"]) == 36
    assert [len(layer["weights"]) for layer in picture["layers"]] == [3, 2, 1]
    assert [len(row) for row in picture["layers"][1]["grads"]] == [4, 4]  # 3 inputs and the bias
    first = t.model.layers[0].neurons
    assert picture["lines"] == [[n.w[0].data, n.w[1].data, n.b.data] for n in first]
    assert picture["layers"][0]["grads"][0] == [first[0].w[0].grad, first[0].w[1].grad, first[0].b.grad]


def test_the_page_offers_every_activation_the_train_panel_accepts() -> None:
    page = (pathlib.Path(__file__).resolve().parents[2] / "playground" / "index.html").read_text()
    select = re.search(r'<select id="activation">(.*?)</select>', page, flags=re.S).group(1)
    assert tuple(re.findall(r"<option>(\w+)</option>", select)) == training.ACTIVATIONS
    assert "gelu" in training.ACTIVATIONS and "linear" not in training.ACTIVATIONS
    settings = training.check_settings(
        {"dataset": "moons", "n": "20", "noise": "0.1", "seed": "0", "hidden": "4"}
        | {"activation": "leaky_relu", "lr": "0.1", "speed": "5"}
    )
    assert settings["activation"] == "leaky_relu"
