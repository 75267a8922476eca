"""`gpt_step`: our engine and the minimal one build the same graph and compute the same numbers."""

from __future__ import annotations

import math

import pytest

from benchmarks import gpt, minimal

TINY = gpt.Config(n_embd=8, n_head=2, n_layer=1, block_size=8)


def test_both_engines_build_the_same_graph_with_the_same_loss_and_gradients():
    (ours, ours_params), (theirs, their_params) = (gpt.graph_of_a_step(e, 3, TINY) for e in ("ours", "minimal"))
    assert gpt.graph_size(ours) == gpt.graph_size(theirs)
    assert gpt.graph_size(ours)[0] > len(ours_params)
    assert ours.data == pytest.approx(theirs.data, rel=1e-13)
    ours.backward()
    theirs.backward()
    assert [p.grad for p in ours_params] == pytest.approx([p.grad for p in their_params], rel=1e-10, abs=1e-14)
    assert any(p.grad != 0 for p in ours_params)


def test_training_steps_agree_and_learn():
    ours, theirs = gpt.trainer("ours", TINY), gpt.trainer("minimal", TINY)
    losses = [(ours(k % 2), theirs(k % 2)) for k in range(6)]
    for a, b in losses:
        assert a == pytest.approx(b, rel=1e-12)
    assert losses[-1][0] < losses[0][0]  # the same two names again: the loss goes down


def test_the_first_loss_is_near_the_uniform_guess():
    loss, _ = gpt.graph_of_a_step("minimal", 0, TINY)
    assert abs(loss.data - math.log(TINY.vocab_size)) < 0.5


def test_minimal_engine_gradients_match_the_calculus():
    x = minimal.Value(0.7)
    y = minimal.dot([x, x], [x.exp(), x.relu()]) + (x**3).log() * 2.0 + minimal.sum([x, x])
    y.backward()
    expected = (1 + 0.7) * math.exp(0.7) + 2 * 0.7 + 2.0 * 3 / 0.7 + 2  # x e^x + x relu(x) + 2 log x^3 + 2x
    assert x.grad == pytest.approx(expected, rel=1e-13)


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine 'jax'"):
        gpt.engine("jax")
