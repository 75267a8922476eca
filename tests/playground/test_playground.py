"""The playground in headless Chromium: the page built by `make playground` (site/playground),
served from 127.0.0.1, against the same computations in CPython.

The page is loaded once for the module (Pyodide starts in seconds; the time is printed); the
tests then drive its three panels, check that every request stayed on 127.0.0.1 and that the
browser logged no error, and save a screenshot of each panel under out/.
"""

from __future__ import annotations

import functools
import http.server
import json
import math
import pathlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import autodiff
import nn
from autodiff import Value
from nn import toy_data

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "site" / "playground"
OUT = ROOT / "out"
LOAD_TIMEOUT_MS = 120_000


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    assert (SITE / "index.html").is_file(), f"{SITE} is missing: run `make playground`"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def site(browser: Any, server: str, pytestconfig: pytest.Config) -> Iterator[Any]:
    """The loaded page; `.errors` collects console and page errors, `.requests` every URL asked."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: page.requests.append(request.url))
    started = time.perf_counter()
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]", timeout=LOAD_TIMEOUT_MS)
    seconds = time.perf_counter() - started
    in_page = page.evaluate("window.playground.loadSeconds")
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    reporter.write_line(f"\nplayground: engine loaded in {seconds:.1f} s ({in_page:.1f} s measured by the page)")
    page.server = server
    yield page
    context.close()


def shown(page: Any, selector: str) -> Any:
    return json.loads(page.get_attribute(selector, "data-json"))


def evaluate_in_page(page: Any, text: str, inputs: str = "a = 2\nb = -3") -> None:
    page.fill("#inputs", inputs)
    page.fill("#expr", text)
    page.click("#evaluate")


def close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-300)


def test_expression_value_and_gradients_as_cpython(site: Any) -> None:
    evaluate_in_page(site, "(a*b + b**2).tanh() + (a/b).exp()")
    a, b = Value(2.0), Value(-3.0)
    c = (a * b + b**2).tanh() + (a / b).exp()
    c.backward()
    assert site.text_content("#expr-error") == ""
    assert close(shown(site, "#expr-value"), c.data)
    grads = shown(site, "#expr-grads")
    assert set(grads) == {"a", "b"}
    assert close(grads["a"], a.grad)
    assert close(grads["b"], b.grad)
    assert site.locator("#expr-graph svg").count() == 1
    assert "grad" in site.text_content("#expr-graph svg")


def test_backward_steps_back_and_forth_with_draw_backwards_captions(site: Any) -> None:
    evaluate_in_page(site, "(a*b + b**2).tanh()")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    root = (a * b + b**2).tanh()
    root.label = "out"
    root.backward()
    captions = [frame.caption for frame in autodiff.draw_backward(root).frames]
    assert site.evaluate("window.playground.frameCount()") == len(captions) > 2
    assert site.text_content("#back-caption") == captions[0]
    for i in range(1, len(captions)):
        site.click("#back-next")
        assert site.text_content("#back-caption") == captions[i]
        assert site.text_content("#back-counter") == f"frame {i + 1} of {len(captions)}"
    site.click("#back-next")  # past the last frame: stays there
    assert site.text_content("#back-caption") == captions[-1]
    site.click("#back-prev")
    assert site.text_content("#back-caption") == captions[-2]
    site.click("#back-first")
    assert site.text_content("#back-caption") == captions[0]
    assert site.locator("#back-graph svg").count() == 1


def neuron_grads(values: dict[str, float]) -> dict[str, float]:
    inputs = {name: Value(values[name]) for name in ("x1", "x2", "w1", "w2", "b")}
    o = (inputs["x1"] * inputs["w1"] + inputs["x2"] * inputs["w2"] + inputs["b"]).tanh()
    o.backward()
    return {name: v.grad for name, v in inputs.items()}


def test_neuron_gradients_follow_a_slider(site: Any) -> None:
    lecture = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    before = shown(site, "#neuron-grads")
    expected = neuron_grads(lecture)
    assert all(close(before[name], expected[name]) for name in lecture)
    assert close(before["x1"], -1.5)  # the lecture's numbers: x1.grad = w1 * (1 - o²) = -3 * 0.5
    site.fill("#slider-w1", "0.75")
    moved = shown(site, "#neuron-grads")
    expected = neuron_grads({**lecture, "w1": 0.75})
    assert all(close(moved[name], expected[name]) for name in lecture)
    assert not close(moved["x1"], before["x1"])


def cpython_losses(settings: dict[str, Any], steps: int) -> list[float]:
    """The page's training run rewritten here from nn's parts: data, seed, MLP, hinge + L2, SGD."""
    X, y = toy_data.make(settings["dataset"], settings["n"], settings["noise"], settings["seed"])
    nn.manual_seed(settings["seed"])
    model = nn.MLP(2, [*settings["hidden"], 1], activation=settings["activation"])
    optimizer = nn.SGD(model.parameters(), lr=settings["lr"])
    losses = []
    for _ in range(steps):
        loss = nn.hinge_loss([model(x) for x in X], y) + 1e-4 * autodiff.sum([p * p for p in model.parameters()])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    return losses


@pytest.mark.parametrize(("dataset", "activation"), [("moons", "relu"), ("circles", "tanh")])
def test_twenty_training_steps_give_cpythons_losses(site: Any, dataset: str, activation: str) -> None:
    settings = {"dataset": dataset, "n": 30, "noise": 0.1, "seed": 7, "hidden": [6, 6], "activation": activation}
    settings["lr"] = 0.2
    site.select_option("#dataset", dataset)
    site.select_option("#activation", activation)
    for field, value in [("#npoints", "30"), ("#noise", "0.1"), ("#seed", "7"), ("#hidden", "6, 6"), ("#lr", "0.2")]:
        site.fill(field, value)
    site.click("#reset")
    assert site.text_content("#train-seed") == "7"
    for _ in range(20):
        site.click("#step")
    assert site.text_content("#train-step") == "20"
    losses = site.evaluate("window.playground.training().losses.toJs()")
    expected = cpython_losses(settings, 20)
    assert len(losses) == 20
    assert all(close(got, want) for got, want in zip(losses, expected)), (losses, expected)
    assert site.text_content("#train-loss") == f"{expected[-1]:.6f}"


def test_play_and_pause(site: Any) -> None:
    site.fill("#speed", "20")
    site.click("#reset")
    site.click("#play")
    site.wait_for_function("Number(document.getElementById('train-step').textContent) >= 3", timeout=30_000)
    site.click("#pause")
    paused = site.text_content("#train-step")
    site.wait_for_timeout(300)
    assert site.text_content("#train-step") == paused


@pytest.mark.parametrize(
    "text", ["__import__('os')", "a +", "x * a", "a.__class__", "(-a).log()", "open('f').read()", "[a for a in b]"]
)
def test_bad_expressions_show_the_engines_message_and_the_page_keeps_working(site: Any, text: str) -> None:
    from autodiff.expression import evaluate

    with pytest.raises((ValueError, TypeError)) as raised:
        evaluate(text, {"a": Value(2.0), "b": Value(-3.0)})
    evaluate_in_page(site, text)
    assert site.text_content("#expr-error") == f"{type(raised.value).__name__}: {raised.value}"
    evaluate_in_page(site, "a * b")
    assert site.text_content("#expr-error") == ""
    assert close(shown(site, "#expr-value"), -6.0)


def test_screenshots_no_request_off_localhost_and_no_console_error(site: Any) -> None:
    OUT.mkdir(exist_ok=True)
    evaluate_in_page(site, "(a*b + b**2).tanh()")
    site.click("#back-next")
    for panel in ("expression", "neuron", "train"):
        path = OUT / f"playground-{panel}.png"
        site.locator(f"#{panel}").screenshot(path=str(path))
        assert path.stat().st_size > 5000
    assert site.requests, "no request was recorded"
    assert all(url.startswith(site.server) or url.startswith("data:") for url in site.requests), site.requests
    assert site.errors == []
