"""Forward mode or reverse mode: `jacfwd` against `jacrev` for a function R^n -> R^m.

`jacfwd` runs f once per input (n passes of dual numbers); `jacrev` runs f once and goes back
once per output (m backward passes). Reverse mode wins for many inputs and one output (a loss
of many weights), forward mode for one input and many outputs; for a square Jacobian the cost
of one pass decides (here a backward sweep on floats is cheaper than a pass of dual numbers,
which also works out each op's partials for its constant inputs). The function: a tanh MLP
n -> 16 -> 16 -> m with fixed random weights. Both Jacobians must agree; the time each takes
is printed and plotted (`out/modes.png`).
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import autodiff as ad
from autodiff import func
from demos.report import Check, main, out_path

EX = "modes"
HIDDEN = 16
SHAPES = {False: [(1, 200), (200, 1), (40, 40)], True: [(1, 40), (40, 1), (12, 12)]}


def mlp(n: int, m: int) -> Callable[[list[Any]], list[Any]]:
    """f(x) for x a list of n numbers: m outputs of a tanh MLP n -> 16 -> 16 -> m."""
    rng = random.Random(n * 1000 + m)
    sizes = [n, HIDDEN, HIDDEN, m]
    layers = [[[rng.uniform(-1, 1) for _ in range(a)] for _ in range(b)] for a, b in itertools.pairwise(sizes)]

    def f(x: list[Any]) -> list[Any]:
        for depth, layer in enumerate(layers):
            x = [ad.dot(w, x) for w in layer]
            x = [z.tanh() for z in x] if depth < len(layers) - 1 else x
        return x

    return f


def timed(transform: Callable[..., Any], f: Callable[..., Any], x: list[float]) -> tuple[list[list[float]], float, int]:
    """The Jacobian, the seconds it took, and how many times f ran."""
    calls = []

    def counted(v: list[Any]) -> list[Any]:
        calls.append(1)
        return f(v)

    start = time.perf_counter()
    jacobian = transform(counted)(x)
    return jacobian, time.perf_counter() - start, len(calls)


def plot(results: list[tuple[int, int, float, float]], path: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.5, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    at = range(len(results))
    ax.bar([i - 0.2 for i in at], [r[2] for r in results], 0.4, label="jacfwd (n forward passes)")
    ax.bar([i + 0.2 for i in at], [r[3] for r in results], 0.4, label="jacrev (m backward passes)")
    ax.set_xticks(list(at), [f"n = {n}, m = {m}" for n, m, _, _ in results])
    ax.set_yscale("log")
    ax.set_ylabel("seconds for the whole Jacobian")
    ax.set_title("Forward or reverse mode: R^n -> R^m")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def run(fast: bool = False) -> list[Check]:
    checks, results = [], []
    print(f"{'shape':<18} {'jacfwd':>10} {'jacrev':>10}  winner")
    for n, m in SHAPES[fast]:
        f = mlp(n, m)
        x = [random.Random(n).uniform(-1, 1) for _ in range(n)]
        forward, t_forward, forward_calls = timed(func.jacfwd, f, x)
        reverse, t_reverse, reverse_calls = timed(func.jacrev, f, x)
        gap = max(abs(a - b) for row_f, row_r in zip(forward, reverse) for a, b in zip(row_f, row_r))
        winner = "jacfwd" if t_forward < t_reverse else "jacrev"
        by = max(t_forward, t_reverse) / min(t_forward, t_reverse)
        print(f"n = {n:>3}, m = {m:>3}  {t_forward:>9.4f}s {t_reverse:>9.4f}s  {winner}, {by:.1f}x faster")
        shape = f"n={n}, m={m}"
        checks += [
            Check(EX, f"{shape}: jacfwd - jacrev", 0.0, gap, 1e-12),
            Check(EX, f"{shape}: passes of f, jacfwd", float(n), float(forward_calls)),
            Check(EX, f"{shape}: passes of f, jacrev", 1.0, float(reverse_calls)),
        ]
        results.append((n, m, t_forward, t_reverse))
    path = out_path("modes.png")
    plot(results, path)
    print(f"picture: {path}")
    return checks


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
