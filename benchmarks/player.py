"""The `player` table: `draw_backward` on sums of squares of growing size, the Python side (the
player's object, then its page: one Graphviz layout and the frames' data) and the browser side
(Debian's Chromium: the page ready, one step, a jump from the first frame to the last)."""

from __future__ import annotations

import concurrent.futures
import pathlib
import resource
import tempfile
import time
from typing import Any

from .report import Section, Target, seconds

NODES_PER_TERM = 5  # x, x*x and its op, the + and its op


def run(nodes: int, browser: bool = True) -> dict[str, Any]:
    """One player of about `nodes` nodes (Values and ops): its times in seconds."""
    from autodiff import Value, draw_backward  # in the worker's process only

    xs = [Value(i / 100, label=f"x{i}") for i in range(max(1, nodes // NODES_PER_TERM))]
    total = xs[0] * xs[0]
    for x in xs[1:]:
        total = total + x * x
    cpu = _cpu()
    start = time.perf_counter()
    player = draw_backward(total, legend=False, max_nodes=10 * nodes + 10)
    built = time.perf_counter()
    page = player.html(document=True)
    done = time.perf_counter()
    out = {"build": built - start, "page": done - built, "ready": done - start, "cpu": _cpu() - cpu}
    if browser:
        out.update(_in_chromium(page))
    return out


def _cpu() -> float:
    # This process's CPU time and its children's (Graphviz's `dot`): what the work costs, apart from
    # the time other programs take from it on a shared machine.
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


STEPS = """() => {
  const click = (a) => document.querySelector('[data-action="' + a + '"]').click();
  let t = performance.now();
  for (let i = 0; i < 50; i++) click('next');
  const step = (performance.now() - t) / 50 / 1000;
  t = performance.now(); click('last'); const last = (performance.now() - t) / 1000;
  t = performance.now(); click('first'); const first = (performance.now() - t) / 1000;
  return {step: step, jump: Math.max(last, first)};
}"""


def _in_chromium(page: str) -> dict[str, float]:
    # In a thread of its own: Playwright's sync API refuses a thread whose asyncio loop runs, as
    # the main thread's does while a test session holds its own browser open.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_measure_in_chromium, page).result()


def _measure_in_chromium(page: str) -> dict[str, float]:
    import sys

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
    from tests.browser import ARGS, CHROMIUM

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = pathlib.Path(folder) / "player.html"
        path.write_text(page, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page()
        start = time.perf_counter()
        tab.goto(path.as_uri())
        tab.wait_for_selector(".ad-counter")
        loaded = time.perf_counter() - start
        figures = tab.evaluate(STEPS)
        browser.close()
    return {"load": loaded, **figures}


def player(sizes: Any, measure: Any) -> Section:
    jobs = [{"workload": "player", "nodes": n, "repeats": sizes.repeats} for n in sizes.player]
    results = measure(jobs, 1)
    rows = []
    for n, r in zip(sizes.player, results):
        per_node = r["cpu"] / n
        rows.append(
            [f"{n:,}", seconds(r["build"]), seconds(r["page"]), seconds(r["cpu"]), f"{per_node * 1e6:.0f} µs"]
            + [seconds(r[k]) for k in ("load", "step", "jump")]
        )
    largest = results[-1]
    targets = [
        Target(
            f"a {sizes.player[-1]:,}-node graph's player ready (object and page) in under 2 s of CPU",
            f"{seconds(largest['cpu'])} of CPU, {seconds(largest['ready'])} on the clock",
            largest["cpu"] < 2.0,
        ),
        Target("a step in Chromium under 50 ms (interactive)", seconds(largest["step"]), largest["step"] < 0.05),
    ]
    return Section(
        "player",
        "`draw_backward` on a sum of squares of n nodes (Values and ops): `build` the player's object (the "
        "trace and the frames), `page` its HTML (one Graphviz layout, the frames as data), `cpu` the CPU time "
        "of the two (Python's and `dot`'s; the clock's figures grow when other programs share the cores), "
        "`per node` that CPU time over n; in Chromium: the page `load`ed, one `step`, a `jump` from the "
        "last frame to the first.",
        ["nodes", "build", "page", "cpu", "per node", "load", "step", "jump"],
        rows,
        targets,
    )
