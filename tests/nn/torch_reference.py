"""Shared helpers for comparing nn with PyTorch in float64."""

import math
import sys

import torch

from autodiff import Value

TOL = 1e-10
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
TORCH_ACTIVATION = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda z: z}


def close(ours: float, theirs: float, tol: float = TOL, scale: float = 0.0) -> bool:
    """Equal to `tol` relative to torch's number; inf only equals inf, and nan equals nothing.

    `scale`, where a caller gives one, is the size of the terms whose difference the number is,
    where they cancel in torch's computation and in ours alike; `tol` then holds relative to it
    (each call says why). Below the smallest normal float (2.2e-308) numbers carry fewer digits
    than `tol` asks, so the tolerance never goes below `tol` times that. Where torch's number is
    exactly 0, ours must be 0 to within that too (a subnormal at most)."""
    if math.isinf(theirs) or math.isinf(ours):
        return ours == theirs
    return abs(ours - theirs) <= tol * max(abs(theirs), scale, sys.float_info.min)


def assert_close(ours, theirs, tol: float = TOL, scale=0.0) -> None:
    """Compare numbers, Values, tensors or (nested) lists of them, element by element.

    `scale` (see `close`): one number for all, or one per element, flattened alike."""
    ours, theirs = flat(ours), flat(theirs)
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    scales = flat(scale) if isinstance(scale, (list, tuple, torch.Tensor)) else [scale] * len(theirs)
    for i, (a, b, c) in enumerate(zip(ours, theirs, scales, strict=True)):
        assert close(a, b, tol, c), f"item {i}: ours {a!r}, torch {b!r}" + (f" (scale {c!r})" if c else "")


def flat(x) -> list[float]:
    if isinstance(x, Value):
        return [x.data]
    if isinstance(x, torch.Tensor):
        return [float(v) for v in x.detach().reshape(-1).tolist()]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in flat(item)]
    return [float(x)]


def tensor(x, requires_grad: bool = False) -> torch.Tensor:
    """A float64 tensor of plain numbers or Values' data."""
    data = (
        [[v.data if isinstance(v, Value) else v for v in row] for row in x]
        if isinstance(x[0], list)
        else [v.data if isinstance(v, Value) else v for v in x]
    )
    return torch.tensor(data, dtype=torch.float64, requires_grad=requires_grad)


def torch_layers(model) -> list[tuple[torch.Tensor, torch.Tensor, str]]:
    """Each of an MLP's layers as (weight, bias, activation), leaf tensors asking for gradients."""
    return [(tensor(layer.weight, True), tensor(layer.bias, True), layer.activation) for layer in model.layers]


def torch_forward(layers, x: torch.Tensor) -> torch.Tensor:
    for weight, bias, activation in layers:
        x = TORCH_ACTIVATION[activation](torch.nn.functional.linear(x, weight, bias))
    return x
