"""Forward mode is forward, from the op table alone; gradcheck's two modes; bad input."""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import pytest
import torch
import torch.func as tf

import autodiff as ad
from autodiff import GradcheckError, Op, Value, func, gradcheck, gradgradcheck
from autodiff.tangents import Dual
from autodiff.value_methods import OneInputMethods
from tests.autodiff.test_func import assert_close, t64


def test_jvp_carries_numbers_alone_and_records_no_node(monkeypatch):
    made = []
    new, node = ad.value._new, ad.value._node  # every Value an op or a constant makes comes from these
    monkeypatch.setattr(ad.value, "_new", lambda cls: made.append(cls) or new(cls))
    monkeypatch.setattr(ad.value, "_node", lambda *args: made.append(args) or node(*args))

    def chain(x):
        for _ in range(1000):
            x = (x * 0.999 + 0.001).tanh()
            if not isinstance(x, torch.Tensor):
                assert type(x) is Dual and type(x.primal) is float and type(x.tangent) is float
        return x

    out, tangent = func.jvp(chain, (0.3,), (1.0,))
    assert not made
    ad.Value(0.3) * 0.999  # the same op on a Value is seen: the check above could fail
    assert len(made) == 2  # the constant and the product
    assert (out, tangent) == pytest.approx([t.item() for t in tf.jvp(chain, (t64(0.3),), (t64(1.0),))], rel=1e-12)


def test_a_user_defined_op_works_in_forward_mode_with_no_extra_code():
    softsign = Op("softsign", lambda m, x: x / (1.0 + m.abs(x)), lambda m, g, out, x: (g / (1.0 + m.abs(x)) ** 2,))
    reference = torch.nn.functional.softsign
    for x in [-2.0, -0.3, 0.4, 5.0]:
        assert_close(list(func.jvp(softsign, (x,), (1.5,))), list(tf.jvp(reference, (t64(x),), (t64(1.5),))), 1e-12)
        assert_close(func.jacfwd(softsign)(x), tf.jacfwd(reference)(t64(x)), 1e-12)
        assert_close(func.hessian(softsign)(x), tf.hessian(reference)(t64(x)), 1e-10)
    assert ad.sum([Dual(1.0, 2.0), 3.0]).tangent == 2.0 and (Value(2.0) * Dual(3.0, 1.0)).tangent.data == 2.0


def test_jacfwd_takes_one_forward_pass_per_input_and_jacrev_one_backward_pass_per_output(monkeypatch):
    calls = []
    f = lambda v: [v[0] * v[1], v[1].sin(), v[2] + v[0]]
    counted = lambda v: calls.append(type(v[0])) or f(v)
    func.jacfwd(counted)([1.0, 2.0, 3.0])
    assert calls == [Dual] * 3
    sweeps = []
    backward_module = importlib.import_module("autodiff.backward")
    original = backward_module._sweep
    monkeypatch.setattr(backward_module, "_sweep", lambda *a, **kw: sweeps.append(1) or original(*a, **kw))
    func.jacrev(lambda v: f(v)[:2])([1.0, 2.0, 3.0])
    assert len(sweeps) == 2


def test_gradcheck_checks_both_modes_and_takes_values():
    f = lambda x, y: (x * y).tanh() + x.exp()
    assert gradcheck(f, [Value(0.3), -1.2]) and gradgradcheck(f, [0.3, Value(-1.2)])
    assert gradcheck(f, [0.3, -1.2], modes=("fwd",)) and gradgradcheck(f, [0.3, -1.2], modes=["fwd"])
    # A derivative that is right in reverse mode and wrong in forward mode cannot be written
    # (both read one rule), so a wrong rule is caught by each mode on its own.
    wrong = Op("square", lambda m, x: x * x, lambda m, g, out, x: (g * x,))
    for mode in ("rev", "fwd"):
        with pytest.raises(GradcheckError, match="gradient mismatch"):
            gradcheck(wrong, [3.0], modes=(mode,))
    with pytest.raises(GradcheckError, match="forward-mode gradient mismatch"):
        gradcheck(wrong, [3.0], modes=("fwd",))
    with pytest.raises(ValueError, match=r"gradcheck: modes must be a non-empty sequence of 'rev' and 'fwd'"):
        gradcheck(f, [0.3, 1.0], modes=("backward",))
    with pytest.raises(TypeError, match=r"gradgradcheck: modes must be a sequence"):
        gradgradcheck(f, [0.3, 1.0], modes="fwd")


TRANSFORMS = {
    "grad": lambda f, **kw: func.grad(f, **kw)(1.0, 2.0),
    "value_and_grad": lambda f, **kw: func.value_and_grad(f, **kw)(1.0, 2.0),
    "jacrev": lambda f, **kw: func.jacrev(f, **kw)(1.0, 2.0),
    "jacfwd": lambda f, **kw: func.jacfwd(f, **kw)(1.0, 2.0),
    "hessian": lambda f, **kw: func.hessian(f, **kw)(1.0, 2.0),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_bad_functions_and_argnums_name_the_transform_and_the_argument(name):
    call = TRANSFORMS[name]
    with pytest.raises(TypeError, match=rf"^{name}: f must be a function, got int \(3\)"):
        call(3)
    for argnums in [2, -3, (0, 5)]:
        with pytest.raises(ValueError, match=rf"^{name}: argnums {argnums if type(argnums) is int else 5} is"):
            call(lambda x, y: x * y, argnums=argnums)
    with pytest.raises(TypeError, match=r"argnums must be an int or a non-empty tuple of ints, got '0'"):
        call(lambda x, y: x * y, argnums="0")
    with pytest.raises(ValueError, match=r"argnums \(0, 0\) names an argument twice"):
        call(lambda x, y: x * y, argnums=(0, 0))
    with pytest.raises(TypeError, match=rf"^{name}: f must return a (scalar|Value).*, got str \('3'\)"):
        call(lambda x, y: "3")


def test_bad_arguments_and_tangents_name_the_transform_and_the_argument():
    with pytest.raises(
        TypeError, match=r"^grad: argument 1 must be a number, a Value or a list, tuple or dict of them, got str"
    ):
        func.grad(lambda x, y: x * y, argnums=1)(1.0, "2")
    with pytest.raises(TypeError, match=r"^jacfwd: argument 0 must be a number"):
        func.jacfwd(lambda x: x)(None)
    with pytest.raises(
        ValueError, match=r"^jvp: tangents must have the structure of \(\*, \[\*, \*\]\), got \(1.0, 2.0\)"
    ):
        func.jvp(lambda x, v: x * v[0], (1.0, [2.0, 3.0]), (1.0, 2.0))
    with pytest.raises(ValueError, match=r"^hvp: tangents must have the structure of \(\*,\)"):
        func.hvp(lambda x: x * x, (1.0,), (1.0, 2.0))
    with pytest.raises(
        TypeError, match=r"^jvp: tangents must be a number, a Value or a list, tuple or dict of them, got str"
    ):
        func.jvp(lambda x: x, (1.0,), ("a",))
    with pytest.raises(TypeError, match=r"^jvp: primals must be a tuple"):
        func.jvp(lambda x: x, 1.0, (1.0,))
    with pytest.raises(ValueError, match=r"^vjp: cotangents must have the structure of \[\*, \*\], got 1.0"):
        func.vjp(lambda x: [x, x * x], 1.0)[1](1.0)
    with pytest.raises(TypeError, match=r"^jacrev: f must return a Value or a list, tuple or dict of Values"):
        func.jacrev(lambda x: [x, "y"])(1.0)
    with pytest.raises(TypeError, match=r"^grad: with has_aux=True, f must return a pair \(output, aux\)"):
        func.grad(lambda x: x, has_aux=True)(1.0)
    with pytest.raises(ValueError, match=r"^grad: argument\(s\) \[0\] hold no number"):
        func.grad(lambda v: ad.constant(1.0))([])


def test_results_are_floats_at_the_top_level():
    f = lambda v: v[0] ** 2 * v[1]
    for result in [func.grad(f)([1.0, 2]), func.hessian(f)([1, 2.0])[0], func.jvp(f, ([1.0, 2.0],), ([1, 0],))]:
        assert all(type(x) is float for x in result)
    assert math.isclose(func.jacfwd(lambda x: x.exp())(1), math.e)


def test_every_transform_is_in_its_guide():
    page = (Path(__file__).resolve().parent.parent.parent / "docs" / "func.md").read_text()
    assert set(func.__all__) == {
        "grad",
        "value_and_grad",
        "vjp",
        "jvp",
        "jacrev",
        "jacfwd",
        "hessian",
        "hvp",
        "linearize",
        "vmap",
    }
    assert all(f"`func.{name}(" in page for name in func.__all__)


def test_a_dual_has_every_method_of_a_value_and_they_match_torch_func_jvp():
    methods = [name for name in vars(OneInputMethods) if not name.startswith("_")]
    assert len(methods) >= 30
    for name in ["tan", "asinh", "erf", "softplus", "silu", "gelu", "elu", "leaky_relu"]:
        _, ours = func.jvp(lambda x: getattr(x, name)(), (0.3,), (1.5,))
        t = torch.tensor(0.3, dtype=torch.float64)
        theirs_fn = getattr(torch, name, None) or getattr(torch.nn.functional, name)
        theirs = torch.func.jvp(theirs_fn, (t,), (torch.tensor(1.5, dtype=torch.float64),))[1]
        assert ours == pytest.approx(theirs.item(), rel=1e-12, abs=1e-15), name
    _, ours = func.jvp(lambda x: x % 0.25 + x // 0.25 + (x.clamp(max=0.2) if x > 0 else -x), (0.3,), (2.0,))
    assert ours == 2.0  # %: 1, //: 0, clamp past its max: 0
