"""The activations as functions, spelled as `torch.nn.functional` spells them, with PyTorch's
parameters and defaults; each takes a Value or a number and records the op's node (also a method
of `Value`, and a name that the nn layers take).

>>> from autodiff import Value
>>> x = Value(-1.0)
>>> [round(f(x).data, 6) for f in (relu, leaky_relu, elu, softplus, gelu, silu)]
[0.0, -0.01, -0.632121, 0.313262, -0.158655, -0.268941]
"""

from __future__ import annotations

from typing import Any

from . import ops
from .value import Value


def relu(x: Any) -> Value:
    """max(0, x); its slope is 0 at 0, as PyTorch's.

    >>> relu(-2.0).data
    0.0
    """
    return ops.RELU(x)


def sigmoid(x: Any) -> Value:
    """1 / (1 + e ** -x), without overflow for any x.

    >>> sigmoid(0.0).data
    0.5
    """
    return ops.SIGMOID(x)


def silu(x: Any) -> Value:
    """x * sigmoid(x) (also called swish).

    >>> silu(0.0).data
    0.0
    """
    return ops.SILU(x)


def gelu(x: Any, approximate: str = "none") -> Value:
    """x * Phi(x), Phi the normal distribution's cdf, through erf (approximate="none") or PyTorch's
    tanh approximation (approximate="tanh"); the op is "gelu" or "gelu(tanh)" in pictures.

    >>> round(gelu(1.0).data, 6), round(gelu(1.0, approximate="tanh").data, 6)
    (0.841345, 0.841192)
    """
    if approximate == "none":
        return ops.GELU(x)
    if approximate == "tanh":
        return ops.GELU_TANH(x)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def elu(x: Any, alpha: float = 1.0) -> Value:
    """x above 0, alpha * (e ** x - 1) at and below, as torch's (slope alpha at 0).

    >>> round(elu(-1.0, alpha=2.0).data, 6), elu(Value(-1.0), alpha=2.0).op
    (-1.264241, 'elu(alpha=2)')
    """
    return ops.ELU(alpha)(x)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Value:
    """x above 0, negative_slope * x at and below (slope negative_slope at 0, as PyTorch's).

    >>> leaky_relu(-2.0, 0.1).data, leaky_relu(Value(-2.0), 0.1).op
    (-0.2, 'leaky_relu(negative_slope=0.1)')
    """
    return ops.LEAKY_RELU(negative_slope)(x)


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Value:
    """log(1 + e ** (beta * x)) / beta, and x itself where beta * x > threshold, as torch's.

    >>> round(softplus(0.0).data, 6), softplus(30.0).data, softplus(Value(1.0), beta=2.0).op
    (0.693147, 30.0, 'softplus(beta=2)')
    """
    if beta == 0:
        raise ValueError("softplus: beta must not be 0 (it divides by beta)")
    return ops.SOFTPLUS(beta, threshold)(x)
