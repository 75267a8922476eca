"""The Train panel's Python side: a checked run of an MLP on a toy data set the learner can edit.

Runs unchanged in Pyodide and CPython; answers are JSON text, numbers as `session.number` writes
them (a loss of inf travels as "inf").
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from session import dumps, number

import autodiff
import nn
from nn import toy_data

L2 = 1e-4  # weight of the sum of squared parameters in the training loss, as micrograd's moons demo
DATASETS = ("moons", "xor", "circles")
ACTIVATIONS = tuple(a for a in nn.layers.ACTIVATIONS if a != "linear")  # the hidden layers'; index.html lists them
LIMITS = {"n": (4, 400), "seed": (0, 2**32 - 1), "speed": (1, 30), "size": (1, 32), "layers": 4}
GRID = 24  # the decision boundary's lattice: GRID x GRID scores per picture (train.js reads it)
# A step and its picture run the model on every point and the lattice: (points + GRID²) x
# parameters, about a second of Pyodide at this budget. Beyond it, the page would stall.
WORK = 600_000


class SettingsError(ValueError):
    """A field of the Train panel holds a value the run cannot use; the message names the field."""


def _whole(field: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise SettingsError(f"{field}: {text.strip()!r} is not a whole number") from None
    if not low <= value <= high:
        raise SettingsError(f"{field}: {value} is outside {low} to {high}")
    return value


def _real(field: str, text: str, low: float, high: float) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise SettingsError(f"{field}: {text.strip()!r} is not a number") from None
    if not (math.isfinite(value) and low <= value <= high) or (field == "Learning rate" and value == 0):
        above = "above 0" if field == "Learning rate" else f"from {low:g}"
        raise SettingsError(f"{field}: {text.strip()!r} must be a finite number {above} up to {high:g}")
    return value


def check_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """The panel's fields (as typed, text) checked and converted; a SettingsError names a bad one.

    >>> check_settings({"dataset": "xor", "n": "8", "noise": "0", "seed": "1", "hidden": "4, 4",
    ...     "activation": "tanh", "lr": "0.1", "speed": "5"})["hidden"]
    [4, 4]
    >>> check_settings({"dataset": "xor", "n": "8", "noise": "0", "seed": "1", "hidden": "abc",
    ...     "activation": "tanh", "lr": "0.1", "speed": "5"})
    Traceback (most recent call last):
    ...
    training.SettingsError: Hidden sizes: 'abc' is not a whole number
    """
    if raw.get("dataset") not in DATASETS:
        raise SettingsError(f"Data: {raw.get('dataset')!r} is not one of {', '.join(DATASETS)}")
    if raw.get("activation") not in ACTIVATIONS:
        raise SettingsError(f"Activation: {raw.get('activation')!r} is not one of {', '.join(ACTIVATIONS)}")
    sizes = [part for part in str(raw.get("hidden", "")).split(",") if part.strip()]
    if len(sizes) > LIMITS["layers"]:
        raise SettingsError(f"Hidden sizes: {len(sizes)} layers, at most {LIMITS['layers']}")
    settings = {
        "dataset": raw["dataset"],
        "n": _whole("Points", str(raw.get("n", "")), *LIMITS["n"]),
        "noise": _real("Noise", str(raw.get("noise", "")), 0.0, 1.0),
        "seed": _whole("Seed", str(raw.get("seed", "")), *LIMITS["seed"]),
        "hidden": [_whole("Hidden sizes", size, *LIMITS["size"]) for size in sizes],
        "activation": raw["activation"],
        "lr": _real("Learning rate", str(raw.get("lr", "")), 0.0, 1e12),
        "speed": _whole("Steps per second", str(raw.get("speed", "")), *LIMITS["speed"]),
    }
    widths = [2, *settings["hidden"], 1]
    parameters = sum((a + 1) * b for a, b in itertools.pairwise(widths))
    work = (settings["n"] + GRID * GRID) * parameters
    if work > WORK:
        raise SettingsError(
            f"Hidden sizes: {parameters} parameters on {settings['n']} points and the {GRID}x{GRID} picture "
            f"is {work:,} units of work a step, at most {WORK:,} here: use smaller layers or fewer points"
        )
    return settings


class Training:
    """An MLP 2-...-1 learning a toy data set: hinge loss + L2 * sum(p²), plain SGD.

    `nn.manual_seed(seed)` before the model is made, so a seed fixes both the points and the
    initial weights. Points added or moved between steps are used from the next step on.
    """

    def __init__(self, settings_json: str) -> None:
        self.settings = settings = check_settings(json.loads(settings_json))
        X, y = toy_data.make(settings["dataset"], settings["n"], settings["noise"], settings["seed"])
        self.X, self.y = [list(p) for p in X], list(y)
        xs, ys = [p[0] for p in self.X], [p[1] for p in self.X]
        self.box = [min(xs) - 0.5, max(xs) + 0.5, min(ys) - 0.5, max(ys) + 0.5]  # fixed for the run
        nn.manual_seed(settings["seed"])
        self.model = nn.MLP(2, [*settings["hidden"], 1], activation=settings["activation"])
        self.optimizer = nn.SGD(self.model.parameters(), lr=settings["lr"])
        self.losses: list[float] = []
        self.diverged = ""

    def step(self) -> str:
        """One step over every point: {"loss"} (before the update), or {"error"} once the loss is
        not finite (the run stops there: the learning rate is too large)."""
        if self.diverged:
            return dumps({"error": self.diverged})
        scores = [self.model(x) for x in self.X]
        loss = nn.hinge_loss(scores, self.y) + L2 * autodiff.sum([p * p for p in self.model.parameters()])
        self.optimizer.zero_grad()
        loss.backward()
        bad = [p.grad for p in self.model.parameters() if not math.isfinite(p.grad)]
        if not math.isfinite(loss.data) or bad:
            lr = self.settings["lr"]
            what = f"the loss became {number(loss.data)}" if not bad else f"a gradient became {number(bad[0])}"
            self.diverged = (
                f"The training diverged at step {len(self.losses) + 1}: {what}. "
                f"The learning rate {lr:g} is too large: try {lr / 100:g}"
            )
            return dumps({"error": self.diverged})
        self.optimizer.step()
        self.losses.append(loss.data)
        return dumps({"loss": loss.data, "step": len(self.losses)})

    def add_point(self, x: float, y: float, label: int) -> int:
        """A point of class `label` (+1 or -1) at (x, y); its index."""
        if label not in (1, -1) or not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"add_point: expected finite x, y and a label of 1 or -1, got {x}, {y}, {label}")
        parameters = len(self.model.parameters())
        if len(self.X) >= LIMITS["n"][1] or (len(self.X) + 1 + GRID * GRID) * parameters > WORK:
            raise ValueError(f"add_point: {len(self.X)} points are as many as this network can train on here")
        self.X.append([float(x), float(y)])
        self.y.append(float(label))
        return len(self.X) - 1

    def move_point(self, index: int, x: float, y: float) -> None:
        """Point `index` moved to (x, y)."""
        if not 0 <= index < len(self.X) or not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"move_point: no point {index} of {len(self.X)}, or a position not finite ({x}, {y})")
        self.X[index] = [float(x), float(y)]

    def picture(self, grid: int) -> str:
        """The points, the model's score on a grid x grid lattice of the box, each first-layer
        neuron's line (w·x + b = 0 as [w1, w2, b]), every layer's weights and gradients, the losses."""
        box = self.box
        lattice = [
            [box[0] + (box[1] - box[0]) * i / (grid - 1), box[3] - (box[3] - box[2]) * j / (grid - 1)]
            for j in range(grid)
            for i in range(grid)
        ]
        with autodiff.no_grad():
            scores = [number(self.model(p).data) for p in lattice]
        first = self.model.layers[0]
        lines = [[number(w.data) for w in n.w] + [number(n.b.data)] for n in first.neurons]
        layers = [
            {
                "weights": [[number(w.data) for w in [*n.w, n.b]] for n in layer.neurons],
                "grads": [[number(w.grad) for w in [*n.w, n.b]] for n in layer.neurons],
            }
            for layer in self.model.layers
        ]
        return dumps(
            {
                "points": self.X,
                "labels": self.y,
                "box": box,
                "scores": scores,
                "lines": lines,
                "layers": layers,
                "losses": [number(x) for x in self.losses],
            }
        )
