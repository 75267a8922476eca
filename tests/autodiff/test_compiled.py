"""Compiled mode: the replayed graph equals eager evaluation, example by example."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import numpy as np
import pytest
import torch

import autodiff
import nn
from autodiff import CompiledGraph, Op, Value, constant, dot, ops
from autodiff.worlds import arrays
from tests.autodiff.test_custom_ops import smooth_abs, softsign
from tests.autodiff.test_ops import BINARY, UNARY


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
            if r.requires_grad:  # a constant output adds no gradient (and backward refuses it)
                r.backward(seed)
        outputs.append([r.data for r in results])
        input_grads.append([v.grad for v in xs])
    out = np.array(outputs)
    return (out if isinstance(result, list) else out[:, 0]), np.array(input_grads)


def assert_close(ours: Sequence[float], theirs: Sequence[float], rel: float = 1e-12, abs_: float = 1e-15) -> None:
    """Equal to `rel` relative, or `abs_` absolute: a few units in the last place of 1, for the
    sums that cancel and the saturated derivatives (1 - tanh) whose rounding is that of 1."""
    np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=rel, atol=abs_)


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


@pytest.mark.parametrize("name", TABLE)
def test_every_op_of_the_table_equals_eager(name, rng):
    # Inputs in (0.5, 2) are in every op's domain; an n-ary op gets four of them.
    op = TABLE[name]
    code = op.forward.__code__
    arity = 4 if code.co_flags & inspect.CO_VARARGS else code.co_argcount - 1
    w = Value(0.9)
    assert_compiled_equals_eager(lambda x, *xs: op(x * w, *xs), rng.uniform(0.5, 2.0, (30, arity)), [w])


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


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
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


@pytest.mark.parametrize("shape", [(5,), (5, 2), (5, 4), (1, 5, 3), (0, 3), ()])
def test_inputs_of_the_wrong_shape_raise_value_error(shape):
    graph = autodiff.compile(lambda a, b, c: a * b + c, 3)
    with pytest.raises(ValueError, match=r"expected inputs of shape \(batch, 3\)"):
        graph(np.zeros(shape))


def test_inputs_that_are_not_numbers_raise_type_error():
    graph = autodiff.compile(lambda a: a * 2, 1)
    with pytest.raises(TypeError, match="compiled graph: inputs must be an array of numbers"):
        graph([["x"]])


def test_values_as_inputs_are_refused_not_read_as_their_numbers():
    # float(v) works, so numpy would take a Value's number and drop its graph without a word.
    graph = autodiff.compile(lambda a, b: a * b, 2)
    for inputs in ([[Value(3.0), 1.0]], np.array([[2.0, Value(3.0)]], dtype=object)):
        with pytest.raises(TypeError, match=r"inputs must be an array of numbers \(got a Value, Value\(data=3.0000"):
            graph(inputs)
    assert_close(graph(np.array([[2.0, 3.0]], dtype=object)), [6.0])  # numbers in an object array are fine


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


def two(a, b):
    return a * b


@pytest.mark.parametrize(
    "fn, n, message",
    [
        (lambda a, b: a * b, 3, "n_inputs=3 does not fit fn <lambda>(a, b): too many positional arguments"),
        (two, 1, "n_inputs=1 does not fit fn two(a, b): missing a required argument: 'b'"),
        (lambda a, *, k: a, 1, "n_inputs=1 does not fit fn <lambda>(a, *, k): missing a required argument: 'k'"),
        (abs, 2, "n_inputs=2 does not fit fn abs(x, /): too many positional arguments"),
    ],
)
def test_compile_names_n_inputs_and_what_fn_takes(fn, n, message):
    with pytest.raises(TypeError) as info:
        autodiff.compile(fn, n_inputs=n)
    assert str(info.value) == f"compile: {message}"


def test_compile_leaves_an_error_of_fn_itself_as_it_is():
    def fn(a, b):
        return two(a)  # fn's own mistake: Python's message, not compile's

    with pytest.raises(TypeError, match=r"^two\(\) missing 1 required positional argument: 'b'$"):
        autodiff.compile(fn, n_inputs=2)
    graph = autodiff.compile(lambda *xs: autodiff.sum(xs), n_inputs=3)  # any count fits *xs
    assert_close(graph(np.array([[1.0, 2.0, 4.0]])), [7.0])


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
    with pytest.raises(error, match=message) as eager_error:
        fn(Value(bad))
    graph = autodiff.compile(fn, 1)
    with pytest.raises(error, match=message) as compiled_error:
        graph(np.array([[1.0], [bad], [3.0]]))
    assert type(compiled_error.value) is type(eager_error.value)
    assert str(compiled_error.value) == f"{eager_error.value}, in row 1 of the inputs"


def test_a_domain_error_names_the_first_row_that_has_one():
    graph = autodiff.compile(lambda a, b: (a * b).log() + b.sqrt(), 2)
    x = np.ones((1000, 2))
    for rows in ([0], [999], [5, 700], [511, 512, 513], list(range(3, 1000))):
        x[:] = 1.0
        x[rows, 0] = -np.arange(2.0, len(rows) + 2.0)  # a different value in each bad row
        with pytest.raises(ValueError) as info:
            graph(x)
        first, value = rows[0], float(x[rows[0], 0])
        assert str(info.value) == f"log: undefined for negative input {value!r}, in row {first} of the inputs"
    x[:] = 1.0
    assert_close(graph(x), np.ones(1000))  # the halving left nothing behind


def test_a_domain_error_that_no_example_causes_names_no_row():
    w = Value(1.0)
    graph = autodiff.compile(lambda a: a * (w.log() + (w * 2.0).log()), 1)  # logs of the parameter alone
    w.data = -1.0
    with pytest.raises(ValueError, match=r"^log: undefined for negative input -1.0$"):
        graph(np.ones((4, 1)))


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
    # Rows: x, w, the constant 1.0, w * x and x + 1.0; the two ops at one depth are two groups.
    assert repr(graph) == "CompiledGraph(1 input, 2 outputs, 1 parameter, 5 nodes in 2 groups)"
    identity, product = autodiff.compile(lambda x: x, 1), autodiff.compile(lambda x, y: x * y, 2)
    assert repr(identity) == "CompiledGraph(1 input, 1 output, 0 parameters, 1 node in 0 groups)"
    assert repr(product) == "CompiledGraph(2 inputs, 1 output, 0 parameters, 3 nodes in 1 group)"


def test_a_user_op_is_replayed_through_its_own_definition():
    calls = []

    def forward(m, x):
        calls.append(m)
        return x * x * x

    cube = Op("cube", forward, lambda m, g, out, x: (g * 3.0 * x * x,))
    graph = autodiff.compile(lambda x: cube(x), 1)
    assert_close(graph(np.array([[2.0], [-1.0]])), [8.0, -1.0])
    assert calls[-1] is arrays


def test_results_survive_the_next_call_and_batch_sizes_may_change(rng):
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


def test_a_derivative_may_give_plain_numbers(rng):
    # d/db of "a, ignoring b" is the number 0.0, not an array: it broadcasts into place.
    first = Op("first", lambda m, a, b: a * 1.0, lambda m, g, out, a, b: (g, 0.0))
    w = Value(2.0)
    assert_compiled_equals_eager(lambda x, y: first(x * w, y) + first(w, x), rng.uniform(-1, 1, (6, 2)), [w])
