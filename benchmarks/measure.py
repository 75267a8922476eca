"""How every figure is taken: the median of several timed runs after a warm-up, peak memory
by tracemalloc, and a description of the machine for the results file."""

from __future__ import annotations

import contextlib
import datetime
import gc
import platform
import statistics
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

Run = Callable[[], dict[str, Any]]


def timed_runs(run: Run, repeats: int, collect: bool = True, warmup: Run | None = None) -> list[dict[str, Any]]:
    """Call `warmup` (by default `run`) once, then `run` `repeats` times; what those returned.

    `run` times its own phases and returns them (seconds) with any other results. With
    `collect`, the cyclic garbage collector clears the previous run's leftovers before each
    run, untimed, so that no run pays for the one before.

    >>> timed_runs(lambda: {"seconds": 1.0}, repeats=2)
    [{'seconds': 1.0}, {'seconds': 1.0}]
    """
    runs = []
    for call in [warmup or run] + [run] * repeats:
        if collect:
            gc.collect()
        runs.append(call())
    return runs[1:]


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each number over the runs; anything else (a success flag) must agree.

    >>> median_of([{"seconds": 3.0, "ok": True}, {"seconds": 1.0, "ok": True}, {"seconds": 2.0, "ok": True}])
    {'seconds': 2.0, 'ok': True}
    """
    summary = {}
    for key, first in runs[0].items():
        if isinstance(first, (int, float)) and not isinstance(first, bool):
            summary[key] = statistics.median(r[key] for r in runs)
        else:
            if any(r[key] != first for r in runs):
                raise ValueError(f"{key} differs between runs: {[r[key] for r in runs]}")
            summary[key] = first
    return summary


def peak_bytes(run: Callable[[], Any]) -> int:
    """The most memory `run` held at once (Python allocations, traced by tracemalloc).

    >>> peak_bytes(lambda: [0.5 * i for i in range(1000)]) > 1000 * 24
    True
    """
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@contextlib.contextmanager
def garbage_collector(enabled: bool) -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector on (its default settings) or off."""
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was_enabled else gc.disable)()


def machine() -> str:
    """The CPU, the Python and the date, for the results file."""
    return f"{_cpu()}, {platform.python_implementation()} {platform.python_version()}, {platform.system()}, " + (
        datetime.date.today().isoformat()
    )


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
        return f"{names[0]} ({len(names)} cores)"
    except (OSError, IndexError):
        return platform.processor() or platform.machine()
