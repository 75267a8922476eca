"""Losses, in `torch.nn.functional`'s words (the guide "The nn library"). Each takes Values or
numbers, one example or a list of them, and returns a Value; for lists, `reduction` is "mean"
(the default), "sum", or "none" (the list of losses), as in PyTorch.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, cast, overload

import autodiff
from autodiff import Value, constant

from . import _checks as checks

REDUCTIONS = ("mean", "sum", "none")
Losses = Value | list[Value]


@overload
def mse_loss(pred: Any, target: Any, reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def mse_loss(pred: Any, target: Any, reduction: str) -> Losses: ...
def mse_loss(pred: Any, target: Any, reduction: str = "mean") -> Losses:
    """(pred - target)**2, reduced over a list by `reduction` ("mean", "sum" or "none").

    >>> mse_loss([1.0, 2.0], [0.0, 2.0]).data   # (1 + 0) / 2
    0.5
    """
    return _elementwise("mse_loss", lambda p, t: (p - t) ** 2, pred, target, reduction)


@overload
def binary_cross_entropy(prob: Any, target: Any, reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def binary_cross_entropy(prob: Any, target: Any, reduction: str) -> Losses: ...
def binary_cross_entropy(prob: Any, target: Any, reduction: str = "mean") -> Losses:
    """-(t*log(p) + (1-t)*log(1-p)) for probabilities p in [0, 1], reduced by `reduction`.

    0*log(0) counts as 0, as in PyTorch; unlike PyTorch (which clamps each log at -100 and, in the
    gradient, p*(1-p) at 1e-12) nothing is clamped: p = 0, t = 1 costs inf, and near 0 or 1 the
    gradient is exact (at p = t = 0 or 1, p's is +-1, PyTorch's 0; t's 0, PyTorch's +-inf). For
    stability, use `binary_cross_entropy_with_logits`.

    >>> round(binary_cross_entropy(0.8, 1.0).data, 6), binary_cross_entropy(0.0, 1.0).data   # -log(0.8)
    (0.223144, inf)
    """
    return _elementwise("binary_cross_entropy", _binary_cross_entropy, prob, target, reduction)


@overload
def binary_cross_entropy_with_logits(logit: Any, target: Any, reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def binary_cross_entropy_with_logits(logit: Any, target: Any, reduction: str) -> Losses: ...
def binary_cross_entropy_with_logits(logit: Any, target: Any, reduction: str = "mean") -> Losses:
    """binary_cross_entropy(sigmoid(x), t), to rounding for any finite logit x, reduced by
    `reduction`; nothing cancels, so a tiny loss or gradient keeps its digits.

    >>> binary_cross_entropy_with_logits(-800.0, 1.0).data, binary_cross_entropy_with_logits(40.0, 1.0).data
    (800.0, 4.248354255291589e-18)
    """
    return _elementwise("binary_cross_entropy_with_logits", _BCE_WITH_LOGITS, logit, target, reduction)


@overload
def hinge_loss(scores: Any, labels: Any, reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def hinge_loss(scores: Any, labels: Any, reduction: str) -> Losses: ...
def hinge_loss(scores: Any, labels: Any, reduction: str = "mean") -> Losses:
    """relu(1 - y*s), the SVM's loss, for labels y in {-1, +1}, reduced by `reduction`.

    >>> hinge_loss([2.0, 0.5], [1, 1]).data   # (0 + 0.5) / 2: only the second is inside the margin
    0.25
    """
    return _elementwise("hinge_loss", _hinge, scores, labels, reduction)


# One op, not relu(x) + log1p(exp(-|x|)) from the engine's: that would be stable too, but its
# slope at 0 would come from relu's and abs's (0 at their kinks) instead of sigmoid(0) = 1/2.
_SOFTPLUS = autodiff.Op(
    "softplus",
    lambda m, x: m.relu(x) + m.log1p(m.exp(-m.abs(x))),
    lambda m, g, out, x: (g * m.sigmoid(x),),
)


def softplus(x: Any) -> Value:
    """log(1 + exp(x)), as torch.nn.functional.softplus, for any finite x without overflow.

    >>> round(softplus(0.0).data, 6), softplus(-800.0).data, softplus(800.0).data
    (0.693147, 0.0, 800.0)
    """
    return _SOFTPLUS(_value("softplus", x))


def softmax(logits: Sequence[Any]) -> list[Value]:
    """exp(x_i) / sum_j exp(x_j) over one list of logits.

    >>> [round(p.data, 4) for p in softmax([1.0, 2.0, 3.0])], [p.data for p in softmax([1000.0, 1000.0])]
    ([0.09, 0.2447, 0.6652], [0.5, 0.5])
    """
    exps = [s.exp() for s in _shifted("softmax", logits)]
    total = autodiff.sum(exps)
    return [e / total for e in exps]


def log_softmax(logits: Sequence[Any]) -> list[Value]:
    """x_i - log(sum_j exp(x_j)) over one list of logits, through a stable log-sum-exp.

    >>> [v.data for v in log_softmax([1000.0, 0.0])]
    [0.0, -1000.0]
    """
    shifted = _shifted("log_softmax", logits)
    log_total = autodiff.logsumexp(shifted)
    return [x - log_total for x in shifted]


@overload
def cross_entropy(logits: Sequence[Any], target: Any, reduction: Literal["mean", "sum"] = ...) -> Value: ...
@overload
def cross_entropy(logits: Sequence[Any], target: Any, reduction: str) -> Losses: ...
def cross_entropy(logits: Sequence[Any], target: Any, reduction: str = "mean") -> Losses:
    """-log_softmax(logits)[target]: one list of logits and a class index, or a list of rows of
    logits and a list of indices (reduced over the rows by `reduction`).

    >>> round(cross_entropy([0.0, 0.0], 1).data, 6), round(cross_entropy([[0.0, 0.0], [5.0, 0.0]], [0, 1]).data, 6)
    (0.693147, 2.849931)
    """
    reduction = checks.choice("cross_entropy", "reduction", reduction, REDUCTIONS)
    rows = checks.items("cross_entropy", "logits as a list of numbers (or of rows of them)", logits)
    if not rows or not all(_is_sequence(row) for row in rows):
        if _is_sequence(target):
            raise ValueError(f"cross_entropy: one row of logits takes one target index, got {len(target)}: {target!r}")
        return _cross_entropy(rows, target)
    if not _is_sequence(target) or len(target) != len(rows):
        raise ValueError(f"cross_entropy: expected {len(rows)} target indices, one per row, got {target!r}")
    return _reduced([_cross_entropy(row, t) for row, t in zip(rows, target)], reduction)


def _cross_entropy(logits: Sequence[Any], target: Any) -> Value:
    if not isinstance(target, numbers.Integral) or isinstance(target, bool):
        raise TypeError(f"cross_entropy: target should be a class index (an int), got {type(target).__name__}")
    if not 0 <= int(target) < len(logits):
        raise ValueError(f"cross_entropy: target index {target} is out of range for {len(logits)} classes")
    shifted = _shifted("cross_entropy", logits)
    return autodiff.logsumexp(shifted) - shifted[int(target)]  # -log_softmax(logits)[target]


def _binary_cross_entropy(p: Value, t: Value) -> Value:
    for name, v in (("prob", p), ("target", t)):
        if not 0.0 <= v.data <= 1.0:
            raise ValueError(f"binary_cross_entropy: {name} should be in [0, 1], got {v.data!r}")
    return _BCE(p, t)


def _xlogy(m: Any, x: Any, log_y: Callable[[], Any]) -> Any:
    return m.where(m.is_zero(x), lambda: 0.0 * x, lambda: x * log_y())


# -(t*log(p) + (1-t)*log(1-p)) as one op: no branch on the numbers, so a compiled graph is right
# for every example; log1p(-p) keeps the digits of a small p, as PyTorch. The slopes are
# PyTorch's, (p - t) / (p(1 - p)) (0 where p == t) and log(1-p) - log(p), without its clamps.
_BCE = autodiff.Op(
    "binary_cross_entropy",
    lambda m, p, t: -(_xlogy(m, t, lambda: m.log(p)) + _xlogy(m, 1.0 - t, lambda: m.log1p(-p))),
    lambda m, g, out, p, t: (
        m.where(
            m.is_zero(p * (1.0 - p)),  # at the ends: 0 where p == t (no 0 / 0), else an infinity
            lambda: m.where(m.is_zero(p - t), lambda: 0.0 * g, lambda: g * (p - t) * m.recip(p * (1.0 - p))),
            lambda: g * (p - t) / (p * (1.0 - p)),
        ),
        g * (m.log1p(-p) - m.log(p)),
    ),
)

# t*softplus(-x) + (1-t)*softplus(x), that is -t*log(sigmoid(x)) - (1-t)*log(sigmoid(-x)): two
# terms >= 0, so nothing cancels even where the loss is tiny. Its slope in x, sigmoid(x) - t, is
# taken as (1-t)*sigmoid(x) - t*sigmoid(-x), exact for t = 0 or 1; in t, it is exactly -x.
_BCE_WITH_LOGITS = autodiff.Op(
    "binary_cross_entropy_with_logits",
    lambda m, x, t: t * _SOFTPLUS.forward(m, -x) + (1.0 - t) * _SOFTPLUS.forward(m, x),
    lambda m, g, out, x, t: (g * ((1.0 - t) * m.sigmoid(x) - t * m.sigmoid(-x)), -g * x),
)


def _hinge(s: Value, y: Value) -> Value:
    if y.data not in (-1.0, 1.0):
        raise ValueError(f"hinge_loss: labels should be -1 or +1, got {y.data!r}")
    return (1.0 - y * s).relu()


def _elementwise(name: str, loss: Callable[[Value, Value], Value], pred: Any, target: Any, reduction: str) -> Losses:
    reduction = checks.choice(name, "reduction", reduction, REDUCTIONS)
    pred, target = _examples(pred), _examples(target)
    if not _is_sequence(pred) and not _is_sequence(target):
        return loss(_value(name, pred), _value(name, target))
    if not (_is_sequence(pred) and _is_sequence(target)) or len(pred) != len(target) or len(pred) == 0:
        raise ValueError(
            f"{name}: expected two numbers or two non-empty lists of the same length, got {pred!r} and {target!r}"
        )
    return _reduced([loss(_value(name, p), _value(name, t)) for p, t in zip(pred, target)], reduction)


def _reduced(losses: list[Value], reduction: str) -> Losses:
    if reduction == "none":
        return losses
    total = autodiff.sum(losses)
    return total / len(losses) if reduction == "mean" else total


# The largest logit, to take out before exp. softmax is the same for logits all moved alike, so
# no gradient flows through it (its derivative is zero). An op, not a number: a compiled graph
# then takes each example's own largest logit, not the one of the example it was traced with.
_MAX_NO_GRAD = autodiff.Op(
    "max (no grad)",
    lambda m, *xs: m.max(xs),
    lambda m, g, out, *xs: (0.0 * g,) * len(xs),
)


def _shifted(name: str, logits: Sequence[Any]) -> list[Value]:
    values = [_value(name, x) for x in checks.items(name, "a list of logits", logits)]
    if not values:
        raise ValueError(f"{name}: expected a non-empty list of logits, got an empty one")
    top = _MAX_NO_GRAD(*values)
    return [v - top for v in values]


def _value(name: str, x: Any) -> Value:
    if isinstance(x, Value) or hasattr(type(x), "__autodiff_apply__"):  # or another world's (forward mode)
        return cast(Value, x)
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: expected a Value or a number, got {type(x).__name__} ({x!r})")
    return constant(x)


def _examples(x: Any) -> Any:
    iterable = isinstance(x, Iterable) and not isinstance(x, (str, bytes)) and getattr(x, "ndim", 1) != 0
    return x if not iterable or _is_sequence(x) else list(x)


def _is_sequence(x: Any) -> bool:
    # Lists, tuples and numpy arrays alike; a Value or a number has no length (nor a 0-d array).
    return hasattr(x, "__len__") and not isinstance(x, (str, bytes)) and getattr(x, "ndim", 1) != 0
