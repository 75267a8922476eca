"""The Value world: a derivative evaluated here builds a graph of its own (higher order).

Its functions are the ops themselves, so each call records a node; what has a zero derivative
itself (`step`, `sign`, `is_zero`) is a plain number, and so are pow's and recip's infinities.

>>> from autodiff import Value, constant, ops
>>> from autodiff.worlds import values
>>> x = Value(0.5)
>>> (dx,) = ops.TANH.derivative(values, constant(1.0), x.tanh(), x)
>>> dx.op, f"{dx.data:.6f}"   # a node: 1 - tanh(x)^2, which can be differentiated again
('*', '0.786448')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import ops
from ..grad_mode import grad_mode
from ..value import Value, _data, _node
from . import floats

exp, log, log1p, sqrt = ops.EXP, ops.LOG, ops.LOG1P, ops.SQRT
tanh, sigmoid, relu, abs, sin, cos = ops.TANH, ops.SIGMOID, ops.RELU, ops.ABS, ops.SIN, ops.COS
div, pow_value, logsumexp = ops.DIV, ops.POW, ops.logsumexp
where = floats.where


def pow_number(x: Any, p: float) -> Value:
    return ops.power(p)(x)


def pow(x: Any, p: Any) -> Any:
    if _data(x) == 0 and _data(p) < 0:  # 0 ** p itself would raise: an infinite derivative
        return _singular(ops.power(p), floats.pow(0.0, p), x) if isinstance(p, (int, float)) else math.inf
    return x**p


def recip(x: Any) -> Any:
    return 1.0 / x if _data(x) != 0 else _singular(ops.power(-1.0), floats.recip(_data(x)), x)


def _singular(op: ops.Op, data: float, x: Any) -> Any:
    """The node `op(x)` at a point where its forward refuses (1 / 0, say), with the infinite
    `data`: differentiated again, it gives the infinite derivatives of the next orders."""
    if not isinstance(x, Value) or not x.requires_grad or not grad_mode.enabled:
        return data
    node = _node(data, True)
    node._grad_fn, node.parents = op, (x,)
    return node


def step(x: Any, g: Any = 1.0) -> Any:
    return floats.step(_data(x), g)


def sign(x: Any, g: Any = 1.0) -> Any:
    return floats.sign(_data(x), g)


def softmax(xs: Sequence[Any]) -> list[Any]:
    top = floats.max([_data(x) for x in xs])
    if math.isinf(top):
        return [exp(x - top) for x in xs]
    shifted = [exp(x - top) for x in xs]  # top is a number: softmax does not change with it
    total = ops.sum(shifted)
    return [e / total for e in shifted]


def is_zero(x: Any) -> bool:
    return _data(x) == 0


# The elementary functions beyond micrograd's: the ops themselves, or a number where the
# derivative is zero (the roundings, as `step`).
tan, sinh, cosh, asin, acos, atan = ops.TAN, ops.SINH, ops.COSH, ops.ASIN, ops.ACOS, ops.ATAN
asinh, acosh, atanh, atan2, hypot = ops.ASINH, ops.ACOSH, ops.ATANH, ops.ATAN2, ops.HYPOT
expm1, exp2, log2, log10, erf, erfc = ops.EXPM1, ops.EXP2, ops.LOG2, ops.LOG10, ops.ERF, ops.ERFC
remainder, maximum, minimum = ops.REMAINDER, ops.MAXIMUM, ops.MINIMUM


def floor(x: Any) -> float:
    return floats.floor(_data(x))


def ceil(x: Any) -> float:
    return floats.ceil(_data(x))


def trunc(x: Any) -> float:
    return floats.trunc(_data(x))


def round(x: Any) -> float:
    return floats.round(_data(x))


def floor_divide(a: Any, b: Any) -> float:
    return floats.floor_divide(_data(a), _data(b))
