"""`draw_backward`: the backward pass as a step-through of the graph, one frame per step (the
guide "Stepping through backprop"). Graphviz and Pillow are imported only when a player is drawn.
"""

from __future__ import annotations

import io
import json
import pathlib
import uuid
from dataclasses import dataclass
from typing import Any

from ._numbers import _shown
from .backward import topological_order
from .trace import Step, trace_backward
from .value import Value

FRAME_MS = 1500  # how long play() and the GIF show each frame
SAVE_FORMATS = (".html", ".gif")


@dataclass(frozen=True)
class Frame:
    """One picture of the player: its caption, the grad shown for each Value (None: not yet
    reached) and the node being processed (None for the seed).

    >>> from autodiff import Value
    >>> x = Value(2.0, label="x")
    >>> seed, step = draw_backward(x * 3).frames
    >>> seed.grads[x], step.grads[x], step.highlight.op
    (None, 3.0, '*')
    """

    caption: str
    grads: dict[Value, float | None]
    highlight: Value | None


class BackwardPlayer:
    """The frames of one backward pass: one self-contained HTML document (inline SVG, a little
    JavaScript, no network), shown inline in a notebook.

    >>> from autodiff import Value
    >>> x = Value(3.0, label="x")
    >>> player = draw_backward((x * 2).tanh())
    >>> [f.highlight.op if f.highlight else "seed" for f in player.frames]
    ['seed', 'tanh', '*']
    """

    def __init__(self, root: Value, steps: list[Step], options: dict[str, Any]) -> None:
        self.root = root
        self.steps = steps
        self.options = options
        self.frames = _frames(root, steps)

    def pictures(self) -> list[Any]:
        """Each frame as a `graphviz.Digraph` (draw_dot's picture of that moment).

        >>> from autodiff import Value
        >>> [p.source.count("class=current") for p in draw_backward(Value(2.0) * 3).pictures()]
        [0, 5]
        """
        from .draw import draw_dot

        return [draw_dot(self.root, grads=f.grads, highlight=f.highlight, **self.options) for f in self.frames]

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, document: bool = False) -> str:
        """The player as an HTML fragment (for a notebook), or a whole page with `document=True`.

        >>> from autodiff import Value
        >>> "<svg" in draw_backward(Value(1.0) * 2).html()
        True
        """
        svgs = [picture.pipe(format="svg").decode("utf-8") for picture in self.pictures()]
        player_id = f"autodiff-player-{uuid.uuid4().hex[:12]}"
        frames = "".join(f'<div class="ad-frame" hidden>{svg[svg.index("<svg") :]}</div>' for svg in svgs)
        captions = json.dumps([f.caption for f in self.frames]).replace("</", "<\\/")  # stays inside <script>
        body = (
            TEMPLATE.replace("PLAYER_ID", player_id)
            .replace("LAST_FRAME", str(len(svgs) - 1))
            .replace("FRAME_MS", str(FRAME_MS))
            .replace("CAPTIONS", captions)
            .replace("FRAMES", frames)  # last: nothing is replaced inside the pictures
        )
        if not document:
            return body
        head = '<meta charset="utf-8"><title>backprop</title>'
        return f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head>\n<body>{body}</body></html>\n'

    def save(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write the player: `.html` (the page) or `.gif` (an animated GIF, a frame per step).

        >>> import tempfile, pathlib
        >>> from autodiff import Value
        >>> out = draw_backward(Value(1.0) * 2).save(pathlib.Path(tempfile.mkdtemp()) / "b.html")
        >>> out.read_text().startswith("<!DOCTYPE html>")
        True
        """
        path = pathlib.Path(path)
        suffix = path.suffix.lower()
        if suffix == ".html":
            path.write_text(self.html(document=True), encoding="utf-8")
        elif suffix == ".gif":
            path.write_bytes(self.gif())
        else:
            raise ValueError(f"save: unknown file suffix {path.suffix!r} in {str(path)!r}; supported: .html, .gif")
        return path

    def gif(self) -> bytes:
        """The frames as an animated GIF, each with its caption above the graph.

        >>> from autodiff import Value
        >>> draw_backward(Value(2.0) * 3).gif()[:6]
        b'GIF89a'
        """
        from PIL import Image

        images = []
        for frame, picture in zip(self.frames, self.pictures()):
            picture.attr(label=frame.caption.replace("\\", "\\\\").replace("\n", "\\l") + "\\l", labelloc="t")
            images.append(Image.open(io.BytesIO(picture.pipe(format="png"))).convert("RGB"))
        width, height = max(i.width for i in images), max(i.height for i in images)
        canvases = []
        for image in images:  # dot sizes each frame to its text: pad them to one size
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(image, (0, 0))
            canvases.append(canvas)
        out = io.BytesIO()
        canvases[0].save(out, format="GIF", save_all=True, append_images=canvases[1:], duration=FRAME_MS, loop=0)
        return out.getvalue()


def draw_backward(root: Value, rankdir: str = "LR", **options: Any) -> BackwardPlayer:
    """A step-through player of `root.backward()`: the seed, then one frame per step of
    `trace_backward(root)`, drawn by `draw_dot` (the grads as they stand, the node being
    processed highlighted, the chain rule as the caption). `options` go to `draw_dot` (params,
    clusters, legend, max_nodes). No `.grad` is changed.

    >>> from autodiff import Value
    >>> o = (Value(2.0, label="x") * Value(0.5, label="w")).tanh()
    >>> o.label = "o"
    >>> player = draw_backward(o, legend=False)
    >>> print(player.frames[0].caption)
    o.grad = 1.0000: the seed, do/do = 1
    """
    from .draw import draw_dot

    options = {"rankdir": rankdir, **options}
    draw_dot(root, **options)  # the picture's checks (type, size limit) before any tracing
    return BackwardPlayer(root, trace_backward(root), options)


def _frames(root: Value, steps: list[Step]) -> list[Frame]:
    shown: dict[Value, float | None] = dict.fromkeys(topological_order(root))
    shown[root] = 1.0
    name = steps[0].name if steps else root.label or "root"
    frames = [Frame(f"{name}.grad = {_shown(1.0)}: the seed, d{name}/d{name} = 1", dict(shown), None)]
    for step in steps:
        for push in step.pushes:
            shown[push.parent] = push.total
        frames.append(Frame(str(step), dict(shown), step.node))
    return frames


TEMPLATE = """<div id="PLAYER_ID" class="ad-player" tabindex="0" style="font-family: sans-serif; outline: none">
<div class="ad-controls">
<button type="button" data-action="first" title="first (Home)">&#x23EE; first</button>
<button type="button" data-action="back" title="back (&#x2190;)">&#x25C0; back</button>
<button type="button" data-action="play" title="play">play</button>
<button type="button" data-action="next" title="next (&#x2192;)">next &#x25B6;</button>
<button type="button" data-action="last" title="last (End)">last &#x23ED;</button>
<input type="range" class="ad-slider" min="0" max="LAST_FRAME" value="0" aria-label="step">
<span class="ad-counter"></span>
</div>
<pre class="ad-caption" style="margin: 0.5em 0; white-space: pre-wrap"></pre>
<div class="ad-frames">FRAMES</div>
<script type="application/json" class="ad-captions">CAPTIONS</script>
<script>
(function () {
  const player = document.getElementById("PLAYER_ID");
  const frames = player.querySelectorAll(".ad-frame");
  const captions = JSON.parse(player.querySelector(".ad-captions").textContent);
  const slider = player.querySelector(".ad-slider");
  const playButton = player.querySelector('[data-action="play"]');
  const last = frames.length - 1;
  let at = 0;
  let timer = null;
  function show(i) {
    at = Math.max(0, Math.min(last, i));
    frames.forEach(function (f, k) { f.hidden = k !== at; });
    slider.value = String(at);
    player.querySelector(".ad-caption").textContent = captions[at];
    player.querySelector(".ad-counter").textContent = "step " + at + " of " + last;
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.textContent = "play";
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (at === last) { show(0); }
    playButton.textContent = "pause";
    timer = setInterval(function () { if (at >= last) { stop(); } else { show(at + 1); } }, FRAME_MS);
  }
  const actions = {
    first: function () { show(0); }, back: function () { show(at - 1); },
    next: function () { show(at + 1); }, last: function () { show(last); }
  };
  player.querySelectorAll("button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.action === "play") { play(); } else { stop(); actions[button.dataset.action](); }
    });
  });
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  const keys = {ArrowRight: "next", ArrowLeft: "back", Home: "first", End: "last"};
  player.addEventListener("keydown", function (event) {
    if (keys[event.key] === undefined) { return; }
    event.preventDefault();
    stop();
    actions[keys[event.key]]();
  });
  show(0);
  if (document.body.children.length === 1) { player.focus(); }
})();
</script>
</div>"""
