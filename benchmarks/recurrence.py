"""The `checkpoint` table: a long recurrence x <- tanh(w * x + u), plain against checkpointed.

One shared w and u, as the weights of an RNN-like update: the plain graph keeps three nodes a
step; `autodiff.checkpoint` keeps one node a segment and rebuilds each segment in backward.
"""

from __future__ import annotations

import time
from typing import Any

from .report import Section, Target, ratio, seconds

START = {"w": 0.9, "u": 0.1, "x": 0.3}


def run(steps: int, segments: int, checkpointed: bool) -> dict[str, Any]:
    """Build the recurrence (in `segments` calls of steps // segments steps), then backward."""
    from autodiff import Value, checkpoint  # in the worker's process only

    w, u, x0 = (Value(START[k], label=k) for k in ("w", "u", "x"))
    per_segment = steps // segments

    def segment(x: Any) -> Any:
        for _ in range(per_segment):
            x = (w * x + u).tanh()
        return x

    start = time.perf_counter()
    x = x0
    for _ in range(segments):
        x = checkpoint(segment, x) if checkpointed else segment(x)
    built = time.perf_counter()
    x.backward()
    done = time.perf_counter()
    return {"forward": built - start, "backward": done - built, "w_grad": w.grad, "u_grad": u.grad, "x": x.data}


def checkpoint(sizes: Any, measure: Any) -> Section:
    steps, segments = sizes.recurrence
    modes = [False, True]
    jobs = [
        {"workload": "recurrence", "steps": steps, "segments": segments, "checkpointed": c, "repeats": sizes.repeats}
        for c in modes
    ] + [{"workload": "recurrence_memory", "steps": steps, "segments": segments, "checkpointed": c} for c in modes]
    plain, checked, plain_memory, checked_memory = measure(jobs, 1)
    total = {name: r["forward"] + r["backward"] for name, r in (("plain", plain), ("checkpointed", checked))}
    memory = {"plain": plain_memory["peak_bytes"], "checkpointed": checked_memory["peak_bytes"]}
    rows = [
        [
            name,
            seconds(r["forward"]),
            seconds(r["backward"]),
            seconds(total[name]),
            f"{total[name] / total['plain']:.2f}x",
            f"{memory[name] / 1e6:.1f} MB",
            ratio(memory["plain"], memory[name]),
            repr(r["w_grad"]),
            repr(r["u_grad"]),
        ]
        for name, r in (("plain", plain), ("checkpointed", checked))
    ]
    less, slower = memory["plain"] / memory["checkpointed"], total["checkpointed"] / total["plain"]
    differ = max(abs(checked[k] - plain[k]) / abs(plain[k]) for k in ("w_grad", "u_grad"))
    return Section(
        "checkpoint",
        f"x <- tanh(w * x + u) for {steps:,} steps from x = {START['x']}, one shared w = {START['w']} and "
        f"u = {START['u']}, then backward: plain, and with `autodiff.checkpoint` around each of {segments:,} "
        f"segments of {steps // segments:,} steps. Time: median of {sizes.repeats} run(s) after a warm-up; peak "
        "memory over build and backward by tracemalloc, in a run of its own. `time vs plain`: this row's total "
        "over the plain one's; `less memory`: the plain peak over this one.",
        ["", "forward", "backward", "total", "time vs plain", "peak memory", "less memory", "dL/dw", "dL/du"],
        rows,
        [
            Target("at least 10x less peak memory with checkpointing", f"{less:.1f}x", less >= 10),
            Target("checkpointed at most 2.5x the plain time", f"{slower:.2f}x", slower <= 2.5),
            Target("the same gradients (1e-13 relative)", f"largest relative difference {differ:.1e}", differ <= 1e-13),
        ],
    )
