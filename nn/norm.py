"""Normalisation over one vector of Values, as PyTorch's `torch.nn.RMSNorm` and
`torch.nn.LayerNorm` over the last dimension (`normalized_shape` is that dimension's size)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import autodiff
from autodiff import Value

from . import _checks as checks
from .linear import _vector
from .module import Module


class RMSNorm(Module):
    """x / sqrt(mean(x**2) + eps), times a learned `weight` (ones at first) when
    `elementwise_affine`. `eps=None` is the float's machine epsilon, as PyTorch's default.

    >>> [round(v.data, 6) for v in RMSNorm(2, eps=0.0)([3.0, 4.0])]   # rms = sqrt(12.5)
    [0.848528, 1.131371]
    """

    def __init__(self, normalized_shape: int, eps: float | None = None, elementwise_affine: bool = True) -> None:
        self.normalized_shape = checks.positive_int("RMSNorm", "normalized_shape", normalized_shape)
        self.eps = sys.float_info.epsilon if eps is None else checks.non_negative("RMSNorm", "eps", eps)
        checks.flag("RMSNorm", "elementwise_affine", elementwise_affine)
        self.weight = [Value(1.0, f"rms.w[{i}]") for i in range(self.normalized_shape)] if elementwise_affine else None

    def __repr__(self) -> str:
        return f"RMSNorm({self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None})"

    def forward(self, x: Sequence[Any]) -> list[Value]:
        """The normalised vector (one `dot` node for the sum of squares).

        >>> RMSNorm(2)([1.0])
        Traceback (most recent call last):
        ValueError: RMSNorm: expected 2 inputs, got 1
        """
        x = _vector("RMSNorm", x, self.normalized_shape)
        scale = (autodiff.dot(x, x) / self.normalized_shape + self.eps) ** -0.5
        return _affine([xi * scale for xi in x], self.weight, None)


class LayerNorm(Module):
    """(x - mean(x)) / sqrt(var(x) + eps) (the biased variance, as PyTorch), times a learned
    `weight` (ones) plus a learned `bias` (zeros) when `elementwise_affine` (and `bias`).

    >>> [round(v.data, 6) for v in LayerNorm(3, eps=0.0)([1.0, 2.0, 3.0])]
    [-1.224745, 0.0, 1.224745]
    """

    def __init__(
        self, normalized_shape: int, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True
    ) -> None:
        n = self.normalized_shape = checks.positive_int("LayerNorm", "normalized_shape", normalized_shape)
        self.eps = checks.non_negative("LayerNorm", "eps", eps)
        affine = checks.flag("LayerNorm", "elementwise_affine", elementwise_affine)
        with_bias = checks.flag("LayerNorm", "bias", bias) and affine
        self.weight = [Value(1.0, f"ln.w[{i}]") for i in range(n)] if affine else None
        self.bias = [Value(0.0, f"ln.b[{i}]") for i in range(n)] if with_bias else None

    def __repr__(self) -> str:
        return f"LayerNorm({self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None})"

    def forward(self, x: Sequence[Any]) -> list[Value]:
        """The normalised vector.

        >>> LayerNorm(2)("ab")
        Traceback (most recent call last):
        TypeError: LayerNorm: expected a list of 2 numbers or Values, got str ('ab')
        """
        x = _vector("LayerNorm", x, self.normalized_shape)
        mean = autodiff.sum(x) / self.normalized_shape
        centred = [xi - mean for xi in x]
        scale = (autodiff.dot(centred, centred) / self.normalized_shape + self.eps) ** -0.5
        return _affine([c * scale for c in centred], self.weight, self.bias)


def _affine(x: list[Value], weight: list[Value] | None, bias: list[Value] | None) -> list[Value]:
    if weight is not None:
        x = [xi * w for xi, w in zip(x, weight)]
    if bias is not None:
        x = [xi + b for xi, b in zip(x, bias)]
    return x
