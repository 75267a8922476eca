import json
import math
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nn
from autodiff import Value
from tests.nn.torch_reference import assert_close

rng = random.Random(2024)


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


def randoms(n, low, high):
    return [rng.uniform(low, high) for _ in range(n)]


def labels(n):
    return [rng.choice([-1.0, 1.0]) for _ in range(n)]


def hinge_reference(scores, labels):
    return torch.relu(1 - labels * scores).mean()


SIZES = [1, 2, 7, 30]


@pytest.mark.parametrize("n", SIZES)
def test_mse_loss(n):
    for _ in range(5):
        compare(nn.mse_loss, F.mse_loss, randoms(n, -5, 5), randoms(n, -5, 5), target_grad=True)
    compare(nn.mse_loss, F.mse_loss, rng.uniform(-5, 5), rng.uniform(-5, 5), target_grad=True)
    compare(nn.mse_loss, F.mse_loss, [1.0] * n, [1.0] * n)


@pytest.mark.parametrize("n", SIZES)
def test_binary_cross_entropy(n):
    for _ in range(5):
        compare(nn.binary_cross_entropy, F.binary_cross_entropy, randoms(n, 1e-6, 1 - 1e-6), randoms(n, 0, 1))
        compare(
            nn.binary_cross_entropy,
            F.binary_cross_entropy,
            randoms(n, 0.01, 0.99),
            [rng.choice([0.0, 1.0]) for _ in range(n)],
        )
        compare(
            nn.binary_cross_entropy, F.binary_cross_entropy, randoms(n, 0.01, 0.99), randoms(n, 0, 1), target_grad=True
        )
    compare(nn.binary_cross_entropy, F.binary_cross_entropy, 0.3, 1.0)
    for p in [1e-11, 1 - 1e-11]:
        for t in [0.0, 1.0, 0.5]:
            compare(nn.binary_cross_entropy, F.binary_cross_entropy, p, t)


def test_binary_cross_entropy_at_the_ends():
    # A sure and right prediction costs 0 (not nan), as in torch.
    for p, t in [(1.0, 1.0), (0.0, 0.0)]:
        assert (
            nn.binary_cross_entropy(Value(p), t).data
            == F.binary_cross_entropy(torch.tensor(p), torch.tensor(t)).item()
            == 0.0
        )
    # Documented differences: a sure and wrong one costs inf here, where torch clamps each log
    # at -100; and within 1e-12 of 0 or 1 our gradient stays exact, where torch clamps p*(1-p).
    assert nn.binary_cross_entropy(Value(0.0), 1.0).data == math.inf
    p = Value(1e-300)
    nn.binary_cross_entropy(p, 0.0).backward()
    assert p.grad == 1.0  # d/dp -log(1-p) = 1/(1-p); torch gives 1e-288


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
def test_binary_cross_entropy_with_logits(n):
    loss = F.binary_cross_entropy_with_logits
    for _ in range(5):
        compare(nn.binary_cross_entropy_with_logits, loss, randoms(n, -30, 30), randoms(n, 0, 1), target_grad=True)
        compare(
            nn.binary_cross_entropy_with_logits, loss, randoms(n, -5, 5), [rng.choice([0.0, 1.0]) for _ in range(n)]
        )


@pytest.mark.parametrize("target", [0.0, 1.0, 0.25])
@pytest.mark.parametrize("logit", LOGITS)
def test_binary_cross_entropy_with_logits_is_stable(logit, target):
    compare(nn.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, logit, target, target_grad=True)
    compare(nn.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, [logit, -logit], [target, target])


@pytest.mark.parametrize("n", SIZES)
def test_hinge_loss(n):
    for _ in range(5):
        compare(nn.hinge_loss, hinge_reference, randoms(n, -3, 3), labels(n))


def test_hinge_loss_on_the_margin():
    # Exactly on the margin (1 - y*s = 0): relu's derivative there is 0, as torch.relu's.
    compare(nn.hinge_loss, hinge_reference, [1.0, -1.0, 0.5, -2.0], [1.0, -1.0, 1.0, -1.0])
    compare(nn.hinge_loss, hinge_reference, 1.0, 1.0)
    compare(nn.hinge_loss, hinge_reference, -0.25, 1.0)


def compare_vector_output(ours, theirs, logits):
    values = [Value(x) for x in logits]
    out = ours(values)
    weights = randoms(len(logits), -1, 1)
    sum(w * o for w, o in zip(weights, out)).backward()
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    t_out = theirs(t, dim=0)
    (t_out * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert_close(out, t_out)
    assert_close([v.grad for v in values], t.grad)


EXTREME_LOGITS = [
    [1000.0],
    [1000.0, 0.0],
    [1000.0, 1000.0, -1000.0],
    [-1000.0, -999.0],
    [1e-8, 0.0, -1e-8],
    [700.0, -700.0, 0.0],
]


@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_softmax_and_log_softmax(n):
    for _ in range(5):
        logits = randoms(n, -10, 10)
        compare_vector_output(nn.softmax, F.softmax, logits)
        compare_vector_output(nn.log_softmax, F.log_softmax, logits)


@pytest.mark.parametrize("logits", EXTREME_LOGITS)
def test_softmax_is_stable(logits):
    compare_vector_output(nn.softmax, F.softmax, logits)
    compare_vector_output(nn.log_softmax, F.log_softmax, logits)


def compare_cross_entropy(logits, target):
    batch = isinstance(target, list)
    values = [[Value(x) for x in row] for row in logits] if batch else [Value(x) for x in logits]
    loss = nn.cross_entropy(values, target)
    loss.backward()
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    t_loss = F.cross_entropy(t, torch.tensor(target))
    t_loss.backward()
    assert_close(loss, t_loss)
    assert_close([[v.grad for v in row] for row in values] if batch else [v.grad for v in values], t.grad)


@pytest.mark.parametrize("classes", [1, 2, 3, 10])
def test_cross_entropy(classes):
    for _ in range(5):
        compare_cross_entropy(randoms(classes, -10, 10), rng.randrange(classes))
        batch = rng.randint(1, 6)
        compare_cross_entropy(
            [randoms(classes, -10, 10) for _ in range(batch)], [rng.randrange(classes) for _ in range(batch)]
        )


@pytest.mark.parametrize("logits", EXTREME_LOGITS)
def test_cross_entropy_is_stable(logits):
    for target in range(len(logits)):
        compare_cross_entropy(logits, target)
    compare_cross_entropy([logits, logits], [0, len(logits) - 1])


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
        (lambda: nn.log_softmax(3.0), ValueError, "log_softmax: expected a non-empty list of logits, got 3.0"),
        (lambda: nn.softmax([1.0, None]), TypeError, "softmax: expected a Value or a number, got NoneType"),
        (
            lambda: nn.cross_entropy([1.0, 2.0], 2),
            ValueError,
            "cross_entropy: target index 2 is out of range for 2 classes",
        ),
        (lambda: nn.cross_entropy([1.0, 2.0], 1.0), TypeError, "cross_entropy: target should be a class index"),
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
