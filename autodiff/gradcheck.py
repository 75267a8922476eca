"""Check analytic gradients against central finite differences."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ._numbers import _is_number, _to_float
from .backward import grad
from .value import Value


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate.

    >>> from autodiff import Op
    >>> square = Op("square", lambda m, x: x * x, lambda m, g, out, x: (g * x,))  # forgets the 2
    >>> try:
    ...     gradcheck(square, [3.0])
    ... except GradcheckError as error:
    ...     print(str(error).splitlines()[0])
    gradient mismatch (atol=1e-05, rtol=0.001):
    """


Function = Callable[..., Value]
MODES = ("rev", "fwd")


def gradcheck(
    fn: Function,
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    modes: Sequence[str] = MODES,
) -> bool:
    """True if every d fn / d input agrees with `(fn(x + eps) - fn(x - eps)) / (2 eps)`, in
    reverse mode (`"rev"`) and in forward mode (`"fwd"`, `autodiff.func.jacfwd`). The inputs are
    numbers or Values (their data), as torch.autograd.gradcheck takes tensors.

    Raises `GradcheckError` with a table of input, analytic, numeric and error otherwise.

    >>> gradcheck(lambda x, y: (x * y).tanh(), [0.3, -1.2])
    True
    """
    _check_settings("gradcheck", fn, eps, atol, rtol)
    point, modes = _point(inputs, "gradcheck"), _modes(modes, "gradcheck")
    numeric = _central_difference(lambda p: _output(fn, [Value(x) for x in p]).data, point, eps)
    for mode in modes:
        analytic = _gradient(fn, point) if mode == "rev" else _forward_gradient(fn, point)
        _compare("gradient" if mode == "rev" else "forward-mode gradient", point, analytic, numeric, atol, rtol)
    return True


def gradgradcheck(
    fn: Function,
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    modes: Sequence[str] = MODES,
) -> bool:
    """`gradcheck` one order up, as torch.autograd.gradgradcheck: the backward pass as a function
    F(x, v) = v * d fn/dx of the inputs and of the incoming gradient v (here `GRAD_OUTPUT`), whose
    every derivative, in x (the Hessian times v) and in v (so a rule whose graph loses g is
    caught), is checked against differences of F; reverse over reverse (`"rev"`), and forward
    over reverse (`"fwd"`).

    >>> gradgradcheck(lambda x, y: x**3 * y, [0.5, 2.0])
    True
    """
    _check_settings("gradgradcheck", fn, eps, atol, rtol)
    point, modes = _point(inputs, "gradgradcheck"), _modes(modes, "gradgradcheck")
    n, extended = len(point), [*point, GRAD_OUTPUT]
    for i in range(n):
        numeric = _central_difference(functools.partial(_backward_component, fn, i), extended, eps)
        for mode in modes:
            analytic = _second_row(fn, point, i) if mode == "rev" else _forward_second_row(fn, point, i)
            what = "second derivative" if mode == "rev" else "forward-over-reverse second derivative"
            _compare(f"{what} of d/dx{i} (x{n}: the incoming gradient)", extended, analytic, numeric, atol, rtol)
    return True


GRAD_OUTPUT = 0.75  # the incoming gradient gradgradcheck differentiates at (not 1, which a slip of g can hide)


def _backward_component(fn: Function, i: int, p: list[float]) -> float:
    # F(x, v)[i]: the first-order backward (floats) at x = p[:-1] with the incoming gradient v = p[-1].
    xs = [Value(x) for x in p[:-1]]
    out = _output(fn, xs)
    return float(grad(out, xs, grad_outputs=[p[-1]])[i]) if out.requires_grad else 0.0


def _second_row(fn: Function, point: list[float], i: int) -> list[float]:
    xs, v = [Value(x) for x in point], Value(GRAD_OUTPUT)
    out = _output(fn, xs)
    if not out.requires_grad:
        return [0.0] * (len(xs) + 1)
    first = grad(out, xs, grad_outputs=[v], create_graph=True)[i]
    return [float(g) for g in _gradients(first, [*xs, v])]


def _forward_second_row(fn: Function, point: list[float], i: int) -> list[float]:
    from . import func  # here: `import autodiff` leaves the transforms until they are used

    def backward_at(*p: Any) -> Any:
        return func.vjp(functools.partial(_checked, fn), *p[:-1])[1](p[-1])[i]

    return list(func.jacfwd(backward_at, argnums=tuple(range(len(point) + 1)))(*point, GRAD_OUTPUT))


def _check_settings(function: str, fn: Any, eps: Any, atol: Any, rtol: Any) -> None:
    if not callable(fn):
        raise TypeError(f"{function}: fn must be callable, got {type(fn).__name__} ({fn!r})")
    for name, x in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if not _is_number(x) or type(x) is bool:
            raise TypeError(f"{function}: {name} must be a number, got {type(x).__name__} ({x!r})")
        value = _to_float(x, f"{function}: {name}")
        if not (math.isfinite(value) and (value > 0 if name == "eps" else value >= 0)):
            wanted = "a finite number > 0" if name == "eps" else "a finite number >= 0"
            raise ValueError(f"{function}: {name} must be {wanted}, got {x!r}")


def _point(inputs: Any, function: str) -> list[float]:
    if not isinstance(inputs, Iterable):
        raise TypeError(
            f"{function}: inputs must be a list of numbers, one per argument of fn, "
            f"got {type(inputs).__name__} ({inputs!r})"
        )
    return [_to_float(x.data if isinstance(x, Value) else x, function) for x in inputs]


def _modes(modes: Any, function: str) -> tuple[str, ...]:
    if isinstance(modes, str) or not isinstance(modes, Iterable):
        raise TypeError(f"{function}: modes must be a sequence of 'rev' and 'fwd', got {modes!r}")
    chosen = tuple(modes)
    if not chosen or any(mode not in MODES for mode in chosen):
        raise ValueError(f"{function}: modes must be a non-empty sequence of 'rev' and 'fwd', got {chosen!r}")
    return chosen


def _output(fn: Function, xs: list[Value]) -> Value:
    out = fn(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__} ({out!r})")
    return out


def _gradients(out: Any, xs: list[Value], create_graph: bool = False) -> list[Any]:
    # An output that asks for no gradient (a constant) depends on no input: its gradient is zero.
    return grad(out, xs, create_graph=create_graph) if isinstance(out, Value) and out.requires_grad else [0.0] * len(xs)


def _gradient(fn: Function, point: list[float]) -> list[float]:
    xs = [Value(x) for x in point]
    return [float(g) for g in _gradients(_output(fn, xs), xs)]


def _forward_gradient(fn: Function, point: list[float]) -> list[float]:
    from . import func  # here: `import autodiff` leaves the transforms until they are used

    checked = functools.partial(_checked, fn)
    return list(func.jacfwd(checked, argnums=tuple(range(len(point))))(*point))


def _checked(fn: Function, *xs: Any) -> Any:
    out = fn(*xs)
    if not isinstance(out, Value) and not hasattr(type(out), "__autodiff_apply__"):  # a Dual: forward mode
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__} ({out!r})")
    return out


def _central_difference(f: Callable[[list[float]], float], point: list[float], eps: float) -> list[float]:
    out = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        out.append((f(up) - f(down)) / (2 * eps))
    return out


def _compare(
    what: str, point: list[float], analytic: list[float], numeric: list[float], atol: float, rtol: float
) -> bool:
    rows = [
        (i, point[i], a, n, abs(a - n))
        for i, (a, n) in enumerate(zip(analytic, numeric))
        if not abs(a - n) <= atol + rtol * abs(n)
    ]
    if rows:
        cells = [(f"x{i} = {x!r}", repr(a), repr(n), f"{e:.3g}") for i, x, a, n, e in rows]
        table = _table(("input", "analytic", "numeric", "error"), cells, (29, 24, 24))
        raise GradcheckError(f"{what} mismatch (atol={atol}, rtol={rtol}):\n{table}")
    return True


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]) -> str:
    # Also the table of autodiff.testing's reports.
    lines = [header, *rows]
    return "\n".join("  " + " ".join([*(c.ljust(w) for c, w in zip(line, widths)), line[-1]]) for line in lines)
