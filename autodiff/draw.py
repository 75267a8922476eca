"""Pictures of the computational graph with Graphviz: `draw_dot` and `save_graph` (the guide
"Pictures")."""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import graphviz

from ._numbers import _shown
from .backward import topological_order
from .draw_style import CLUSTER, HIGHLIGHT, KINDS, OP_NODE, _grad, _kind, _largest_grad, _legend, _style
from .trace import node_names
from .value import Value

MAX_NODES = 2000
RANKDIRS = ("LR", "RL", "TB", "BT")
SAVE_FORMATS = {".dot": "dot", ".pdf": "pdf", ".png": "png", ".svg": "svg"}
INSTALL_HINT = "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz` (macOS)"


class DotNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's `dot` program is missing: the graph cannot be rendered (its `.source` still works).
    A `RuntimeError`, as graphviz's own `ExecutableNotFound`.

    >>> error = DotNotFoundError()
    >>> isinstance(error, RuntimeError), "`dot`" in str(error), "install Graphviz" in str(error)
    (True, True, True)
    """

    def __init__(self, program: str = "dot") -> None:
        RuntimeError.__init__(
            self,
            f"Graphviz's `{program}` program was not found on PATH, so the graph cannot be rendered "
            f"(its DOT text, `.source`, needs no program); {INSTALL_HINT}",
        )


class Picture(graphviz.Digraph):
    """A `graphviz.Digraph` (inline SVG in a notebook) whose rendering names a missing `dot`, and
    whose repr says what it is and how to see it.

    >>> from autodiff import Value
    >>> picture = draw_dot(Value(2.0) * 3)
    >>> isinstance(picture, Picture), picture.source.startswith("digraph")
    (True, True)
    >>> repr(picture)[:51]
    '<Picture: the graph of n3, 3 Values and 1 op (svg).'
    """

    summary = "a graph"

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        with _program(self.engine):
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:
        with _program(self.engine):
            return super().render(*args, **kwargs)

    def __repr__(self) -> str:
        return (
            f"<Picture: {self.summary} ({self.format}). In a notebook it shows inline; .view() opens it; "
            '.render("graph") or autodiff.save_graph(root, "graph.svg") writes a file>'
        )


@contextlib.contextmanager
def _program(engine: str) -> Iterator[None]:
    if shutil.which(engine) is None:
        raise DotNotFoundError(engine)
    try:
        yield
    except graphviz.ExecutableNotFound as error:
        raise DotNotFoundError(engine) from error


def draw_dot(
    root: Value,
    format: str = "svg",  # noqa: A002 - graphviz's own name for it
    rankdir: str = "LR",
    *,
    params: Iterable[Value] | None = None,
    clusters: bool = False,
    color_by_grad: bool = False,
    legend: bool = True,
    max_nodes: int = MAX_NODES,
    grads: Mapping[Value, float | None] | None = None,
    highlight: Value | None = None,
) -> Picture:
    """The graph that made `root`, as a `graphviz.Digraph` (`.source` is its DOT text): one box per
    Value (its name, data and grad, as `repr` shows them), one small node per op. A Value without
    a label is named `n1`, `n2`, ... as `trace_backward`, `explain` and the player name it.

    `params`: the parameters (e.g. `model.parameters()`), to tell them from inputs.
    `clusters`: group Values by label, `L0.N3.w1` into the cluster `L0` > `L0.N3`.
    `color_by_grad`: fill by |grad|, one shade per decade; grey with a red border is zero.
    `max_nodes`: refuse a larger picture (ValueError) rather than keep `dot` busy for minutes.
    `grads` (the grad to show for each Value, blank for None) and `highlight` (a Value drawn in
    red with its op and edges): one moment of a backward pass.
    The i-th Value of `topological_order(root)` is the node `v{i}`, its op the node `v{i}_op`.

    >>> from autodiff import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> (c := a * b + b**2).backward()
    >>> graph = draw_dot(c, rankdir="TB", legend=False)
    >>> graph.format, "{b | data -3.0000 | grad -4.0000}" in graph.source, "{n1 | data -6.0000" in graph.source
    ('svg', True, True)
    """
    _check_options("draw_dot", root, format, rankdir, max_nodes)
    if grads is None:
        text = None
    else:
        shown = dict(grads)
        text = {v: "grad" if (g := shown.get(v)) is None else f"grad {_shown(g)}" for v in topological_order(root)}
    return _draw(root, format, rankdir, params, clusters, color_by_grad, legend, max_nodes, text, highlight)


def _check_options(where: str, root: Value, format: Any, rankdir: Any, max_nodes: Any) -> None:  # noqa: A002
    """Refuse a bad argument of `where` (draw_dot or draw_backward) at once, naming it."""
    if not isinstance(root, Value):
        raise TypeError(f"{where}: expected a Value, got {type(root).__name__} ({root!r})")
    if not isinstance(format, str):
        raise TypeError(
            f"{where}: format must be a str such as 'svg' or 'png', got {type(format).__name__} ({format!r})"
        )
    if format not in graphviz.FORMATS:
        raise ValueError(f"{where}: unknown format {format!r}; for example 'svg', 'png', 'pdf'")
    if not isinstance(rankdir, str):
        raise TypeError(
            f"{where}: rankdir must be a str, one of {', '.join(RANKDIRS)}, got {type(rankdir).__name__} ({rankdir!r})"
        )
    if rankdir not in RANKDIRS:
        raise ValueError(f"{where}: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool):
        raise TypeError(f"{where}: max_nodes must be an int, got {type(max_nodes).__name__} ({max_nodes!r})")
    if max_nodes < 1:
        raise ValueError(f"{where}: max_nodes must be at least 1, got {max_nodes}")


def _draw(
    root: Value,
    format: str,  # noqa: A002
    rankdir: str,
    params: Iterable[Value] | None,
    clusters: bool,
    color_by_grad: bool,
    legend: bool,
    max_nodes: int,
    grad_text: Mapping[Value, str] | None,
    highlight: Value | None,
    marks: Callable[[int, bool], dict[str, str]] | None = None,
    where_name: str = "draw_dot",
) -> Picture:
    # `grad_text`: the grad cell of each Value (default: its grad); `marks(i, is_box)`: extra
    # attributes (the player's classes) for the i-th Value's box, and for its op and edges.
    order = topological_order(root)
    _check_size(order, max_nodes, where_name)
    param_set = None if params is None else set(params)
    largest = _largest_grad(order) if color_by_grad else None
    ids = {v: f"v{i}" for i, v in enumerate(order)}
    names = node_names(root)
    graph = Picture(
        format=format,
        graph_attr={"rankdir": rankdir},
        node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled"},
    )
    ops = sum(1 for v in order if v.parents)
    graph.summary = (
        f"the graph of {names[root]}, {len(order)} Value{'s' * (len(order) != 1)} and {ops} op{'s' * (ops != 1)}"
    )
    boxes: dict[str, graphviz.Digraph] = {"": graph}
    where = _clusters(order) if clusters else dict.fromkeys(order, "")
    kinds = set()
    for i, v in enumerate(order):
        kind = _kind(v, param_set)
        kinds.add(kind)
        box = _box(boxes, where[v])
        cell = grad_text.get(v, "grad") if grad_text is not None else f"grad {_shown(_grad(v))}"
        lit = _joined(HIGHLIGHT if v is highlight else {}, marks(i, False) if marks else {})
        name = names[v].rpartition(".")[2] if v.label and where[v] else names[v]
        look = _joined(_style(v, kind, largest), HIGHLIGHT if v is highlight else {}, marks(i, True) if marks else {})
        box.node(ids[v], _record(v, kind, name, cell), **look)
        if v.parents:
            box.node(ids[v] + "_op", v.op, **{**OP_NODE, **lit})
    _nest(boxes)
    for i, v in enumerate(order):
        if v.parents:
            lit = _joined(HIGHLIGHT if v is highlight else {}, marks(i, False) if marks else {})
            for p in v.parents:
                graph.edge(ids[p], ids[v] + "_op", **lit)
            graph.edge(ids[v] + "_op", ids[v], **lit)
    if legend:
        graph.subgraph(_legend([k for k in KINDS if k in kinds], largest))
    return graph


def _joined(*attrs: Mapping[str, str]) -> dict[str, str]:
    # Later attributes win, but classes add up.
    out: dict[str, str] = {}
    for a in attrs:
        for key, value in a.items():
            out[key] = f"{out[key]} {value}" if key == "class" and key in out else value
    return out


def save_graph(root: Value, path: str | pathlib.Path, **options: Any) -> pathlib.Path:
    """Draw `root`'s graph into `path`, in the format its suffix names (.svg, .png, .pdf, or .dot,
    which needs no Graphviz program); `options` go to `draw_dot`.

    >>> import tempfile, pathlib
    >>> from autodiff import Value
    >>> out = save_graph(Value(1.0) * 2, pathlib.Path(tempfile.mkdtemp()) / "g.dot")
    >>> out.read_text().startswith("digraph")
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save_graph: path must be a str or a path, got {type(path).__name__} ({path!r})")
    path = pathlib.Path(path)
    fmt = SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"save_graph: unknown file suffix {path.suffix!r} in {str(path)!r}; supported: {', '.join(SAVE_FORMATS)}"
        )
    graph = draw_dot(root, **options)
    if fmt == "dot":
        path.write_text(graph.source, encoding="utf-8")
    else:
        path.write_bytes(graph.pipe(format=fmt))
    return path


def _check_size(order: list[Value], max_nodes: int, where: str) -> None:
    ops = sum(1 for v in order if v.parents)
    count = len(order) + ops
    if count > max_nodes:
        raise ValueError(
            f"{where}: the graph has {count} nodes ({len(order)} Values and {ops} ops), more than "
            f"max_nodes={max_nodes}: `dot` would take minutes on it. Draw a smaller part (one neuron's "
            f"output, the loss of one sample), or pass max_nodes={count} to draw it all; "
            f"clusters=True and color_by_grad=True keep a large graph readable."
        )


def _record(v: Value, kind: str, name: str, grad: str) -> str:
    fields = [_escape(name), f"data {_shown(v.data)}"]
    if kind != "constant":
        fields.append(_escape(grad))
    return "{" + " | ".join(fields) + "}"


def _escape(text: str) -> str:
    # Characters with a meaning inside a record label.
    for special in "\\{}|<>":
        text = text.replace(special, "\\" + special)
    return text


def _clusters(order: list[Value]) -> dict[Value, str]:
    # A Value without a label goes into the innermost cluster shared by the Values it feeds, so
    # that a neuron's unnamed steps stay inside it.
    where: dict[Value, str] = {}
    users: dict[Value, str] = {}
    for v in reversed(order):  # every Value after all the Values it feeds
        where[v] = v.label.rpartition(".")[0] if v.label else users.get(v, "")
        for p in v.parents:
            users[p] = _common(users[p], where[v]) if p in users else where[v]
    return where


def _common(a: str, b: str) -> str:
    shared = []
    for x, y in zip(a.split("."), b.split(".")):
        if x != y:
            break
        shared.append(x)
    return ".".join(shared)


def _box(boxes: dict[str, graphviz.Digraph], prefix: str) -> graphviz.Digraph:
    part = prefix
    while part not in boxes:
        boxes[part] = graphviz.Digraph(name=f"cluster_{part}", graph_attr={"label": part, **CLUSTER})
        part = part.rpartition(".")[0]
    return boxes[prefix]


def _nest(boxes: dict[str, graphviz.Digraph]) -> None:
    # Deepest first: subgraph() copies a cluster's body, so each must be complete when added.
    for prefix in sorted((p for p in boxes if p), key=lambda p: p.count("."), reverse=True):
        boxes[prefix.rpartition(".")[0]].subgraph(boxes[prefix])
