"""`assert_matches_torch`: a function's value and derivatives, ours against PyTorch's float64."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from .._optional import require_torch
from ..gradcheck import _gradients, _point
from ..value import Value
from .closeness import _mismatch_table, is_close

Index = tuple[int, ...]  # () for the value, (i,) for d/dx_i, (i, j) for d2/dx_i dx_j, ...


def assert_matches_torch(
    fn: Callable[..., Any],
    inputs: Sequence[float],
    *,
    torch_fn: Callable[..., Any] | None = None,
    order: int = 1,
    rtol: float = 1e-12,
    atol: float = 0.0,
) -> None:
    """Run `fn` on Values and `torch_fn` (by default `fn` itself) on float64 torch tensors at
    `inputs`, and compare the value and every derivative up to `order` (1, 2 or 3): the gradient,
    the Hessian, every third derivative. Ours come from `autodiff.grad(create_graph=True)`,
    torch's from `torch.autograd.grad(create_graph=True)`; a derivative that no longer depends on
    the inputs is zero on both sides. Each number must satisfy `is_close` (relative to torch's);
    a mismatch is an `AssertionError` with a table of order, index, ours, torch and error.

    The same `fn` serves both where it uses only operators and the methods Values and tensors
    share (`exp`, `log`, `log1p`, `sqrt`, `tanh`, `sigmoid`, `relu`, `abs`, `sin`, `cos`, `**`).

    >>> from autodiff import Op
    >>> cube = Op("cube", lambda m, x: x**3, lambda m, g, out, x: (g * 3.0 * x * x,))
    >>> assert_matches_torch(lambda x: cube(x).sin(), [0.7], torch_fn=lambda x: (x**3).sin(), order=3)
    """
    _check_arguments(fn, torch_fn, order)
    point = _point(inputs, "assert_matches_torch")
    torch = require_torch("autodiff.testing.assert_matches_torch")
    ours = _our_derivatives(fn, point, order)
    theirs = _torch_derivatives(torch, torch_fn or fn, point, order)
    rows = [(len(i), _name(i), ours[i], theirs[i]) for i in ours if not is_close(ours[i], theirs[i], rtol, atol)]
    if rows:
        name = getattr(fn, "__name__", repr(fn))  # an Op shows as Op('name')
        head = f"{name} differs from torch at inputs {point} (order {order}, rtol={rtol}, atol={atol}):"
        raise AssertionError(f"{head}\n{_mismatch_table(('order', 'index'), rows)}")


def _check_arguments(fn: Any, torch_fn: Any, order: Any) -> None:
    if not callable(fn):
        raise TypeError(f"assert_matches_torch: fn must be callable, got {type(fn).__name__} ({fn!r})")
    if torch_fn is not None and not callable(torch_fn):
        raise TypeError(
            f"assert_matches_torch: torch_fn must be callable, got {type(torch_fn).__name__} ({torch_fn!r})"
        )
    if isinstance(order, bool) or not isinstance(order, int):
        raise TypeError(
            f"assert_matches_torch: order must be an int (1, 2 or 3), got {type(order).__name__} ({order!r})"
        )
    if order not in (1, 2, 3):
        raise ValueError(f"assert_matches_torch: order must be 1, 2 or 3, got {order}")


def _name(index: Index) -> str:
    if not index:
        return "f"
    return f"d{len(index) if len(index) > 1 else ''}/" + "".join(f"dx{i}" for i in index)


def _our_derivatives(fn: Callable[..., Any], point: list[float], order: int) -> dict[Index, float]:
    xs = [Value(x) for x in point]
    out = fn(*xs)
    if not isinstance(out, (Value, numbers.Real)):
        raise TypeError(f"assert_matches_torch: fn must return a Value, got {type(out).__name__} ({out!r})")
    return _derivatives(out, lambda y, create_graph: _gradients(y, xs, create_graph), _number, order)


def _torch_derivatives(torch: Any, fn: Callable[..., Any], point: list[float], order: int) -> dict[Index, float]:
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = fn(*ts)
    if not isinstance(out, torch.Tensor):
        out = torch.tensor(_torch_number(out), dtype=torch.float64)
    if out.numel() != 1:
        raise ValueError(f"assert_matches_torch: torch_fn must return one number, got a tensor of shape {out.shape}")
    gradients = lambda y, create_graph: _torch_gradients(torch, y, ts, create_graph)
    return _derivatives(out.reshape(()), gradients, lambda t: float(t.item()), order)


def _derivatives(
    out: Any, gradients: Callable[[Any, bool], list[Any]], number: Callable[[Any], float], order: int
) -> dict[Index, float]:
    level: dict[Index, Any] = {(): out}
    found: dict[Index, float] = {(): number(out)}
    for k in range(order):
        level = {(*index, i): g for index, y in level.items() for i, g in enumerate(gradients(y, k + 1 < order))}
        found.update((index, number(g)) for index, g in level.items())
    return found


def _torch_gradients(torch: Any, y: Any, ts: list[Any], create_graph: bool) -> list[Any]:
    # As ours: an output that depends on no input, or an input it does not reach, gets zero.
    if not y.requires_grad:
        return [torch.zeros((), dtype=torch.float64) for _ in ts]
    grads = torch.autograd.grad(y, ts, create_graph=create_graph, retain_graph=True, allow_unused=True)
    return [torch.zeros((), dtype=torch.float64) if g is None else g for g in grads]


def _number(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _torch_number(x: Any) -> float:
    if not isinstance(x, numbers.Real):
        raise TypeError(f"assert_matches_torch: torch_fn must return a tensor, got {type(x).__name__} ({x!r})")
    return float(x)
