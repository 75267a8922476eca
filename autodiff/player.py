"""`draw_backward`: the backward pass as a step-through of one picture (the guide "Stepping
through backprop"). Graphviz lays the graph out once, every grad cell sized for the widest text
it will show; a frame changes only text, colours and highlights, so nothing moves and the cost is
linear in the graph. Graphviz and Pillow are imported only when a player is drawn.

`BackwardPlayer.data()` is everything a page needs, as plain JSON-ready data:

- `svg`: the picture. The box of the i-th Value of `topological_order(root)` has the class
  `ad-v{i}` (its grad is the box's last text); the box, its op and the op's edges have `ad-s{i}`.
- `nodes`: per id `v{i}`, the node's `name` (as captions name it) and `explain`, its gradient
  as the chain rule with the numbers.
- `frames`: per frame its `caption`, the `node` pushing (an id, or None for the seed) and
  `cells`, a list of `[id, text, state]`: frame 0 sets every grad cell, each later frame only the
  cells it changes (state "changed", or "wrong" where the naive order ends wrong).
- `order` ("topological" or "naive"), `selected` (an id or None), `legend` (plain words), and
  `dot`, the picture's DOT text (`data(render=False)` leaves `svg` None, for a page that renders
  the DOT itself, as the playground does with Graphviz in WebAssembly).

`player.js` (beside this file, self-contained, no network) plays it:
`AutodiffPlayer.mount(element, data)`; `player.html()` puts the three together.
"""

from __future__ import annotations

import io
import json
import pathlib
import uuid
from typing import Any

from .backward import topological_order
from .frames import _frames, _texts, _width
from .trace import ORDERS, Step, _refs, explanations, trace_backward
from .value import Value

FRAME_MS = 1500  # how long play() and the GIF show each frame
SAVE_FORMATS = (".html", ".gif")
SCRIPT = pathlib.Path(__file__).with_name("player.js")
LEGEND = (
    "Each box is a Value: its name, its data, its grad. The small ovals are the ops that made them. "
    "Red outline: the node pushing its gradient into its parents in this step (its op and arrows "
    "too). Red grad: changed in this step. An empty grad: not reached yet. Click a box: its "
    "gradient written out as the chain rule."
)
PILLOW_HINT = (
    "a GIF needs Pillow: pip install 'scalar-autodiff[plot]' (or pip install pillow); "
    ".save('backprop.html') needs nothing"
)


class BackwardPlayer:
    """The frames of one backward pass over one picture: a self-contained HTML player (inline
    SVG, a little JavaScript, no network), shown inline in a notebook.

    >>> from autodiff import Value
    >>> x = Value(3.0, label="x")
    >>> player = draw_backward((x * 2).tanh())
    >>> [f.highlight.op if f.highlight else "seed" for f in player.frames]
    ['seed', 'tanh', '*']
    >>> repr(player)[:59]
    '<BackwardPlayer: backward() of n3 in 3 frames over 4 Values'
    """

    def __init__(
        self, root: Value, steps: list[Step], options: dict[str, Any], order: str, select: Value | None
    ) -> None:
        self.root = root
        self.steps = steps
        self.order = order
        self.options = options
        self.selected = select
        self.names = _refs(root)  # as the captions write them
        self.frames = _frames(root, steps, order, self.names)
        right = trace_backward(root) if order == "naive" else steps
        self.explanations = explanations(root, right)

    def __repr__(self) -> str:
        what = "backward()" if self.order == "topological" else "the naive recursive backward"
        return (
            f"<BackwardPlayer: {what} of {self.names[self.root]} in {len(self.frames)} frames over "
            f'{len(self.names)} Values. In a notebook it plays inline; .save("backprop.html") for a '
            'browser, .save("backprop.gif") for an animation>'
        )

    def explain(self, v: Value) -> str:
        """`v`'s gradient as the chain rule over the nodes it feeds, with the numbers (what a
        click on its box shows).

        >>> from autodiff import Value
        >>> a = Value(2.0, label="a")
        >>> y = a * a; y.label = "y"
        >>> print(draw_backward(y).explain(a))
        a.grad = a.data * y.grad + a.data * y.grad = 2 * 1 + 2 * 1 = 4
        """
        if v not in self.explanations:
            raise ValueError(f"explain: {v!r} is not a node of this player's graph")
        return self.explanations[v]

    def picture(self) -> Any:
        """The one picture of every frame (a `graphviz.Digraph`): each grad cell holds the widest
        text it will show, so that the layout has room for all of them.

        >>> from autodiff import Value
        >>> x = Value(2.0, label="x")
        >>> "{x | data 2.0000 | grad 3.0000}" in draw_backward(x * 3).picture().source
        True
        """
        from .draw import _draw

        widest = {v: max(texts, key=_width) for v, texts in _texts(self.frames).items()}
        return self._draw(_draw, widest, {})

    def _draw(self, draw: Any, cells: dict[Value, str], sizes: dict[str, str], highlight: Value | None = None) -> Any:
        o = self.options

        def marks(i: int, box: bool) -> dict[str, str]:
            if not box:
                return {"class": f"ad-s{i}"}
            return {"class": f"ad-v{i} ad-s{i}", **({"width": sizes[f"v{i}"]} if f"v{i}" in sizes else {})}

        return draw(
            self.root, "svg", o["rankdir"], o["params"], o["clusters"], False, o["legend"], o["max_nodes"],
            cells, highlight, marks, "draw_backward",
        )  # fmt: skip

    def data(self, render: bool = True) -> dict[str, Any]:
        """Everything `player.js` needs (see the module's docstring), JSON-ready. `render=False`
        (where no `dot` program runs, as in Pyodide): `svg` is None and `dot` holds the picture's
        DOT text, for the page to render (Graphviz in WebAssembly) into `svg` before `mount`.

        >>> from autodiff import Value
        >>> data = draw_backward(Value(2.0, label="x") * 3).data()
        >>> data["nodes"]["v0"]["name"], data["frames"][1]["cells"]
        ('x', [['v0', 'grad 3.0000', 'changed']])
        >>> draw_backward(Value(2.0) * 3).data(render=False)["dot"].startswith("digraph")
        True
        """
        picture = self.picture()
        svg = picture.pipe(format="svg").decode("utf-8") if render else None
        ids = {v: f"v{i}" for i, v in enumerate(topological_order(self.root))}
        svg = svg[svg.index("<svg") :] if svg else None
        frames = []
        for k, frame in enumerate(self.frames):
            state = "" if k == 0 else "changed"
            cells = [[ids[v], text, "wrong" if v in frame.wrong else state] for v, text in frame.changes]
            node = None if frame.highlight is None else ids[frame.highlight]
            frames.append({"caption": frame.caption, "node": node, "cells": cells})
        note = "" if self.order == "topological" else "What backward() gives, in the topological order:\n"
        nodes = {ids[v]: {"name": self.names[v], "explain": note + self.explanations[v]} for v in ids}
        selected = None if self.selected is None else ids[self.selected]
        return {
            "svg": svg,
            "dot": picture.source,
            "nodes": nodes,
            "frames": frames,
            "order": self.order,
            "selected": selected,
            "legend": LEGEND,
        }

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, document: bool = False) -> str:
        """The player as an HTML fragment (for a notebook or a page), or a whole page with
        `document=True`.

        >>> from autodiff import Value
        >>> "AutodiffPlayer.mount" in draw_backward(Value(1.0) * 2).html()
        True
        """
        player_id = f"autodiff-player-{uuid.uuid4().hex[:12]}"
        data = json.dumps(self.data()).replace("</", "<\\/")  # stays inside <script>
        body = (
            f'<div id="{player_id}" class="ad-player" tabindex="0"></div>\n'
            f'<script type="application/json" id="{player_id}-data">{data}</script>\n'
            f"<script>{script()}</script>\n"
            f"<script>AutodiffPlayer.mount(document.getElementById({json.dumps(player_id)}), "
            f"JSON.parse(document.getElementById({json.dumps(player_id + '-data')}).textContent), "
            f"{{focus: {'true' if document else 'false'}}});</script>"
        )
        if not document:
            return body
        head = '<meta charset="utf-8"><title>backprop</title><link rel="icon" href="data:,">'  # no icon request
        return f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head>\n<body>{body}</body></html>\n'

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write the player: `.html` (the page) or `.gif` (an animated GIF, a frame per step).

        >>> import tempfile, pathlib
        >>> from autodiff import Value
        >>> out = draw_backward(Value(1.0) * 2).save(pathlib.Path(tempfile.mkdtemp()) / "b.html")
        >>> out.read_text().startswith("<!DOCTYPE html>")
        True
        """
        if not isinstance(path, (str, pathlib.PurePath)):
            raise TypeError(f"save: path must be a str or a path, got {type(path).__name__} ({path!r})")
        path = pathlib.Path(path)
        suffix = path.suffix.lower()
        if suffix == ".html":
            path.write_text(self.html(document=True), encoding="utf-8")
        elif suffix == ".gif":
            path.write_bytes(self.gif())
        else:
            raise ValueError(f"save: unknown file suffix {path.suffix!r} in {str(path)!r}; supported: .html, .gif")
        return path

    def pictures(self) -> list[Any]:
        """Each frame as a `graphviz.Digraph`, all of one layout (each box as wide as the widest
        text it shows in any frame): the GIF's frames.

        >>> from autodiff import Value
        >>> [p.source.count("current") for p in draw_backward(Value(2.0) * 3).pictures()]
        [0, 5]
        """
        from .draw import DotNotFoundError, _draw

        try:  # each box as wide as in the one layout; without `dot`, each frame's own widths
            layout = json.loads(self.picture().pipe(format="json"))
        except DotNotFoundError:
            layout = {}
        sizes = {o["name"]: o["width"] for o in layout.get("objects", []) if "width" in o}
        shown: dict[Value, str] = {}
        pictures = []
        for frame in self.frames:
            shown.update(frame.changes)
            pictures.append(self._draw(_draw, dict(shown), sizes, frame.highlight))
        return pictures

    def gif(self) -> bytes:
        """The frames as an animated GIF, each with its caption above the graph.

        >>> from autodiff import Value
        >>> draw_backward(Value(2.0) * 3).gif()[:6]
        b'GIF89a'
        """
        try:
            from PIL import Image, ImageDraw, ImageFont
        except ModuleNotFoundError as error:
            raise ModuleNotFoundError(f"draw_backward: {PILLOW_HINT}", name="PIL") from error

        images = [Image.open(io.BytesIO(p.pipe(format="png"))).convert("RGB") for p in self.pictures()]
        try:
            font: Any = ImageFont.load_default(size=14)
        except TypeError:  # Pillow before 10.1: the small bitmap font
            font = ImageFont.load_default()
        lines = max(f.caption.count("\n") + 1 for f in self.frames)
        top = 18 * lines + 12
        width = max(max(i.width for i in images), 8 * max(len(x) for f in self.frames for x in f.caption.split("\n")))
        height = max(i.height for i in images) + top
        canvases = []
        for frame, image in zip(self.frames, images):
            canvas = Image.new("RGB", (width, height), "white")
            ImageDraw.Draw(canvas).multiline_text((8, 6), frame.caption, fill="black", font=font, spacing=4)
            canvas.paste(image, (0, top))
            canvases.append(canvas)
        out = io.BytesIO()
        canvases[0].save(out, format="GIF", save_all=True, append_images=canvases[1:], duration=FRAME_MS, loop=0)
        return out.getvalue()


def script() -> str:
    """The player's JavaScript (`AutodiffPlayer.mount(element, data)`), to put in a page.

    >>> "AutodiffPlayer" in script()
    True
    """
    return SCRIPT.read_text(encoding="utf-8")


def draw_backward(
    root: Value,
    rankdir: str = "LR",
    *,
    order: str = "topological",
    select: Value | None = None,
    params: Any = None,
    clusters: bool = False,
    legend: bool = True,
    max_nodes: int | None = None,
) -> BackwardPlayer:
    """A step-through player of `root.backward()` on one picture: the seed, then one frame per
    step of `trace_backward(root)` (the grads as they stand, the node pushing highlighted, the
    chain rule as the caption). A click on a box (or `select=` a Value) writes its gradient out as
    the chain rule with the numbers. `order="naive"` plays the recursive backward without a
    topological sort instead, and ends on the gradients it gets wrong and why. `params`,
    `clusters`, `legend` and `max_nodes` are draw_dot's. No `.grad` is changed.

    >>> from autodiff import Value
    >>> o = (Value(2.0, label="x") * Value(0.5, label="w")).tanh()
    >>> o.label = "o"
    >>> player = draw_backward(o, legend=False)
    >>> print(player.frames[0].caption)
    o.grad = 1.0000: the seed, do/do = 1
    """
    from .draw import MAX_NODES, _check_options, _check_size

    max_nodes = MAX_NODES if max_nodes is None else max_nodes
    _check_options("draw_backward", root, "svg", rankdir, max_nodes)
    if order not in ORDERS:
        raise ValueError(f"draw_backward: order must be one of {', '.join(ORDERS)}, got {order!r}")
    _check_size(topological_order(root), max_nodes, "draw_backward")
    if select is not None and (not isinstance(select, Value) or select not in set(topological_order(root))):
        raise ValueError(f"draw_backward: select must be a Value of the graph of root, got {select!r}")
    options = {"rankdir": rankdir, "params": params, "clusters": clusters, "legend": legend, "max_nodes": max_nodes}
    return BackwardPlayer(root, trace_backward(root, order), options, order, select)
