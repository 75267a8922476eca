"""One measurement job, run in a fresh Python process: `python -m benchmarks.worker JOB`.

JOB is a JSON object: {"workload": ..., "engine": ..., and the workload's parameters}. The
worker prints {"runs": [...]}: one dict of figures per timed run, the warm-up left out.
A fresh process per job keeps the engines apart: the cyclic garbage collector's full passes
walk every object alive in the process, so one engine's modules (torch alone brings some
150,000 objects) or leftovers would slow another's figures.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from . import gpt, graphs, mlp_losses, mlp_wide, modes, moons, player, recurrence
from .engines import leaf_maker
from .measure import garbage_collector, peak_bytes, timed_runs

Runs = list[dict[str, Any]]


def chain(engine: str, n: int, repeats: int, gc: bool = True, warmup_n: int | None = None) -> Runs:
    """`warmup_n`: the size of the warm-up run, when a run of size n would take long."""
    leaf = leaf_maker(engine)
    with garbage_collector(gc):
        return timed_runs(lambda: graphs.chain(leaf, n), repeats, warmup=lambda: graphs.chain(leaf, warmup_n or n))


def wide(engine: str, n: int, repeats: int, total: str = "pairwise", warmup_n: int | None = None) -> Runs:
    leaf, summed = leaf_maker(engine), _total(total)
    return timed_runs(
        lambda: graphs.wide(leaf, n, summed), repeats, warmup=lambda: graphs.wide(leaf, warmup_n or n, summed)
    )


def wide_memory(engine: str, n: int, total: str = "pairwise") -> Runs:
    """The peak memory of one `wide` run (traced, so not timed)."""
    leaf, summed = leaf_maker(engine), _total(total)
    return [{"peak_bytes": peak_bytes(lambda: graphs.wide(leaf, n, summed))}]


def _total(name: str) -> Any:
    if name == "pairwise":
        return graphs.pairwise_sum
    import autodiff  # only in our engine's process

    return autodiff.sum


def ops(engine: str, n: int, repeats: int, gc: bool = True) -> Runs:
    leaf = leaf_maker(engine)
    with garbage_collector(gc):
        return timed_runs(lambda: graphs.ops(leaf, n, has_tanh=engine != "micrograd"), repeats)


def moons_step(engine: str, gc: bool, repeats: int, n: int = 100) -> Runs:
    """One training step, timed step after step (the model keeps training).

    Steps follow each other as in a training loop. With the collector on, each pays for
    whatever the collector does meanwhile; with it off, nothing frees micrograd's cycles, so
    its memory grows from step to step (some 50 MB a step).
    """
    X, y = moons.data(n)
    step, _ = moons.TRAINERS[engine](X, y)
    steps = itertools.count()

    def run() -> dict[str, float]:
        start = time.perf_counter()
        step(next(steps) % 100)
        return {"seconds": time.perf_counter() - start}

    with garbage_collector(gc):
        return timed_runs(run, repeats, collect=False)


def moons_train(engine: str, steps: int = 100, n: int = 100) -> Runs:
    """The whole demo once, set-up included: seconds, the last loss, and the final accuracy."""
    X, y = moons.data(n)
    moons.TRAINERS[engine](X[:2], y[:2])[0](0)  # warm-up: imports and first calls, untimed
    start = time.perf_counter()
    step, scores = moons.TRAINERS[engine](X, y)
    for k in range(steps):
        loss = step(k)
    seconds = time.perf_counter() - start
    return [{"seconds": seconds, "loss": loss, "accuracy": moons.accuracy(scores(), y)}]


def mlp_wide_step(engine: str, model: str, gc: bool, repeats: int, n: int = mlp_wide.N) -> Runs:
    """One training step of an `mlp_wide` model, timed step after step."""
    X, y = mlp_wide.data(model, n)
    step = mlp_wide.TRAINERS[engine](model, X, y)
    steps = itertools.count()

    def run() -> dict[str, float]:
        start = time.perf_counter()
        step(next(steps))
        return {"seconds": time.perf_counter() - start}

    with garbage_collector(gc):
        return timed_runs(run, repeats, collect=False)


def interleaved(steps: dict[str, Callable[[int], float]], repeats: int) -> Runs:
    """One step of each engine in turn, `repeats` times after a warm-up round: per round, each
    engine's processor time. Measured in one process, one step after the other, a busy spell of a
    shared machine falls on every engine alike; processor time leaves out the time that other
    processes take the processor from this one."""
    rounds = itertools.count()

    def run() -> dict[str, float]:
        k, times = next(rounds), {}
        for engine, step in steps.items():
            start = time.process_time()
            step(k)
            times[engine] = time.process_time() - start
        return times

    return timed_runs(run, repeats, collect=False)


def mlp_loss_step(loss: str, repeats: int, n: int = mlp_losses.N) -> Runs:
    """One step of the 2-64-64-K MLP with `loss` written one way or another, compiled and in PyTorch."""
    X, y = mlp_losses.data(loss, n)
    return interleaved({engine: make(loss, X, y) for engine, make in mlp_losses.TRAINERS.items()}, repeats)


def gpt_step(gc: bool, repeats: int, small: bool = False) -> Runs:
    """One training step of the scalar GPT in each engine (a new name each step)."""
    config = gpt.Config(n_embd=8, n_head=2, block_size=8) if small else None
    steps = {engine: gpt.trainer(engine, config) for engine in gpt.ENGINES}
    with garbage_collector(gc):
        return interleaved(steps, repeats)


def gpt_memory(engine: str, small: bool = False) -> Runs:
    """The peak memory of one step's graph, built and differentiated, and its number of nodes."""
    config = gpt.Config(n_embd=8, n_head=2, block_size=8) if small else None
    kept = []

    def run() -> None:
        loss, _ = gpt.graph_of_a_step(engine, 0, config)
        loss.backward()
        kept.append(loss)  # counted once the tracing is over

    peak = peak_bytes(run)
    return [{"peak_bytes": peak, "nodes": gpt.graph_size(kept[0])[0]}]


def compile_time(model: str, repeats: int) -> Runs:
    """Seconds to compile (trace and plan) one example's loss: `moons`' or an `mlp_wide` model's."""
    import autodiff

    def run() -> dict[str, float]:
        if model == "moons":
            net, optimizer = moons.our_model()
            start = time.perf_counter()
            moons.compiled_loss(net, optimizer.params)
        else:
            fn, n_inputs = mlp_wide.example_loss(model, mlp_wide.our_model(model))
            start = time.perf_counter()
            autodiff.compile(fn, n_inputs=n_inputs)
        return {"seconds": time.perf_counter() - start}

    return timed_runs(run, repeats)


def recurrence_time(steps: int, segments: int, checkpointed: bool, repeats: int) -> Runs:
    return timed_runs(
        lambda: recurrence.run(steps, segments, checkpointed),
        repeats,
        warmup=lambda: recurrence.run(max(segments, steps // 10), segments, checkpointed),
    )


def recurrence_memory(steps: int, segments: int, checkpointed: bool) -> Runs:
    return [{"peak_bytes": peak_bytes(lambda: recurrence.run(steps, segments, checkpointed))}]


def player_time(nodes: int, repeats: int) -> Runs:
    return timed_runs(lambda: player.run(nodes), repeats, warmup=lambda: player.run(nodes, browser=False))


WORKLOADS = {
    "chain": chain,
    "wide": wide,
    "wide_memory": wide_memory,
    "ops": ops,
    "moons_step": moons_step,
    "moons_train": moons_train,
    "modes_memory": modes.memory,
    "mlp_wide": mlp_wide_step,
    "compile": compile_time,
    "gpt_step": gpt_step,
    "mlp_losses": mlp_loss_step,
    "gpt_memory": gpt_memory,
    "recurrence": recurrence_time,
    "recurrence_memory": recurrence_memory,
    "player": player_time,
}


def run(job: dict[str, Any]) -> Runs:
    """The runs of one job, in this process."""
    parameters = dict(job)
    return WORKLOADS[parameters.pop("workload")](**parameters)


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # numpy's BLAS on one thread, as PyTorch's (see engines.import_torch)
        print(json.dumps({"runs": run(json.loads(sys.argv[1]))}))
