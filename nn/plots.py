"""Training plots: the loss curve and a 2-D decision boundary, saved as PNG files. matplotlib is
an optional extra (`pip install 'scalar-autodiff[plot]'`); it draws off-screen, touching no pyplot state.
"""

from __future__ import annotations

import numbers
import os
import pathlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autodiff import Value, constant, no_grad

from . import _checks as checks

BELOW, ABOVE = "#c6dbef", "#fdd0a2"  # the two sides of the boundary


def plot_loss(
    losses: Sequence[Any],
    path: str | os.PathLike[str] = "loss.png",
    *,
    title: str = "Training loss",
    log_scale: bool = False,
) -> pathlib.Path:
    """Save the loss per step (floats or Values) as a line plot; returns the file's path.
    `log_scale` puts the loss axis on a log scale (every loss must then be positive).

    >>> import tempfile, pathlib
    >>> plot_loss([1.0, 0.1], pathlib.Path(tempfile.mkdtemp()) / "loss.png", log_scale=True).name
    'loss.png'
    """
    ys = [_number("plot_loss", loss) for loss in checks.items("plot_loss", "a list of losses", losses)]
    if not ys:
        raise ValueError("plot_loss: needs at least one loss, got an empty sequence")
    path = checks.path("plot_loss", path)
    if log_scale and min(ys) <= 0:
        raise ValueError(f"plot_loss: log_scale needs positive losses, got {min(ys)!r}")
    fig = _figure()
    ax = fig.subplots()
    ax.plot(range(len(ys)), ys, marker="." if len(ys) < 50 else None)
    if log_scale:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="step", ylabel="loss")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_decision_boundary(
    model: Callable[[list[Value]], Any],
    points: Sequence[Sequence[float]],
    labels: Sequence[float],
    path: str | os.PathLike[str] = "decision_boundary.png",
    *,
    threshold: float = 0.0,
    resolution: int = 60,
    margin: float = 0.5,
    title: str = "Decision boundary",
) -> pathlib.Path:
    """Save where `model([x0, x1])` (a score) is above or below `threshold`, with the points
    coloured by their labels. The model is called under `no_grad()` on a `resolution` x
    `resolution` grid spanning the points plus `margin`.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "b.png"
    >>> plot_decision_boundary(lambda x: x[1] - x[0], [[0.0, 1.0], [1.0, 0.0]], [1, -1], path).name
    'b.png'
    """
    who = "plot_decision_boundary"
    if not callable(model):
        raise TypeError(f"{who}: model should be callable (a Module or a function), got {type(model).__name__}")
    xy = _points(points)
    colours = [_number(who, label) for label in checks.items(who, "labels as a list of numbers", labels)]
    if len(colours) != len(xy):
        raise ValueError(f"{who}: {len(xy)} points but {len(colours)} labels")
    threshold, margin = checks.number(who, "threshold", threshold), checks.non_negative(who, "margin", margin)
    resolution, path = checks.positive_int(who, "resolution", resolution), checks.path(who, path)
    xs, ys, scores = _score_grid(model, xy, resolution, margin)
    fig = _figure()
    ax = fig.subplots()
    ax.contourf(xs, ys, scores >= threshold, levels=[-0.5, 0.5, 1.5], colors=[BELOW, ABOVE])
    if scores.min() < threshold < scores.max():
        ax.contour(xs, ys, scores, levels=[threshold], colors="black", linewidths=1.5)
    ax.scatter(xy[:, 0], xy[:, 1], c=colours, cmap="coolwarm", edgecolors="black", linewidths=0.5, s=25)
    ax.set(title=title, xlabel="x0", ylabel="x1")
    return _save(fig, path)


def _score_grid(
    model: Callable[[list[Value]], Any], xy: np.ndarray, resolution: int, margin: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if resolution < 2:
        raise ValueError(f"plot_decision_boundary: resolution must be at least 2, got {resolution!r}")
    lo, hi = xy.min(axis=0) - margin, xy.max(axis=0) + margin
    xs, ys = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    with no_grad():
        scores = [
            _number("plot_decision_boundary: the model's score", model([constant(x), constant(y)]))
            for x, y in zip(xs.ravel(), ys.ravel())
        ]
    return xs, ys, np.array(scores).reshape(xs.shape)


def _points(points: Sequence[Sequence[float]]) -> np.ndarray:
    pairs = "a non-empty sequence of (x0, x1) pairs"
    rows = [
        checks.items("plot_decision_boundary", f"points as {pairs}", p)
        for p in checks.items("plot_decision_boundary", f"points as {pairs}", points)
    ]
    if len(rows) == 0 or any(len(p) != 2 for p in rows):
        raise ValueError(f"plot_decision_boundary: points must be {pairs}")
    return np.array([[_number("plot_decision_boundary", c) for c in p] for p in rows])


def _number(where: str, x: Any) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(f"{where}: expected a number or a Value, got {type(x).__name__} ({x!r})")


def _figure() -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError("nn.plots needs matplotlib: pip install 'scalar-autodiff[plot]'") from error
    fig = Figure(figsize=(6, 4.5), dpi=100)
    FigureCanvasAgg(fig)  # Agg: renders without a display
    return fig


def _save(fig: Any, path: str | os.PathLike[str]) -> pathlib.Path:
    path = pathlib.Path(path)
    fig.savefig(path)
    return path


def plot_attention(
    weights: Sequence[Sequence[Sequence[float]]],
    tokens: Sequence[str],
    path: str | os.PathLike[str] = "attention.png",
    *,
    title: str = "Attention weights",
) -> pathlib.Path:
    """Save one heatmap per head: row t is what position t attends to (`KVCache.weights`, taken
    head by head: `weights[head][t]` holds t + 1 weights); `tokens` label the axes.

    >>> import tempfile, pathlib
    >>> plot_attention([[[1.0], [0.3, 0.7]]], [".", "a"], pathlib.Path(tempfile.mkdtemp()) / "a.png").name
    'a.png'
    """
    heads = [checks.items("plot_attention", "a list of rows of weights per head", head) for head in weights]
    labels = checks.items("plot_attention", "a list of token labels", tokens)
    if not heads or any(len(rows) != len(labels) or any(len(r) != t + 1 for t, r in enumerate(rows)) for rows in heads):
        raise ValueError(f"plot_attention: expected per head {len(labels)} rows of 1, 2, ... weights, one per token")
    path = checks.path("plot_attention", path)
    fig = _figure()
    fig.set_size_inches(3.2 * len(heads), 4.0)
    n = len(labels)
    for h, (ax, rows) in enumerate(zip(np.atleast_1d(fig.subplots(1, len(heads))), heads)):
        grid = np.full((n, n), np.nan)  # above the diagonal: the future, never attended to
        for t, row in enumerate(rows):
            grid[t, : t + 1] = [_number("plot_attention", w) for w in row]
        ax.imshow(grid, cmap="Blues", vmin=0.0, vmax=1.0)
        ax.set(title=f"head {h}", xticks=range(n), yticks=range(n), xlabel="key", ylabel="query" if h == 0 else "")
        ax.set_xticklabels(labels)
        ax.set_yticklabels(labels)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)
