"""The GPT's behaviour apart from torch (test_gpt_blocks.py and test_gpt_torch.py compare it
with PyTorch): causality, the cache, sampling, saving, and the attention picture."""

import math
import random

import pytest

import nn
from autodiff import Value


def tiny(seed=0, **sizes):
    nn.manual_seed(seed)
    return nn.GPT(**{"vocab_size": 5, "block_size": 6, "n_layer": 2, "n_embd": 4, "n_head": 2, **sizes})


def test_a_later_token_changes_no_earlier_logits():
    model = tiny()
    a, b = model([1, 2, 3, 4]), model([1, 2, 3, 0])
    assert [[v.data for v in row] for row in a[:3]] == [[v.data for v in row] for row in b[:3]]
    assert [v.data for v in a[3]] != [v.data for v in b[3]]


def test_each_position_s_attention_weights_are_a_distribution_over_the_positions_so_far():
    model = tiny()
    cache = model.new_cache()
    for token in [4, 1, 1, 2]:
        model.step(token, cache)
    for layer in cache:
        assert [len(row[0]) for row in layer.weights] == [1, 2, 3, 4]
        assert all(math.isclose(sum(head), 1.0, rel_tol=1e-15) for row in layer.weights for head in row)


def test_the_embedding_gradient_reaches_only_the_rows_used():
    model = tiny()
    model.zero_grad()
    model.loss([4, 1, 4]).backward()
    used = {i for i, row in enumerate(model.wte.weight) if any(v.grad for v in row)}
    assert used == {1, 4}
    assert all(any(v.grad for v in row) for row in model.wpe.weight[:2])
    assert not any(v.grad for row in model.wpe.weight[2:] for v in row)


def test_sampling_is_greedy_at_a_tiny_temperature_and_stops_at_stop():
    model = tiny()
    greedy = model.generate(0, temperature=1e-6, generator=random.Random(1))
    cache, token = model.new_cache(), 0
    for expected in greedy:
        logits = [v.data for v in model.step(token, cache)]
        token = max(range(5), key=logits.__getitem__)
        assert token == expected
    assert len(greedy) == model.block_size  # no stop token: until the block is full
    sampled = model.generate(0, generator=random.Random(3), stop=greedy[2])
    assert greedy[2] not in sampled and len(sampled) < model.block_size


def test_a_saved_gpt_loads_into_a_fresh_one(tmp_path):
    model = tiny(seed=1)
    model.save(tmp_path / "gpt.json")
    other = tiny(seed=2).load(tmp_path / "gpt.json")
    assert other.loss([4, 0, 1, 4]).data == model.loss([4, 0, 1, 4]).data


def test_plot_attention_checks_the_shape(tmp_path):
    from nn.plots import plot_attention

    with pytest.raises(ValueError, match="plot_attention: expected per head 2 rows"):
        plot_attention([[[1.0], [0.5, 0.25, 0.25]]], [".", "a"], tmp_path / "a.png")
    with pytest.raises(TypeError, match="plot_attention: expected a number or a Value, got str"):
        plot_attention([[[1.0], ["x", 0.5]]], [".", "a"], tmp_path / "a.png")
    assert plot_attention([[[Value(1.0)], [0.5, 0.5]]], [".", "a"], tmp_path / "a.png").stat().st_size > 1000
