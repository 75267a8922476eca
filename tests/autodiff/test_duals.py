"""Forward mode's `Dual` on its own, without torch: constants mixed in, tangents of constants, the
sign of a zero tangent, conversions and errors. (Every op's tangent is in test_rules.py.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autodiff import Value, grad, ops
from autodiff.tangents import Dual, apply, tangent
from autodiff.worlds import floats


def test_a_dual_shows_and_converts_as_its_parts():
    d = Dual(2.0, -1.5)
    assert repr(d) == "Dual(primal=2.0, tangent=-1.5)" and float(d) == 2.0 and +d is d


def test_numbers_of_any_kind_are_constants_with_no_tangent():
    for c in (2, np.float64(2.0), np.int32(2)):
        y = apply(ops.MUL, Dual(3.0, 1.0), c)
        assert (y.primal, y.tangent) == (6.0, 2.0) and type(y.primal) is float
    assert (Dual(3.0, 1.0) - 1).primal == 2.0 and (1 - Dual(3.0, 1.0)).tangent == -1.0
    assert (Dual(3.0, 1.0) / 2).tangent == 0.5 and (6 / Dual(3.0, 1.0)).tangent == -6 / 9


def test_constants_alone_have_a_zero_tangent():
    y = apply(ops.ADD, 1.0, 2.0)
    assert (y.primal, y.tangent) == (3.0, 0.0)
    assert tangent(ops.MUL, floats, 6.0, [3.0, 2.0], [None, None]) == 0.0


def test_an_infinite_partial_of_a_constant_input_adds_nothing():
    # d/da a**b = b * a**(b-1) is inf at a = 0 < b < 1: a constant base takes no part, no 0 * inf.
    y = 0.0 ** Dual(0.5, 1.0)
    assert (y.primal, y.tangent) == (0.0, 0.0)
    assert tangent(ops.POW, floats, 0.0, [0.0, 0.5], [None, 1.0]) == 0.0


def test_the_sign_of_a_zero_tangent_is_kept():
    assert math.copysign(1.0, (Dual(1.0, -0.0) * 2.0).tangent) == -1.0
    assert math.copysign(1.0, tangent(ops.MUL, floats, 2.0, [1.0, 2.0], [-0.0, None])) == -1.0


def test_tangents_that_are_values_can_be_differentiated():
    x, t = Value(0.5), Value(2.0)
    y = Dual(x, t).tanh()
    assert isinstance(y.primal, Value) and isinstance(y.tangent, Value)
    assert grad(y.tangent, [t]) == [1 - math.tanh(0.5) ** 2]


def test_a_value_subclass_is_a_value():
    class Named(Value):
        pass

    y = apply(ops.MUL, Dual(3.0, 1.0), Named(2.0))
    assert isinstance(y.primal, Value) and y.primal.data == 6.0 and y.tangent.data == 2.0


@pytest.mark.parametrize("bad", ["a", None, [1.0]])
def test_what_is_not_a_number_is_a_type_error_naming_the_op(bad):
    with pytest.raises(TypeError) as error:
        Dual(1.0, 1.0) * bad
    assert str(error.value) == f"*: expected a Value, a Dual or a number, got {type(bad).__name__} ({bad!r})"


def test_apply_hands_an_op_to_the_world_of_an_input_that_declares_one():
    # The one dispatch point: the core asks an input's type for __autodiff_apply__, and knows no Dual.
    import inspect

    import autodiff.value
    import nn.losses

    seen = []

    class Other:
        data = 1.0

        @classmethod
        def __autodiff_apply__(cls, op, *inputs):
            seen.append(op.name)
            return "handled"

    assert Value(2.0) * Other() == "handled" and ops.SUB(2.0, Other()) == "handled" and ops.EXP(Other()) == "handled"
    assert seen == ["*", "-", "exp"]
    for module in (autodiff.value, nn.losses):  # nothing of forward mode's among their names
        assert not [name for name, x in vars(module).items() if getattr(x, "__module__", "") == "autodiff.tangents"]
        assert "tangents" not in inspect.getsource(module)
