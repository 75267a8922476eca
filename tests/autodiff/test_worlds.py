"""The math worlds: each provides what `Math` lists, and the float and array worlds fail alike."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from autodiff import DivisionByZeroError, Value, constant, grad, no_grad, ops, set_grad_enabled
from autodiff.testing import assert_close
from autodiff.worlds import Math, arrays, domain, floats, values

MEMBERS = sorted(name for name in vars(Math) if not name.startswith("_"))

# Every op of the table, with inputs inside its domain.
TABLE = [
    (ops.ADD, [1.5, -2.0]),
    (ops.SUB, [1.5, -2.0]),
    (ops.MUL, [1.5, -2.0]),
    (ops.DIV, [1.5, -2.0]),
    (ops.NEG, [1.5]),
    (ops.POW, [1.5, -2.5]),
    (ops.power(3.0), [-1.5]),
    (ops.power(0.5), [2.25]),
    (ops.EXP, [0.3]),
    (ops.LOG, [0.3]),
    (ops.LOG1P, [-0.3]),
    (ops.SQRT, [0.3]),
    (ops.TANH, [0.3]),
    (ops.SIGMOID, [-0.3]),
    (ops.RELU, [0.3]),
    (ops.ABS, [-0.3]),
    (ops.SIN, [0.3]),
    (ops.COS, [0.3]),
    (ops.SUM, [0.3, -1.0, 2.0]),
    (ops.LOGSUMEXP, [0.3, -1.0, 2.0]),
    (ops.DOT, [0.3, -1.0, 2.0, 4.0]),
    (ops.TAN, [0.3]),
    (ops.SINH, [0.3]),
    (ops.COSH, [-0.3]),
    (ops.ASIN, [0.3]),
    (ops.ACOS, [-0.3]),
    (ops.ATAN, [2.3]),
    (ops.ASINH, [-2.3]),
    (ops.ACOSH, [2.3]),
    (ops.ATANH, [-0.3]),
    (ops.ATAN2, [0.3, -2.0]),
    (ops.HYPOT, [0.3, -2.0]),
    (ops.EXPM1, [0.3]),
    (ops.EXP2, [-2.3]),
    (ops.LOG2, [0.3]),
    (ops.LOG10, [2.3]),
    (ops.ERF, [0.3]),
    (ops.ERFC, [-0.3]),
    (ops.SIGN, [-0.3]),
    (ops.FLOOR, [-2.3]),
    (ops.CEIL, [-2.3]),
    (ops.ROUND, [2.5]),
    (ops.TRUNC, [-2.3]),
    (ops.REMAINDER, [-5.5, 2.0]),
    (ops.FLOOR_DIVIDE, [-5.5, 2.0]),
    (ops.MAXIMUM, [0.3, -2.0]),
    (ops.MINIMUM, [0.3, -2.0]),
    (ops.SILU, [-0.3]),
    (ops.GELU, [-0.3]),
    (ops.GELU_TANH, [0.3]),
    (ops.LEAKY_RELU(0.2), [-0.3]),
    (ops.ELU(1.5), [-0.3]),
    (ops.SOFTPLUS(2.0, 20.0), [0.3]),
    (ops.CLAMP(-1.0, 0.5), [2.3]),
]
# What the Value world's forward records, where it is not the op itself: sum and dot are written
# with `+` and `*`, which record a chain of those; an op whose derivative is zero gives a number
# (as `step`); the ops written with others record the last of those.
RECORDED = {ops.SUM: "+", ops.DOT: "+", ops.SILU: "*", ops.GELU: "*", ops.GELU_TANH: "*", ops.LEAKY_RELU(0.2): "*"}
RECORDED |= {ops.ELU(1.5): "*", ops.SOFTPLUS(2.0, 20.0): "/", ops.CLAMP(-1.0, 0.5): "minimum"}
NUMBERS_IN_THE_VALUE_WORLD = {ops.SIGN, ops.FLOOR, ops.CEIL, ops.ROUND, ops.TRUNC, ops.FLOOR_DIVIDE}


@pytest.mark.parametrize("world", [floats, values, arrays], ids=lambda w: w.__name__)
def test_every_world_provides_every_member_of_math(world):
    missing = [name for name in MEMBERS if not callable(getattr(world, name, None))]
    assert not missing, f"{world.__name__} lacks {missing}"


@pytest.mark.parametrize(("op", "xs"), TABLE, ids=[op.name for op, _ in TABLE])
def test_every_forward_means_the_same_in_every_world(op, xs):
    want = op.forward(floats, *xs)
    node = op.forward(values, *[Value(x) for x in xs])  # in the Value world, a forward records a node
    if op in NUMBERS_IN_THE_VALUE_WORLD:
        assert type(node) is float and node == want
    else:
        assert isinstance(node, Value) and node.data == want and node.op == RECORDED.get(op, op.name)
    # numpy's tan, asin, ... may differ from math's in the last bit, as in the grid below.
    on_arrays = op.forward(arrays, *[np.array([x, x]) for x in xs])
    np.testing.assert_allclose(on_arrays, [want, want], rtol=4 * sys.float_info.epsilon, atol=0)


DOMAIN_ERRORS = [
    ("log", (-2.0,)),
    ("log1p", (-3.0,)),
    ("sqrt", (-2.0,)),
    ("div", (3.0, 0.0)),
    ("div", (-3.0, -0.0)),
    ("pow_number", (0.0, -2.0)),
    ("pow_number", (-8.0, 0.5)),
    ("pow_value", (-2.0, 2.0)),
    ("asin", (1.5,)),
    ("asin", (-1.5,)),
    ("acos", (1.0000000000000002,)),
    ("acosh", (0.5,)),
    ("atanh", (-1.5,)),
    ("log2", (-2.0,)),
    ("log10", (-1e-300,)),
    ("remainder", (3.0, 0.0)),
    ("floor_divide", (-3.0, -0.0)),
]


@pytest.mark.parametrize(("name", "args"), DOMAIN_ERRORS)
def test_the_float_and_array_worlds_raise_one_error_with_one_message(name, args):
    with pytest.raises(ValueError) as on_floats:
        getattr(floats, name)(*args)
    # In an array, the first element that fails is named.
    with pytest.raises(ValueError) as on_arrays:
        getattr(arrays, name)(*[np.array([1.0, x, x]) for x in args])
    assert type(on_floats.value) is type(on_arrays.value)
    assert str(on_floats.value) == str(on_arrays.value) and str(on_floats.value).startswith(name.split("_")[0])
    assert isinstance(on_floats.value, DivisionByZeroError) == (name in ("div", "remainder", "floor_divide"))


@pytest.mark.parametrize("p", [-1.0, -2.0, -3.0])
def test_the_array_world_refuses_zero_to_a_whole_negative_power_of_a_float_exponent(p):
    # As the compiled mode calls it (x ** -2: the exponent a float, the base a column of the batch).
    with pytest.raises(ValueError) as on_floats:
        floats.pow_number(0.0, p)
    with pytest.raises(ValueError) as on_arrays:
        arrays.pow_number(np.array([1.5, -2.0, 0.0]), p)
    assert str(on_arrays.value) == str(on_floats.value)
    np.testing.assert_array_equal(arrays.pow_number(np.array([1.5, -2.0]), p), [1.5**p, (-2.0) ** p])


def test_each_domain_message_is_one_template():
    templates = [v for k, v in vars(domain).items() if k.isupper()]
    assert len(templates) == 15 and len(set(templates)) == 15
    with pytest.raises(ValueError) as error:
        floats.log(-1.0)
    assert str(error.value) == domain.LOG.format(-1.0)


def test_set_grad_enabled_switches_recording_and_restores_the_previous_mode():
    a = Value(2.0)
    with set_grad_enabled(False):
        b = a * 3
        with set_grad_enabled(True):
            c = a * 3
        d = a * 3
    e = a * 3
    assert [len(v.parents) for v in (b, c, d, e)] == [0, 2, 0, 2]


def test_set_grad_enabled_wants_a_bool():
    wanted = r"set_grad_enabled: mode must be a bool, got NoneType \(None\)"
    with pytest.raises(TypeError, match=wanted), set_grad_enabled(None):  # type: ignore[arg-type]
        pass


# Inputs on both sides of every branch of the worlds: kinks, signed zeros, ±1, overflow, inf, nan.
GRID = [-math.inf, -800.0, -2.5, -1.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.5, 800.0, math.inf, math.nan]
UNARY_MEMBERS = ["exp", "log", "log1p", "sqrt", "tanh", "sigmoid", "relu", "abs", "recip", "step", "sign", "is_zero"]
UNARY_MEMBERS += ["tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "expm1", "exp2", "log2"]
UNARY_MEMBERS += ["log10", "erf", "erfc", "floor", "ceil", "round", "trunc"]
BINARY_MEMBERS = ["div", "pow_number", "pow_value", "pow", "atan2", "hypot", "remainder", "floor_divide"]
BINARY_MEMBERS += ["maximum", "minimum"]


def _on_floats(name, *xs):
    try:
        return getattr(floats, name)(*xs)
    except ValueError as error:
        return error


def _same(ours, want):
    """One number as another (numpy's and math's may differ in the last bit), the sign of a zero and
    nan included; an error as the same error."""
    if isinstance(want, Exception):
        return type(ours) is type(want) and str(ours) == str(want)
    ours, want = float(ours), float(want)
    if math.isnan(want) or math.isnan(ours):
        return math.isnan(want) and math.isnan(ours)
    if want == 0:
        return ours == 0 and math.copysign(1, ours) == math.copysign(1, want)
    return ours == want or math.isclose(ours, want, rel_tol=4 * sys.float_info.epsilon)


def _on_arrays(name, *xs):
    # Each input in the middle of a batch, the others harmless: the error names the element that fails.
    batch = [np.array([1.0, x, 1.0]) for x in xs]
    try:
        with np.errstate(all="ignore"):
            return np.broadcast_to(getattr(arrays, name)(*batch), (3,))[1]
    except ValueError as error:
        return error


@pytest.mark.parametrize("name", UNARY_MEMBERS)
def test_the_array_world_is_the_float_world_elementwise(name):
    # numpy's sign(-0.0) is 0.0: only the sign of a zero gradient differs.
    wrong = [(x, _on_arrays(name, x), _on_floats(name, x)) for x in GRID if (name, str(x)) != ("sign", "-0.0")]
    assert not [w for w in wrong if not _same(w[1], w[2])]


@pytest.mark.parametrize("name", BINARY_MEMBERS)
def test_the_array_world_is_the_float_world_elementwise_for_two_inputs(name):
    pairs = [(a, b) for a in GRID for b in [-3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 2000.0]]
    # No op takes a negative base to a non-integer power (its forward refuses): there, floats' nan and
    # numpy's inf for -inf differ.
    pairs = [(a, b) for a, b in pairs if not (a == -math.inf and not b.is_integer())]
    wrong = [(a, b, _on_arrays(name, a, b), _on_floats(name, a, b)) for a, b in pairs]
    assert not [w for w in wrong if not _same(w[2], w[3])]
    if name == "pow":  # it raises for no input: the whole grid in one batch too
        with np.errstate(all="ignore"):
            batch = arrays.pow(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
        assert not [(a, b) for (a, b), got in zip(pairs, batch.tolist()) if not _same(got, floats.pow(a, b))]


def test_the_float_world_at_its_edges():
    assert floats.exp(1000.0) == math.inf and floats.sigmoid(-800.0) == 0.0 and floats.sigmoid(800.0) == 1.0
    assert floats.sigmoid(-2.0) == 1 / (1 + math.exp(2.0)) and floats.relu(-0.0) == 0.0
    assert math.isnan(floats.log(math.nan)) and math.isnan(floats.log1p(math.nan))  # as math.log, as torch
    assert floats.pow(2.0, 2000.0) == math.inf and floats.pow(-2.0, 2001.0) == -math.inf
    assert floats.pow(-2.0, 2000.0) == math.inf and math.isnan(floats.pow(-2.0, 0.5))
    assert floats.recip(-0.0) == -math.inf and floats.recip(0.0) == math.inf and floats.recip(-4.0) == -0.25
    assert [floats.sign(x) for x in (-3.0, 3.0)] == [-1.0, 1.0] and math.copysign(1, floats.sign(-0.0)) == -1
    assert floats.max([1.0, 3.0, -2.0]) == 3.0 and math.isnan(floats.max([1.0, math.nan, 2.0]))
    assert floats.logsumexp([-math.inf, -math.inf]) == -math.inf and floats.logsumexp([math.inf, 0.0]) == math.inf
    assert floats.where(True, lambda: 1, lambda: 2) == 1 and floats.where(False, lambda: 1, lambda: 2) == 2


def test_the_array_world_s_n_ary_members_are_the_float_world_s():
    rows = [[1.0, 3.0, -2.0], [-math.inf, -math.inf, -math.inf], [math.inf, 0.0, 1.0], [800.0, 799.0, -800.0]]
    columns = [np.array(column) for column in zip(*rows)]
    with np.errstate(divide="ignore"):  # log(0) for the row of -inf, as floats gives -inf without a word
        assert_close(arrays.logsumexp(columns), [floats.logsumexp(row) for row in rows], equal_nan=False)
    assert_close(arrays.max(columns), [floats.max(row) for row in rows])
    np.testing.assert_array_equal(arrays.where(np.array([True, False]), lambda: 1.0, lambda: 2.0), [1.0, 2.0])


@pytest.mark.parametrize("x", [-2.0, -1.0, -0.5, 0.5, 1.0, 2.0])
def test_the_value_world_builds_a_graph_where_the_float_world_gives_a_number(x):
    v = Value(x)
    for y, dy in [(values.recip(v), -1 / x**2), (values.pow(v, -2.0), -2.0 * x**-3), (values.pow(v, 0.0), 0.0)]:
        assert isinstance(y, Value) and grad(y, [v]) == [dy]
    assert values.is_zero(Value(0.0)) is True and values.is_zero(v) is False
    assert values.step(v) == floats.step(x) and values.sign(v) == floats.sign(x)


def test_the_value_world_at_zero_gives_infinite_nodes_differentiated_again():
    zero = Value(0.0)
    assert values.recip(zero).data == math.inf and values.recip(Value(-0.0)).data == -math.inf
    assert values.pow(zero, -0.5).data == math.inf and values.pow(zero, -1.0).data == math.inf
    assert grad(values.pow(zero, -0.5), [zero]) == [-math.inf]  # -0.5 * 0 ** -1.5
    assert values.pow(zero, 0.0).data == 1.0 and values.pow(zero, 1.0).data == 0.0
    assert values.recip(constant(0.0)) == math.inf  # nothing to differentiate: a number
    with no_grad():
        assert values.recip(zero) == math.inf


def test_an_array_error_names_the_first_element_that_fails():
    with pytest.raises(ValueError, match=r"^log: undefined for negative input -2.0$"):
        arrays.log(np.array([1.0, -2.0, -3.0]))
    with pytest.raises(ValueError, match=r"^div: cannot divide 2.0 by zero \(0.0\)$"):
        arrays.div(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 0.0]))
