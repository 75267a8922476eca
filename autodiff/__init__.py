"""autodiff: a scalar reverse-mode automatic-differentiation engine.

>>> from autodiff import Value
>>> a, b = Value(2.0), Value(-3.0)
>>> c = (a * b + b**2).tanh()
>>> c.backward()
>>> f"{a.grad:.6f} {b.grad:.6f}"
'-0.029598 -0.039464'

`import autodiff` needs only the standard library and loads only the core (Value, the op table,
backward): every other part (the compiled mode and numpy, the pictures and graphviz, the
transforms of `autodiff.func`, ...) is imported the first time one of its names is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .activations import elu, gelu, leaky_relu, relu, sigmoid, silu, softplus
from .anomaly import detect_anomaly
from .backward import backward, grad, topological_order
from .checkpoint import checkpoint  # eager: the module's name is the function's
from .functions import abs as abs  # noqa: A004 - autodiff.abs and autodiff.round, as torch's
from .functions import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    ceil,
    clamp,
    cos,
    cosh,
    erf,
    erfc,
    exp,
    exp2,
    expm1,
    floor,
    floor_divide,
    hypot,
    log,
    log1p,
    log2,
    log10,
    maximum,
    minimum,
    remainder,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    trunc,
)
from .functions import round as round  # noqa: A004
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # eager, as checkpoint
from .ops import Op, dot, logsumexp, power
from .ops import sum as sum  # noqa: A004 - autodiff.sum, as torch.sum
from .value import Value, apply, constant
from .worlds import floats as scalar
from .worlds.domain import DivisionByZeroError

if TYPE_CHECKING:
    from . import func as func
    from . import testing as testing
    from .compiled import CompiledGraph
    from .compiled import compile as compile  # noqa: A004 - autodiff.compile, as torch.compile
    from .draw import DotNotFoundError, draw_dot, save_graph
    from .player import draw_backward
    from .trace import explain, trace_backward

__version__ = "0.2.0"

# Name -> the module that defines it, imported on first use (PEP 562).
_LAZY = {
    "CompiledGraph": "compiled",
    "compile": "compiled",
    "DotNotFoundError": "draw",
    "draw_dot": "draw",
    "save_graph": "draw",
    "draw_backward": "player",
    "explain": "trace",
    "trace_backward": "trace",
}
_SUBMODULES = {"compiled", "draw", "func", "testing"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})


# `compile`, `sum`, `abs` and `round` are left out of __all__ so that `from autodiff import *` keeps
# the builtins.
__all__ = [
    "CompiledGraph",
    "DivisionByZeroError",
    "DotNotFoundError",
    "GradcheckError",
    "Op",
    "Value",
    "acos",
    "acosh",
    "apply",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "backward",
    "ceil",
    "checkpoint",
    "clamp",
    "constant",
    "cos",
    "cosh",
    "detect_anomaly",
    "dot",
    "draw_backward",
    "draw_dot",
    "elu",
    "enable_grad",
    "erf",
    "erfc",
    "exp",
    "exp2",
    "explain",
    "expm1",
    "floor",
    "floor_divide",
    "gelu",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hypot",
    "is_grad_enabled",
    "leaky_relu",
    "log",
    "log1p",
    "log2",
    "log10",
    "logsumexp",
    "maximum",
    "minimum",
    "no_grad",
    "power",
    "relu",
    "remainder",
    "save_graph",
    "scalar",
    "set_grad_enabled",
    "sigmoid",
    "sign",
    "silu",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "tan",
    "tanh",
    "topological_order",
    "trace_backward",
    "trunc",
]
