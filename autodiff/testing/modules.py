"""`assert_module_matches_torch`: an `nn` model's loss and parameter gradients against its torch
twin from `to_torch()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .._optional import require_torch
from .closeness import _mismatch_table, is_close

# Our losses whose class targets are indices (a LongTensor in torch).
INDEX_TARGETS = ("cross_entropy",)


def assert_module_matches_torch(
    model: Any,
    loss_fn: Callable[..., Any],
    data: tuple[Sequence[Any], Sequence[Any]],
    *,
    torch_loss_fn: Callable[..., Any] | None = None,
    rtol: float = 1e-10,
    atol: float = 0.0,
) -> None:
    """One training step's numbers, ours against torch's: `loss_fn([model(x) for x in inputs],
    targets)` and every parameter's gradient, against the same on `model.to_torch()` with the
    `torch.nn.functional` loss of the same name (or `torch_loss_fn(output, targets)`, for a loss
    with no twin there, such as `hinge_loss`). `data` is `(inputs, targets)`, two lists; the
    model's gradients are left as the step made them. A mismatch is an `AssertionError` with a
    table naming each parameter.

    rtol is 1e-10 by default, not 1e-12: torch adds a layer's products in its own order.

    >>> import nn
    >>> model = nn.MLP(2, [3, 1], activation="tanh")
    >>> assert_module_matches_torch(model, nn.mse_loss, ([[0.5, -1.0], [2.0, 0.3]], [1.0, -1.0]))
    """
    torch = require_torch("autodiff.testing.assert_module_matches_torch")
    inputs, targets = _data(data)
    twin = _torch_loss(torch, loss_fn, torch_loss_fn)
    if not hasattr(model, "to_torch"):
        raise TypeError(f"assert_module_matches_torch: model must have a to_torch() (an nn.MLP), got {model!r}")
    seq = model.to_torch()
    model.zero_grad()
    outputs = [model(x) for x in inputs]
    loss = loss_fn(outputs, list(targets))
    loss.backward()
    out = seq(torch.tensor(inputs, dtype=torch.float64))
    index = getattr(loss_fn, "__name__", "") in INDEX_TARGETS
    t_targets = torch.tensor(targets, dtype=torch.long if index else torch.float64)
    t_loss = twin(out if isinstance(outputs[0], list) else out[:, 0], t_targets)
    t_loss.backward()
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    pairs = [("loss", loss.data, t_loss.item())]
    for i, (layer, linear) in enumerate(zip(model.layers, linears)):
        for j, (row, t_row) in enumerate(zip(layer.weight, linear.weight.grad.tolist())):
            pairs += [(f"layers.{i}.weight[{j}][{k}].grad", w.grad, t) for k, (w, t) in enumerate(zip(row, t_row))]
        pairs += [
            (f"layers.{i}.bias[{j}].grad", b.grad, t) for j, (b, t) in enumerate(zip(layer.bias, linear.bias.grad))
        ]
    rows = [(name, float(a), float(b)) for name, a, b in pairs if not is_close(float(a), float(b), rtol, atol)]
    if rows:
        head = f"{model!r} with {getattr(loss_fn, '__name__', loss_fn)} differs from torch (rtol={rtol}, atol={atol}):"
        raise AssertionError(f"{head}\n{_mismatch_table(('number',), rows)}")


def _data(data: Any) -> tuple[list[Any], list[Any]]:
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"assert_module_matches_torch: data must be a pair (inputs, targets), got {data!r}")
    inputs, targets = (list(part) for part in data)
    if len(inputs) != len(targets) or not inputs:
        raise ValueError(
            f"assert_module_matches_torch: data needs as many targets as inputs, at least one, "
            f"got {len(inputs)} inputs and {len(targets)} targets"
        )
    return inputs, targets


def _torch_loss(torch: Any, loss_fn: Any, torch_loss_fn: Any) -> Callable[..., Any]:
    if not callable(loss_fn):
        raise TypeError(f"assert_module_matches_torch: loss_fn must be callable, got {loss_fn!r}")
    if torch_loss_fn is not None:
        if not callable(torch_loss_fn):
            raise TypeError(f"assert_module_matches_torch: torch_loss_fn must be callable, got {torch_loss_fn!r}")
        return torch_loss_fn  # type: ignore[no-any-return]
    name = getattr(loss_fn, "__name__", repr(loss_fn))
    twin = getattr(torch.nn.functional, name, None)
    if twin is None:
        raise ValueError(
            f"assert_module_matches_torch: torch.nn.functional has no {name}; "
            f"pass torch_loss_fn=, a function of (output tensor, targets tensor)"
        )
    return twin  # type: ignore[no-any-return]
