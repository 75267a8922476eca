"""Bad input: clear errors that name the op and the operand; no overflow on finite input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autodiff
from autodiff import DivisionByZeroError, Value, backward, constant, grad, gradcheck, gradgradcheck, power


@pytest.mark.parametrize("bad", ["3", None, [1.0], {"x": 1}, 1 + 2j, object()])
def test_non_number_data_is_a_type_error(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_micrograd_s_positional_form_is_a_type_error_with_a_hint():
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(TypeError) as info:
        Value(3.0, (a, b), "+")  # micrograd's Value(data, children, op)
    message = str(info.value)
    assert message.startswith("Value: label must be a str, got tuple ((Value(data=1.0000")
    assert "ops record their parents themselves" in message and "Value(data, children, op)" in message


@pytest.mark.parametrize("bad", [3, None, ("a",), b"a"])
def test_a_label_that_is_not_a_str_is_a_type_error(bad):
    with pytest.raises(TypeError, match=rf"^Value: label must be a str, got {type(bad).__name__} .*parents themselves"):
        Value(1.0, label=bad)


@pytest.mark.parametrize("bad", ["+", 1, 0, None, np.True_])
def test_requires_grad_that_is_not_a_bool_is_a_type_error_as_in_torch(bad):
    import torch  # only here: the rest of the file runs without it, quick for make mutation

    with pytest.raises(TypeError) as info:
        Value(1.0, requires_grad=bad)
    assert str(info.value) == f"Value: requires_grad must be a bool, got {type(bad).__name__} ({bad!r})"
    with pytest.raises(TypeError, match="requires_grad"):
        torch.tensor(1.0, requires_grad=bad)
    with pytest.raises(TypeError, match="requires_grad must be a bool, got str"):
        Value(1.0, "x", "+")


def test_nodes_made_by_ops_skip_the_checks_but_not_a_field():
    # apply() and constant() make their nodes without Value.__init__: every field as it sets it.
    def fields(v):
        return [type(v), type(v.data), v.data, v.grad, v.label, v.requires_grad, v.op]

    x = Value(2.0)
    assert fields(x * 3) == [*fields(Value(6.0))[:-1], "*"] and (x * 3).parents[0] is x
    assert fields(constant(4)) == fields(Value(4.0, requires_grad=False)) and constant(4).parents == ()
    with pytest.raises(TypeError, match=r"^cube: expected an int, a float or a numpy scalar, got str"):
        autodiff.Op("cube", lambda m, x: "8", lambda m, g, out, x: (g,))(x)  # the op's result, named by the op


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
        ("Value(1.0) / 0", ValueError, ["div", "1.0", "zero"]),
        ("Value(1.0) / Value(0.0)", ValueError, ["div", "1.0", "zero"]),
        ("3 / Value(0.0)", ValueError, ["div", "3.0", "zero"]),
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


def test_division_by_zero_is_also_python_s_zero_division_error():
    with pytest.raises(ZeroDivisionError, match=r"div: cannot divide 1.0 by zero \(-0.0\)"):
        Value(1.0) / Value(-0.0)
    f = autodiff.compile(lambda x: 1.0 / x, n_inputs=1)
    for error in (ValueError, ZeroDivisionError):  # compiled mode raises the same
        with pytest.raises(error, match=r"div: cannot divide 1.0 by zero \(0.0\)"):
            f(np.array([[2.0], [0.0]]))
    assert issubclass(DivisionByZeroError, ZeroDivisionError) and issubclass(DivisionByZeroError, ValueError)


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


HUGE = 10**400  # an int that no float can hold


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: Value(HUGE), "Value"),
        (lambda: Value(1.0) + HUGE, "+"),
        (lambda: HUGE * Value(1.0), "*"),
        (lambda: Value(2.0) ** HUGE, "power"),  # x ** p is the op power(p)
        (lambda: HUGE ** Value(2.0), "**"),
        (lambda: constant(HUGE), "constant"),
        (lambda: power(HUGE), "power"),
        (lambda: Value(1.0).backward(HUGE), "backward"),
        (lambda: gradcheck(lambda x: x, [HUGE]), "gradcheck"),
    ],
)
def test_a_number_too_large_for_a_float_is_a_value_error_naming_the_op(make, name):
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert message.startswith(f"{name}: ") and "too large for a float" in message
    assert "1.0000e+400 is too large for a float" in message and len(message) < 100  # not 400 digits


def test_an_int_of_any_size_is_shown_rounded():
    with pytest.raises(ValueError, match=r"^\+: -3.0000e\+5000 is too large for a float"):
        Value(1.0) + -3 * 10**5000  # beyond Python's limit of 4300 digits for str(int)


@pytest.mark.parametrize("bad", ["2", None, [1.0]])
def test_backward_gradient_must_be_a_value_or_a_number(bad):
    x = Value(2.0)
    with pytest.raises(TypeError, match=rf"backward: gradient must be a Value or a number, got {type(bad).__name__}"):
        (x * x).backward(bad)
    assert x.grad == 0.0


@pytest.mark.parametrize("bad", [3.0, None, "x"])
def test_backward_and_grad_of_something_other_than_a_value(bad):
    with pytest.raises(TypeError, match=rf"backward: expected a Value to differentiate, got {type(bad).__name__}"):
        backward(bad)
    with pytest.raises(TypeError, match=rf"grad: expected a Value to differentiate, got {type(bad).__name__}"):
        grad(bad, [Value(1.0)])
    x = Value(1.0)
    with pytest.raises(TypeError, match=rf"grad: input 1 must be a Value, got {type(bad).__name__}"):
        grad(x * 2.0, [x, bad])


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_gradcheck_of_a_function_that_returns_no_value_or_of_no_number(check):
    with pytest.raises(TypeError, match=r"gradcheck: fn must return a Value, got float \(3.0\)"):
        check(lambda x: 3.0, [1.0])
    with pytest.raises(TypeError, match=rf"{check.__name__}: expected an int, a float or a numpy scalar, got str"):
        check(lambda x: x, ["1.0"])


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
@pytest.mark.parametrize("bad", [1.0, 2, Value(1.0), None])
def test_gradcheck_wants_a_list_of_numbers(check, bad):
    with pytest.raises(TypeError) as info:
        check(lambda x: x * x, bad)
    wants = "inputs must be a list of numbers, one per argument of fn"
    assert str(info.value) == f"{check.__name__}: {wants}, got {type(bad).__name__} ({bad!r})"
    with pytest.raises(TypeError, match=rf"^{check.__name__}: expected an int, a float or a numpy scalar, got str"):
        check(lambda x: x * x, [Value(1.0), "2"])
    assert check(lambda x: x * x, (v for v in [1.0])) and check(lambda x: x * x, np.array([1.0]))


def test_gradcheck_of_constant_and_linear_functions():
    # Their gradient (or second derivative) asks for no gradient itself: it is zero, not an error.
    assert gradcheck(lambda x: constant(2.0), [1.0])
    assert gradgradcheck(lambda x, y: 3.0 * x + y, [1.0, 2.0])


def test_sum_and_dot_take_any_iterable():
    xs = [Value(0.5), Value(-2.0), 3.0]
    assert autodiff.sum(x for x in xs).data == autodiff.sum(xs).data
    assert autodiff.dot((x for x in xs), iter(xs)).data == autodiff.dot(xs, xs).data
    for call, name in [(lambda: autodiff.sum(3.0), "sum"), (lambda: autodiff.dot(xs, 3.0), "dot")]:
        with pytest.raises(TypeError, match=rf"^{name}: expected an iterable \(a list, say\), got float \(3.0\)"):
            call()
    with pytest.raises(TypeError, match=r"^grad: expected an iterable \(a list, say\), got float"):
        grad(Value(1.0) * 2.0, 3.0)
    with pytest.raises(ValueError, match="sum: needs at least one value"):
        autodiff.sum(x for x in [])
