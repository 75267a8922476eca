import math
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import autodiff
import nn
from autodiff import Value
from autodiff.testing import assert_close
from autodiff.testing.closeness import flat

TOL = 1e-10


def assert_close_at_scale(ours, theirs, scale):
    """Each number to TOL of torch's, or of its `scale` (one per number, flattened alike): the size
    of the terms whose difference it is, where they cancel in torch's computation and ours alike."""
    ours, theirs, scale = flat(ours, "ours"), flat(theirs, "torch"), flat(scale, "scale")
    for i, (a, b, c) in enumerate(zip(ours, theirs, scale, strict=True)):
        assert_close(a, b, rtol=TOL, atol=TOL * c, what=f"item {i} (scale {c!r})")


def compare(our_loss, torch_loss, pred, target, target_grad=False):
    """Our loss and torch's on the same data: equal values, and equal gradients for pred (and target)."""
    single = not isinstance(pred, list)
    as_list = (lambda x: [x]) if single else list
    ours_p = [Value(p) for p in as_list(pred)]
    ours_t = [Value(t) if target_grad else t for t in as_list(target)]
    loss = our_loss(ours_p[0] if single else ours_p, ours_t[0] if single else ours_t)
    loss.backward()
    tp = torch.tensor(pred, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(target, dtype=torch.float64, requires_grad=target_grad)
    t_loss = torch_loss(tp, tt)
    t_loss.backward()
    assert isinstance(loss, Value)
    assert_close(loss, t_loss)
    assert_close([p.grad for p in ours_p], tp.grad)
    if target_grad:
        assert_close([t.grad for t in ours_t], tt.grad)


def randoms(rng, n, low, high):
    return [float(x) for x in rng.uniform(low, high, n)]


def labels(rng, n):
    return [float(x) for x in rng.choice([-1.0, 1.0], n)]


def hinge_reference(scores, labels, reduction="mean"):
    losses = torch.relu(1 - labels * scores)
    return {"mean": losses.mean, "sum": losses.sum, "none": lambda: losses}[reduction]()


SIZES = [1, 2, 7, 30]


@pytest.mark.parametrize("n", SIZES)
def test_mse_loss(n, rng):
    for _ in range(5):
        compare(nn.mse_loss, F.mse_loss, randoms(rng, n, -5, 5), randoms(rng, n, -5, 5), target_grad=True)
    compare(nn.mse_loss, F.mse_loss, float(rng.uniform(-5, 5)), float(rng.uniform(-5, 5)), target_grad=True)
    compare(nn.mse_loss, F.mse_loss, [1.0] * n, [1.0] * n)


@pytest.mark.parametrize("n", SIZES)
def test_binary_cross_entropy(n, rng):
    for _ in range(5):
        compare(nn.binary_cross_entropy, F.binary_cross_entropy, randoms(rng, n, 1e-6, 1 - 1e-6), randoms(rng, n, 0, 1))
        compare(
            nn.binary_cross_entropy,
            F.binary_cross_entropy,
            randoms(rng, n, 0.01, 0.99),
            [float(x) for x in rng.choice([0.0, 1.0], n)],
        )
        compare(
            nn.binary_cross_entropy,
            F.binary_cross_entropy,
            randoms(rng, n, 0.01, 0.99),
            randoms(rng, n, 0, 1),
            target_grad=True,
        )
    compare(nn.binary_cross_entropy, F.binary_cross_entropy, 0.3, 1.0)
    for p in [1e-11, 1 - 1e-11]:
        for t in [0.0, 1.0, 0.5]:
            compare(nn.binary_cross_entropy, F.binary_cross_entropy, p, t)


@pytest.mark.parametrize("p, t", [(1.0, 1.0), (0.0, 0.0)])
@pytest.mark.parametrize("target_is_value", [False, True])
def test_binary_cross_entropy_of_a_sure_right_answer_is_zero(p, t, target_is_value):
    # 0*log(0) is 0 (as in torch), for a constant target and for a Value alike; gradients finite.
    prob, target = Value(p), Value(t) if target_is_value else t
    loss = nn.binary_cross_entropy(prob, target)
    loss.backward()
    assert loss.data == F.binary_cross_entropy(torch.tensor(p), torch.tensor(t)).item() == 0.0
    # As torch: p's gradient is 0 (p == t), t's is log(1-p) - log(p), an infinity.
    tp, tt = torch.tensor(p, requires_grad=True), torch.tensor(t, requires_grad=True)
    F.binary_cross_entropy(tp, tt).backward()
    assert prob.grad == tp.grad.item() == 0.0
    if target_is_value:
        assert target.grad == tt.grad.item() == (-math.inf if p == 1.0 else math.inf)


def test_binary_cross_entropy_at_the_ends():
    # Documented differences: a sure and wrong one costs inf here, where torch clamps each log
    # at -100; and within 1e-12 of 0 or 1 our gradient stays exact, where torch clamps p*(1-p).
    assert nn.binary_cross_entropy(Value(0.0), 1.0).data == math.inf
    assert F.binary_cross_entropy(torch.tensor(0.0), torch.tensor(1.0)).item() == 100.0
    p = Value(1e-300)
    nn.binary_cross_entropy(p, 0.0).backward()
    assert p.grad == 1.0  # d/dp -log(1-p) = 1/(1-p); torch gives 1e-288


def test_binary_cross_entropy_keeps_the_digits_of_a_small_p():
    # -log(1-p) through log1p(-p), as torch: for p = 1e-11, 1 - p alone would keep 5 digits.
    for p in [1e-11, 1e-6, 0.25]:  # not below 1e-12, where torch clamps p*(1-p) in the gradient
        compare(nn.binary_cross_entropy, F.binary_cross_entropy, p, 0.0, target_grad=True)
        compare(nn.binary_cross_entropy, F.binary_cross_entropy, 1.0 - p, 1.0, target_grad=True)


def test_binary_cross_entropy_traced_at_a_sure_answer_is_right_elsewhere():
    # Compiled mode traces at 1.0 by default: the graph made at p = t = 1 holds for any row.
    step = autodiff.compile(lambda p, t: nn.binary_cross_entropy(p, t), n_inputs=2)
    rows = [[1.0, 1.0], [0.3, 0.0], [0.8, 0.25], [1e-6, 1.0]]
    eager = [nn.binary_cross_entropy(p, t).data for p, t in rows]
    assert_close(step(np.array(rows)).tolist(), eager, rtol=1e-9)  # log(q**w): log1p's digits lost


LOGITS = [
    0.0,
    1e-12,
    -1e-12,
    0.5,
    -3.0,
    20.0,
    -20.0,
    36.0,
    -36.0,
    40.0,
    -40.0,
    700.0,
    -700.0,
    1000.0,
    -1000.0,
    1e300,
    -1e300,
]


@pytest.mark.parametrize("n", SIZES)
def test_binary_cross_entropy_with_logits(n, rng):
    loss = F.binary_cross_entropy_with_logits
    for _ in range(5):
        compare(
            nn.binary_cross_entropy_with_logits, loss, randoms(rng, n, -30, 30), randoms(rng, n, 0, 1), target_grad=True
        )
        compare(
            nn.binary_cross_entropy_with_logits,
            loss,
            randoms(rng, n, -5, 5),
            [float(x) for x in rng.choice([0.0, 1.0], n)],
        )


def logits_reference(x, t):
    """BCE with logits by its definition, -(t*log(sigmoid(x)) + (1-t)*log(1-sigmoid(x))), with
    torch's stable log-sigmoid: F.binary_cross_entropy_with_logits itself cancels in places (its
    (1-t)*x - logsigmoid(x) gives 0 at x = -40, t = 0 for 4.25e-18, and its gradient sigmoid(x) - t
    keeps 8 digits at x = 20, t = 1), where this form keeps them all."""
    return -(t * F.logsigmoid(x) + (1 - t) * F.logsigmoid(-x))


GRID = sorted({*np.linspace(-800.0, 800.0, 641).tolist(), *LOGITS, *(-x for x in LOGITS), 36.7, -36.7, 745.0, -745.0})


@pytest.mark.parametrize("target", [0.0, 0.3, 1.0])
def test_binary_cross_entropy_with_logits_over_a_wide_grid(target):
    xs = [Value(x) for x in GRID]
    ts = [Value(target) for _ in GRID]
    losses = nn.binary_cross_entropy_with_logits(xs, ts, reduction="none")
    autodiff.sum(losses).backward()
    tx = torch.tensor(GRID, dtype=torch.float64, requires_grad=True)
    tt = torch.full_like(tx, target, requires_grad=True)
    reference = logits_reference(tx, tt)
    reference.sum().backward()
    assert_close(losses, reference)
    # d/dx = sigmoid(x) - t, as (1-t)*sigmoid(x) - t*sigmoid(-x): where those two terms are close
    # (t = 0.3 near x = -0.85), any formula keeps only their difference's absolute digits.
    sigmoid = torch.sigmoid(tx.detach())
    assert_close_at_scale([x.grad for x in xs], tx.grad, (1 - target) * sigmoid + target * (1 - sigmoid))
    # d/dt = -x, exactly here; torch (its own loss or the reference) takes it as a difference of
    # two logs, log(1 - sigmoid(x)) - log(sigmoid(x)), which near x = 0 keeps absolute digits only.
    assert [t.grad for t in ts] == [-x for x in GRID]
    logs = F.logsigmoid(tx.detach()).abs() + F.logsigmoid(-tx.detach()).abs()
    assert_close_at_scale([t.grad for t in ts], tt.grad, logs)
    official_t = tt.detach().requires_grad_()
    F.binary_cross_entropy_with_logits(tx.detach(), official_t, reduction="sum").backward()
    assert_close_at_scale([t.grad for t in ts], official_t.grad, logs)


@pytest.mark.parametrize("logit, target", [(20.0, 1.0), (40.0, 1.0), (-20.0, 0.0), (-40.0, 0.0), (0.0, 0.3)])
def test_binary_cross_entropy_with_logits_where_torch_loses_digits(logit, target):
    x = Value(logit)
    loss = nn.binary_cross_entropy_with_logits(x, target)
    loss.backward()
    tx = torch.tensor(logit, dtype=torch.float64, requires_grad=True)
    reference = logits_reference(tx, target)
    reference.backward()
    assert_close(loss, reference)
    assert_close(x.grad, tx.grad)
    assert loss.data > 0 and x.grad != 0  # the loss and its slope, however small, are not rounded away


def test_binary_cross_entropy_with_logits_slope_at_zero():
    # The loss's slope at 0 is sigmoid(0) - t: one op, no slope of relu or abs at their kinks.
    for target in [0.0, 0.3, 1.0]:
        x, tx = Value(0.0), torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
        nn.binary_cross_entropy_with_logits(x, target).backward()
        F.binary_cross_entropy_with_logits(tx, torch.tensor(target, dtype=torch.float64)).backward()
        assert_close(x.grad, tx.grad)
        assert_close(x.grad, 0.5 - target)


@pytest.mark.parametrize("n", SIZES)
def test_hinge_loss(n, rng):
    for _ in range(5):
        compare(nn.hinge_loss, hinge_reference, randoms(rng, n, -3, 3), labels(rng, n))


def test_hinge_loss_on_the_margin():
    # Exactly on the margin (1 - y*s = 0): relu's derivative there is 0, as torch.relu's.
    compare(nn.hinge_loss, hinge_reference, [1.0, -1.0, 0.5, -2.0], [1.0, -1.0, 1.0, -1.0])
    compare(nn.hinge_loss, hinge_reference, 1.0, 1.0)
    compare(nn.hinge_loss, hinge_reference, -0.25, 1.0)


REDUCED = {
    "mse_loss": (nn.mse_loss, F.mse_loss, lambda rng, n: (randoms(rng, n, -5, 5), randoms(rng, n, -5, 5)), True),
    "binary_cross_entropy": (
        nn.binary_cross_entropy,
        F.binary_cross_entropy,
        lambda rng, n: (randoms(rng, n, 0.01, 0.99), randoms(rng, n, 0, 1)),
        True,
    ),
    "binary_cross_entropy_with_logits": (
        nn.binary_cross_entropy_with_logits,
        F.binary_cross_entropy_with_logits,
        lambda rng, n: (randoms(rng, n, -10, 10), randoms(rng, n, 0, 1)),
        True,
    ),
    "hinge_loss": (nn.hinge_loss, hinge_reference, lambda rng, n: (randoms(rng, n, -3, 3), labels(rng, n)), False),
}


def backward_both(loss, t_loss, rng):
    """Backward through a loss or, for reduction="none", a random weighted sum of the losses."""
    if isinstance(loss, Value):
        loss.backward()
        t_loss.backward()
        return
    weights = randoms(rng, len(loss), -2, 2)
    autodiff.sum([w * v for w, v in zip(weights, loss)]).backward()
    (t_loss * torch.tensor(weights, dtype=torch.float64)).sum().backward()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", REDUCED)
def test_reduction_equals_torch(name, reduction, rng):
    ours, theirs, data, target_grad = REDUCED[name]
    for n in [1, 3, 8]:
        pred, target = data(rng, n)
        ps, ts = [Value(p) for p in pred], [Value(t) for t in target]
        loss = ours(ps, ts, reduction=reduction)
        tp = torch.tensor(pred, dtype=torch.float64, requires_grad=True)
        tt = torch.tensor(target, dtype=torch.float64, requires_grad=target_grad)
        t_loss = theirs(tp, tt, reduction=reduction)
        assert isinstance(loss, list if reduction == "none" else Value)
        assert_close(loss, t_loss)
        backward_both(loss, t_loss, rng)
        assert_close([p.grad for p in ps], tp.grad)
        if target_grad:
            assert_close([t.grad for t in ts], tt.grad)
    single = ours(pred[0], target[0], reduction=reduction)  # one example: one Value, whatever the reduction
    assert isinstance(single, Value)
    assert_close(single, theirs(tp[0], tt[0], reduction=reduction))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_reduction_equals_torch(reduction, rng):
    for rows in [1, 4]:
        logits = [randoms(rng, 3, -10, 10) for _ in range(rows)]
        target = [int(i) for i in rng.integers(3, size=rows)]
        values = [[Value(x) for x in row] for row in logits]
        loss = nn.cross_entropy(values, target, reduction=reduction)
        t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        t_loss = F.cross_entropy(t, torch.tensor(target), reduction=reduction)
        assert_close(loss, t_loss)
        backward_both(loss, t_loss, rng)
        # d/dx_j = softmax_j - [j is the target]: where softmax_j is near 1 the two cancel, in
        # torch as here, leaving absolute digits only (relative to the terms).
        terms = torch.softmax(t.detach(), dim=1) + F.one_hot(torch.tensor(target), 3)
        assert_close_at_scale([[v.grad for v in row] for row in values], t.grad, terms)
    one = nn.cross_entropy(logits[0], target[0], reduction=reduction)
    assert_close(one, F.cross_entropy(t[0], torch.tensor(target[0]), reduction=reduction))


def compare_vector_output(ours, theirs, logits, rng):
    values = [Value(x) for x in logits]
    out = ours(values)
    weights = randoms(rng, len(logits), -1, 1)
    sum(w * o for w, o in zip(weights, out)).backward()
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    t_out = theirs(t, dim=0)
    w = torch.tensor(weights, dtype=torch.float64)
    (t_out * w).sum().backward()
    if theirs is F.softmax:
        assert_close(out, t_out)
    else:  # x_j - logsumexp(x), after both are moved by max(x): where these nearly cancel, absolute digits
        shifted = t.detach() - t.detach().max()
        assert_close_at_scale(out, t_out, shifted.abs() + torch.logsumexp(shifted, dim=0).abs())
    # The gradient at x_j is a difference: s_j*(w_j - sum(w*s)) for softmax, w_j - s_j*sum(w) for
    # log_softmax (s = softmax). Where its terms nearly cancel (at the largest logit, where
    # sum(w*s) is close to w_j), torch's number and ours keep only their absolute digits.
    s = F.softmax(t.detach(), dim=0)
    if theirs is F.softmax:
        scale = s * (w.abs() + (w * s).sum().abs())
    else:
        scale = w.abs() + s * w.sum().abs()
    assert_close_at_scale([v.grad for v in values], t.grad, scale)


EXTREME_LOGITS = [
    [1000.0],
    [1000.0, 0.0],
    [1000.0, 1000.0, -1000.0],
    [-1000.0, -999.0],
    [1e-8, 0.0, -1e-8],
    [700.0, -700.0, 0.0],
]


@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_softmax_and_log_softmax(n, rng):
    for _ in range(5):
        logits = randoms(rng, n, -10, 10)
        compare_vector_output(nn.softmax, F.softmax, logits, rng)
        compare_vector_output(nn.log_softmax, F.log_softmax, logits, rng)


@pytest.mark.parametrize("logits", EXTREME_LOGITS)
def test_softmax_is_stable(logits, rng):
    compare_vector_output(nn.softmax, F.softmax, logits, rng)
    compare_vector_output(nn.log_softmax, F.log_softmax, logits, rng)


def compare_cross_entropy(logits, target):
    batch = isinstance(target, list)
    values = [[Value(x) for x in row] for row in logits] if batch else [Value(x) for x in logits]
    loss = nn.cross_entropy(values, target)
    loss.backward()
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    t_loss = F.cross_entropy(t, torch.tensor(target))
    t_loss.backward()
    assert_close(loss, t_loss)
    # d/dx_j = softmax_j - [j is the target]: near 1 the two cancel (see the reduction test above).
    rows = t.detach() if batch else t.detach()[None]
    terms = torch.softmax(rows, dim=1) + F.one_hot(torch.tensor(target if batch else [target]), rows.shape[1])
    grads = [[v.grad for v in row] for row in values] if batch else [v.grad for v in values]
    assert_close_at_scale(grads, t.grad, terms)


@pytest.mark.parametrize("classes", [1, 2, 3, 10])
def test_cross_entropy(classes, rng):
    for _ in range(5):
        compare_cross_entropy(randoms(rng, classes, -10, 10), int(rng.integers(classes)))
        batch = int(rng.integers(1, 6, endpoint=True))
        compare_cross_entropy(
            [randoms(rng, classes, -10, 10) for _ in range(batch)], [int(i) for i in rng.integers(classes, size=batch)]
        )


@pytest.mark.parametrize("logits", EXTREME_LOGITS)
def test_cross_entropy_is_stable(logits):
    for target in range(len(logits)):
        compare_cross_entropy(logits, target)
    compare_cross_entropy([logits, logits], [0, len(logits) - 1])


_POINTS = random.Random(2024)
SOFTPLUS_POINTS = sorted(
    {*GRID, *(_POINTS.uniform(-50, 50) for _ in range(200)), 5e-324, -5e-324, 1e-300, -1e300, 1e300}
)


def test_softplus_and_its_slope_match_torch_everywhere():
    # Down to -700: below, softplus(x) is exp(x) in the subnormal numbers, which ours keeps and
    # torch's vectorised logaddexp may flush to 0 (see the test after this one).
    points = [x for x in SOFTPLUS_POINTS if x >= -700]
    xs = [Value(x) for x in points]
    ys = [nn.softplus(x) for x in xs]
    autodiff.sum(ys).backward()
    tx = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    # torch's F.softplus returns x itself above its threshold (20 by default); logaddexp(x, 0) is
    # log(1 + exp(x)) to the last digit everywhere.
    reference = torch.logaddexp(tx, torch.zeros_like(tx))
    reference.sum().backward()
    assert_close(ys, reference)
    assert_close([x.grad for x in xs], tx.grad)
    assert_close([x.grad for x in xs], torch.sigmoid(tx.detach()))
    moderate = torch.tensor([x for x in points if abs(x) <= 20], dtype=torch.float64)
    assert_close([nn.softplus(x) for x in moderate.tolist()], F.softplus(moderate))


def test_softplus_second_derivative_and_finite_differences():
    for x0 in [-30.0, -2.5, -1e-9, 0.0, 0.7, 3.0, 30.0]:
        x = Value(x0)
        (dx,) = autodiff.grad(nn.softplus(x), [x], create_graph=True)
        (d2x,) = autodiff.grad(dx, [x])
        tx = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        (tdx,) = torch.autograd.grad(F.softplus(tx, threshold=1000.0), tx, create_graph=True)
        (td2x,) = torch.autograd.grad(tdx, tx)
        assert_close(dx, tdx)
        assert_close(d2x, td2x)
        assert autodiff.gradcheck(nn.softplus, [x0])


def test_softplus_compiled_equals_eager():
    points = np.array([[x] for x in SOFTPLUS_POINTS if -700 <= x < 1e300])  # normal numbers out
    f = autodiff.compile(nn.softplus, n_inputs=1)
    # numpy's exp and log1p may differ from the math module's by an ulp.
    assert_close(f(points).tolist(), [nn.softplus(x).data for x in points[:, 0].tolist()], rtol=1e-15)
    slopes = torch.sigmoid(torch.tensor(points[:, 0], dtype=torch.float64))
    assert_close(f.backward(reduction="sum")[:, 0].tolist(), slopes, rtol=1e-15)


def test_compiled_softmax_and_cross_entropy_stay_finite_beyond_the_traced_logits():
    # Traced at logits of 1.0; run at logits of a thousand, where a shift fixed at trace time
    # would leave exp(1000) to overflow.
    rows = [[1000.0, 0.0, -3.0], [0.0, 1000.0, 0.0], [-1000.0, 999.0, 1000.0], [1.0, 2.0, 3.0]]
    loss = autodiff.compile(lambda a, b, c: nn.cross_entropy([a, b, c], 1), n_inputs=3)
    probs = autodiff.compile(lambda a, b, c: nn.softmax([a, b, c]), n_inputs=3)
    out, p = loss(np.array(rows)), probs(np.array(rows))
    for k, row in enumerate(rows):
        t = torch.tensor(row, dtype=torch.float64)
        assert_close(out[k], F.cross_entropy(t[None], torch.tensor([1])))
        assert_close(p[k].tolist(), torch.softmax(t, dim=0))
