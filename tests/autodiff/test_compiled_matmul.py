"""Compiled mode's matrix products: a layer's dot nodes replayed as one, exact against eager."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autodiff
import nn
from autodiff import Value, dot
from autodiff.compiled.fold import fold_sums
from autodiff.compiled.plan import Elementwise, Matmul
from autodiff.compiled.trace import trace
from benchmarks import mlp_wide
from tests.autodiff.test_compiled import assert_close, assert_compiled_equals_eager


def group_kinds(graph: autodiff.CompiledGraph) -> list[str]:
    return [type(g).__name__ if isinstance(g, Matmul) else g.op.name for g in graph._plan.groups]


def test_an_mlp_traced_as_today_replays_each_layer_as_one_matrix_product(rng):
    model = nn.MLP(2, [8, 8, 1], activation="tanh")
    graph = autodiff.compile(lambda a, b: model([a, b]), n_inputs=2)
    assert group_kinds(graph) == ["Matmul", "tanh", "Matmul", "tanh", "Matmul"]
    matmuls = [g for g in graph._plan.groups if isinstance(g, Matmul)]
    assert [g.shape for g in matmuls] == [(8, 3), (8, 9), (1, 9)]  # weights and bias, node by node
    assert_compiled_equals_eager(lambda a, b: model([a, b]), rng.normal(size=(40, 2)), model.parameters())


@pytest.mark.parametrize(
    "fn",
    [
        lambda w, x, y: [dot([w[0], w[1]], [x, y]), dot([w[2], w[3]], [x, y])],  # weights first
        lambda w, x, y: [dot([x, y], [w[0], w[1]]), dot([x, y], [w[2], w[3]])],  # weights second
        lambda w, x, y: [dot([w[0], w[0]], [x, x]), dot([w[1], w[0]], [x, x])],  # repeated rows, shared weight
        lambda w, x, y: [dot([w[0], 2.0], [x, y]), dot([w[1] * w[2], w[3]], [x, y])],  # constants, uniform nodes
        lambda w, x, y: [dot([w[0], w[1]], [x, y]), dot([w[2], w[3]], [y, x])],  # two different shared halves
        lambda w, x, y: [dot([w[0], x], [x, y])],  # neither half uniform: elementwise, as before
    ],
)
def test_dot_groups_of_every_shape_equal_eager(fn, rng):
    w = [Value(float(v)) for v in rng.normal(size=4)]
    assert_compiled_equals_eager(lambda x, y: fn(w, x, y), rng.normal(size=(25, 2)), w)


def test_a_dot_whose_halves_both_depend_on_the_inputs_stays_elementwise():
    graph = autodiff.compile(lambda x, y: dot([x, y], [y, x]), n_inputs=2)
    assert [type(g) for g in graph._plan.groups] == [Elementwise]


def test_parameters_read_only_by_matrix_products_are_read_in_column_0_and_still_updated():
    w = [Value(1.0), Value(2.0)]
    graph = autodiff.compile(lambda x: dot(w, [x, x]), n_inputs=1)
    assert graph._plan.n_wide == 0  # neither weight is read example by example
    x = np.array([[1.0], [2.0]])
    assert_close(graph(x), [3.0, 6.0])
    w[0].data = 10.0  # seen at the next call, without tracing again
    assert_close(graph(x), [12.0, 24.0])
    graph.backward(reduction="sum")
    assert_close([p.grad for p in w], [3.0, 3.0])


@pytest.mark.parametrize("model", list(mlp_wide.MODELS))
def test_the_mlp_wide_models_compiled_equal_eager_and_pytorch(model):
    # The benchmark's workloads, on fewer examples: loss and every parameter's gradient.
    X, y = mlp_wide.data(model, n=60)
    net = mlp_wide.our_model(model)
    fn, n_inputs = mlp_wide.example_loss(model, net)
    graph = autodiff.compile(fn, n_inputs=n_inputs)
    losses = graph(mlp_wide.compiled_inputs(model, X, y))
    graph.backward(reduction="mean")
    compiled_grads = [p.grad for p in net.parameters()]
    net.zero_grad()
    outputs = [net(row) for row in X.tolist()]
    eager = nn.mse_loss(outputs, y.tolist()) if model == "mlp" else nn.cross_entropy(outputs, y.tolist())
    eager.backward()
    assert_close([losses.mean()], [eager.data])
    assert_close(compiled_grads, [p.grad for p in net.parameters()])
    # And PyTorch's loss for the same weights.
    layers = [
        torch.tensor([[w.data for w in row] for row in layer.weight], dtype=torch.float64) for layer in net.layers
    ]
    biases = [torch.tensor([b.data for b in layer.bias], dtype=torch.float64) for layer in net.layers]
    h = torch.tensor(X)
    for i, (weight, bias) in enumerate(zip(layers, biases)):
        h = h @ weight.T + bias
        h = h if i == len(layers) - 1 else torch.tanh(h)
    if model == "mlp":
        want = torch.nn.functional.mse_loss(h.squeeze(1), torch.tensor(y))
    else:
        want = torch.nn.functional.cross_entropy(h, torch.tensor(y))
    assert_close([losses.mean()], [want.item()], rel=1e-10)


def test_a_batch_wider_than_a_block_gives_the_same_as_one_example_at_a_time(rng):
    # Elementwise groups run in blocks of columns: a batch of several blocks, its edges included.
    model = nn.MLP(3, [300, 1], activation="tanh")
    x = rng.normal(size=(130, 3))
    assert_compiled_equals_eager(lambda a, b, c: model([a, b, c]), x, model.parameters())


def test_a_layer_reads_the_previous_layer_and_the_bias_one_in_place(rng):
    # The 1.0 that multiplies each bias is copied into a row right after the previous layer's:
    # a hidden layer's X is then rows that follow each other, no gather.
    model = nn.MLP(2, [5, 4, 3], activation="tanh")
    graph = autodiff.compile(lambda a, b: model([a, b]), n_inputs=2)
    matmuls = [g for g in graph._plan.groups if isinstance(g, Matmul)]
    assert [type(g.shared) for g in matmuls] == [np.ndarray, slice, slice]
    assert [rows.stop - rows.start for rows, _ in graph._plan.tails] == [1, 1]
    nodes = len(fold_sums(trace(lambda a, b: model([a, b]), n_inputs=2)).order)
    assert f"{nodes} nodes" in repr(graph)  # the copies are rows, not nodes
    assert_compiled_equals_eager(lambda a, b: model([a, b]), rng.normal(size=(30, 2)), model.parameters())
