"""Run the same expression in autodiff and in PyTorch float64, and compare."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from autodiff import Value

EPS = 2.220446049250313e-16


def ours(fn: Callable, inputs: Sequence[float]) -> tuple[float, list[float]]:
    xs = [Value(x) for x in inputs]
    out = fn(*xs)
    out.backward()
    return out.data, [x.grad for x in xs]


def theirs(fn: Callable, inputs: Sequence[float]) -> tuple[float, list[float]]:
    xs = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in inputs]
    out = fn(*xs)
    out.backward()
    return out.item(), [0.0 if x.grad is None else x.grad.item() for x in xs]


def close(a: float, b: float, rel: float = 1e-12, abs_: float = 0.0) -> bool:
    """Equal to `rel` relative (or `abs_` absolute), with inf == inf and nan == nan."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def assert_matches_torch(fn: Callable, inputs: Sequence[float], rel: float = 1e-12, abs_: float = 0.0) -> None:
    value, grads = ours(fn, inputs)
    t_value, t_grads = theirs(fn, inputs)
    assert close(value, t_value, rel, abs_), f"value at {list(inputs)}: ours {value!r}, torch {t_value!r}"
    for i, (g, t) in enumerate(zip(grads, t_grads)):
        assert close(g, t, rel, abs_), f"d/dx{i} at {list(inputs)}: ours {g!r}, torch {t!r}"
