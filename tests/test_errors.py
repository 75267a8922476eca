"""Bad input: clear errors that name the op and the operand; no overflow on finite input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autodiff import Value


@pytest.mark.parametrize("bad", ["3", None, [1.0], {"x": 1}, 1 + 2j, object()])
def test_non_number_data_is_a_type_error(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
@pytest.mark.parametrize("bad", ["x", None, [1.0]])
def test_non_number_operand_is_a_type_error(op, bad):
    names = {"a": Value(2.0), "bad": bad}
    with pytest.raises(TypeError, match=type(bad).__name__):
        eval(f"a {op} bad", names)
    with pytest.raises(TypeError, match=type(bad).__name__):
        eval(f"bad {op} a", names)


@pytest.mark.parametrize(
    "expr, error, words",
    [
        ("Value(-1.0).log()", ValueError, ["log", "-1.0"]),
        ("Value(-4.0).sqrt()", ValueError, ["sqrt", "-4.0"]),
        ("Value(1.0) / 0", ZeroDivisionError, ["div", "1.0", "zero"]),
        ("Value(1.0) / Value(0.0)", ZeroDivisionError, ["div", "1.0", "zero"]),
        ("3 / Value(0.0)", ZeroDivisionError, ["div", "3.0", "zero"]),
        ("Value(0.0) ** -1", ValueError, ["pow", "zero", "-1"]),
        ("Value(0.0) ** Value(-2.0)", ValueError, ["pow", "zero", "-2.0"]),
        ("0 ** Value(-0.5)", ValueError, ["pow", "zero", "-0.5"]),
        ("Value(-2.0) ** Value(2.0)", ValueError, ["pow", "-2.0", "negative"]),
        ("(-2.0) ** Value(3.0)", ValueError, ["pow", "-2.0", "negative"]),
        ("Value(-8.0) ** 0.5", ValueError, ["pow", "-8.0", "0.5"]),
    ],
)
def test_undefined_math_names_op_and_operand(expr, error, words):
    with pytest.raises(error) as info:
        eval(expr)
    for word in words:
        assert word in str(info.value)


def test_extremes_do_not_overflow():
    big = Value(1000.0)
    assert big.exp().data == math.inf
    for x, expected in [(1000.0, 1.0), (-1000.0, 0.0)]:
        v = Value(x)
        s = v.sigmoid()
        s.backward()
        assert s.data == expected and v.grad == 0.0
    for x, expected in [(1000.0, 1.0), (-1000.0, -1.0)]:
        v = Value(x)
        t = v.tanh()
        t.backward()
        assert t.data == expected and v.grad == 0.0


def test_huge_powers_give_inf_not_overflow_error():
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(10.0) ** Value(400.0)).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf


def test_numpy_and_int_inputs_become_python_floats():
    for x in [3, np.float64(2.5), np.float32(1.5), np.int64(7), True]:
        v = Value(x)
        assert type(v.data) is float and v.data == float(x)
