"""`mlp_losses`: the compiled step and PyTorch batched train the same model with the same loss,
however the loss is written."""

from __future__ import annotations

import pytest

from benchmarks import mlp_losses


@pytest.mark.parametrize("loss", mlp_losses.LOSSES)
def test_compiled_and_torch_compute_the_same_losses_step_after_step(loss):
    X, y = mlp_losses.data(loss, 40)
    ours, torch = (make(loss, X, y) for make in mlp_losses.TRAINERS.values())
    losses = [(ours(k), torch(k)) for k in range(4)]
    for a, b in losses:
        assert a == pytest.approx(b, rel=1e-12)
    assert losses[-1][0] < losses[0][0]


def test_the_cross_entropy_has_every_class_and_the_others_two_labels():
    assert set(mlp_losses.data("cross-entropy", 400)[1]) == set(range(mlp_losses.CLASSES))
    assert set(mlp_losses.data("hinge", 40)[1]) == {-1.0, 1.0}
