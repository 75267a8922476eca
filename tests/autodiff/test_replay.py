"""The compiled replay against eager mode, example by example: outputs, gradients in the inputs and
in the parameters, for graphs that use every kind of group of the plan (elementwise and matmul,
uniform, on floats, repeated parents, column blocks); and its errors. No torch: quick enough for
each mutant of `make mutation`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

import numpy as np
import pytest

import autodiff
from autodiff import CompiledGraph, Op, Value, constant, ops, testing
from autodiff.worlds import arrays


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
        # Eager adds each example's total into .grad (as PyTorch), compiled sums the batch: another order.
        assert_close([p.grad for p in params], want_dp, rel=1e-10)
        # Again, on the examples in the other order: every gradient starts afresh but the
        # parameters', which add up.
        assert_close(graph(x[::-1]), want_out[::-1])
        assert_close(graph.backward(reduction), want_dx[::-1])
        assert_close([p.grad for p in params], [2 * g for g in want_dp], rel=1e-10)  # summed in another order
    # Parameters moved since the last call are read anew, for every example (whatever the
    # workspace still holds from that call).
    for p in params:
        p.data += 0.125
    assert_close(graph(x), eager(fn, x)[0])
    for p in params:
        p.data -= 0.125


def column(points: Sequence) -> np.ndarray:
    return np.array(points, dtype=float).reshape(len(points), -1)


RTOL = 1e-12


def _layer(ws, bs, xs, act):
    return [act(autodiff.dot(w, xs) + b) for w, b in zip(ws, bs)]


def _parameters(rng, *shape):
    if len(shape) == 1:
        return [Value(rng.uniform(-1, 1)) for _ in range(shape[0])]
    return [_parameters(rng, *shape[1:]) for _ in range(shape[0])]


def _mlp(rng):
    """Two layers (dot nodes that share their inputs: matmul groups), an L2 penalty (uniform)."""
    w1, b1, w2, b2 = _parameters(rng, 4, 3), _parameters(rng, 4), _parameters(rng, 2, 4), _parameters(rng, 2)
    scale = Value(0.3)

    def f(x, y, z):
        h = _layer(w1, b1, [x, y, z], lambda v: v.tanh())
        out = _layer(w2, b2, h, lambda v: v.sigmoid())
        penalty = autodiff.sum([w * w for row in w1 for w in row]) * (scale * scale)  # on floats, then uniform
        return [out[0] * out[1] + penalty, (out[0] - x).relu() + autodiff.logsumexp(out)]

    return f, [scale, *[w for row in w1 + w2 for w in row], *b1, *b2]


def _mixed(rng):
    """Every op, shared subexpressions, constants, an input used many times, parameters read only
    in the column only (narrow) and across the batch (wide)."""
    a, c = Value(rng.uniform(0.5, 1.5)), Value(rng.uniform(-1, 1))

    def f(x, y):
        s = x * y + c
        t = (s.tanh() + s.sin() * 2.0 - (x - y).abs() + (-s).exp() / 3.0) ** 2
        u = (x * x + 1.0).log() + (y * y + 0.5).sqrt() + (x * a).cos() + (y**2 + 1.0) ** a + (x * x).log1p()
        v = autodiff.dot([x, y, s], [a, a * a, 2.0]) + autodiff.sum([t, u, a]) - autodiff.logsumexp([x, y, s, 1.0])
        return v * t / (u + 1.0) + 2.0**x - x / a

    return f, [a, c]


def _wide(rng):
    """One group of many nodes: a batch then runs in several blocks of columns."""
    cs = [rng.uniform(-2, 2) for _ in range(150)]

    def f(x):
        return autodiff.sum([(x * c).tanh() * (x + c) for c in cs])

    return f, []


def _shapes(rng):
    """Groups of unusual shapes: a parameter among a layer's shared inputs, several nodes of one
    op without inputs, a derivative that gives a plain number, a group of one node."""
    ws, vs, (b, b2, c) = _parameters(rng, 3, 3), _parameters(rng, 2, 2), _parameters(rng, 3)
    first = autodiff.Op("first", lambda m, a, b: a * 1.0, lambda m, g, out, a, b: (g, 0.0))

    def f(x, y):
        layer = [autodiff.dot(w, [b, x, y]) for w in ws]  # b: a parameter read example by example, here only
        layer += [autodiff.dot([y, x, b2], w) for w in ws]  # the same, the inputs shared in the first half
        crossed = autodiff.dot(vs[0], [x, y]) * autodiff.dot(vs[1], [y, x])  # dots of one depth, other inputs
        crossed += autodiff.dot(ws[0], [x, y, y]) * autodiff.dot(ws[1], [y, y, y])  # the same but in the first
        constant_terms = autodiff.sum([c * c, c * c, c * c])  # three nodes of one op, on no input
        firsts = first(x * c, y) + first(y * c, x) + first(c, x)  # a plain number for b, in groups of 2 and 1
        return autodiff.sum(layer) * constant_terms + crossed + firsts + (y - x).exp()

    return f, [b, b2, c, *[w for row in ws + vs for w in row]]


def _layer_of_many_weights(rng):
    """Two neurons on ten inputs: more weights than rows of nodes and inputs together."""
    ws = _parameters(rng, 2, 10)
    return (lambda *xs: [autodiff.dot(w, xs) for w in ws]), [w for row in ws for w in row]


def _terms(rng):
    """The first group: three nodes of one op on no input (rows 2 to 5)."""
    p = Value(rng.uniform(-1, 1))
    return (lambda x: autodiff.sum([p * p, p * p, p * p]) + x * p), [p]


def _outputs(rng):
    """Two nodes on no input whose derivative reads their output."""
    p, q = Value(rng.uniform(-1, 1)), Value(rng.uniform(-1, 1))
    return (lambda x: x * autodiff.sum([p.exp(), q.exp()])), [p, q]


def _first_writes(rng):
    """Rows that get their first gradient by assignment and more by addition: a node read by two
    groups, an output that other nodes read, the same output twice."""
    p = Value(rng.uniform(-1, 1))

    def f(x, y):
        s = x * y
        t = s.tanh()
        return [t, s * p + t.exp() + x, t]

    return f, [p]


PROGRAMS = {
    "mlp": (_mlp, 3),
    "mixed": (_mixed, 2),
    "wide": (_wide, 1),
    "shapes": (_shapes, 2),
    "terms": (_terms, 1),
    "outputs": (_outputs, 1),
    "layer": (_layer_of_many_weights, 10),
    "first writes": (_first_writes, 2),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_the_replay_is_eager_mode_example_by_example(name):
    make, n_inputs = PROGRAMS[name]
    rng = random.Random(name)
    fn, params = make(rng)
    batch = np.array([[rng.uniform(-2, 2) for _ in range(n_inputs)] for _ in range(130 if name == "wide" else 7)])
    assert_compiled_equals_eager(fn, batch, params)
    assert set(autodiff.compile(fn, n_inputs).parameters()) == set(params)


def test_a_parameter_update_is_seen_without_tracing_again():
    w = Value(2.0)
    f = autodiff.compile(lambda x: (w * x).tanh() + w * w, n_inputs=1)
    x = np.array([[0.5], [-1.0]])
    f(x)
    w.data = -0.7
    testing.assert_close(f(x), [math.tanh(-0.7 * 0.5) + 0.49, math.tanh(0.7) + 0.49], rtol=RTOL)
    testing.assert_close(
        f.backward(reduction="sum")[:, 0], [-0.7 * (1 - math.tanh(-0.35) ** 2), -0.7 * (1 - math.tanh(0.7) ** 2)]
    )


def test_batches_of_other_sizes_and_a_single_example():
    f = autodiff.compile(lambda x, y: x * y.exp(), n_inputs=2)
    # The graph has 4 rows: a batch of 4 after one of 5 is told apart by its width, not its height.
    for rows in ([[1.0, 0.5]], [[1.0, 0.5], [2.0, -1.0], [0.0, 0.0]], [[3.0, 1.0]] * 5, [[2.0, 1.0]] * 4):
        testing.assert_close(f(np.array(rows)), [x * math.exp(y) for x, y in rows], rtol=RTOL)
        testing.assert_close(f.backward(reduction="sum"), [[math.exp(y), x * math.exp(y)] for x, y in rows], rtol=RTOL)


def test_a_domain_error_names_the_first_row_of_the_inputs_that_has_it():
    f = autodiff.compile(lambda x, y: (x * y).log(), n_inputs=2)
    rows = np.array([[1.0, 2.0], [3.0, 1.0], [1.0, -1.0], [2.0, -3.0], [1.0, 1.0]])
    with pytest.raises(ValueError) as error:
        f(rows)
    assert str(error.value) == "log: undefined for negative input -1.0, in row 2 of the inputs"
    with pytest.raises(RuntimeError, match=r"^backward: call the compiled graph on a batch before backward\(\)$"):
        f.backward()
    testing.assert_close(f(rows[:2]), [math.log(2.0), math.log(3.0)], rtol=RTOL)  # and it goes on working


@pytest.mark.parametrize("first", [0, 1, 37, 64, 98, 99])
def test_the_first_failing_row_of_many_is_found(first):
    f = autodiff.compile(lambda x, y: x.sqrt() + y, n_inputs=2)
    rows = np.ones((100, 2))
    rows[first:, 0] = [-1.0 - i for i in range(100 - first)]
    with pytest.raises(ValueError) as error:
        f(rows)
    assert str(error.value) == f"sqrt: undefined for negative input -1.0, in row {first} of the inputs"


def test_a_domain_error_in_a_term_without_inputs_says_no_row():
    w = Value(2.0)
    f = autodiff.compile(lambda x: x + w.log(), n_inputs=1)
    w.data = -1.0
    with pytest.raises(ValueError) as error:
        f(np.array([[1.0], [2.0]]))
    assert str(error.value) == "log: undefined for negative input -1.0"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda f: f(np.array([1.0, 2.0])), ValueError, r"expected inputs of shape \(batch, 2\) with batch >= 1"),
        (lambda f: f(np.zeros((3, 3))), ValueError, r"got \(3, 3\)"),
        (lambda f: f(np.zeros((0, 2))), ValueError, r"got \(0, 2\)"),
        (lambda f: f(np.zeros((3, 2, 1))), ValueError, r"got \(3, 2, 1\)"),
        (lambda f: f([["a", 1.0]]), TypeError, "inputs must be an array of numbers"),
        (lambda f: f([[Value(1.0), 2.0]]), TypeError, "got a Value"),
        (lambda f: f.backward(reduction="avg"), ValueError, "reduction must be 'sum' or 'mean', got 'avg'"),
        (lambda f: f.backward(), RuntimeError, "call the compiled graph on a batch before backward"),
    ],
)
def test_wrong_inputs_are_refused_with_a_clear_error(call, error, message):
    f = autodiff.compile(lambda x, y: x * y, n_inputs=2)
    with pytest.raises(error, match=message):
        call(f)


def test_repr_counts_inputs_outputs_parameters_nodes_and_groups():
    w = Value(1.0)
    assert repr(autodiff.compile(lambda x: w * x, n_inputs=1)) == (
        "CompiledGraph(1 input, 1 output, 1 parameter, 3 nodes in 1 group)"
    )
    assert repr(autodiff.compile(lambda x, y: [x + y, x * y], n_inputs=2)) == (
        "CompiledGraph(2 inputs, 2 outputs, 0 parameters, 4 nodes in 2 groups)"
    )


def test_a_group_wider_than_a_block_of_columns():
    # More nodes in one group than numbers in a block (16384): blocks of rows.
    n = 16385
    f = autodiff.compile(lambda x: autodiff.sum([x * float(i % 7) for i in range(n)]), n_inputs=1)
    total = sum(i % 7 for i in range(n))
    testing.assert_close(f(np.array([[1.0], [-2.0]])), [total, -2.0 * total], rtol=RTOL)
    testing.assert_close(f.backward(reduction="sum"), [[total], [total]], rtol=RTOL)


def test_a_batch_wider_than_a_block():
    # More examples than numbers in a block: blocks of columns, the last one narrower.
    x = np.linspace(-2.0, 2.0, 2 * 16384 + 5).reshape(-1, 1)
    f = autodiff.compile(lambda x: [(x * 0.5).tanh(), (x * -1.5).tanh()], n_inputs=1)
    testing.assert_close(f(x), np.tanh(x * [0.5, -1.5]), rtol=RTOL)
    want = 0.5 / np.cosh(0.5 * x) ** 2 - 1.5 / np.cosh(1.5 * x) ** 2
    testing.assert_close(f.backward(reduction="sum"), want, rtol=RTOL, atol=1e-15)


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
    with pytest.raises(ValueError, match="n_inputs must be from 1 to"):
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
        (lambda a: (a * 0.5).asin(), -3.0, ValueError, r"asin: undefined for input -1.5 outside \[-1, 1\]"),
        (lambda a: (a * 0.5).acos(), 3.0, ValueError, r"acos: undefined for input 1.5 outside \[-1, 1\]"),
        (lambda a: a.acosh(), -2.0, ValueError, "acosh: undefined for input -2.0 < 1"),
        (lambda a: (a * 0.5).atanh(), -3.0, ValueError, r"atanh: undefined for input -1.5 outside \[-1, 1\]"),
        (lambda a: a.log2(), -2.0, ValueError, "log2: undefined for negative input -2.0"),
        (lambda a: a.log10(), -2.0, ValueError, "log10: undefined for negative input -2.0"),
        (lambda a: 1.0 % (a + 2.0), -2.0, ZeroDivisionError, r"remainder: cannot take 1.0 modulo zero \(0.0\)"),
        (lambda a: 1.0 // (a + 2.0), -2.0, ZeroDivisionError, r"floor_divide: cannot divide 1.0 by zero \(0.0\)"),
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
    # The placeholders hold 1.0 unless told otherwise.
    assert_close(autodiff.compile(lambda x: x * 2.0 if x.data == 1.0 else -x, 1)(x), [6.0, -6.0])


def test_an_example_of_another_length_is_refused():
    for example in ([1.0], [1.0, 2.0, 3.0]):
        with pytest.raises(ValueError, match=f"example must hold n_inputs = 2 numbers, got {len(example)}"):
            autodiff.compile(lambda a, b: a * b, 2, example=example)


class _NoSignature:
    """A callable whose signature inspect cannot read: it raises `error` (as some builtins do)."""

    def __init__(self, error):
        self.error = error

    @property
    def __signature__(self):
        raise self.error("no signature to read")

    def __call__(self, x):
        return x * 3.0


@pytest.mark.parametrize("error", [TypeError, ValueError])
def test_a_function_without_a_readable_signature_is_traced_all_the_same(error):
    assert_close(autodiff.compile(_NoSignature(error), 1)(np.array([[2.0]])), [6.0])


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


def test_results_survive_the_next_call_and_batch_sizes_may_change():
    rng = np.random.default_rng(450)
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


def test_a_derivative_may_give_plain_numbers():
    rng = np.random.default_rng(482)
    # d/db of "a, ignoring b" is the number 0.0, not an array: it broadcasts into place.
    first = Op("first", lambda m, a, b: a * 1.0, lambda m, g, out, a, b: (g, 0.0))
    w = Value(2.0)
    assert_compiled_equals_eager(lambda x, y: first(x * w, y) + first(w, x), rng.uniform(-1, 1, (6, 2)), [w])


def test_many_inputs_and_a_reduction_named_at_run_time():
    # Counts past Python's small ints, and names made at run time, are compared by value.
    f = autodiff.compile(lambda *xs: autodiff.sum(xs), n_inputs=300)
    assert f(np.ones((2, 300))).tolist() == [300.0, 300.0]
    assert f.backward(reduction="".join(["s", "um"])).tolist() == np.ones((2, 300)).tolist()
    assert f.backward(reduction="".join(["me", "an"])).tolist() == np.full((2, 300), 0.5).tolist()
