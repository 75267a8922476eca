"""The backward player in a real browser: every frame against trace_backward."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from autodiff import Value, draw_backward, topological_order, trace_backward
from autodiff._numbers import _shown
from demos.backprop import neuron

GRAD = re.compile(r"^grad ?(.*)$")


def lecture_neuron() -> Value:
    return neuron()[1]


def shared() -> Value:
    a = Value(1.5, label="a")
    b = a * a + a
    b.label = "b"
    return (b * a).tanh() + b


def expected_frames(root: Value) -> list[tuple[str, str | None, dict[str, str]]]:
    """(caption, highlighted node id, shown grad per node id) of each frame, from the trace."""
    order = topological_order(root)
    ids = {v: f"v{i}" for i, v in enumerate(order)}
    shown = {ids[v]: "" for v in order if v.requires_grad}
    shown[ids[root]] = _shown(1.0)
    steps = trace_backward(root)
    frames = [(None, None, dict(shown))]
    for step in steps:
        for push in step.pushes:
            shown[ids[push.parent]] = _shown(push.total)
        frames.append((str(step), ids[step.node], dict(shown)))
    return frames


def seen(page) -> tuple[str, str | None, dict[str, str]]:
    frame = page.locator(".ad-frame:not([hidden])")
    assert frame.count() == 1
    caption = page.locator(".ad-caption").text_content()
    current = frame.locator("g.node.current:not([id*=op]) > title").all_text_contents()
    highlighted = [t for t in current if not t.endswith("_op")]
    grads = {}
    for node in frame.locator("g.node").all():
        title = node.locator("title").text_content()
        for text in node.locator("text").all_text_contents():
            match = GRAD.match(text)
            if match:
                grads[title] = match.group(1)
    return caption, highlighted[0] if highlighted else None, grads


@pytest.mark.parametrize("make", [lecture_neuron, shared])
def test_frames_in_the_browser_are_the_trace(make, page, tmp_path) -> None:
    root = make()
    path = draw_backward(root).save(tmp_path / "backprop.html")
    expected = expected_frames(root)
    page.goto(path.as_uri())
    last = len(expected) - 1
    assert page.locator(".ad-counter").text_content() == f"step 0 of {last}"

    def check(i: int) -> None:
        caption, highlighted, grads = seen(page)
        want_caption, want_node, want_grads = expected[i]
        assert caption == (want_caption or caption) and (i > 0 or "the seed" in caption)
        assert highlighted == want_node
        assert grads == want_grads
        assert page.locator(".ad-slider").input_value() == str(i)

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
    page.keyboard.press("Home")
    check(0)
    page.keyboard.press("End")
    check(last)
    page.click('button[data-action="first"]')
    check(0)
    page.locator(".ad-slider").fill("2")
    check(2)
    assert page.errors == []


def test_play_runs_to_the_last_frame(page, tmp_path) -> None:
    root = lecture_neuron()
    page.goto(draw_backward(root).save(tmp_path / "p.html").as_uri())
    last = len(trace_backward(root))
    page.click('button[data-action="play"]')
    assert page.locator('button[data-action="play"]').text_content() == "pause"
    page.wait_for_function(f"document.querySelector('.ad-counter').textContent === 'step {last} of {last}'")
    page.wait_for_function("document.querySelector('[data-action=\"play\"]').textContent === 'play'")
    assert page.errors == []


def test_player_is_self_contained_and_changes_no_grad(tmp_path) -> None:
    root = shared()
    text = draw_backward(root).save(tmp_path / "p.html").read_text()
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    assert all(v.grad == 0.0 for v in topological_order(root))
    html = draw_backward(root)._repr_html_()
    assert html.count('class="ad-frame"') == len(trace_backward(root)) + 1


def test_gif_has_a_frame_per_step(tmp_path) -> None:
    root = lecture_neuron()
    path = draw_backward(root).save(tmp_path / "backprop.gif")
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == len(trace_backward(root)) + 1


def test_size_limit_and_bad_input_raise_as_draw_dot(tmp_path) -> None:
    x = Value(1.0)
    y = x
    for _ in range(30):
        y = y * x
    with pytest.raises(ValueError, match="max_nodes=10"):
        draw_backward(y, max_nodes=10)
    with pytest.raises(TypeError, match="expected a Value"):
        draw_backward(3.0)
    with pytest.raises(ValueError, match="unknown file suffix"):
        draw_backward(x * 2).save(tmp_path / "p.png")
