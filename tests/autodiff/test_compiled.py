"""Compiled mode: the replayed graph equals eager evaluation, example by example, for every op against
the scalar world and PyTorch (test_replay.py: the rest, without torch)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
import pytest
import torch

import autodiff
import nn
from autodiff import Op, Value, dot, ops
from autodiff.worlds import arrays
from tests.autodiff.test_custom_ops import smooth_abs, softsign
from tests.autodiff.test_ops import BINARY, UNARY
from tests.autodiff.test_replay import assert_close, assert_compiled_equals_eager, column


def test_arrays_has_every_function_of_the_scalar_namespace():
    names = {n for n, v in vars(ops.scalar).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert names <= set(vars(arrays))


EDGES = [0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 36.0, -36.0, 710.0, -710.0, 1e300, -1e300]


@pytest.mark.parametrize("name", ["exp", "tanh", "sin", "cos", "abs", "sigmoid", "relu", "step", "sign", "recip"])
def test_arrays_functions_equal_the_scalar_ones_everywhere(name):
    with np.errstate(all="ignore"):
        assert_close(getattr(arrays, name)(np.array(EDGES)), [getattr(ops.scalar, name)(x) for x in EDGES])


@pytest.mark.parametrize("name, low", [("log", 0.0), ("log1p", -1.0), ("sqrt", 0.0)])
def test_arrays_functions_with_a_domain_equal_the_scalar_ones_on_it(name, low):
    points = [x for x in EDGES if x >= low] + [low]
    with np.errstate(all="ignore"):
        assert_close(getattr(arrays, name)(np.array(points)), [getattr(ops.scalar, name)(x) for x in points])


@pytest.mark.parametrize("name", ["pow", "pow_number", "pow_value", "div"])
def test_arrays_binary_functions_equal_the_scalar_ones(name):
    pairs = [(a, b) for a in [0.0, -0.0, 0.5, 2.0, 1e200, -2.0] for b in [0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, 400.0]]
    valid = []
    for a, b in pairs:
        try:
            result = getattr(ops.scalar, name)(a, b)
        except (ValueError, ZeroDivisionError):
            continue
        if isinstance(result, float):  # scalar.pow(-2.0, 0.5) is Python's complex; no op asks for it
            valid.append((a, b, result))
    a, b, want = map(np.array, zip(*valid))
    assert len(valid) > 20
    with np.errstate(all="ignore"):
        got = getattr(arrays, name)(a, b)
    np.testing.assert_array_equal(got, want)  # exact, with the sign of each infinity


@pytest.mark.parametrize("name", UNARY)
def test_every_unary_op_equals_eager(name):
    fn, points, edges = UNARY[name]
    assert_compiled_equals_eager(fn, column(points + edges))


@pytest.mark.parametrize("name", BINARY)
def test_every_binary_op_equals_eager(name):
    fn, points, edges = BINARY[name]
    assert_compiled_equals_eager(fn, column(points + edges))


TABLE = {name: op for name, op in vars(ops).items() if isinstance(op, Op)} | {"power(2.5)": ops.power(2.5)}
FAMILIES = {
    f"{family.name}(...)": family(*[1.5] * len(family.defaults))
    for family in vars(ops).values()
    if isinstance(family, ops.Family)
}
# Inputs in (0.5, 2) are in most ops' domains, times w = 0.9 or w = 1.025 (moved by the check);
# the others' here, with w = 1 (the trace's input is 1).
DOMAINS = {"ASIN": (0.1, 0.85), "ACOS": (0.1, 0.85), "ATANH": (0.1, 0.85), "ACOSH": (1.2, 2.0)}


@pytest.mark.parametrize("name", TABLE | FAMILIES)
def test_every_op_of_the_table_equals_eager(name, rng):
    # An n-ary op gets four inputs; an op of a family, one.
    op = (TABLE | FAMILIES)[name]
    code = op.forward.__code__
    arity = 1 if name in FAMILIES else 4 if code.co_flags & inspect.CO_VARARGS else code.co_argcount - 1
    w = Value(1.0 if name in DOMAINS else 0.9)
    low, high = DOMAINS.get(name, (0.5, 2.0))
    assert_compiled_equals_eager(lambda x, *xs: op(x * w, *xs), rng.uniform(low, high, (30, arity)), [w])


@pytest.mark.parametrize("op", [softsign, smooth_abs])
def test_user_defined_ops_equal_eager(op, rng):
    w = Value(0.7)
    assert_compiled_equals_eager(lambda x, y: op(w * x) * op(y), rng.uniform(-30, 30, (60, 2)), [w])


def test_nary_sum_and_dot_of_several_arities_equal_eager(rng):
    w = [Value(v) for v in rng.uniform(-1, 1, 3)]

    def fn(a, b, c, d):
        return autodiff.sum([a, b * w[0], 2.0, dot([w[1], c], [d, a])]) * dot(w, [a, b, a]) + autodiff.sum([d])

    assert_compiled_equals_eager(fn, rng.uniform(-2, 2, (50, 4)), w)


def test_ops_with_parameters_and_constants_equal_eager(rng):
    w, b = Value(0.3), Value(-1.2)

    def fn(x, y):
        z = (w * x + b) / (1.5 + y * y)
        return z.tanh() + (z**2).exp().log1p() - 3.0**w + (x - b).abs() ** w + z.sigmoid().sqrt() * z.sin() - z.cos()

    assert_compiled_equals_eager(fn, rng.uniform(-3, 3, (80, 2)), [w, b])


def moons_loss(model: nn.MLP) -> Callable:
    """The two-moons demo's loss for one example (x1, x2, y): its mean over a batch is the
    hinge loss plus 1e-4 times the sum of squared parameters."""
    params = model.parameters()

    def loss(x1, x2, y):
        return nn.hinge_loss(model([x1, x2]), y) + 1e-4 * autodiff.sum([p * p for p in params])

    return loss


def moons_like(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.uniform(-2, 2, (n, 2))
    return np.column_stack([x, np.where(x[:, 0] * x[:, 1] > 0, 1.0, -1.0)])


@pytest.mark.parametrize("activation", nn.layers.ACTIVATIONS)
def test_mlps_of_each_activation_equal_eager(activation, rng):
    nn.manual_seed(1)
    model = nn.MLP(3, [6, 5, 2], activation=activation, output_activation=activation)
    assert_compiled_equals_eager(lambda *xs: model(list(xs)), rng.uniform(-2, 2, (40, 3)), model.parameters())
    model = nn.MLP(2, [8, 8, 1], activation=activation)
    assert_compiled_equals_eager(moons_loss(model), moons_like(rng, 40), model.parameters())


def test_mlp_gradients_match_torch_batched(rng):
    nn.manual_seed(4)
    model = nn.MLP(2, [16, 16, 1])
    data = moons_like(rng, 100)
    graph = autodiff.compile(moons_loss(model), 3)
    losses = graph(data)
    graph.backward("mean")

    reference = model.to_torch()
    scores = reference(torch.tensor(data[:, :2]))[:, 0]
    l2 = sum((t * t).sum() for t in reference.parameters())
    per_example = torch.relu(1 - torch.tensor(data[:, 2]) * scores) + 1e-4 * l2
    per_example.mean().backward()
    linears = [m for m in reference if isinstance(m, torch.nn.Linear)]
    assert_close(losses, per_example.detach().numpy(), rel=1e-10)
    for layer, linear in zip(model.layers, linears):
        assert_close([[w.grad for w in row] for row in layer.weight], linear.weight.grad.numpy(), rel=1e-10)
        assert_close([b.grad for b in layer.bias], linear.bias.grad.numpy(), rel=1e-10)


def test_groups_do_not_grow_with_width():
    # Vectorised across nodes: a wider MLP has as many groups as a narrow one.
    counts = [
        len(autodiff.compile(moons_loss(nn.MLP(2, [w, w, 1], activation="tanh")), 3)._plan.groups) for w in (4, 32)
    ]
    assert counts[0] == counts[1] <= 20


def test_several_outputs_give_columns_and_the_gradient_of_their_sum(rng):
    w = Value(2.0)

    def fn(x, y):
        return [x * w, (x * y).tanh(), 3.0, y]

    graph = autodiff.compile(fn, 2)
    x = rng.uniform(-1, 1, (7, 2))
    out = graph(x)
    assert out.shape == (7, 4)
    assert_close(out[:, 2], np.full(7, 3.0))
    assert_close(out[:, 3], x[:, 1])
    assert_compiled_equals_eager(fn, x, [w])


def test_a_term_of_the_parameters_alone_is_averaged_like_the_rest(rng):
    w, b = Value(0.8), Value(-0.4)
    assert_compiled_equals_eager(lambda x: (w * w + b).exp() * b, rng.uniform(-1, 1, (9, 1)), [w, b])

    def penalised(x, y):
        return (w * x + b - y) ** 2 + 0.1 * (w * w + b * b)

    assert_compiled_equals_eager(penalised, rng.uniform(-1, 1, (9, 2)), [w, b])


def test_parameter_updates_are_seen_without_tracing_again(rng):
    w = Value(1.5)
    graph = autodiff.compile(lambda x: (w * x).sin(), 1)
    x = rng.uniform(-1, 1, (5, 1))
    assert_close(graph(x), np.sin(1.5 * x[:, 0]))
    w.data = -0.25
    assert_close(graph(x), np.sin(-0.25 * x[:, 0]))
    graph.backward("sum")
    assert_close([w.grad], [np.sum(np.cos(-0.25 * x[:, 0]) * x[:, 0])])


def test_gradients_accumulate_into_grad_as_eager_backward_does():
    w = Value(3.0)
    graph = autodiff.compile(lambda x: w * x, 1)
    graph(np.array([[1.0], [2.0]]))
    graph.backward("sum")
    graph.backward("sum")
    assert w.grad == 6.0


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_twenty_training_steps_reach_the_weights_of_eager_training(activation, rng):
    data = moons_like(rng, 30)
    models = []
    for _ in range(2):
        nn.manual_seed(5)
        models.append(nn.MLP(2, [8, 8, 1], activation=activation))
    eager_model, model = models
    initial = [p.data for p in model.parameters()]
    eager_opt, opt = nn.SGD(eager_model.parameters(), lr=0.3), nn.SGD(model.parameters(), lr=0.3)
    graph = autodiff.compile(moons_loss(model), 3)
    for _ in range(20):
        eager_opt.zero_grad()
        scores = [eager_model(list(row[:2])) for row in data]
        l2 = autodiff.sum([p * p for p in eager_model.parameters()])
        (nn.hinge_loss(scores, list(data[:, 2])) + 1e-4 * l2).backward()
        eager_opt.step()
        opt.zero_grad()
        graph(data)
        graph.backward("mean")
        opt.step()
    assert_close([p.data for p in model.parameters()], [p.data for p in eager_model.parameters()])
    assert max(abs(p.data - q) for p, q in zip(model.parameters(), initial)) > 0.01
