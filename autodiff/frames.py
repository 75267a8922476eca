"""The frames of the backward player (`player.py`): per step, the caption and the grad cells that
change; for the naive order, a last frame with the gradients it gets wrong and why."""

from __future__ import annotations

from dataclasses import dataclass

from ._numbers import _shown
from .backward import topological_order
from .trace import Step, trace_backward
from .value import Value


@dataclass(frozen=True)
class Frame:
    """One frame of the player: its caption, the node pushing its gradient (None for the seed),
    and the grad cells that change, as (Value, text) pairs (the seed's: every grad cell).

    >>> from autodiff import Value, draw_backward
    >>> x = Value(2.0, label="x")
    >>> seed, step = draw_backward(x * 3).frames
    >>> dict(seed.changes)[x], dict(step.changes)[x], step.highlight.op
    ('grad', 'grad 3.0000', '*')
    """

    caption: str
    highlight: Value | None
    changes: tuple[tuple[Value, str], ...]
    wrong: frozenset[Value] = frozenset()


def _frames(root: Value, steps: list[Step], order: str, names: dict[Value, str]) -> list[Frame]:
    nodes = [v for v in topological_order(root) if v.requires_grad]
    name = names[root]
    start = tuple((v, "grad" if v is not root else f"grad {_shown(1.0)}") for v in nodes)
    frames = [Frame(f"{name}.grad = {_shown(1.0)}: the seed, d{name}/d{name} = 1", None, start)]
    for i, step in enumerate(steps, 1):
        changes = {push.parent: f"grad {_shown(push.total)}" for push in step.pushes}
        caption = str(step) if order == "topological" else f"step {i}, {step.name} pushes {_shown(step.grad)}:\n{step}"
        frames.append(Frame(caption, step.node, tuple(changes.items())))
    if order == "naive":
        frames.append(_verdict(root, steps, names))
    return frames


def _verdict(root: Value, steps: list[Step], names: dict[Value, str]) -> Frame:
    # The naive order's totals against backward()'s, and the pushes that made them differ.
    right: dict[Value, float] = {root: 1.0}
    for step in trace_backward(root):
        right.update((p.parent, p.total) for p in step.pushes)
    got: dict[Value, float] = {root: 1.0}
    visits: dict[Value, list[tuple[int, float]]] = {}
    for i, step in enumerate(steps, 1):
        got.update((p.parent, p.total) for p in step.pushes)
        visits.setdefault(step.node, []).append((i, step.grad))
    wrong = [v for v in right if _shown(got.get(v, 0.0)) != _shown(right[v])]
    if not wrong:
        return Frame("The naive order got every gradient right here: no node is shared.", None, ())
    lines = ["Wrong: " + ", ".join(f"{names[v]}.grad = {_shown(got[v])} (right: {_shown(right[v])})" for v in wrong)]
    for v, seen in visits.items():
        early = [f"step {i} with {_shown(g)}" for i, g in seen if _shown(g) != _shown(right[v])]
        if early:
            lines.append(
                f"Why: {names[v]} pushed ({', '.join(early)}) before every node it feeds had pushed into it: "
                f"its gradient is {_shown(right[v])} only then."
            )
        if len(seen) > 1:
            at = ", ".join(str(i) for i, _ in seen)
            lines.append(
                f"Why: {names[v]} pushed {len(seen)} times (steps {at}): "
                f"its parents got its share {len(seen)} times over."
            )
    lines.append("The topological order pushes each node once, after every node it feeds has pushed into it.")
    changes = tuple((v, f"grad {_shown(got[v])} (right: {_shown(right[v])})") for v in wrong)
    return Frame("\n".join(lines), None, changes, frozenset(wrong))


def _texts(frames: list[Frame]) -> dict[Value, list[str]]:
    texts: dict[Value, list[str]] = {}
    for frame in frames:
        for v, text in frame.changes:
            texts.setdefault(v, []).append(text)
    return texts


# Helvetica's advance widths (in 1/1000 em) of the characters a grad cell shows.
_WIDTHS = {".": 278, "-": 333, " ": 278, "(": 333, ")": 333, ":": 278, "r": 333, "i": 222, "t": 278}


def _width(text: str) -> int:
    return sum(_WIDTHS.get(c, 556) for c in text)
