"""The playground's Python side: what the page asks the engine, answered as JSON text.

This file runs unchanged in the browser (Pyodide, with our wheel installed) and in CPython (the
tests). Every number comes from `autodiff` and `nn`; the page only draws them.
"""

from __future__ import annotations

import json
from typing import Any

import autodiff
import nn
from autodiff.expression import evaluate
from nn import toy_data

NEURON_INPUTS = ("x1", "x2", "w1", "w2", "b")
L2 = 1e-4  # weight of the sum of squared parameters in the training loss, as micrograd's moons demo


def _error(error: Exception) -> str:
    return json.dumps({"error": f"{type(error).__name__}: {error}"})


def parse_inputs(text: str) -> dict[str, autodiff.Value]:
    """Lines `name = number` as labelled Values (a ValueError names a bad line)."""
    inputs = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, equals, value = (part.strip() for part in line.partition("="))
        if not equals or not name.isidentifier():
            raise ValueError(f"inputs, line {number}: expected `name = number`, got {line.strip()!r}")
        try:
            inputs[name] = autodiff.Value(float(value), label=name)
        except ValueError:
            raise ValueError(f"inputs, line {number}: {value!r} is not a number") from None
    return inputs


def _graph(root: autodiff.Value, inputs: dict[str, autodiff.Value]) -> dict[str, Any]:
    """The value, each input's grad, draw_dot's picture and draw_backward's frames of `root`."""
    root.backward()
    player = autodiff.draw_backward(root, legend=False)
    frames = [{"caption": f.caption, "dot": p.source} for f, p in zip(player.frames, player.pictures())]
    return {
        "value": root.data,
        "grads": {name: v.grad for name, v in inputs.items()},
        "dot": autodiff.draw_dot(root, legend=False).source,
        "frames": frames,
    }


def expression(inputs_text: str, text: str) -> str:
    """The expression box: `text` on the inputs of `inputs_text`, or the engine's error message."""
    try:
        inputs = parse_inputs(inputs_text)
        root = evaluate(text, inputs)
        if not root.label:
            root.label = "out"
        return json.dumps(_graph(root, inputs))
    except (ValueError, TypeError, ArithmeticError) as error:  # the engine's own errors
        return _error(error)


def neuron(values_json: str) -> str:
    """The lecture's neuron o = tanh(x1*w1 + x2*w2 + b) for the sliders' values."""
    values = json.loads(values_json)
    inputs = {name: autodiff.Value(float(values[name]), label=name) for name in NEURON_INPUTS}
    x1w1 = inputs["x1"] * inputs["w1"]
    x1w1.label = "x1*w1"
    x2w2 = inputs["x2"] * inputs["w2"]
    x2w2.label = "x2*w2"
    total = x1w1 + x2w2
    total.label = "x1*w1 + x2*w2"
    n = total + inputs["b"]
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return json.dumps(_graph(o, inputs))


class Training:
    """An MLP 2-...-1 learning a toy data set: hinge loss + L2 * sum(p²), plain SGD.

    `nn.manual_seed(seed)` before the model is made, so a seed fixes both the points and the
    initial weights.
    """

    def __init__(self, settings_json: str) -> None:
        settings = json.loads(settings_json)
        self.X, self.y = toy_data.make(
            settings["dataset"], int(settings["n"]), float(settings["noise"]), settings["seed"]
        )
        nn.manual_seed(int(settings["seed"]))
        sizes = [int(size) for size in settings["hidden"]] + [1]
        self.model = nn.MLP(2, sizes, activation=settings["activation"])
        self.optimizer = nn.SGD(self.model.parameters(), lr=float(settings["lr"]))
        self.losses: list[float] = []

    def step(self) -> float:
        """One step over every point; the loss before the update."""
        scores = [self.model(x) for x in self.X]
        loss = nn.hinge_loss(scores, self.y) + L2 * autodiff.sum([p * p for p in self.model.parameters()])
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.losses.append(loss.data)
        return loss.data

    def picture(self, grid: int) -> str:
        """The points, the model's score on a grid x grid lattice over them, and the losses so far."""
        xs, ys = [p[0] for p in self.X], [p[1] for p in self.X]
        box = [min(xs) - 0.5, max(xs) + 0.5, min(ys) - 0.5, max(ys) + 0.5]
        lattice = [
            [box[0] + (box[1] - box[0]) * i / (grid - 1), box[3] - (box[3] - box[2]) * j / (grid - 1)]
            for j in range(grid)
            for i in range(grid)
        ]
        with autodiff.no_grad():
            scores = [self.model(p).data for p in lattice]
        return json.dumps({"points": self.X, "labels": self.y, "box": box, "scores": scores, "losses": self.losses})
