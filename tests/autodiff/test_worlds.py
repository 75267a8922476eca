"""The math worlds: each provides what `Math` lists, and the float and array worlds fail alike."""

from __future__ import annotations

import numpy as np
import pytest

from autodiff import DivisionByZeroError, Value, ops, set_grad_enabled
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
]


@pytest.mark.parametrize("world", [floats, values, arrays], ids=lambda w: w.__name__)
def test_every_world_provides_every_member_of_math(world):
    missing = [name for name in MEMBERS if not callable(getattr(world, name, None))]
    assert not missing, f"{world.__name__} lacks {missing}"


@pytest.mark.parametrize(("op", "xs"), TABLE, ids=[op.name for op, _ in TABLE])
def test_every_forward_means_the_same_in_every_world(op, xs):
    want = op.forward(floats, *xs)
    node = op.forward(values, *[Value(x) for x in xs])  # in the Value world, a forward records a node
    assert isinstance(node, Value) and node.data == want
    # sum and dot are written with `+` and `*`, which record a chain of those, not one n-ary node.
    assert node.op == ("+" if op in (ops.SUM, ops.DOT) else op.name)
    np.testing.assert_array_equal(op.forward(arrays, *[np.array([x, x]) for x in xs]), [want, want])


DOMAIN_ERRORS = [
    ("log", (-2.0,)),
    ("log1p", (-3.0,)),
    ("sqrt", (-2.0,)),
    ("div", (3.0, 0.0)),
    ("div", (-3.0, -0.0)),
    ("pow_number", (0.0, -2.0)),
    ("pow_number", (-8.0, 0.5)),
    ("pow_value", (-2.0, 2.0)),
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
    assert isinstance(on_floats.value, DivisionByZeroError) == (name == "div")


def test_each_domain_message_is_one_template():
    templates = [v for k, v in vars(domain).items() if k.isupper()]
    assert len(templates) == 7 and len(set(templates)) == 7
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
