"""The graph workloads, written once for every engine (they share `+ * tanh relu backward`).

- `chain`: x <- x * a + b, n ops deep: the longest path a backward can meet;
- `wide`: the sum of n products of leaves, as a balanced tree of `+` (the same graph in every
  engine, and shallow enough for micrograd's recursive backward), or with `total=autodiff.sum`;
- `ops`: what one `+`, `*`, `tanh` and `relu` node costs to make, and backward per node.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from typing import Any

Leaf = Callable[[float], Any]


def chain(leaf: Leaf, n: int) -> dict[str, Any]:
    """Build x <- x * a + b for n ops in all, then backward; `ok` is False if backward failed."""
    a, b = leaf(0.999), leaf(0.001)
    start = time.perf_counter()
    x = leaf(0.5)
    for _ in range(n // 2):
        x = x * a + b
    built = time.perf_counter()
    try:
        x.backward()
        ok = True
    except RecursionError:  # micrograd orders the graph recursively
        ok = False
    done = time.perf_counter()
    return {"build": built - start, "backward": done - built, "ok": ok}


def pairwise_sum(values: Sequence[Any]) -> Any:
    """values[0] + values[1] + ... as a balanced tree of `+` (depth log2 n, n - 1 nodes)."""
    values = list(values)
    while len(values) > 1:
        pairs = [values[i] + values[i + 1] for i in range(0, len(values) - 1, 2)]
        values = pairs + values[len(values) - len(values) % 2 :]
    return values[0]


def wide(leaf: Leaf, n: int, total: Callable[[Sequence[Any]], Any] = pairwise_sum) -> dict[str, Any]:
    """Build total(x_i * y_i for n pairs of new leaves), then backward."""
    numbers = [i / n for i in range(n)]
    start = time.perf_counter()
    root = total([leaf(x) * leaf(1.0 - x) for x in numbers])
    built = time.perf_counter()
    root.backward()
    done = time.perf_counter()
    return {"build": built - start, "backward": done - built}


def wide_nodes(n: int, total: str = "pairwise") -> int:
    """The Values in `wide`'s graph: 2n leaves, n products, then n - 1 sums (or one n-ary sum)."""
    return 3 * n + (n - 1 if total == "pairwise" else 1)


def ops(leaf: Leaf, n: int, has_tanh: bool = True) -> dict[str, Any]:
    """Seconds to make n nodes of each op (kept alive, as in a graph), and to backpropagate
    through `wide`'s graph of n / 10 products (`wide_nodes(n // 10)` nodes)."""
    a, b = leaf(0.3), leaf(0.7)
    makers = {"+": lambda: [a + b for _ in range(n)], "*": lambda: [a * b for _ in range(n)]}
    if has_tanh:
        makers["tanh"] = lambda: [a.tanh() for _ in range(n)]
    makers["relu"] = lambda: [a.relu() for _ in range(n)]
    times = {name: _seconds_to_make(make) for name, make in makers.items()}
    times["backward"] = wide(leaf, n // 10)["backward"]
    return times


def _seconds_to_make(make: Callable[[], list]) -> float:
    # The nodes are freed (and micrograd's cycles collected) outside the timed part.
    gc.collect()
    start = time.perf_counter()
    nodes = make()
    seconds = time.perf_counter() - start
    del nodes
    gc.collect()
    return seconds
