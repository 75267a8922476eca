"""The playground in headless Chromium: the page built by playground/build.py into a temporary
directory, served from 127.0.0.1 by a server the tests start and stop, against the same
computations in CPython.

The page is loaded once for the module (Pyodide starts in seconds; the time is printed). Every
request is routed: one to any other host is refused and recorded, and each test asserts that
there was none and that the browser logged no error. Tests run in any order: each sets up the
fields it reads.
"""

from __future__ import annotations

import itertools
import json
import math
import pathlib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

import autodiff
import nn
from autodiff import Value
from autodiff.expression import MAX_DEPTH
from nn import toy_data
from tests.browser import serve

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "playground"))
import session  # noqa: E402 - the page's own Python, from playground/

OUT = ROOT / "out"
LOAD_TIMEOUT_MS = 120_000
ANSWER_SECONDS = 2.0  # the issue's bound for any input within the page's limits


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("playground")
    subprocess.run([sys.executable, str(ROOT / "playground" / "build.py"), str(site)], check=True, capture_output=True)
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def site(browser: Any, server: str, pytestconfig: pytest.Config) -> Iterator[Any]:
    """The loaded page; `.errors` collects console and page errors, `.outside` every request to
    another host (refused)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.errors, page.outside = [], []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(server) or url.startswith("data:"):
            request_route.continue_()
        else:
            page.outside.append(url)
            request_route.abort()

    page.route("**/*", route)
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


@pytest.fixture(autouse=True)
def quiet_and_local(site: Any) -> Iterator[None]:
    site.errors.clear()
    yield
    assert site.errors == []
    assert site.outside == []


def shown(page: Any, selector: str) -> Any:
    return json.loads(page.get_attribute(selector, "data-json"))


def evaluate_in_page(page: Any, text: str, inputs: str = "a = 2\nb = -3") -> float:
    """Type and evaluate; the seconds until the answer is on the page (the handler is synchronous)."""
    page.fill("#inputs", inputs)
    page.fill("#expr", text)
    click = "const t = performance.now(); document.getElementById('evaluate').click();"
    return page.evaluate(f"() => {{ {click} return (performance.now() - t) / 1000; }}")


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


def test_numbers_are_rounded_with_the_exact_value_on_hover(site: Any) -> None:
    evaluate_in_page(site, "(x1*w1 + x2*w2 + b).tanh()", "x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 6.8813735870195432")
    exact = shown(site, "#expr-grads")["x1"]
    assert exact != -1.5 and close(round(exact, 12), -1.5)  # float noise in the last digits
    span = site.locator("#expr-grads .num").first
    assert span.text_content() == "x1.grad = -1.5"
    assert span.get_attribute("title") == f"exact: {exact!r}"


def test_backward_frames_update_one_picture(site: Any) -> None:
    text, inputs = "(a*b + b**2).tanh()", "a = 2\nb = -3"
    evaluate_in_page(site, text, inputs)
    frames = json.loads(session.expression(inputs, text))["player"]["frames"]
    captions = [frame["caption"] for frame in frames]
    assert site.evaluate("window.playground.frameCount()") == len(captions) > 2
    picture = "document.querySelector('#back-player .ad-picture svg')"
    site.evaluate(f"{picture}.dataset.marker = 'laid out once'")
    texts = lambda: site.locator("#back-player .ad-picture text").all_text_contents()
    assert site.text_content("#back-player .ad-caption") == captions[0]
    seen = [texts()]
    for i in range(1, len(captions)):
        site.click("#back-player [data-action=next]")
        assert site.text_content("#back-player .ad-caption") == captions[i]
        assert site.text_content("#back-player .ad-counter") == f"step {i} of {len(captions) - 1}"
        seen.append(texts())
        assert site.locator("#back-player .ad-current").count() >= 1
    assert all(before != after for before, after in itertools.pairwise(seen))  # each frame writes a grad
    assert site.evaluate(f"{picture}.dataset.marker") == "laid out once"
    assert "grad -0.0296" in seen[-1] and "grad -0.0296" not in seen[0]  # a's grad: blank first, final last
    site.click("#back-player [data-action=first]")
    assert site.text_content("#back-player .ad-caption") == captions[0]
    assert texts() == seen[0]


def test_hover_a_node_shows_its_local_derivative_with_numbers(site: Any) -> None:
    evaluate_in_page(site, "(a*b + b**2).tanh()")
    answer = json.loads(session.expression("a = 2\nb = -3", "(a*b + b**2).tanh()"))
    tanh = next(key for key, lines in answer["local"].items() if "(1 - out) * (1 + out)" in lines[0])
    site.hover(f"#expr-graph g.node[data-id={tanh}]")
    info = site.text_content("#node-info")
    assert info == answer["local"][tanh][0]
    o = math.tanh(2 * -3 + 9)
    assert info.endswith(f"= {1 - o * o:.4f}") and f"{o:.4g}" in info


def neuron_grads(values: dict[str, float]) -> dict[str, float]:
    inputs = {name: Value(values[name]) for name in ("x1", "x2", "w1", "w2", "b")}
    o = (inputs["x1"] * inputs["w1"] + inputs["x2"] * inputs["w2"] + inputs["b"]).tanh()
    o.backward()
    return {name: v.grad for name, v in inputs.items()}


def test_neuron_gradients_follow_a_slider(site: Any) -> None:
    lecture = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    for name, value in lecture.items():
        site.fill(f"#slider-{name}", str(value))
    before = shown(site, "#neuron-grads")
    expected = neuron_grads(lecture)
    assert all(close(before[name], expected[name]) for name in lecture)
    site.fill("#slider-w1", "0.75")
    moved = shown(site, "#neuron-grads")
    expected = neuron_grads({**lecture, "w1": 0.75})
    assert all(close(moved[name], expected[name]) for name in lecture)
    assert not close(moved["x1"], before["x1"])


def chain(op: str, terms: int) -> str:
    return op.join(["a"] * terms)


# Each input of the issue: what the page must show (value, grads, an error's end, a note's part).
ODD_INPUTS = [
    ("3", 3.0, {}, None, "nothing to differentiate"),
    ("9**9**9", "inf", {}, None, "nothing to differentiate"),
    ("a*1e308*10", "inf", {"a": "inf"}, None, ""),
    ("(a-a).sqrt()", 0.0, {"a": "nan"}, None, ""),
    (chain("+", 994), 1988.0, {"a": 994.0}, None, "1987 nodes: too large to draw"),
    (chain("+", 150), 300.0, {"a": 150.0}, None, "299 nodes"),
    (chain("+", 60), 120.0, {"a": 60.0}, None, "119 nodes"),
    (chain("*", 994), 2.0**994, {"a": 994 * 2.0**993}, None, "1987 nodes"),
    ("-" * 1999 + "a", None, None, f"nests more than {MAX_DEPTH} levels deep (column {MAX_DEPTH + 1})", ""),
    (("-" * 8 + "(") * 199 + "a" + ")" * 199, None, None, "(column 1)", ""),
    (chain("+", 990) + "+(-a).log()", None, None, "(column 1986)", ""),  # a deep graph left behind
    ("-" * 999 + "a", -2.0, {"a": -1.0}, None, "too large to draw"),
    ("a +", None, None, "invalid syntax (column 4)", ""),
    ("a + ｂ", None, None, "unknown name `b`; the inputs are a (column 5)", ""),
    ("(-a).log()", None, None, "(column 6)", ""),
]


@pytest.mark.parametrize(("text", "value", "grads", "error", "note"), ODD_INPUTS)
def test_every_input_gets_a_whole_new_answer_in_time(
    site: Any, text: str, value: Any, grads: Any, error: str | None, note: str
) -> None:
    evaluate_in_page(site, "a * 3", "a = 2")  # an answer with every part, to be replaced
    assert site.locator("#expr-graph svg").count() == 1
    seconds = evaluate_in_page(site, text, "a = 2")
    assert seconds < ANSWER_SECONDS
    if error is not None:
        assert site.text_content("#expr-error").endswith(error)
        for part in ("#expr-value", "#expr-grads", "#expr-graph", "#back-player", "#expr-note"):
            assert site.text_content(part) == "", part
        return
    assert site.text_content("#expr-error") == ""
    assert shown(site, "#expr-value") == value
    assert shown(site, "#expr-grads") == grads
    assert note in site.text_content("#expr-note")
    drawn = site.locator("#expr-graph svg").count()
    assert drawn == (0 if note else 1)
    if not grads:
        assert site.text_content("#back-player") == "No backward pass: nothing to differentiate."
    else:
        assert site.evaluate("window.playground.frameCount()") > 1


def test_an_input_named_with_a_fullwidth_letter_is_the_name_python_reads(site: Any) -> None:
    evaluate_in_page(site, "ｘ1 * x1 + ｘ1", "ｘ1 = 1.5")
    assert site.text_content("#expr-error") == ""
    assert shown(site, "#expr-grads") == {"x1": 4.0}


def test_a_bad_inputs_line_is_named_with_its_column(site: Any) -> None:
    evaluate_in_page(site, "a", "a = 2\nb = two")
    assert site.text_content("#expr-error") == "ValueError: inputs, line 2, column 5: 'two' is not a number"
    assert site.get_attribute("#inputs", "class") == "bad"


def fill_training(site: Any, **fields: str) -> None:
    values = {"npoints": "30", "noise": "0.1", "seed": "7", "hidden": "6, 6", "lr": "0.2", "speed": "5", **fields}
    for field, value in values.items():
        site.fill(f"#{field}", value)


def cpython_losses(settings: dict[str, Any], steps: int, X: Any = None, y: Any = None) -> list[float]:
    """The page's training run rewritten here from nn's parts: data, seed, MLP, hinge + L2, SGD."""
    if X is None:
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
    fill_training(site)
    site.click("#reset")
    assert site.text_content("#train-seed") == "7"
    for _ in range(20):
        site.click("#step")
    assert site.text_content("#train-step") == "20"
    losses = site.evaluate("window.playground.training().losses.toJs()")
    expected = cpython_losses(settings, 20)
    assert all(close(got, want) for got, want in zip(losses, expected)), (losses, expected)
    assert site.get_attribute("#train-loss .num", "title") == f"exact: {losses[-1]!r}"


def test_play_and_pause(site: Any) -> None:
    site.select_option("#dataset", "moons")
    fill_training(site, speed="20")
    site.click("#reset")
    site.click("#play")
    site.wait_for_function("Number(document.getElementById('train-step').textContent) >= 3", timeout=30_000)
    site.click("#pause")
    paused = site.text_content("#train-step")
    site.wait_for_timeout(300)
    assert site.text_content("#train-step") == paused


def test_a_divergent_run_stops_with_a_message_naming_the_learning_rate(site: Any) -> None:
    site.select_option("#dataset", "moons")
    fill_training(site, lr="1e6", speed="30")
    site.click("#reset")
    site.click("#play")
    site.wait_for_function("document.getElementById('train-error').textContent.includes('diverged')", timeout=30_000)
    message = site.text_content("#train-error")
    assert "The learning rate 1e+06 is too large" in message
    assert site.text_content("#train-step") == "–" and site.text_content("#train-loss") == "–"
    site.click("#step")  # the run stays stopped
    assert site.text_content("#train-error") == message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hidden", "abc", "Hidden sizes: 'abc' is not a whole number"),
        ("hidden", "8, 0", "Hidden sizes: 0 is outside 1 to 32"),
        ("lr", "0", "Learning rate: '0' must be a finite number above 0 up to 1e+12"),
        ("npoints", "3", "Points: 3 is outside 4 to 400"),
        ("noise", "", "Noise: '' is not a number"),
        ("speed", "1000", "Steps per second: 1000 is outside 1 to 30"),
        ("hidden", "32, 32, 32", "use smaller layers or fewer points"),  # a step would stall the page
    ],
)
def test_a_bad_field_is_named_and_nothing_stale_stays(site: Any, field: str, value: str, message: str) -> None:
    site.select_option("#dataset", "moons")
    fill_training(site)
    site.click("#reset")
    site.click("#step")
    assert site.text_content("#train-step") == "1"
    site.fill(f"#{field}", value)
    site.click("#reset")
    assert site.text_content("#train-error").endswith(message)
    assert (site.text_content("#train-step"), site.text_content("#train-loss")) == ("0", "–")
    pixels = "document.getElementById('boundary').getContext('2d').getImageData(0, 0, 320, 320).data"
    blank = f"() => {pixels}.every((v) => v === 0)"
    assert site.evaluate(blank)
    assert site.evaluate("window.playground.training()") is None


def test_a_point_added_by_a_click_is_in_the_next_steps_data(site: Any) -> None:
    site.select_option("#dataset", "xor")
    site.select_option("#activation", "tanh")
    fill_training(site, npoints="12", hidden="4")
    site.click("#reset")
    before = site.evaluate("window.playground.training().X.toJs()")
    box = site.evaluate("window.playground.training().box.toJs()")
    data = lambda px, py: [box[0] + px / 320 * (box[1] - box[0]), box[3] - py / 320 * (box[3] - box[2])]
    free = [(px, py) for px in range(20, 320, 20) for py in range(20, 320, 20)]
    px, py = max(free, key=lambda p: min(math.dist(data(*p), q) for q in before))  # clear of every point
    site.check("#class-blue")
    site.click("#boundary", position={"x": px, "y": py})
    X = site.evaluate("window.playground.training().X.toJs()")
    y = site.evaluate("window.playground.training().y.toJs()")
    assert X[:-1] == before and len(X) == len(before) + 1 and y[-1] == -1
    assert X[-1] == pytest.approx(data(px, py), abs=0.02)
    site.click("#step")
    settings = {"dataset": "xor", "n": 12, "noise": 0.1, "seed": 7, "hidden": [4], "activation": "tanh", "lr": 0.2}
    loss = site.evaluate("window.playground.training().losses.toJs()")[0]
    assert close(loss, cpython_losses(settings, 1, X, y)[0])
    assert not close(loss, cpython_losses(settings, 1)[0])


def test_a_dragged_point_moves(site: Any) -> None:
    site.select_option("#dataset", "moons")
    fill_training(site, npoints="8")
    site.click("#reset")
    X = site.evaluate("window.playground.training().X.toJs()")
    box = site.evaluate("window.playground.training().box.toJs()")
    # The mouse moves in the viewport: the plane must be in it, wherever an earlier test scrolled.
    site.locator("#boundary").scroll_into_view_if_needed()
    bound = site.locator("#boundary").bounding_box()
    scale = bound["width"] / 320
    x = bound["x"] + (X[0][0] - box[0]) / (box[1] - box[0]) * 320 * scale
    y = bound["y"] + (box[3] - X[0][1]) / (box[3] - box[2]) * 320 * scale
    site.mouse.move(x, y)
    site.mouse.down()
    site.mouse.move(x + 30, y + 20, steps=3)
    site.mouse.up()
    moved = site.evaluate("window.playground.training().X.toJs()")
    assert len(moved) == len(X) and moved[1:] == X[1:]
    assert moved[0][0] > X[0][0] and moved[0][1] < X[0][1]


def test_screenshots(site: Any) -> None:
    OUT.mkdir(exist_ok=True)
    evaluate_in_page(site, "(a*b + b**2).tanh()")
    site.click("#back-player [data-action=next]")
    site.select_option("#dataset", "moons")
    fill_training(site, npoints="60", hidden="8, 8", lr="0.1")
    site.click("#reset")
    for _ in range(5):
        site.click("#step")
    for panel in ("expression", "neuron", "train"):
        path = OUT / f"playground-{panel}.png"
        site.locator(f"#{panel}").screenshot(path=str(path))
        assert path.stat().st_size > 5000
