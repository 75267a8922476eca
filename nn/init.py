"""Initialisers, in `torch.nn.init`'s words, filling Values in place, and the seed behind every
random number of `nn`. A weight matrix is a list of rows, one per neuron, as `Layer.weight`:
fan_in is a row's length, fan_out the row count.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Sequence
from typing import Any

from autodiff import Value

from . import _checks as checks

generator = random.Random()

GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0)}


def manual_seed(seed: int) -> None:
    """Seed the generator behind every initialiser, as `torch.manual_seed`.

    >>> manual_seed(0)
    >>> round(generator.random(), 4)
    0.8444
    """
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: seed should be an int, got {type(seed).__name__} ({seed!r})")
    generator.seed(int(seed))


def uniform_(values: Sequence[Any], a: float = 0.0, b: float = 1.0) -> None:
    """Draw each Value's data uniformly from [a, b] (`values`: a list, or a list of rows).

    >>> manual_seed(0)
    >>> uniform_(ws := [Value(0.0), Value(0.0)], -1.0, 1.0)
    >>> [round(w.data, 4) for w in ws]
    [0.6888, 0.5159]
    """
    low, high = checks.number("uniform_", "a", a), checks.number("uniform_", "b", b)
    if low > high:
        raise ValueError(f"uniform_: a should be at most b, got a={a!r} > b={b!r}")
    for v in _flat("uniform_", values):
        v.data = generator.uniform(low, high)


def normal_(values: Sequence[Any], mean: float = 0.0, std: float = 1.0) -> None:
    """Draw each Value's data from the normal distribution N(mean, std**2).

    >>> manual_seed(0)
    >>> normal_(ws := [Value(0.0), Value(0.0)], mean=2.0, std=0.1)
    >>> [round(w.data, 4) for w in ws]
    [2.0942, 1.8603]
    """
    mean, std = checks.number("normal_", "mean", mean), checks.non_negative("normal_", "std", std)
    for v in _flat("normal_", values):
        v.data = generator.gauss(mean, std)


def zeros_(values: Sequence[Any]) -> None:
    """Set each Value's data to 0.

    >>> zeros_(rows := [[Value(1.0), Value(2.0)]])
    >>> rows[0][1].data
    0.0
    """
    for v in _flat("zeros_", values):
        v.data = 0.0


def calculate_gain(nonlinearity: str) -> float:
    """The gain that keeps activations' variance steady: 1, 5/3 for tanh, sqrt(2) for relu.

    >>> calculate_gain("linear"), calculate_gain("tanh"), calculate_gain("relu")
    (1.0, 1.6666666666666667, 1.4142135623730951)
    """
    return GAINS[checks.choice("calculate_gain", "nonlinearity", nonlinearity, list(GAINS))]


def xavier_uniform_(weight: Sequence[Sequence[Value]], gain: float = 1.0) -> None:
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    >>> xavier_uniform_(weight := [[Value(0.0) for _ in range(4)] for _ in range(2)])   # a = 1
    >>> all(abs(w.data) <= 1.0 for row in weight for w in row)
    True
    """
    fan_in, fan_out = _fans("xavier_uniform_", weight)
    bound = checks.number("xavier_uniform_", "gain", gain) * math.sqrt(6.0 / (fan_in + fan_out))
    uniform_(weight, -bound, bound)


def kaiming_uniform_(weight: Sequence[Sequence[Value]], nonlinearity: str = "relu") -> None:
    """He et al. (2015), fan_in mode: U(-a, a) with a = gain * sqrt(3 / fan_in).

    >>> kaiming_uniform_(weight := [[Value(0.0) for _ in range(6)] for _ in range(3)])   # a = 1
    >>> all(abs(w.data) <= 1.0 for row in weight for w in row)
    True
    """
    fan_in, _ = _fans("kaiming_uniform_", weight)
    bound = calculate_gain(nonlinearity) * math.sqrt(3.0 / fan_in)
    uniform_(weight, -bound, bound)


def kaiming_normal_(weight: Sequence[Sequence[Value]], nonlinearity: str = "relu") -> None:
    """He et al. (2015), fan_in mode: N(0, std**2) with std = gain / sqrt(fan_in).

    >>> import statistics
    >>> kaiming_normal_(weight := [[Value(0.0) for _ in range(200)] for _ in range(50)])   # std 0.1
    >>> round(statistics.pstdev(w.data for row in weight for w in row), 2)
    0.1
    """
    fan_in, _ = _fans("kaiming_normal_", weight)
    normal_(weight, 0.0, calculate_gain(nonlinearity) / math.sqrt(fan_in))


def _fans(where: str, weight: Sequence[Sequence[Value]]) -> tuple[int, int]:
    matrix = "a weight matrix (a non-empty list of equal, non-empty rows of Values)"
    rows = checks.items(where, matrix, weight)
    if not rows or any(isinstance(row, Value) for row in rows):
        raise ValueError(f"{where}: expected {matrix}")
    rows = [checks.items(where, matrix, row) for row in rows]
    if not rows[0] or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError(f"{where}: expected {matrix}")
    _only_values(where, [v for row in rows for v in row])
    return len(rows[0]), len(rows)


def _flat(where: str, values: Sequence[Any]) -> list[Value]:
    flat: list[Value] = []
    for item in checks.items(where, "a list of Values, or of rows of Values", values):
        flat.extend([item] if isinstance(item, Value) else checks.items(where, "a Value or a row of Values", item))
    return _only_values(where, flat)


def _only_values(where: str, values: list[Any]) -> list[Value]:
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"{where}: can only fill Values, got {type(v).__name__} ({v!r})")
    return values
