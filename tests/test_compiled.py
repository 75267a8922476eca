"""Compiled mode: the replayed graph equals eager evaluation, example by example."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
import torch

import autodiff
from autodiff import CompiledGraph, Op, Value, constant, dot, ops
from autodiff.compiled import arrays
from tests.test_custom_ops import smooth_abs, softplus
from tests.test_ops import BINARY, UNARY

rng = np.random.default_rng(8)

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": lambda v: v,
}
TORCH_ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda t: t}


def eager(fn: Callable, x: np.ndarray, reduction: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """What the engine gives one example at a time: outputs and d(summed or mean output)/d(inputs).

    Parameters captured by `fn` accumulate their gradients in `.grad`, as in compiled mode.
    """
    seed = 1.0 if reduction == "sum" else 1.0 / len(x)
    outputs, input_grads = [], []
    for row in x:
        xs = [Value(float(v)) for v in row]
        result = fn(*xs)
        results = [result] if not isinstance(result, list) else result
        results = [r if isinstance(r, Value) else constant(r) for r in results]
        for r in results:
            r.backward(seed)
        outputs.append([r.data for r in results])
        input_grads.append([v.grad for v in xs])
    out = np.array(outputs)
    return (out if isinstance(result, list) else out[:, 0]), np.array(input_grads)


def assert_close(ours: Sequence[float], theirs: Sequence[float], rel: float = 1e-12) -> None:
    """Equal to `rel`, relative to each entry or to the array's largest finite entry."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    finite = np.abs(theirs[np.isfinite(theirs)])
    scale = finite.max() if finite.size else 0.0
    np.testing.assert_allclose(ours, theirs, rtol=rel, atol=rel * scale)


def assert_compiled_equals_eager(fn: Callable, x: np.ndarray, params: Sequence[Value] = ()) -> None:
    graph = autodiff.compile(fn, x.shape[1])
    for reduction in ("mean", "sum"):
        for p in params:
            p.grad = 0.0
        want_out, want_dx = eager(fn, x, reduction)
        want_dp = [p.grad for p in params]
        for p in params:
            p.grad = 0.0
        out = graph(x)
        dx = graph.backward(reduction)
        assert out.shape == want_out.shape and dx.shape == x.shape
        assert_close(out, want_out)
        assert_close(dx, want_dx)
        assert_close([p.grad for p in params], want_dp)


def column(points: Sequence) -> np.ndarray:
    return np.array(points, dtype=float).reshape(len(points), -1)


def test_arrays_has_every_function_of_the_scalar_namespace():
    names = {n for n in vars(ops.scalar) if not n.startswith("_")}
    assert names <= set(vars(arrays))


@pytest.mark.parametrize("name", UNARY)
def test_every_unary_op_equals_eager(name):
    fn, points, edges = UNARY[name]
    assert_compiled_equals_eager(fn, column(points + edges))


@pytest.mark.parametrize("name", BINARY)
def test_every_binary_op_equals_eager(name):
    fn, points, edges = BINARY[name]
    assert_compiled_equals_eager(fn, column(points + edges))


@pytest.mark.parametrize("op", [softplus, smooth_abs])
def test_user_defined_ops_equal_eager(op):
    w = Value(0.7)
    assert_compiled_equals_eager(lambda x, y: op(w * x) * op(y), rng.uniform(-30, 30, (60, 2)), [w])


def test_nary_sum_and_dot_of_several_arities_equal_eager():
    w = [Value(v) for v in rng.uniform(-1, 1, 3)]

    def fn(a, b, c, d):
        return autodiff.sum([a, b * w[0], 2.0, dot([w[1], c], [d, a])]) * dot(w, [a, b, a]) + autodiff.sum([d])

    assert_compiled_equals_eager(fn, rng.uniform(-2, 2, (50, 4)), w)


def test_ops_with_parameters_and_constants_equal_eager():
    w, b = Value(0.3), Value(-1.2)

    def fn(x, y):
        z = (w * x + b) / (1.5 + y * y)
        return z.tanh() + (z**2).exp().log1p() - 3.0**w + (x - b).abs() ** w + z.sigmoid().sqrt() * z.sin() - z.cos()

    assert_compiled_equals_eager(fn, rng.uniform(-3, 3, (80, 2)), [w, b])


def hand_mlp(sizes: Sequence[int], activation: str, seed: int = 0):
    """An MLP of Values and `dot`: returns its forward (a list of scores) and its parameters."""
    r = np.random.default_rng(seed)
    layers = [
        (
            [[Value(float(v)) for v in r.uniform(-1, 1, n_in)] for _ in range(n_out)],
            [Value(float(v)) for v in r.uniform(-0.5, 0.5, n_out)],
        )
        for n_in, n_out in zip(sizes, sizes[1:])
    ]
    params = [p for ws, bs in layers for row in ws for p in row] + [b for _, bs in layers for b in bs]

    def forward(xs: Sequence) -> list[Value]:
        for i, (ws, bs) in enumerate(layers):
            xs = [dot(w, xs) + b for w, b in zip(ws, bs)]
            if i < len(layers) - 1:
                xs = [ACTIVATIONS[activation](v) for v in xs]
        return xs

    return forward, params, layers


def max_margin_with_l2(model: Callable, params: Sequence[Value]) -> Callable:
    """The two-moons loss for one example (x1, x2, y); its mean over a batch is the demo's loss."""

    def loss(x1, x2, y):
        return (1 - y * model([x1, x2])[0]).relu() + 1e-4 * autodiff.sum([p * p for p in params])

    return loss


def moons_like(n: int) -> np.ndarray:
    x = rng.uniform(-2, 2, (n, 2))
    return np.column_stack([x, np.where(x[:, 0] * x[:, 1] > 0, 1.0, -1.0)])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlps_of_each_activation_equal_eager(activation):
    model, params, _ = hand_mlp([3, 6, 5, 2], activation)
    assert_compiled_equals_eager(lambda *xs: model(xs), rng.uniform(-2, 2, (40, 3)), params)
    model, params, _ = hand_mlp([2, 8, 8, 1], activation)
    assert_compiled_equals_eager(max_margin_with_l2(model, params), moons_like(40), params)


def test_mlp_gradients_match_torch_batched():
    model, params, layers = hand_mlp([2, 16, 16, 1], "relu", seed=4)
    data = moons_like(100)
    graph = autodiff.compile(max_margin_with_l2(model, params), 3)
    losses = graph(data)
    graph.backward("mean")

    tensors = [
        (torch.tensor([[w.data for w in row] for row in ws], dtype=torch.float64, requires_grad=True),
         torch.tensor([b.data for b in bs], dtype=torch.float64, requires_grad=True))
        for ws, bs in layers
    ]
    h = torch.tensor(data[:, :2])
    for i, (w, b) in enumerate(tensors):
        h = h @ w.T + b
        h = torch.relu(h) if i < len(tensors) - 1 else h
    l2 = sum((t * t).sum() for pair in tensors for t in pair)
    per_example = torch.relu(1 - torch.tensor(data[:, 2]) * h[:, 0]) + 1e-4 * l2
    per_example.mean().backward()
    theirs = [t.grad.flatten() for t, _ in tensors] + [b.grad for _, b in tensors]
    assert_close(losses, per_example.detach().numpy(), rel=1e-10)
    assert_close([p.grad for p in params], torch.cat(theirs).numpy(), rel=1e-10)


def test_groups_do_not_grow_with_width_or_batch():
    # Vectorised across nodes: a wider MLP has as many groups as a narrow one.
    counts = []
    for width in (4, 32):
        model, params, _ = hand_mlp([2, width, width, 1], "tanh")
        counts.append(len(autodiff.compile(max_margin_with_l2(model, params), 3)._groups))
    assert counts[0] == counts[1] <= 20


def test_several_outputs_give_columns_and_the_gradient_of_their_sum():
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


def test_a_term_of_the_parameters_alone_is_averaged_like_the_rest():
    w, b = Value(0.8), Value(-0.4)
    assert_compiled_equals_eager(lambda x: (w * w + b).exp() * b, rng.uniform(-1, 1, (9, 1)), [w, b])

    def penalised(x, y):
        return (w * x + b - y) ** 2 + 0.1 * (w * w + b * b)

    assert_compiled_equals_eager(penalised, rng.uniform(-1, 1, (9, 2)), [w, b])


def test_parameter_updates_are_seen_without_tracing_again():
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
def test_twenty_training_steps_reach_the_weights_of_eager_training(activation):
    data = moons_like(30)
    eager_model, eager_params, _ = hand_mlp([2, 8, 8, 1], activation, seed=5)
    model, params, _ = hand_mlp([2, 8, 8, 1], activation, seed=5)
    eager_loss, loss = max_margin_with_l2(eager_model, eager_params), max_margin_with_l2(model, params)
    graph = autodiff.compile(loss, 3)
    for step in range(20):
        lr = 0.5 - 0.02 * step
        total = autodiff.sum([eager_loss(*map(float, row)) for row in data]) * (1.0 / len(data))
        for p in eager_params + params:
            p.grad = 0.0
        total.backward()
        graph(data)
        graph.backward("mean")
        for p in eager_params + params:
            p.data -= lr * p.grad
    assert_close([p.data for p in params], [p.data for p in eager_params])
    assert max(abs(p.data - q.data) for p, q in zip(params, hand_mlp([2, 8, 8, 1], activation, seed=5)[1])) > 0.01


@pytest.mark.parametrize("shape", [(5,), (5, 2), (5, 4), (1, 5, 3), (0, 3), ()])
def test_inputs_of_the_wrong_shape_raise_value_error(shape):
    graph = autodiff.compile(lambda a, b, c: a * b + c, 3)
    with pytest.raises(ValueError, match=r"expected inputs of shape \(batch, 3\)"):
        graph(np.zeros(shape))


def test_inputs_that_are_not_numbers_raise_type_error():
    graph = autodiff.compile(lambda a: a * 2, 1)
    with pytest.raises(TypeError, match="compiled graph: inputs must be an array of numbers"):
        graph([["x"]])


def test_compile_checks_its_arguments():
    with pytest.raises(ValueError, match="n_inputs must be at least 1"):
        autodiff.compile(lambda: Value(1.0), 0)
    with pytest.raises(TypeError, match="n_inputs must be an int"):
        autodiff.compile(lambda a: a, 1.0)
    with pytest.raises(ValueError, match="example must hold n_inputs = 2 numbers"):
        autodiff.compile(lambda a, b: a, 2, example=[1.0])
    with pytest.raises(ValueError, match="empty sequence"):
        autodiff.compile(lambda a: [], 1)
    with pytest.raises(TypeError, match="expected a Value or a number"):
        autodiff.compile(lambda a: "a", 1)


def test_backward_needs_a_call_first_and_a_known_reduction():
    graph = autodiff.compile(lambda a: a * 2, 1)
    with pytest.raises(RuntimeError, match="before backward"):
        graph.backward()
    graph(np.ones((2, 1)))
    with pytest.raises(ValueError, match="reduction must be 'sum' or 'mean'"):
        graph.backward("max")


@pytest.mark.parametrize(
    "fn, bad, error, message",
    [
        (lambda a: a.log(), -2.0, ValueError, "log: undefined for negative input -2.0"),
        (lambda a: a.sqrt(), -2.0, ValueError, "sqrt: undefined for negative input -2.0"),
        (lambda a: (a - 1.0).log1p(), -2.0, ValueError, r"log1p: undefined for input -3.0 < -1"),
        (lambda a: 1.0 / (a + 2.0), -2.0, ZeroDivisionError, "div: cannot divide 1.0 by zero"),
        (lambda a: (a + 2.0) ** -1, -2.0, ValueError, "pow: zero cannot be raised to the negative power -1.0"),
        (lambda a: a**0.5, -2.0, ValueError, "pow: negative base -2.0 to the non-integer power 0.5"),
        (lambda a: a ** Value(2.0), -2.0, ValueError, "pow: base -2.0 is negative under a Value exponent"),
    ],
)
def test_domain_errors_name_the_op_as_eager_does(fn, bad, error, message):
    with pytest.raises(error, match=message):
        fn(Value(bad))
    graph = autodiff.compile(fn, 1)
    with pytest.raises(error, match=message):
        graph(np.array([[1.0], [bad], [3.0]]))


def test_arrays_sigmoid_never_overflows_and_equals_the_scalar_one():
    x = [-800.0, -30.0, -1e-3, 0.0, 30.0, 800.0]
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is the right answer
        assert_close(arrays.sigmoid(np.array(x)), [ops.scalar.sigmoid(v) for v in x])


def test_branching_on_data_records_only_the_branch_the_trace_took():
    # Documented: Python `if` on .data is not in the graph. Traced at 1.0, it doubles every input.
    def fn(x):
        return x * 2.0 if x.data > 0 else -x

    x = np.array([[3.0], [-3.0]])
    assert_close(autodiff.compile(fn, 1)(x), [6.0, -6.0])
    assert_close(autodiff.compile(fn, 1, example=[-1.0])(x), [-3.0, 3.0])
    assert_close(eager(fn, x)[0], [6.0, 3.0])


def test_a_long_chain_compiles_without_recursion():
    def fn(x):
        for _ in range(3000):
            x = x * 0.999 + 0.001
        return x

    graph = autodiff.compile(fn, 1)
    out = graph(np.array([[2.0]]))
    assert_close(out, [fn(Value(2.0)).data])
    assert_close(graph.backward(), [[0.999**3000]])


def test_repr_and_parameters():
    w = Value(1.0)
    graph = autodiff.compile(lambda x: [w * x, x + 1.0], 1)
    assert isinstance(graph, CompiledGraph) and graph.parameters() == [w]
    assert repr(graph).startswith("CompiledGraph(1 inputs, 2 outputs, 1 parameters")


def test_a_user_op_is_replayed_through_its_own_definition():
    calls = []

    def forward(m, x):
        calls.append(m)
        return x * x * x

    cube = Op("cube", forward, lambda m, g, out, x: (g * 3.0 * x * x,))
    graph = autodiff.compile(lambda x: cube(x), 1)
    assert_close(graph(np.array([[2.0], [-1.0]])), [8.0, -1.0])
    assert calls[-1] is arrays


def test_results_survive_the_next_call_and_batch_sizes_may_change():
    w = Value(0.5)
    graph = autodiff.compile(lambda x, y: [(w * x).exp(), x * y], 2)
    small, large = rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, (50, 2))
    first, d_first = graph(small), graph.backward("sum")
    kept, d_kept = first.copy(), d_first.copy()
    graph(large)
    graph.backward("sum")
    assert_close(first, kept)
    assert_close(d_first, d_kept)
    w.grad = 0.0
    assert_compiled_equals_eager(lambda x, y: [(w * x).exp(), x * y], small, [w])


def test_a_failed_call_leaves_nothing_to_backpropagate():
    graph = autodiff.compile(lambda x: x.log(), 1)
    graph(np.ones((2, 1)))
    with pytest.raises(ValueError, match="log"):
        graph(-np.ones((2, 1)))
    with pytest.raises(RuntimeError, match="before backward"):
        graph.backward()


def test_tracing_inside_no_grad_still_records_the_graph():
    w = Value(2.0)
    with autodiff.no_grad():
        graph = autodiff.compile(lambda x: w * x * x, 1)
    graph(np.array([[3.0]]))
    assert_close(graph.backward(), [[12.0]])
    assert w.grad == 9.0
