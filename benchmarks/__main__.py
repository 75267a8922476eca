"""`python -m benchmarks` (what `make bench` runs): every workload in every engine, one
table each, printed and written to benchmarks/results.md.

Each job runs in a fresh Python process (see `worker`). The jobs of one table run one after
the other, and with `rounds` > 1 the whole table again, so that a busy spell on a shared
machine falls on every engine alike; each figure is the median over all the timed runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from . import moons, worker
from .graphs import wide_nodes
from .measure import machine, median_of
from .recurrence import checkpoint
from .report import Section, Target, per_node, ratio, seconds

RESULTS = Path(__file__).with_name("results.md")
Measure = Callable[[list[dict[str, Any]], int], list[dict[str, Any]]]


@dataclass
class Sizes:
    points: int  # moons data set
    steps: int  # moons_train
    step_repeats: int  # for a step that takes a second
    fast_step_repeats: int  # for one of milliseconds: more runs, steadier medians
    rounds: int  # for moons_step (the headline) and chain (whose small figures a busy spell moves most)
    chain: list[int]
    wide: int
    wide_memory: int
    ops: int
    repeats: int
    recurrence: tuple[int, int] = (10**6, 1000)  # checkpoint: steps, segments


FULL = Sizes(
    points=100,
    steps=100,
    step_repeats=3,
    fast_step_repeats=20,
    rounds=2,
    chain=[10**3, 10**4, 10**5, 10**6],
    wide=10**6,
    wide_memory=10**5,
    ops=10**5,
    repeats=3,
)
QUICK = Sizes(
    points=8,
    steps=2,
    step_repeats=1,
    fast_step_repeats=1,
    rounds=1,
    chain=[10, 100],
    wide=50,
    wide_memory=50,
    ops=50,
    repeats=1,
    recurrence=(200, 10),
)


def moons_step(sizes: Sizes, measure: Measure) -> Section:
    gc_off_too = {"micrograd", "ours", "ours compiled", "torch batched"}  # the two slow variants add nothing there
    slow = {"micrograd", "micrograd (numpy scalars)", "torch 0-d tensors"}
    jobs = [
        {
            "workload": "moons_step",
            "engine": engine,
            "gc": gc,
            "repeats": sizes.step_repeats if engine in slow else sizes.fast_step_repeats,
            "n": sizes.points,
        }
        for engine in moons.TRAINERS
        for gc in ([True, False] if engine in gc_off_too else [True])
    ]
    step = {(job["engine"], job["gc"]): result["seconds"] for job, result in zip(jobs, measure(jobs, sizes.rounds))}
    rows = []
    for engine in moons.TRAINERS:
        on = step[engine, True]
        off = step.get((engine, False))
        rows.append(
            [
                engine,
                seconds(on),
                ratio(step["micrograd", True], on),
                ratio(step["torch batched", True], on),
                seconds(off) if off else "—",
                ratio(step["micrograd", False], off) if off else "—",
            ]
        )
    eager, compiled = step["ours", True], step["ours compiled", True]
    faster, faster_off = step["micrograd", True] / eager, step["micrograd", False] / step["ours", False]
    slower_than_torch = compiled / step["torch batched", True]
    return Section(
        "moons_step",
        f"One training step of micrograd's two-moons demo ({sizes.points} points, MLP 2-16-16-1, max-margin loss "
        "+ 1e-4 L2, zero_grad, backward, SGD), steps timed one after another at Python's default garbage-collector "
        "settings, and with the collector off. `vs micrograd`: micrograd's time over this one, under the same "
        "setting; `vs torch batched` likewise. micrograd and ours eager get Python floats; `numpy scalars` feeds "
        "micrograd the numpy rows as its notebook does. `ours compiled` runs the step on the whole batch at once.",
        ["engine", "step (default GC)", "vs micrograd", "vs torch batched", "step (GC off)", "vs micrograd"],
        rows,
        [
            Target("ours eager at least 10x faster than micrograd, default GC", f"{faster:.1f}x", faster >= 10),
            Target(
                "ours eager at least 3x faster than micrograd, GC off for both", f"{faster_off:.1f}x", faster_off >= 3
            ),
            Target(
                "ours compiled at least 200x faster than micrograd's eager step",
                ratio(step["micrograd", True], compiled),
                step["micrograd", True] / compiled >= 200,
            ),
            Target(
                "ours compiled no slower than 3 times PyTorch batched",
                f"{slower_than_torch:.2f} times PyTorch batched",
                slower_than_torch <= 3,
            ),
        ],
    )


def moons_train(sizes: Sizes, measure: Measure) -> Section:
    engines = ["micrograd", "ours", "ours compiled", "torch batched"]
    jobs = [{"workload": "moons_train", "engine": e, "steps": sizes.steps, "n": sizes.points} for e in engines]
    results = measure(jobs, 1)
    reference = results[0]["seconds"]
    rows = [
        [engine, seconds(r["seconds"]), ratio(reference, r["seconds"]), f"{r['loss']:.12f}", f"{r['accuracy']:.0%}"]
        for engine, r in zip(engines, results)
    ]
    return Section(
        "moons_train",
        f"The demo's {sizes.steps} steps end to end (model set-up included), one run each, from the same initial "
        "weights (micrograd's initialisation from one seed) on the same data; the last step's loss and the final "
        "accuracy on the training points.",
        ["engine", f"{sizes.steps} steps", "vs micrograd", "last loss", "accuracy"],
        rows,
    )


CHAIN_ENGINES = ["micrograd", "ours", "bare nodes"]


def chain(sizes: Sizes, measure: Measure) -> Section:
    # Small chains take milliseconds: more runs, so that one busy moment does not move the median.
    repeats = {n: max(sizes.repeats, min(100, 10**5 // n)) for n in sizes.chain}
    jobs = [
        {"workload": "chain", "engine": engine, "gc": gc, "n": n, "repeats": repeats[n]}
        | ({"warmup_n": n // 10} if n >= 10**6 else {})
        # micrograd's largest graph takes seconds to build, and its backward fails anyway
        | ({"repeats": 1} if n >= 10**6 and engine == "micrograd" else {})
        for engine in CHAIN_ENGINES
        for n in sizes.chain
        for gc in (True, False)
    ]
    result = {(job["engine"], job["n"], job["gc"]): r for job, r in zip(jobs, measure(jobs, sizes.rounds))}
    rows = []
    for engine in CHAIN_ENGINES:
        for n in sizes.chain:
            row = [engine, f"{n:,}"]
            for gc in (True, False):
                r = result[engine, n, gc]
                row += [per_node(r["build"], n), per_node(r["backward"], n) if r["ok"] else "—"]
            rows.append([*row, "ok" if r["ok"] else "RecursionError"])
    small, large = min(sizes.chain), max(sizes.chain)
    succeeded = result["ours", large, True]["ok"]

    def cost(n: int, gc: bool, engine: str = "ours") -> float:
        r = result[engine, n, gc]
        return (r["build"] + r["backward"]) / n

    def costs(engine: str, gc: bool) -> str:
        return f"{cost(large, gc, engine) * 1e9:.0f} ns against {cost(small, gc, engine) * 1e9:.0f} ns"

    def builds(engine: str) -> str:  # building is where the collector's passes fall
        large_build, small_build = (result[engine, n, True]["build"] / n * 1e9 for n in (large, small))
        return f"{large_build:.0f} ns against {small_build:.0f} ns"

    return Section(
        "chain",
        "x <- x * a + b, N ops in all: build, then backward, in ns per op, at Python's default garbage-collector "
        "settings and with the collector off. `bare nodes` is the floor under any pure-Python engine: a "
        "four-slot node with `+`, `*` (their derivatives from our op table) and the least backward "
        "(`benchmarks/bare.py`); where its cost per op to build grows with N, the interpreter charges it (the "
        "collector's full passes walk every live node, and a million nodes no longer fit in the processor's "
        "caches). Median of "
        + ", ".join(f"{r} runs at N = {n:,}" for n, r in repeats.items())
        + (" (one run for micrograd's graph of a million)" if large >= 10**6 else "")
        + (f", in each of {sizes.rounds} rounds of the whole table." if sizes.rounds > 1 else "."),
        ["engine", "N", "build", "backward", "build (GC off)", "backward (GC off)", "backward"],
        rows,
        [
            Target(f"ours succeeds at N = {large:,}", "ok" if succeeded else "failed", succeeded),
            Target(
                f"ours' time per op at N = {large:,} no worse than at N = {small:,}",
                f"{costs('ours', True)}; with the collector off, {costs('ours', False)}. Building alone, at "
                f"default settings: ours {builds('ours')}, bare nodes {builds('bare nodes')}",
                cost(large, True) <= cost(small, True),
            ),
        ],
    )


def wide(sizes: Sizes, measure: Measure) -> Section:
    n, m = sizes.wide, sizes.wide_memory
    engines = [("micrograd", "pairwise"), ("ours", "pairwise"), ("ours", "sum")]
    jobs = [
        {
            "workload": "wide",
            "engine": engine,
            "total": total,
            "n": n,
            "repeats": 1 if engine == "micrograd" and n >= 10**6 else sizes.repeats,
            "warmup_n": max(1, n // 10),
        }
        for engine, total in engines
    ] + [{"workload": "wide_memory", "engine": engine, "total": total, "n": m} for engine, total in engines]
    results = measure(jobs, 1)
    times, memory = results[: len(engines)], results[len(engines) :]
    rows = []
    for (engine, total), t, mem in zip(engines, times, memory):
        nodes = wide_nodes(n, total)
        rows.append(
            [
                engine + (" (one autodiff.sum node)" if total == "sum" else ""),
                f"{nodes:,}",
                per_node(t["build"], nodes),
                per_node(t["backward"], nodes),
                ratio(times[0]["build"] + times[0]["backward"], t["build"] + t["backward"]),
                f"{mem['peak_bytes'] / wide_nodes(m, total):.0f} B",
                ratio(memory[0]["peak_bytes"], mem["peak_bytes"]),
            ]
        )
    reference_bytes, ours_bytes = (mem["peak_bytes"] / wide_nodes(m) for mem in memory[:2])
    return Section(
        "wide",
        f"The sum of N = {n:,} products of new leaves, x_i * y_i, added up as a balanced tree of `+` (the same "
        "graph in every engine), or by one n-ary `autodiff.sum` node. Time per node (every Value of the graph, "
        f"leaves included): median of {sizes.repeats} runs, one run for micrograd at a million. Peak memory per node "
        f"over build and backward, by tracemalloc, at N = {m:,} (per node it hardly depends on N; tracing micrograd's "
        "4 million nodes would take gigabytes). `vs micrograd`: micrograd's total time or peak memory for the same "
        "sum over this one's.",
        [
            "engine",
            "nodes",
            "build per node",
            "backward per node",
            "vs micrograd",
            "peak memory per node",
            "vs micrograd",
        ],
        rows,
        [
            Target(
                "ours' peak memory per node at most a quarter of micrograd's (same graph)",
                f"{ours_bytes:.0f} B against {reference_bytes:.0f} B: {ratio(reference_bytes, ours_bytes)} less",
                ours_bytes * 4 <= reference_bytes,
            )
        ],
    )


def ops(sizes: Sizes, measure: Measure) -> Section:
    engines = ["micrograd", "ours", "torch"]
    jobs = [{"workload": "ops", "engine": e, "n": sizes.ops, "repeats": sizes.repeats} for e in engines]
    results = measure(jobs, 1)
    reference = results[0]
    names = ["+", "*", "tanh", "relu"]
    rows = []
    for engine, r in zip(engines, results):
        row = [engine]
        for name in names:
            if name not in r:
                row.append("— (no tanh in 0.1.0)")
            else:
                cost = per_node(r[name], sizes.ops)
                row.append(f"{cost} ({ratio(reference[name], r[name])})" if name in reference else cost)
        row.append(
            f"{per_node(r['backward'], wide_nodes(sizes.ops // 10))} ({ratio(reference['backward'], r['backward'])})"
        )
        rows.append(row)
    return Section(
        "ops",
        f"What one node costs: {sizes.ops:,} nodes of each op made from two leaves and kept alive, as in a graph "
        f"(default GC; freeing them is not timed), and backward through `wide`'s graph of {sizes.ops // 10:,} "
        f"products, per node. Median of {sizes.repeats} runs; in brackets, micrograd's cost over this one.",
        ["engine", *names, "backward per node"],
        rows,
    )


TABLES = [moons_step, moons_train, chain, wide, ops, checkpoint]


def in_fresh_process(job: dict[str, Any]) -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.worker", json.dumps(job)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark job {job} failed:\n{done.stderr}")
    return json.loads(done.stdout)["runs"]


def measuring(run_job: Callable[[dict[str, Any]], list[dict[str, Any]]]) -> Measure:
    """Run every job `rounds` times, all of them in each round; each job's medians."""

    def measure(jobs: list[dict[str, Any]], rounds: int) -> list[dict[str, Any]]:
        runs: list[list[dict[str, Any]]] = [[] for _ in jobs]
        for _ in range(rounds):
            for job, so_far in zip(jobs, runs):
                print(f"  {job}", file=sys.stderr, flush=True)
                so_far += run_job(job)
        return [median_of(r) for r in runs]

    return measure


def header() -> str:
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ["micrograd", "torch", "numpy"])
    return (
        "# Benchmark results\n\n"
        f"Written by `make bench` (`python -m benchmarks`) on: {machine()}; {versions} "
        "(PyTorch on one thread). Every job runs in a fresh Python process, so that no engine's objects "
        "slow another's garbage collection; times are medians after a warm-up run. Ratios are micrograd's "
        "figure over the engine's: above 1, the engine is faster or leaner. On a shared machine the figures move "
        "by 20% and more from one run to the next."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each: only checks that it runs")
    parser.add_argument("--in-process", action="store_true", help="run the jobs in this process (for tests)")
    parser.add_argument("--output", type=Path, help=f"markdown file to write (default {RESULTS}; none with --only)")
    parser.add_argument("--only", choices=[t.__name__ for t in TABLES], help="this table alone")
    args = parser.parse_args(argv)
    measure = measuring(worker.run if args.in_process else in_fresh_process)
    sections = [header()]
    for table in [t for t in TABLES if args.only in (None, t.__name__)]:
        print(f"{table.__name__}:", file=sys.stderr, flush=True)
        section = table(QUICK if args.quick else FULL, measure).markdown()
        print("\n" + section + "\n", flush=True)
        sections.append(section)
    output = args.output or (None if args.only else RESULTS)  # one table alone keeps the full run's file
    if output is not None:
        output.write_text("\n\n".join(sections) + "\n")
        print(f"Written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
