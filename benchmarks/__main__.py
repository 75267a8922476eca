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

from . import chart, mlp_losses, moons, worker
from . import mlp_wide as mlp_wide_models
from . import modes as modes_table
from .graphs import wide_nodes
from .measure import machine, median_of
from .player import player
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
    modes_chain: int
    wide_points: int  # mlp_wide's data sets
    recurrence: tuple[int, int] = (10**6, 1000)  # checkpoint: steps, segments
    player: tuple[int, ...] = (250, 500, 1000, 2000)  # nodes of draw_backward's graphs


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
    modes_chain=10**6,
    wide_points=1000,
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
    modes_chain=100,
    wide_points=20,
    recurrence=(200, 10),
    player=(20,),
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
    against_torch = compiled / step["torch batched", True]
    (compiling,) = measure([{"workload": "compile", "model": "moons", "repeats": sizes.fast_step_repeats}], 1)
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
            Target("ours eager at least 30x faster than micrograd, default GC", f"{faster:.1f}x", faster >= 30),
            Target(
                "ours eager at least 8x faster than micrograd, GC off for both", f"{faster_off:.1f}x", faster_off >= 8
            ),
            Target(
                "ours compiled at least 200x faster than micrograd's eager step",
                ratio(step["micrograd", True], compiled),
                step["micrograd", True] / compiled >= 200,
            ),
            Target(
                "ours compiled takes at most PyTorch batched's time",
                f"{against_torch:.2f} times PyTorch batched's",
                against_torch <= 1,
            ),
            Target(
                "compiling (tracing and planning) the moons loss under 100 ms",
                seconds(compiling["seconds"]),
                compiling["seconds"] < 0.1,
            ),
        ],
        {engine: step[engine, True] for engine in moons.TRAINERS},
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
    runs = [("micrograd", True), ("ours", True), ("ours", False), ("bare nodes", True), ("bare nodes", False)]
    runs.append(("torch", True))
    jobs = [{"workload": "ops", "engine": e, "gc": gc, "n": sizes.ops, "repeats": sizes.repeats} for e, gc in runs]
    result = dict(zip(runs, measure(jobs, sizes.rounds)))
    names = ["+", "*", "tanh", "relu"]
    rows = []
    for (engine, gc), r in result.items():
        reference, floor = result["micrograd", True], result["bare nodes", gc]
        row = [engine + ("" if gc else " (GC off)")]
        for name in [*names, "backward"]:
            nodes = wide_nodes(sizes.ops // 10) if name == "backward" else sizes.ops
            if name not in r:
                row.append("— (no tanh in 0.1.0)")
                continue
            cost = per_node(r[name], nodes)
            against = [
                ratio(reference[name], r[name]) if name in reference and gc else "",
                f"{r[name] / floor[name]:.2f}x floor",
            ]
            row.append(f"{cost} ({', '.join(a for a in against if a)})")
        rows.append(row)
    ours, floor = result["ours", False], result["bare nodes", False]
    worst = max(["+", "*", "tanh", "backward"], key=lambda name: ours[name] / floor[name])
    return Section(
        "ops",
        f"What one node costs: {sizes.ops:,} nodes of each op made from two leaves and kept alive, as in a graph "
        f"(freeing them is not timed), and backward through `wide`'s graph of {sizes.ops // 10:,} products, per node, "
        "at Python's default garbage-collector settings and with the collector off. In brackets, micrograd's cost "
        "over this one (same setting), and this one's over the `bare nodes` floor's (same setting). Median of "
        f"{sizes.repeats} runs" + (f" in each of {sizes.rounds} rounds." if sizes.rounds > 1 else "."),
        ["engine", *names, "backward per node"],
        rows,
        [
            Target(
                "ours at most 1.5x the bare-node floor for +, *, tanh and backward, GC off",
                ", ".join(f"{name} {ours[name] / floor[name]:.2f}x" for name in ["+", "*", "tanh", "backward"]),
                ours[worst] / floor[worst] <= 1.5,
            )
        ],
        {
            f"{name}, {engine}{'' if gc else ' (GC off)'}": result[engine, gc][name] / sizes.ops
            for name in ["*", "tanh"]
            for engine, gc in runs
            if name in result[engine, gc]
        },
    )


def modes(sizes: Sizes, measure: Measure) -> Section:
    return modes_table.table(sizes.modes_chain, measure)


def mlp_wide(sizes: Sizes, measure: Measure) -> Section:
    engines = ["ours", "ours compiled", "torch batched"]
    jobs = [
        {
            "workload": "mlp_wide",
            "engine": engine,
            "model": model,
            "gc": True,
            "n": sizes.wide_points,
            "repeats": sizes.step_repeats if engine == "ours" else sizes.fast_step_repeats,
        }
        for model in mlp_wide_models.MODELS
        for engine in engines
    ]
    step = {(job["model"], job["engine"]): r["seconds"] for job, r in zip(jobs, measure(jobs, sizes.rounds))}
    compile_jobs = [{"workload": "compile", "model": m, "repeats": sizes.repeats} for m in mlp_wide_models.MODELS]
    compiling = {job["model"]: r["seconds"] for job, r in zip(compile_jobs, measure(compile_jobs, 1))}
    rows, targets = [], []
    for model in mlp_wide_models.MODELS:
        torch_step = step[model, "torch batched"]
        for engine in engines:
            compiled = engine == "ours compiled"
            rows.append(
                [
                    model,
                    engine,
                    seconds(step[model, engine]),
                    ratio(torch_step, step[model, engine]),
                    seconds(compiling[model]) if compiled else "—",
                ]
            )
        against_torch = step[model, "ours compiled"] / torch_step
        targets += [
            Target(
                f"{model}: ours compiled within 1.5x of PyTorch batched",
                f"{against_torch:.2f} times PyTorch batched's",
                against_torch <= 1.5,
            ),
            Target(f"{model}: compiling under 2 s", seconds(compiling[model]), compiling[model] < 2),
        ]
    return Section(
        "mlp_wide",
        f"Wider models, one full training step on {sizes.wide_points:,} examples (forward, loss, zero_grad, "
        "backward, SGD), default GC: `mlp` is an MLP 2-64-64-1 (tanh) with the mean squared error on two moons, "
        "`softmax` a classifier 10-32-10 (tanh) with cross-entropy (`benchmarks/mlp_wide.py`). `vs torch batched`: "
        "PyTorch's time over this one. The compiled replay evaluates a layer's dot nodes as one matrix product. "
        "`compile`: tracing and planning the example's loss, once.",
        ["model", "engine", "step", "vs torch batched", "compile"],
        rows,
        targets,
        {f"{model}, {engine}": seconds for (model, engine), seconds in step.items()},
    )


def mlp_losses_table(sizes: Sizes, measure: Measure) -> Section:
    jobs = [
        {"workload": "mlp_losses", "loss": loss, "n": sizes.wide_points, "repeats": sizes.fast_step_repeats}
        for loss in mlp_losses.LOSSES
    ]
    rows, targets = [], []
    for loss, step in zip(mlp_losses.LOSSES, measure(jobs, sizes.rounds)):
        ours, torch = step["ours compiled"], step["torch batched"]
        rows.append([loss, seconds(ours), seconds(torch), f"{ours / torch:.2f}"])
        targets.append(
            Target(f"{loss}: ours compiled within 1.5x of PyTorch batched", f"{ours / torch:.2f}x", ours <= 1.5 * torch)
        )
    return Section(
        "mlp_losses",
        f"The compiled step whatever the spelling of the loss: an MLP 2-64-64-K (tanh) on {sizes.wide_points:,} "
        "two-moons points, one full step (forward, loss, zero_grad, backward, SGD), default GC, with one example's "
        "loss written five ways (`benchmarks/mlp_losses.py`): `hinge` relu(1 - y * score); `hinge + L2` the same "
        "plus `1e-4 * sum(p * p for p in params)` (Python's sum over every parameter); `(pred - t) ** 2`; "
        "`nn.mse_loss`; `cross-entropy` over 10 classes, `logsumexp(logits) - dot(one_hot, logits)`. PyTorch "
        "batched runs the same loss on the same weights. Steps of the two alternate in one process; processor "
        "time, median. `times PyTorch's`: ours' time over PyTorch's.",
        ["loss", "ours compiled", "torch batched", "times PyTorch's"],
        rows,
        targets,
    )


mlp_losses_table.__name__ = "mlp_losses"


def gpt_step(sizes: Sizes, measure: Measure) -> Section:
    engines = ["minimal", "ours"]
    small = sizes is QUICK
    jobs = [
        {"workload": "gpt_step", "gc": gc, "repeats": sizes.fast_step_repeats, "small": small} for gc in (True, False)
    ]
    on, off = measure(jobs, sizes.rounds)
    step = {(engine, gc): run[engine] for gc, run in ((True, on), (False, off)) for engine in engines}
    memory_jobs = [{"workload": "gpt_memory", "engine": e, "small": small} for e in engines]
    memory = dict(zip(engines, measure(memory_jobs, 1)))
    per_node_bytes = {e: memory[e]["peak_bytes"] / memory[e]["nodes"] for e in engines}
    rows = [
        [
            engine,
            seconds(step[engine, True]),
            ratio(step["minimal", True], step[engine, True]),
            seconds(step[engine, False]),
            ratio(step["minimal", False], step[engine, False]),
            f"{memory[engine]['nodes']:,}",
            f"{per_node_bytes[engine]:.0f} B",
        ]
        for engine in engines
    ]
    faster = {gc: step["minimal", gc] / step["ours", gc] for gc in (True, False)}
    return Section(
        "gpt_step",
        "One training step of a scalar GPT (microgpt's model: one layer, 16-dim embeddings, 4 heads, a relu MLP; "
        "softmax cross-entropy over one name, backward, Adam; `benchmarks/gpt.py`), in our engine and in the "
        "minimal engine that learners write (`benchmarks/minimal.py`: each node stores its children and its local "
        "gradients at forward time, a recursive topological sort, one multiply-add per edge), the same graph and "
        "the same losses in both. A step of each in turn in one process (processor time, median), at Python's "
        "default garbage-collector settings and with it off; `vs minimal`: the minimal engine's time over this "
        "one. Peak memory (tracemalloc) of one step's graph built and differentiated, parameters included, per "
        "node of the graph.",
        ["engine", "step (default GC)", "vs minimal", "step (GC off)", "vs minimal", "nodes", "peak memory per node"],
        rows,
        [
            Target(
                "ours at least 1.5x faster than the minimal engine, default GC",
                f"{faster[True]:.2f}x",
                faster[True] >= 1.5,
            ),
            Target(
                "ours at least 1.5x faster than the minimal engine, GC off",
                f"{faster[False]:.2f}x",
                faster[False] >= 1.5,
            ),
            Target(
                "ours' peak memory per node no more than the minimal engine's",
                f"{per_node_bytes['ours']:.0f} B against {per_node_bytes['minimal']:.0f} B",
                per_node_bytes["ours"] <= per_node_bytes["minimal"],
            ),
        ],
    )


TABLES = [moons_step, moons_train, mlp_wide, mlp_losses_table, gpt_step, chain, wide, ops, modes, checkpoint, player]


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
    charted: list[Section] = []
    for table in [t for t in TABLES if args.only in (None, t.__name__)]:
        print(f"{table.__name__}:", file=sys.stderr, flush=True)
        done = table(QUICK if args.quick else FULL, measure)
        print("\n" + done.markdown() + "\n", flush=True)
        sections.append(done.markdown())
        charted += [done] if done.chart else []
    output = args.output or (None if args.only else RESULTS)  # one table alone keeps the full run's file
    if output is not None:
        output.write_text("\n\n".join(sections) + "\n")
        print(f"Written to {output}")
        chart.draw(charted, output.with_suffix(".png"))
        print(f"Chart in {output.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
