"""How the pictures look (for `draw.py`): each kind of Value's shape and colour, the op nodes,
the shades of |grad|, the legend."""

from __future__ import annotations

import math
import numbers

import graphviz

from .value import Value, _data

# Each kind of Value: its node attributes and its legend text. Shape and border tell the
# kinds apart on their own, so the fill is free to show gradients (color_by_grad).
KINDS: dict[str, tuple[dict[str, str], str]] = {
    "parameter": (
        {"shape": "record", "penwidth": "2.5", "fillcolor": "#c7e9c0"},
        "parameter: a weight the model learns",
    ),
    "input": ({"shape": "Mrecord", "fillcolor": "#c6dbef"}, "input: gets a gradient, not a parameter"),
    "leaf": ({"shape": "Mrecord", "fillcolor": "#fdd0a2"}, "leaf: a number you made, gets a gradient"),
    "constant": ({"shape": "record", "style": "filled,dashed", "fillcolor": "#f0f0f0"}, "constant: gets no gradient"),
    "computed": ({"shape": "record", "fillcolor": "white"}, "result of an op"),
}
OP_LEGEND = "op: makes the box its arrow points to"
OP_NODE = {"shape": "ellipse", "fillcolor": "#eeeeee", "fontsize": "9", "margin": "0.03,0.02"}
CLUSTER = {"style": "rounded", "color": "#888888", "fontname": "Helvetica", "fontsize": "10"}

# Gradient colours: one step per decade of |grad| below the graph's largest, pale to dark.
GRAD_LEVELS = 9
GRAD_STOPS = ((255, 247, 188), (254, 153, 41), (153, 0, 13))
HIGHLIGHT = {"color": "#d62728", "penwidth": "3", "class": "current"}  # the player's current step
DEAD = {"fillcolor": "#bdbdbd", "color": "#d62728", "fontcolor": "#444444"}  # grad exactly zero


def _kind(v: Value, params: set[Value] | None) -> str:
    if v.parents:
        return "computed"
    if not v.requires_grad:
        return "constant"
    if params is None:
        return "leaf"
    return "parameter" if v in params else "input"


def _grad(v: Value) -> float:
    # After backward(create_graph=True) a grad is itself a Value; anything but a number
    # (None, put there by hand) is shown as nan rather than stop the picture.
    g = _data(v.grad)
    return float(g) if isinstance(g, numbers.Real) else math.nan


def _style(v: Value, kind: str, largest: float | None) -> dict[str, str]:
    attrs = dict(KINDS[kind][0])
    if largest is not None and kind != "constant":
        attrs.update(_grad_fill(_grad(v), largest))
    return attrs


def _largest_grad(order: list[Value]) -> float:
    return max((abs(_grad(v)) for v in order if v.requires_grad and math.isfinite(_grad(v))), default=0.0)


def _grad_fill(g: float, largest: float) -> dict[str, str]:
    if g == 0:
        return DEAD
    if not math.isfinite(g):
        level = GRAD_LEVELS - 1
    else:
        decades = math.log10(largest) - math.log10(abs(g))
        level = max(0, GRAD_LEVELS - 1 - math.floor(decades))
    return {"fillcolor": _shade(level), "fontcolor": "white" if level >= 6 else "black"}


def _shade(level: int) -> str:
    t = level / (GRAD_LEVELS - 1) * (len(GRAD_STOPS) - 1)
    i = min(int(t), len(GRAD_STOPS) - 2)
    lo, hi = GRAD_STOPS[i], GRAD_STOPS[i + 1]
    return "#" + "".join(f"{round(a + (b - a) * (t - i)):02x}" for a, b in zip(lo, hi))


def _legend(kinds: list[str], largest: float | None) -> graphviz.Digraph:
    legend = graphviz.Digraph(name="cluster_legend", graph_attr={"label": "legend", **CLUSTER})
    for kind in kinds:
        attrs, text = KINDS[kind]
        rounded = ",rounded" if attrs["shape"] == "Mrecord" else ""
        look = {**attrs, "shape": "box", "style": attrs.get("style", "filled") + rounded}
        legend.node(f"legend_{kind}", text, **look)
    legend.node("legend_op", OP_LEGEND, **OP_NODE)
    if largest is not None:
        legend.node("legend_grad", _grad_scale(largest), shape="plaintext", style="")
    return legend


def _decade(k: int) -> str:
    # The palest shade also holds everything smaller.
    return "1" if k == 0 else f"1e-{k}" if k < GRAD_LEVELS - 1 else f"≤1e-{k}"


def _grad_scale(largest: float) -> str:
    cells = "".join(
        f'<td bgcolor="{_shade(level)}">{_decade(GRAD_LEVELS - 1 - level)}</td>'
        for level in reversed(range(GRAD_LEVELS))
    )
    dead = f'<td bgcolor="{DEAD["fillcolor"]}" color="{DEAD["color"]}">0: dead</td>'
    title = f"|grad| / largest |grad| ({largest:.4g}), one shade per factor 10"
    return (
        f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
        f'<tr><td colspan="{GRAD_LEVELS + 1}">{title}</td></tr><tr>{cells}{dead}</tr></table>>'
    )
