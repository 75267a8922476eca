"""User-defined ops: a forward and a derivative, then every engine path works on them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autodiff import GradcheckError, Op, Value, gradcheck, gradgradcheck
from autodiff.testing import assert_matches_torch, is_close

# softsign: x / (1 + |x|), smooth and bounded.
softsign = Op(
    "softsign",
    lambda m, x: x / (1.0 + m.abs(x)),
    lambda m, g, out, x: (g / ((1.0 + m.abs(x)) * (1.0 + m.abs(x))),),
)
# A smooth absolute value: sqrt(x^2 + 1e-2).
smooth_abs = Op(
    "smooth_abs",
    lambda m, x: m.sqrt(x * x + 1e-2),
    lambda m, g, out, x: (g * x / out,),
)
POINTS = [float(x) for x in np.random.default_rng(3).uniform(-5, 5, 40)] + [0.0, 30.0, -30.0, 800.0, -800.0]


def torch_smooth_abs(t):
    return (t * t + 1e-2).sqrt()


@pytest.mark.parametrize("op, reference", [(softsign, torch.nn.functional.softsign), (smooth_abs, torch_smooth_abs)])
def test_custom_op_matches_torch_in_backward(op, reference):
    def ours_or_theirs(x):
        return op(x) * 2.0 if isinstance(x, Value) else reference(x) * 2.0

    for x in POINTS:
        assert_matches_torch(ours_or_theirs, [x], rtol=1e-12)


@pytest.mark.parametrize("op, reference", [(softsign, torch.nn.functional.softsign), (smooth_abs, torch_smooth_abs)])
def test_custom_op_higher_order_matches_torch(op, reference):
    for x in POINTS[:20]:
        assert_matches_torch(op, [x], torch_fn=reference, order=3, rtol=1e-10, atol=1e-13)


def test_custom_op_passes_gradchecks_and_is_named_in_the_graph():
    for x in [-1.3, 0.2, 2.7]:
        assert gradcheck(lambda v: softsign(v), [x])
        assert gradgradcheck(lambda v: smooth_abs(v), [x])
    assert softsign(Value(1.0)).op == "softsign"


def test_a_wrong_derivative_is_caught_by_gradcheck():
    wrong = Op("wrong_softsign", softsign.forward, lambda m, g, out, x: (g * m.tanh(x),))
    with pytest.raises(GradcheckError, match="analytic"):
        gradcheck(lambda v: wrong(v), [0.7])


def test_custom_op_takes_numbers_and_several_inputs():
    hypot = Op("hypot", lambda m, a, b: m.sqrt(a * a + b * b), lambda m, g, out, a, b: (g * a / out, g * b / out))
    a = Value(3.0)
    h = hypot(a, 4.0)
    h.backward()
    assert h.data == 5.0 and a.grad == 3.0 / 5.0  # a / h, rounded once
    with pytest.raises(TypeError, match="hypot"):
        hypot(a, "4")


def test_custom_op_in_pictures_and_compiled_mode():
    import autodiff as ad

    x = Value(0.3, label="x")
    y = softsign(x) * smooth_abs(x)
    assert "softsign" in ad.draw_dot(y).source
    assert "smooth_abs" in ad.draw_dot(y).source

    f = ad.compile(lambda v: softsign(v) * smooth_abs(v), n_inputs=1)
    batch = np.array([[-2.0], [0.3], [4.0]])
    out = f(batch)
    grads = f.backward(reduction="sum")[:, 0]
    for row, value, d in zip(batch[:, 0], out, grads):
        v = Value(row)
        e = softsign(v) * smooth_abs(v)
        e.backward()
        assert is_close(value, e.data) and is_close(d, v.grad)
