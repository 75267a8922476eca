"""`Linear`: y = W x + b as PyTorch's `torch.nn.Linear`, its weight a list of rows, one per output,
each output one `dot` node. Modules whose weight is a matrix keep it as a list of rows and give it
to `parameters()` and `state_dict()` as one flat list, row by row (PyTorch's memory order).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import autodiff
from autodiff import Value

from . import _checks as checks
from . import init
from .layers import _ONE
from .module import Module, Tensor

Matrix = list[list[Value]]


def _matrix(rows: int, cols: int, label: str) -> Matrix:
    """`rows` x `cols` Values labelled `label[i,j]`, all 0.0 (the caller checks the sizes)."""
    return [[Value(0.0, f"{label}[{i},{j}]") for j in range(cols)] for i in range(rows)]


def _vector(who: str, x: Any, size: int) -> list[Any]:
    """`x` as a list of `size` numbers or Values, or a ValueError/TypeError naming `who`."""
    items = checks.items(who, f"a list of {size} numbers or Values", x)
    if len(items) != size:
        raise ValueError(f"{who}: expected {size} inputs, got {len(items)}")
    for i, xi in enumerate(items):
        if not isinstance(xi, (Value, numbers.Real)) or isinstance(xi, bool):
            raise TypeError(f"{who}: input {i} should be a number or a Value, got {type(xi).__name__} ({xi!r})")
    return items


class Linear(Module):
    """`out_features` outputs W x + b of `in_features` inputs, initialised as `torch.nn.Linear`:
    uniform in +-1/sqrt(in_features). `bias=False` leaves b out (the GPT's projections).

    >>> nn_linear = Linear(3, 2, bias=False)
    >>> len(nn_linear([1.0, 2.0, 3.0])), [name for name, _ in nn_linear.named_parameters()]
    (2, ['weight'])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, label: str = "") -> None:
        self.in_features = checks.positive_int("Linear", "in_features", in_features)
        self.out_features = checks.positive_int("Linear", "out_features", out_features)
        checks.flag("Linear", "bias", bias)
        self.label = label or "W"
        self.weight = _matrix(self.out_features, self.in_features, self.label)
        self.bias = [Value(0.0, f"{self.label}.b[{i}]") for i in range(out_features)] if bias else None
        bound = 1.0 / math.sqrt(in_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features}, bias={self.bias is not None})"

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        """ "weight" (flat, row by row) and "bias", as PyTorch names them.

        >>> [(name, len(t)) for name, t in Linear(3, 2).named_parameters()]
        [('weight', 6), ('bias', 2)]
        """
        found: list[tuple[str, Tensor]] = [("weight", [w for row in self.weight for w in row])]
        return found + ([("bias", self.bias)] if self.bias is not None else [])

    def forward(self, x: Sequence[Any]) -> list[Value]:
        """The `out_features` Values W x + b, each one `dot` node.

        >>> (layer := Linear(2, 1)).load_state_dict({"weight": [1.0, -1.0], "bias": [0.5]})
        >>> layer([3.0, 1.0])[0].data
        2.5
        """
        x = _vector("Linear", x, self.in_features)
        return self._apply(x)

    def _apply(self, x: list[Any]) -> list[Value]:  # x checked already (inside a model)
        x = [xi if isinstance(xi, Value) else autodiff.constant(xi) for xi in x]  # once for every row
        if self.bias is None:
            return [autodiff.dot(row, x) for row in self.weight]
        with_one = [*x, _ONE]  # the bias rides on a constant input 1, as a Neuron's
        return [autodiff.dot([*row, b], with_one) for row, b in zip(self.weight, self.bias)]
