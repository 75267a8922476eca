"""autodiff: a scalar reverse-mode automatic-differentiation engine.

>>> from autodiff import Value
>>> a, b = Value(2.0), Value(-3.0)
>>> c = (a * b + b**2).tanh()
>>> c.backward()
>>> round(a.grad, 6), round(b.grad, 6)
(-0.029598, -0.039464)
"""

from .anomaly import detect_anomaly
from .backward import backward, grad, topological_order
from .compiled import CompiledGraph
from .compiled import compile as compile  # noqa: A004 - autodiff.compile, as torch.compile
from .draw import DotNotFoundError, draw_dot, save_graph
from .grad_mode import enable_grad, no_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops import DivisionByZeroError, Op, dot, logsumexp, power, scalar
from .ops import sum as sum  # noqa: A004 - autodiff.sum, as torch.sum
from .player import draw_backward
from .trace import explain, trace_backward
from .value import Value, apply, constant

__version__ = "0.1.0"

# `compile` and `sum` are left out of __all__ so that `from autodiff import *` keeps the builtins.
__all__ = [
    "CompiledGraph",
    "DivisionByZeroError",
    "DotNotFoundError",
    "GradcheckError",
    "Op",
    "Value",
    "apply",
    "backward",
    "constant",
    "detect_anomaly",
    "dot",
    "draw_backward",
    "draw_dot",
    "enable_grad",
    "explain",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "logsumexp",
    "no_grad",
    "power",
    "save_graph",
    "scalar",
    "topological_order",
    "trace_backward",
]
