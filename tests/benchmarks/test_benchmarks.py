"""The benchmark (`make bench`) on tiny sizes: it runs, and it compares like with like."""

from __future__ import annotations

import gc

import pytest
from micrograd.engine import Value as MicrogradValue

from autodiff import Value
from benchmarks import graphs, moons
from benchmarks.__main__ import main


def test_every_engine_trains_the_same_model_on_the_same_data():
    X, y = moons.data(10)
    trainers = {name: make(X, y) for name, make in moons.TRAINERS.items()}
    losses = {name: [step(k) for k in range(3)] for name, (step, _) in trainers.items()}
    scores = {name: list(score()) for name, (_, score) in trainers.items()}
    for name in trainers:
        assert losses[name] == pytest.approx(losses["micrograd"], rel=1e-12), name
        assert scores[name] == pytest.approx(scores["micrograd"], rel=1e-12, abs=1e-14), name
    assert losses["micrograd"][2] < losses["micrograd"][0]


def test_initial_weights_follow_micrograds_layout():
    weights = moons.initial_weights()
    assert [len(layer) for layer in weights] == [16, 16, 1]
    assert [len(w) for layer in weights for w, _ in layer[:1]] == [2, 16, 16]
    flat = moons.flat_weights()
    assert len(flat) == 16 * 3 + 16 * 17 + 17
    assert all(-1 <= x <= 1 for x in flat) and {b for layer in weights for _, b in layer} == {0.0}


def test_micrograd_fails_on_a_long_chain_where_ours_does_not():
    assert graphs.chain(MicrogradValue, 2000)["ok"] is False
    assert graphs.chain(Value, 2000)["ok"] is True


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_pairwise_sum_adds_everything_in_a_balanced_tree(n):
    leaves = [Value(float(i)) for i in range(n)]
    total = graphs.pairwise_sum(leaves)
    assert total.data == sum(range(n))
    depth = 0
    node = total
    while node.parents:
        node, depth = node.parents[0], depth + 1
    assert 2**depth >= n > 2 ** (depth - 1) or n == 1


def test_quick_run_writes_every_table(tmp_path, capsys, monkeypatch):
    # The benchmark collects garbage between runs for steadier figures; in this test process, full of
    # objects, each collection takes a while, and the figures do not matter here.
    monkeypatch.setattr(gc, "collect", lambda generation=2: 0)
    out = tmp_path / "results.md"
    assert main(["--quick", "--in-process", "--output", str(out)]) == 0
    text, printed = out.read_text(), capsys.readouterr().out
    for title in [
        "moons_step",
        "moons_train",
        "mlp_wide",
        "mlp_losses",
        "gpt_step",
        "chain",
        "wide",
        "ops",
        "modes",
        "checkpoint",
        "player",
    ]:
        assert f"## {title}" in text and f"## {title}" in printed
    for engine in moons.TRAINERS:
        assert f"| {engine} " in text
    assert text.count("- met: ") + text.count("- MISSED: ") == 27  # the player table adds 2
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")  # the chart
    assert "micrograd 0.1.0" in text and "torch 2.13.0" in text
