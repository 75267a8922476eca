"""The engines under test, each imported only in the process that measures it.

"ours" is this project's eager engine, "micrograd" the reference (version 0.1.0 from PyPI),
"torch" PyTorch with one float64 0-d tensor per scalar, on one thread, and "bare nodes" the
floor under any pure-Python engine (`bare.BareNode`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENGINES = ("micrograd", "ours", "torch", "bare nodes")


def leaf_maker(engine: str) -> Callable[[float], Any]:
    """A function that makes a scalar leaf which asks for its gradient, in `engine`."""
    if engine == "micrograd":
        from micrograd.engine import Value as MicrogradValue

        return MicrogradValue
    if engine == "ours":
        from autodiff import Value

        return Value
    if engine == "torch":
        torch = import_torch()
        return lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True)
    if engine == "bare nodes":
        from .bare import BareNode

        return BareNode
    raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")


def import_torch() -> Any:
    """torch, on one thread: the scalar engines have one, and the machine may be shared."""
    import torch

    torch.set_num_threads(1)
    return torch
