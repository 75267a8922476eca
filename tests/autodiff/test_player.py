"""The backward player in a real browser: one layout for every frame, every frame against
trace_backward, every caption's names in the picture, the controls, the node explanation, and
the naive order's wrong gradients against a recursive backward written here."""

from __future__ import annotations

import re
import sys

import pytest
from PIL import Image

from autodiff import Value, draw_backward, topological_order, trace_backward
from autodiff._numbers import _shown
from autodiff.trace import node_names
from demos.backprop import neuron
from tests.browser import serve

NAME = re.compile(r"\(([^()]*)\)\.grad|([A-Za-z_][\w.]*)\.(?:grad|data)")


def lecture_neuron() -> Value:
    return neuron()[1]


def shared() -> Value:
    a = Value(1.5, label="a")
    b = a * a + a
    b.label = "b"
    return (b * a).tanh() + b


def unlabelled() -> Value:
    x = Value(0.7)
    y = x * 2.0 + x.exp()
    return (y * y).tanh()


def expected_frames(root: Value) -> list[tuple[str | None, str | None, dict[str, str]]]:
    """(caption, class of the pushing node, shown grad per node class) of each frame, from the trace."""
    ids = {v: f"ad-v{i}" for i, v in enumerate(topological_order(root))}
    shown = {ids[v]: "grad" for v in ids if v.requires_grad}
    shown[ids[root]] = f"grad {_shown(1.0)}"
    frames: list[tuple[str | None, str | None, dict[str, str]]] = [(None, None, dict(shown))]
    for step in trace_backward(root):
        for push in step.pushes:
            shown[ids[push.parent]] = f"grad {_shown(push.total)}"
        frames.append((str(step), ids[step.node], dict(shown)))
    return frames


SEEN = """() => {
  const boxes = [...document.querySelectorAll('.ad-picture g.node')]
    .filter(g => /ad-v\\d/.test(g.getAttribute('class')));
  const out = {grads: {}, names: [], current: [], geometry: {}};
  for (const g of boxes) {
    const id = g.getAttribute('class').match(/ad-v\\d+/)[0];
    const texts = [...g.querySelectorAll('text')].map(t => t.textContent);
    if (texts[texts.length - 1].startsWith('grad')) { out.grads[id] = texts[texts.length - 1]; }
    out.names.push(texts[0]);
    if (g.classList.contains('ad-current')) { out.current.push(id); }
  }
  for (const g of document.querySelectorAll('.ad-picture g.node, .ad-picture g.edge')) {
    const r = g.getBoundingClientRect();  // on the page: the picture itself stays put too
    const box = [r.x, r.y, r.width, r.height];
    out.geometry[g.querySelector('title').textContent] = box.map(x => Math.round(x * 100) / 100);
  }
  out.caption = document.querySelector('.ad-caption').textContent;
  out.slider = document.querySelector('.ad-slider').value;
  return out;
}"""


@pytest.fixture
def url(tmp_path):
    """The URL of a file in tmp_path, served on 127.0.0.1 for the test's length."""
    with serve(tmp_path) as base:
        yield lambda path: base + path.relative_to(tmp_path).as_posix()


def caption_names(caption: str) -> set[str]:
    return {a or b for a, b in NAME.findall(caption)}


@pytest.mark.parametrize("make", [lecture_neuron, shared, unlabelled, "naive"])
def test_frames_in_the_browser_are_the_trace_on_one_layout(make, page, tmp_path, url) -> None:
    if make == "naive":  # the naive order: its captions and its own frames, checked below
        return check_naive_geometry(page, tmp_path, url)
    root = make()
    path = draw_backward(root).save(tmp_path / "backprop.html")
    expected = expected_frames(root)
    page.goto(url(path))
    last = len(expected) - 1
    assert page.locator(".ad-counter").text_content() == f"step 0 of {last}"
    first_geometry = page.evaluate(SEEN)["geometry"]

    def check(i: int) -> None:
        seen = page.evaluate(SEEN)
        want_caption, want_node, want_grads = expected[i]
        assert seen["caption"] == (want_caption or seen["caption"]) and (i > 0 or "the seed" in seen["caption"])
        assert seen["current"] == ([want_node] if want_node else [])
        assert seen["grads"] == want_grads
        assert seen["slider"] == str(i)
        names = caption_names(seen["caption"])
        assert names and names <= set(seen["names"]), names - set(seen["names"])
        assert seen["geometry"] == first_geometry  # nothing moves

    check(0)
    for i in range(1, last + 1):  # forward with the button
        page.click('button[data-action="next"]')
        check(i)
    page.click('button[data-action="next"]')  # past the end: stays on the last frame
    check(last)
    page.locator(".ad-player").focus()
    for i in reversed(range(last)):  # back with the key
        page.keyboard.press("ArrowLeft")
        check(i)
    page.keyboard.press("ArrowRight")
    check(1)
    page.click('button[data-action="last"]')
    check(last)
    page.click('button[data-action="back"]')
    check(last - 1)
    page.locator(".ad-player").focus()
    page.keyboard.press("Home")
    check(0)
    page.keyboard.press("End")
    check(last)
    page.click('button[data-action="first"]')
    check(0)
    page.locator(".ad-slider").fill("2")
    check(2)
    assert page.errors == []


def check_naive_geometry(page, tmp_path, url) -> None:
    root = shared()
    player = draw_backward(root, order="naive")
    page.goto(url(player.save(tmp_path / "naive.html")))
    first = page.evaluate(SEEN)
    page.locator(".ad-player").focus()
    for i in range(1, len(player.frames)):
        page.keyboard.press("ArrowRight")
        seen = page.evaluate(SEEN)
        assert seen["caption"] == player.frames[i].caption
        assert caption_names(seen["caption"]) <= set(seen["names"])
        assert seen["geometry"] == first["geometry"]
    assert page.errors == []


def test_space_plays_to_the_last_frame_and_the_controls_are_plain_text(page, tmp_path, url) -> None:
    root = lecture_neuron()
    page.goto(url(draw_backward(root).save(tmp_path / "p.html")))
    labels = page.locator(".ad-controls button").all_text_contents()
    assert labels == ["first", "back", "play", "next", "last"]
    last = len(trace_backward(root))
    page.keyboard.press(" ")  # the page's player has the focus
    assert page.locator('button[data-action="play"]').text_content() == "pause"
    page.wait_for_function(f"document.querySelector('.ad-counter').textContent === 'step {last} of {last}'")
    page.wait_for_function("document.querySelector('[data-action=\"play\"]').textContent === 'play'")
    assert page.errors == []


def test_a_click_on_a_box_writes_its_gradient_as_the_chain_rule(page, tmp_path, url) -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b + b**2).tanh()
    player = draw_backward(c)
    page.goto(url(player.save(tmp_path / "p.html")))
    assert page.locator(".ad-explain").text_content() == ""
    order = topological_order(c)
    page.locator(f"g.ad-v{order.index(b)}").click()
    text = page.locator(".ad-explain").text_content()
    assert text == player.explain(b)
    c.backward()
    assert text.startswith("b.grad = 2*b.data * n2.grad + a.data * n1.grad = ") and text.endswith(f"= {b.grad:.6g}")
    names = node_names(c)
    terms = [float(x) for x in re.findall(r"-?[\d.]+(?:e-?\d+)?", text.split(" = ")[2])]  # local, grad, local, grad
    n1, n2 = (v for v in order if names[v] in ("n1", "n2"))
    assert terms == pytest.approx([2 * b.data, n2.grad, a.data, n1.grad], rel=1e-5)
    assert page.locator(f"g.ad-v{order.index(b)}.ad-selected").count() == 1
    selected = draw_backward(c, select=a)  # chosen from Python
    page.goto(url(selected.save(tmp_path / "s.html")))
    assert page.locator(".ad-explain").text_content() == selected.explain(a)
    assert page.errors == []


def naive_backward(root: Value) -> dict[Value, float]:
    """The recursive backward people write without the topological sort, micrograd style."""
    grads = dict.fromkeys(topological_order(root), 0.0)
    grads[root] = 1.0

    def backward(v: Value) -> None:
        if v.parents:
            local = trace_backward(v)[0]  # d v / d parent, read from the one op table
            for push in local.pushes:
                grads[push.parent] += push.local * grads[v]
            for p in v.parents:
                backward(p)

    backward(root)
    return grads


def test_the_naive_order_shows_which_gradients_come_out_wrong(page, tmp_path, url) -> None:
    root = shared()
    got = naive_backward(root)
    root.backward()
    wrong = {v for v in got if v.requires_grad and _shown(got[v]) != _shown(v.grad)}
    assert wrong  # a shared node: the naive order is wrong somewhere
    player = draw_backward(root, order="naive")
    names = node_names(root)
    verdict = player.frames[-1]
    assert verdict.wrong == wrong
    for v in wrong:
        assert f"{names[v]}.grad = {_shown(got[v])} (right: {_shown(v.grad)})" in verdict.caption
    assert "Why:" in verdict.caption and "pushed 2 times" in verdict.caption
    page.goto(url(player.save(tmp_path / "naive.html")))
    page.locator(".ad-player").focus()
    page.keyboard.press("End")
    marked = page.locator("text.ad-wrong").all_text_contents()
    assert sorted(marked) == sorted(f"grad {_shown(got[v])} (right: {_shown(v.grad)})" for v in wrong)
    assert caption_names(page.locator(".ad-caption").text_content()) <= set(
        page.locator(".ad-picture g.node text:first-of-type").all_text_contents()
    )
    page.keyboard.press("Home")
    assert page.locator("text.ad-wrong").count() == 0
    assert page.errors == []


def test_the_player_is_linear_in_the_graph() -> None:
    xs = [Value(float(i) / 100, label=f"x{i}") for i in range(330)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x * x  # 3 Values per term: about 2,000 nodes with the ops
    player = draw_backward(total, legend=False)
    data = player.data()
    cells = sum(len(f["cells"]) for f in data["frames"])
    values = len(topological_order(total))
    assert cells <= 3 * values  # each frame carries only what changes
    assert data["svg"].count("<svg") == 1  # one picture for every frame


def test_gif_has_a_frame_per_step_of_one_size(tmp_path) -> None:
    root = lecture_neuron()
    path = draw_backward(root).save(tmp_path / "backprop.gif")
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == len(trace_backward(root)) + 1
    pictures = draw_backward(root).pictures()
    assert len(pictures) == len(trace_backward(root)) + 1
    outlines = re.compile(r'<svg width="[^"]*" height="[^"]*"|<(?:polygon|path|ellipse)[^>]*>')
    coordinates = re.compile(r' (?:points|d|cx|cy|rx|ry)="[^"]*"|<svg width="[^"]*" height="[^"]*"')
    shapes = [coordinates.findall("".join(outlines.findall(p.pipe("svg").decode()))) for p in pictures]
    assert len(shapes[0]) > 20 and all(s == shapes[0] for s in shapes)  # every box and arrow stays put


def test_gif_without_pillow_names_the_extra(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'scalar-autodiff\[plot\]'"):
        draw_backward(Value(2.0) * 3).save(tmp_path / "p.gif")


def test_reprs_say_what_and_how() -> None:
    x = Value(2.0, label="x")
    y = x * 3
    y.label = "y"
    text = repr(draw_backward(y))
    assert text.startswith("<BackwardPlayer: backward() of y in 2 frames over 3 Values") and ".save(" in text
    assert "object at 0x" not in text
    assert "naive" in repr(draw_backward(y, order="naive"))


def test_player_is_self_contained_and_changes_no_grad(tmp_path) -> None:
    root = shared()
    text = draw_backward(root).save(tmp_path / "p.html").read_text()
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert all(v.grad == 0.0 for v in topological_order(root))


def test_size_limit_and_bad_input_name_draw_backward(tmp_path) -> None:
    x = Value(1.0)
    y = x
    for _ in range(30):
        y = y * x
    with pytest.raises(ValueError, match="^draw_backward: .*max_nodes=10"):
        draw_backward(y, max_nodes=10)
    with pytest.raises(TypeError, match="^draw_backward: expected a Value"):
        draw_backward(3.0)
    with pytest.raises(TypeError, match=r"^draw_backward: max_nodes must be an int, got float \(nan\)"):
        draw_backward(y, max_nodes=float("nan"))
    with pytest.raises(ValueError, match="^draw_backward: order must be"):
        draw_backward(y, order="random")
    with pytest.raises(ValueError, match="^draw_backward: select"):
        draw_backward(y, select=Value(5.0))
    with pytest.raises(ValueError, match="unknown file suffix"):
        draw_backward(x * 2).save(tmp_path / "p.png")
    with pytest.raises(TypeError, match="^save: path"):
        draw_backward(x * 2).save(None)
