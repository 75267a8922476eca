"""The playground's Python side: what the page asks the engine, answered as JSON text.

This file runs unchanged in the browser (Pyodide, with our wheel installed) and in CPython (the
tests). Every number comes from `autodiff` and `nn`; the page only draws them. A number that is
not finite travels as the text "inf", "-inf" or "nan" (JSON has no word for them).
"""

from __future__ import annotations

import json
import keyword
import math
import unicodedata
from typing import Any

from formulas import local_derivatives

import autodiff
from autodiff.backward import topological_order
from autodiff.expression import MAX_LENGTH, evaluate
from autodiff.trace import node_names

NEURON_INPUTS = ("x1", "x2", "w1", "w2", "b")
# Graphviz's time grows with the edges' lengths: a leaf that feeds a long chain pulls an edge
# across every rank. Beyond this many nodes plus ranks crossed (at most about 0.8 s of layout in
# Chromium here), the page shows the numbers and the node count instead of a picture.
MAX_DRAWN = 600


def number(x: float) -> float | str:
    """`x` for JSON: itself if finite, else "inf", "-inf" or "nan".

    >>> number(1.5), number(float("-inf")), number(float("nan"))
    (1.5, '-inf', 'nan')
    """
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def dumps(answer: dict[str, Any]) -> str:
    """JSON that `JSON.parse` reads: a stray non-finite float is a bug here, not on the page."""
    return json.dumps(answer, allow_nan=False)


def _error(error: Exception, where: str) -> str:
    return dumps({"error": f"{type(error).__name__}: {error}", "where": where})


def parse_inputs(text: str) -> dict[str, autodiff.Value]:
    """Lines `name = number` as labelled Values (a ValueError names a bad line and its column).

    A name is read as Python reads it in the expression (NFKC: a fullwidth `ｘ` is `x`).

    >>> list(parse_inputs("ｘ1 = 2\\n y = -1e3"))
    ['x1', 'y']
    """
    if len(text) > MAX_LENGTH:
        raise ValueError(
            f"inputs, line 1, column {MAX_LENGTH + 1}: the inputs are {len(text)} characters, at most {MAX_LENGTH}"
        )
    inputs: dict[str, autodiff.Value] = {}
    for number_, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"inputs, line {number_}"
        raw, equals, value = line.partition("=")
        name = unicodedata.normalize("NFKC", raw.strip())
        name_column = len(raw) - len(raw.lstrip()) + 1
        if not equals:
            raise ValueError(f"{where}, column {len(line) + 1}: expected `name = number`, got {line.strip()!r}")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"{where}, column {name_column}: {raw.strip()!r} is not a name (letters, digits, _)")
        if name in inputs:
            raise ValueError(f"{where}, column {name_column}: {name!r} is given twice")
        value_column = len(raw) + 2 + len(value) - len(value.lstrip())
        try:
            inputs[name] = autodiff.Value(float(value), label=name)
        except ValueError:
            raise ValueError(f"{where}, column {value_column}: {value.strip()!r} is not a number") from None
    return inputs


def drawing_cost(order: list[autodiff.Value]) -> int:
    """Nodes (Values and ops) plus the ranks each edge crosses, with each node one rank after
    its latest input: what makes Graphviz slow.

    >>> a = autodiff.Value(1.0)
    >>> drawing_cost(topological_order(a + a + a))  # a, 2 sums, 2 ops; a crosses 2 ranks to the 2nd op
    7
    """
    rank: dict[autodiff.Value, int] = {}
    cost = 0
    for v in order:
        if not v.parents:
            rank[v] = 0
            cost += 1
            continue
        op_rank = 1 + max(rank[p] for p in v.parents)
        rank[v] = op_rank + 1
        cost += 2 + sum(op_rank - rank[p] - 1 for p in v.parents)
    return cost


def _graph(root: autodiff.Value, inputs: dict[str, autodiff.Value]) -> dict[str, Any]:
    """The value, each input's grad, and the backward player's data (`BackwardPlayer.data`): the
    frames, and the one picture's DOT text in `dot` (left out when too large to draw).
    `local`: each computed node's local derivatives with the numbers, by box id `v{i}`.
    """
    order = topological_order(root)
    ops = sum(1 for v in order if v.parents)
    answer: dict[str, Any] = {"value": number(root.data), "nodes": len(order) + ops}
    if not root.requires_grad:
        answer.update(grads={}, note="the result involves no input: there is nothing to differentiate")
        return answer
    player = autodiff.draw_backward(root, legend=False, max_nodes=answer["nodes"])
    answer["player"] = player.data(render=False)  # the page renders its `dot` into `svg`, once
    dot = answer["player"].pop("dot")
    root.backward()
    answer["grads"] = {name: number(v.grad) for name, v in inputs.items()}
    cost = drawing_cost(order)
    if cost > MAX_DRAWN:
        answer["undrawn"] = f"the graph has {answer['nodes']} nodes: too large to draw here (cost {cost} > {MAX_DRAWN})"
        return answer
    answer["dot"] = dot
    names = node_names(root)
    answer["local"] = {f"v{i}": local_derivatives(v, names) for i, v in enumerate(order) if v.parents}
    return answer


def expression(inputs_text: str, text: str) -> str:
    """The expression box: `text` on the inputs of `inputs_text`, or the engine's error message."""
    try:
        inputs = parse_inputs(inputs_text)
    except ValueError as error:
        return _error(error, "inputs")
    try:
        root = evaluate(text, inputs)
    except (ValueError, TypeError, ArithmeticError) as error:  # the engine's own errors
        return _error(error, "expression")
    if not root.label:
        root.label = "out"
    try:
        return dumps(_graph(root, inputs))
    finally:
        _free(root)


def _free(root: autodiff.Value) -> None:
    """Unlink the graph node by node: freeing a chain of a thousand nodes at once recurses in C,
    and the browser's stack is smaller than Python's own limit assumes."""
    for v in topological_order(root):
        v.parents = ()


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
    try:
        return dumps(_graph(o, inputs))
    finally:
        _free(o)
