"""Forward mode against reverse mode on one long chain: `autodiff.func.jvp` carries a tangent
beside each value and keeps nothing behind; `autodiff.func.grad` records every op to go back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .measure import peak_bytes
from .report import Section, Target, per_node, ratio

MODES = ["forward (func.jvp)", "reverse (func.grad)"]


def chain(n: int) -> Callable[[Any], Any]:
    """x <- x * 0.999 + 0.001, n ops in all, on a Value or a Dual alike."""

    def f(x: Any) -> Any:
        for _ in range(n // 2):
            x = x * 0.999 + 0.001
        return x

    return f


def memory(mode: str, n: int) -> list[dict[str, Any]]:
    """One timed run, then one traced run (tracing slows it): seconds and peak bytes."""
    from autodiff import func  # only in our engine's process

    f = chain(n)
    run = (lambda: func.jvp(f, (0.5,), (1.0,))) if mode == MODES[0] else (lambda: func.grad(f)(0.5))
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    return [{"seconds": seconds, "peak_bytes": peak_bytes(run)}]


def table(n: int, measure: Callable[[list[dict[str, Any]], int], list[dict[str, Any]]]) -> Section:
    results = measure([{"workload": "modes_memory", "mode": mode, "n": n} for mode in MODES], 1)
    forward, reverse = results
    rows = [
        [
            mode,
            f"{n:,}",
            per_node(r["seconds"], n),
            f"{r['peak_bytes'] / 1e6:.3f} MB",
            ratio(reverse["peak_bytes"], r["peak_bytes"]),
        ]
        for mode, r in zip(MODES, results)
    ]
    leaner = reverse["peak_bytes"] / forward["peak_bytes"]
    return Section(
        "modes",
        f"The derivative of x <- x * 0.999 + 0.001, N = {n:,} ops in all, by forward mode (one pass of dual "
        "numbers) and by reverse mode (the graph, then backward). Time per op: one run, untraced; peak memory "
        "over the whole derivative, by tracemalloc, in a second run. `vs reverse`: reverse mode's peak memory over "
        "this one's.",
        ["mode", "N", "time per op", "peak memory", "vs reverse"],
        rows,
        [
            Target(
                f"forward mode's peak memory far below reverse mode's at N = {n:,} (at least 1000x)",
                f"{forward['peak_bytes'] / 1e3:.1f} kB against {reverse['peak_bytes'] / 1e6:.1f} MB: "
                f"{ratio(reverse['peak_bytes'], forward['peak_bytes'])} less",
                leaner >= 1000,
            )
        ],
    )
