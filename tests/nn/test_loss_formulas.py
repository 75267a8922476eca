"""The losses against their formulas written with `math`: values, gradients in every input,
second derivatives (finite differences), the reductions, forward mode and the compiled replay;
their errors. No torch here (test_losses.py compares with PyTorch): quick enough for each mutant
of `make mutation`.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import autodiff
import nn
from autodiff import Value, gradgradcheck
from autodiff.tangents import Dual
from autodiff.testing import assert_close

RTOL = 1e-12


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _bce(p, t):
    xlogy = [0.0 if a == 0 else a * math.log(b) if b > 0 else -math.inf * a for a, b in ((t, p), (1 - t, 1 - p))]
    return -(xlogy[0] + xlogy[1])


# loss: [(pred, target, value, d/dpred, d/dtarget)], exact, at generic points and at the ends.
FORMULAS = {
    nn.mse_loss: [(p, t, (p - t) ** 2, 2 * (p - t), -2 * (p - t)) for p, t in [(0.7, -2.3), (-1.9, 0.4)]],
    nn.binary_cross_entropy: [
        (p, t, _bce(p, t), (p - t) / (p * (1 - p)), math.log(1 - p) - math.log(p))
        for p, t in [(0.3, 0.8), (0.9, 0.25), (0.6, 0.0), (0.2, 1.0)]
    ]
    + [(0.0, 0.0, 0.0, 0.0, math.inf), (1.0, 1.0, 0.0, 0.0, -math.inf), (0.0, 1.0, math.inf, -math.inf, math.inf)]
    + [(1.0, 0.0, math.inf, math.inf, -math.inf), (0.4, 0.4, _bce(0.4, 0.4), 0.0, math.log(1.5))]
    + [(1.0, 0.5, math.inf, math.inf, -math.inf), (0.0, 0.25, math.inf, -math.inf, math.inf)],
    nn.binary_cross_entropy_with_logits: [
        (x, t, t * _softplus(-x) + (1 - t) * _softplus(x), (1 - t) * _sigmoid(x) - t * _sigmoid(-x), -x)
        for x, t in [(0.7, 0.8), (-2.3, 0.25), (1.9, 0.0), (-1.2, 1.0), (40.0, 1.0), (-800.0, 1.0), (800.0, 0.0)]
    ],
    nn.hinge_loss: [
        (s, y, max(0.0, 1 - y * s), -y if y * s < 1 else 0.0, -s if y * s < 1 else 0.0)
        for s, y in [(0.7, 1.0), (0.7, -1.0), (2.3, 1.0), (-2.3, -1.0), (-0.4, 1.0)]
    ],
}
CASES = [(loss, *case) for loss, cases in FORMULAS.items() for case in cases]
IDS = [f"{loss.__name__}({p}, {t})" for loss, p, t, *_ in CASES]


@pytest.mark.parametrize(("loss", "p", "t", "value", "dp", "dt"), CASES, ids=IDS)
def test_a_loss_and_its_gradients_are_the_formula_s(loss, p, t, value, dp, dt):
    vp, vt = Value(p), Value(t)
    out = loss(vp, vt)
    out.backward()
    assert_close([out, vp.grad, vt.grad], [value, dp, dt], rtol=RTOL, atol=1e-300)
    if loss in (nn.mse_loss, nn.binary_cross_entropy_with_logits):  # the others read .data: no Duals
        tangents = [loss(Dual(p, 1.0), t).tangent, loss(p, Dual(t, 1.0)).tangent]
        assert_close(tangents, [dp, dt], rtol=RTOL, atol=1e-300, what="forward mode")
    # Compiled, on a batch with the point in the middle.
    f = autodiff.compile(loss, n_inputs=2, example=[0.5, 1.0])
    assert_close(f(np.array([[0.5, 1.0], [p, t], [0.5, 1.0]]))[1], value, rtol=RTOL, atol=1e-300)
    assert_close(f.backward(reduction="sum")[1].tolist(), [dp, dt], rtol=RTOL, atol=1e-300)
    if math.isfinite(dp):  # a zero upstream gradient gives zero, where the slope is finite
        assert autodiff.grad(0.0 * loss(vp, t), [vp]) == [0.0]
    for upstream in (-2.0, 0.3):  # the slope scales any upstream gradient, infinite slopes too
        assert_close(autodiff.grad(upstream * loss(vp, t), [vp]), [upstream * dp], rtol=RTOL, atol=1e-300)


# Where finite differences apply: no kink (hinge), no end of the domain, no flat tail.
SMOOTH = [
    c
    for c in CASES
    if (c[0] is nn.binary_cross_entropy and 0 < c[1] < 1 and 0 < c[2] < 1)
    or (c[0] in (nn.mse_loss, nn.binary_cross_entropy_with_logits) and abs(c[1]) < 100)
]


@pytest.mark.parametrize(
    ("loss", "p", "t"), [c[:3] for c in SMOOTH], ids=[f"{c[0].__name__}({c[1]}, {c[2]})" for c in SMOOTH]
)
def test_a_loss_s_second_derivatives(loss, p, t):
    assert gradgradcheck(loss, [p, t], eps=1e-5, rtol=1e-6, atol=1e-7)


def test_softplus_is_log1p_exp_and_its_slope_the_sigmoid():
    for x0 in [-2.3, 0.0, 0.7, 30.0, -800.0, 800.0]:
        x = Value(x0)
        y = nn.softplus(x)
        (dx,) = autodiff.grad(y, [x], create_graph=True)
        (d2x,) = autodiff.grad(dx, [x])
        s = _sigmoid(x0)
        assert_close([y, dx, d2x], [_softplus(x0), s, s * (1 - s)], rtol=RTOL)


def _softmax(xs):
    top = max(xs)
    e = [math.exp(x - top) for x in xs]
    return [v / math.fsum(e) for v in e]


def _log_softmax(xs):
    top = max(xs)
    return [x - top - math.log(math.fsum(math.exp(y - top) for y in xs)) for x in xs]


@pytest.mark.parametrize("logits", [[0.7, -2.3, 1.1], [1000.0, 999.0, -1000.0], [0.5]], ids=str)
def test_softmax_and_log_softmax_and_their_jacobians(logits):
    s = _softmax(logits)
    for f, exact, jacobian in [
        (nn.softmax, s, lambda i, j: s[i] * ((i == j) - s[j])),
        (nn.log_softmax, _log_softmax(logits), lambda i, j: (i == j) - s[j]),
    ]:
        xs = [Value(x) for x in logits]
        out = f(xs)
        assert_close(out, exact, rtol=RTOL)
        for i in range(len(xs)):
            assert_close(autodiff.grad(out[i], xs), [jacobian(i, j) for j in range(len(xs))], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("logits", [[0.7, -2.3, 1.1], [0.0, 0.0], [1000.0, 999.0, -1000.0]], ids=str)
def test_cross_entropy_is_minus_log_softmax_and_its_gradient_softmax_minus_one_hot(logits):
    s = _softmax(logits)
    for k in range(len(logits)):
        xs = [Value(x) for x in logits]
        out = nn.cross_entropy(xs, k)
        out.backward()
        assert_close(out, -_log_softmax(logits)[k], rtol=RTOL)
        assert_close([x.grad for x in xs], [v - (i == k) for i, v in enumerate(s)], rtol=1e-9, atol=1e-15)
        # The same in forward mode, and compiled on a batch.
        assert_close(nn.cross_entropy([Dual(x, 1.0) for x in logits], k).tangent, 0.0, atol=1e-12)
        f = autodiff.compile(lambda *xs: nn.cross_entropy(list(xs), k), n_inputs=len(logits))
        assert_close(
            f(np.array([logits, [0.0] * len(logits)])), [-_log_softmax(logits)[k], math.log(len(logits))], rtol=RTOL
        )


@pytest.mark.parametrize(
    ("loss", "pred", "target"),
    [
        (nn.mse_loss, [0.7, -2.3, 1.1], [0.2, 0.4, -1.0]),
        (nn.binary_cross_entropy, [0.3, 0.9, 0.6], [0.8, 0.25, 0.0]),
        (nn.binary_cross_entropy_with_logits, [0.7, -2.3, 1.9], [0.8, 0.25, 0.0]),
        (nn.hinge_loss, [0.7, -2.3, 2.5], [1.0, 1.0, -1.0]),
        (nn.cross_entropy, [[0.7, -2.3], [1.1, 0.4], [0.0, 3.0]], [1, 0, 0]),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_the_reductions_are_the_mean_the_sum_and_the_list_of_the_losses(loss, pred, target):
    # Many examples too: lengths past Python's small ints are compared by value.
    assert len(loss(pred * 100, target * 100, reduction="none")) == 300
    each = [loss(p, t).data for p, t in zip(pred, target)]
    assert [v.data for v in loss(pred, target, reduction="none")] == each
    assert_close(loss(pred, target, reduction="sum"), math.fsum(each), rtol=RTOL)
    assert_close(loss(pred, target), math.fsum(each) / 3, rtol=RTOL)
    assert_close(loss(pred, target, reduction="mean"), math.fsum(each) / 3, rtol=RTOL)
    # A name made at run time is the same name (compared by value, not by identity).
    made = {name: "".join(list(name)) for name in ("none", "sum", "mean")}
    assert len(loss(pred, target, reduction=made["none"])) == 3
    assert_close(loss(pred, target, reduction=made["sum"]), math.fsum(each), rtol=RTOL)
    assert_close(loss(pred, target, reduction=made["mean"]), math.fsum(each) / 3, rtol=RTOL)


def test_losses_accept_plain_numbers_and_give_values():
    for loss in [
        nn.mse_loss(1.0, 3),
        nn.binary_cross_entropy(0.5, 1),
        nn.binary_cross_entropy_with_logits(2, 0),
        nn.hinge_loss(0.5, -1),
    ]:
        assert isinstance(loss, Value) and not loss.requires_grad
    assert nn.mse_loss([1, 2], [3, 4]).data == 4.0
    assert isinstance(nn.cross_entropy([1, 2, 3], 0), Value)
    json.dumps([v.data for v in nn.softmax([1, 2])])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: nn.mse_loss([1.0, 2.0], [1.0]),
            ValueError,
            "mse_loss: expected two numbers or two non-empty lists of the same length",
        ),
        (lambda: nn.mse_loss([], []), ValueError, "mse_loss: expected two numbers or two non-empty lists"),
        (lambda: nn.mse_loss([1.0], 1.0), ValueError, "mse_loss: expected two numbers"),
        (lambda: nn.mse_loss("a", 1.0), TypeError, "mse_loss: expected a Value or a number, got str"),
        (
            lambda: nn.binary_cross_entropy(1.5, 1.0),
            ValueError,
            r"binary_cross_entropy: prob should be in \[0, 1\], got 1.5",
        ),
        (
            lambda: nn.binary_cross_entropy(0.5, -1.0),
            ValueError,
            r"binary_cross_entropy: target should be in \[0, 1\], got -1.0",
        ),
        (lambda: nn.hinge_loss([0.5], [0.0]), ValueError, "hinge_loss: labels should be -1 or \\+1, got 0.0"),
        (lambda: nn.softmax([]), ValueError, "softmax: expected a non-empty list of logits"),
        (lambda: nn.log_softmax(3.0), TypeError, r"log_softmax: expected a list of logits, got float \(3.0\)"),
        (lambda: nn.softmax(np.array(2.0)), TypeError, "softmax: expected a list of logits, got ndarray"),
        (
            lambda: nn.cross_entropy(3.0, 0),
            TypeError,
            r"cross_entropy: expected logits as a list .*, got float \(3.0\)",
        ),
        (lambda: nn.cross_entropy([], 0), ValueError, "cross_entropy: target index 0 is out of range for 0 classes"),
        (lambda: nn.mse_loss(np.array(1.0), 1.0), TypeError, "mse_loss: expected a Value or a number, got ndarray"),
        (lambda: nn.mse_loss(1.0, 2.0, reduction="avg"), ValueError, "mse_loss: unknown reduction 'avg'; expected one"),
        (lambda: nn.hinge_loss(1.0, 1.0, reduction=None), TypeError, "hinge_loss: reduction should be a str"),
        (
            lambda: nn.cross_entropy([1.0, 2.0], 0, reduction="Mean"),
            ValueError,
            "cross_entropy: unknown reduction 'Mean'",
        ),
        (lambda: nn.softmax([1.0, None]), TypeError, "softmax: expected a Value or a number, got NoneType"),
        (
            lambda: nn.cross_entropy([1.0, 2.0], 2),
            ValueError,
            "cross_entropy: target index 2 is out of range for 2 classes",
        ),
        (lambda: nn.cross_entropy([1.0, 2.0], 1.0), TypeError, "cross_entropy: target should be a class index"),
        (lambda: nn.mse_loss([1.0], [1.0, 2.0]), ValueError, "mse_loss: expected two numbers or two non-empty lists"),
        (
            lambda: nn.cross_entropy([[1.0, 2.0], [3.0, 4.0]], [1, 0, 1]),
            ValueError,
            "cross_entropy: expected 2 target indices, one per row",
        ),
        (lambda: nn.cross_entropy([1.0, 2.0], -1), ValueError, "cross_entropy: target index -1 is out of range for 2"),
        (lambda: nn.cross_entropy([1.0, 2.0], 5), ValueError, "cross_entropy: target index 5 is out of range for 2"),
        (
            lambda: nn.cross_entropy([[1.0, 2.0], [3.0, 4.0]], [1]),
            ValueError,
            "cross_entropy: expected 2 target indices, one per row",
        ),
    ],
)
def test_bad_input_raises_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_losses_take_numpy_arrays():
    pred, target = [0.2, 0.7, 0.4], [0.0, 1.0, 1.0]
    for loss in [nn.mse_loss, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits]:
        assert loss(np.array(pred), np.array(target)).data == loss(pred, target).data
    assert nn.hinge_loss([0.5, -2.0], np.array([1, -1])).data == nn.hinge_loss([0.5, -2.0], [1, -1]).data
    logits = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]
    assert nn.cross_entropy(np.array(logits), np.array([2, 0])).data == nn.cross_entropy(logits, [2, 0]).data


def test_softplus_far_below_zero_is_exp():
    for x in [-720.0, -740.0, -745.0, -800.0, -1e300]:
        assert nn.softplus(x).data == math.exp(x)  # log1p(e) is e for so small an e


def test_softplus_of_a_non_number_is_a_type_error():
    with pytest.raises(TypeError, match="softplus: expected a Value or a number, got str"):
        nn.softplus("1")


@pytest.mark.parametrize("loss", [nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits])
def test_compiled_binary_cross_entropies_equal_eager_on_every_row(loss):
    # One op each, with no branch on the numbers: a graph traced at one point is right at all
    # of them, the ends (0*log(0) = 0) included.
    probabilities = [[0.0, 0.0], [1.0, 1.0], [1e-11, 0.0], [0.3, 0.7], [0.999, 1.0], [0.5, 0.0]]
    logits = [[0.0, 0.3], [40.0, 1.0], [-40.0, 0.0], [800.0, 0.0], [-3.0, 1.0]]
    rows = probabilities if loss is nn.binary_cross_entropy else logits
    f = autodiff.compile(lambda a, b: loss(a, b), n_inputs=2, example=[0.5, 0.5])
    out, grads = f(np.array(rows)), f.backward(reduction="sum")
    for k, row in enumerate(rows):
        a, b = Value(row[0]), Value(row[1])
        eager = loss(a, b)
        eager.backward()
        assert_close(out[k], eager, rtol=1e-15)
        assert_close(grads[k].tolist(), [a.grad, b.grad], rtol=1e-15)


def test_elementwise_losses_take_any_iterable_of_examples():
    pred = [Value(1.0), Value(2.0)]
    assert nn.mse_loss((p for p in pred), iter([0.0, 0.0])).data == 2.5
    assert nn.binary_cross_entropy(np.array([0.5]), (t for t in [1.0])).data == math.log(2.0)


def test_one_row_of_logits_with_a_list_of_targets_is_a_value_error():
    with pytest.raises(ValueError, match=r"cross_entropy: one row of logits takes one target index, got 2: \[0, 1\]"):
        nn.cross_entropy([1.0, 2.0, 3.0], [0, 1])
