"""Losses, in `torch.nn.functional`'s words, built from the engine's ops (no derivative here).

Each takes Values or numbers, one example or a list of examples, and returns one Value: for a
list, the mean over its examples (PyTorch's default `reduction="mean"`). The stable forms never
overflow for finite input: exponentials only ever see numbers <= 0.

>>> from nn import mse_loss, cross_entropy
>>> mse_loss([1.0, 2.0], [0.0, 0.0]).data
2.5
>>> round(cross_entropy([1000.0, 0.0], 1).data, 6)
1000.0
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import autodiff
from autodiff import Value, constant


def mse_loss(pred: Any, target: Any) -> Value:
    """Mean of (pred - target)**2.

    >>> pred = Value(1.0)
    >>> loss = mse_loss([pred, 2.0], [0.0, 2.0])
    >>> loss.backward()
    >>> loss.data, pred.grad   # (1 + 0) / 2, and d/dpred = 2 * (1 - 0) / 2
    (0.5, 1.0)
    """
    return _mean("mse_loss", lambda p, t: (p - t) ** 2, pred, target)


def binary_cross_entropy(prob: Any, target: Any) -> Value:
    """-(t*log(p) + (1-t)*log(1-p)) for probabilities p in [0, 1].

    PyTorch clamps each log at -100 and, in the gradient, p*(1-p) at 1e-12; we do not. So a
    sure and wrong prediction (p = 0, t = 1) costs inf here, and within 1e-12 of 0 or 1 the
    gradient is the exact one. For stability, use `binary_cross_entropy_with_logits`.

    >>> round(binary_cross_entropy(0.8, 1.0).data, 6)   # -log(0.8)
    0.223144
    >>> round(binary_cross_entropy([0.8, 0.5], [1.0, 0.0]).data, 6), binary_cross_entropy(0.0, 1.0).data
    (0.458145, inf)
    """
    return _mean("binary_cross_entropy", _binary_cross_entropy, prob, target)


def binary_cross_entropy_with_logits(logit: Any, target: Any) -> Value:
    """binary_cross_entropy(sigmoid(x), t), computed stably for any finite logit x.

    >>> round(binary_cross_entropy_with_logits(0.0, 1.0).data, 6)   # log(2)
    0.693147
    >>> binary_cross_entropy_with_logits(-800.0, 1.0).data   # sigmoid(-800) is 0 in floats; this is not inf
    800.0
    """
    return _mean("binary_cross_entropy_with_logits", _binary_cross_entropy_with_logits, logit, target)


def hinge_loss(scores: Any, labels: Any) -> Value:
    """Mean of relu(1 - y*s), the SVM's loss, for labels y in {-1, +1}.

    >>> hinge_loss([2.0, 0.5], [1, 1]).data   # (0 + 0.5) / 2: only the second is inside the margin
    0.25
    >>> hinge_loss(-1.0, 1).data
    2.0
    """
    return _mean("hinge_loss", _hinge, scores, labels)


def softmax(logits: Sequence[Any]) -> list[Value]:
    """exp(x_i) / sum_j exp(x_j) over one list of logits.

    >>> [round(p.data, 4) for p in softmax([1.0, 2.0, 3.0])]
    [0.09, 0.2447, 0.6652]
    >>> [p.data for p in softmax([1000.0, 1000.0])]
    [0.5, 0.5]
    """
    exps = [s.exp() for s in _shifted("softmax", logits)]
    total = autodiff.sum(exps)
    return [e / total for e in exps]


def log_softmax(logits: Sequence[Any]) -> list[Value]:
    """x_i - log(sum_j exp(x_j)) over one list of logits, through a stable log-sum-exp.

    >>> [round(v.data, 6) for v in log_softmax([0.0, 0.0])]
    [-0.693147, -0.693147]
    >>> [v.data for v in log_softmax([1000.0, 0.0])]
    [0.0, -1000.0]
    """
    shifted = _shifted("log_softmax", logits)
    log_total = autodiff.sum([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]


def cross_entropy(logits: Sequence[Any], target: Any) -> Value:
    """-log_softmax(logits)[target]: one list of logits and a class index, or lists of both (mean).

    >>> logits = [Value(0.0), Value(0.0)]
    >>> loss = cross_entropy(logits, 1)
    >>> loss.backward()
    >>> round(loss.data, 6), [x.grad for x in logits]   # log(2); softmax minus one-hot
    (0.693147, [0.5, -0.5])
    >>> round(cross_entropy([[0.0, 0.0], [5.0, 0.0]], [0, 1]).data, 6)   # two rows: the mean
    2.849931
    """
    if len(logits) > 0 and all(_is_sequence(row) for row in logits):
        if not _is_sequence(target) or len(target) != len(logits):
            raise ValueError(f"cross_entropy: expected {len(logits)} target indices, one per row, got {target!r}")
        return autodiff.sum([cross_entropy(row, t) for row, t in zip(logits, target)]) / len(logits)
    if not isinstance(target, numbers.Integral) or isinstance(target, bool):
        raise TypeError(f"cross_entropy: target should be a class index (an int), got {type(target).__name__}")
    if not 0 <= int(target) < len(logits):
        raise ValueError(f"cross_entropy: target index {target} is out of range for {len(logits)} classes")
    return -log_softmax(logits)[target]


def _binary_cross_entropy(p: Value, t: Value) -> Value:
    for name, v in (("prob", p), ("target", t)):
        if not 0.0 <= v.data <= 1.0:
            raise ValueError(f"binary_cross_entropy: {name} should be in [0, 1], got {v.data!r}")
    # A constant label of 0 or 1 drops the other term: a sure, right answer costs 0, not 0*log(0) = nan.
    if not t.requires_grad and t.data == 1.0:
        return -p.log()
    if not t.requires_grad and t.data == 0.0:
        return -(1.0 - p).log()
    return -(t * p.log() + (1.0 - t) * (1.0 - p).log())


def _binary_cross_entropy_with_logits(x: Value, t: Value) -> Value:
    # log(1 + exp(x)) - x*t, as (x + |x|)/2 + log1p(exp(-|x|)) - x*t: exp never overflows, and
    # (x + |x|)/2 has slope 1/2 at x = 0, so the gradient there is the true sigmoid(0) - t
    # (relu(x), whose slope at 0 is 0, would give -t).
    size = x.abs()
    return 0.5 * (x + size) + (-size).exp().log1p() - x * t


def _hinge(s: Value, y: Value) -> Value:
    if y.data not in (-1.0, 1.0):
        raise ValueError(f"hinge_loss: labels should be -1 or +1, got {y.data!r}")
    return (1.0 - y * s).relu()


def _mean(name: str, loss: Callable[[Value, Value], Value], pred: Any, target: Any) -> Value:
    """loss(pred, target) for one example; for lists, the mean of loss over their pairs."""
    if not _is_sequence(pred) and not _is_sequence(target):
        return loss(_value(name, pred), _value(name, target))
    if not (_is_sequence(pred) and _is_sequence(target)) or len(pred) != len(target) or len(pred) == 0:
        raise ValueError(
            f"{name}: expected two numbers or two non-empty lists of the same length, got {pred!r} and {target!r}"
        )
    return autodiff.sum([loss(_value(name, p), _value(name, t)) for p, t in zip(pred, target)]) / len(pred)


def _shifted(name: str, logits: Sequence[Any]) -> list[Value]:
    """logits - max(logits): softmax ignores the shift, and exp then never overflows."""
    if not _is_sequence(logits) or len(logits) == 0:
        raise ValueError(f"{name}: expected a non-empty list of logits, got {logits!r}")
    values = [_value(name, x) for x in logits]
    shift = max(v.data for v in values)  # a constant: no gradient flows through it
    return [v - shift for v in values]


def _value(name: str, x: Any) -> Value:
    if isinstance(x, Value):
        return x
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected a Value or a number, got {type(x).__name__} ({x!r})")
    return constant(x)


def _is_sequence(x: Any) -> bool:
    # Lists, tuples and numpy arrays alike; a Value or a number has no length.
    return hasattr(x, "__len__") and not isinstance(x, (str, bytes))
