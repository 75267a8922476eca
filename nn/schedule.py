"""Learning-rate schedules, as `torch.optim.lr_scheduler`: `LinearLR`, the linear decay that
microgpt trains with (`LinearLR(opt, 1.0, 0.0, total_iters=steps)`)."""

from __future__ import annotations

from typing import Any

from . import _checks as checks
from .optim import Optimizer


class LinearLR:
    """Each `step()` moves the optimizer's lr along a line, from base_lr * start_factor to
    base_lr * end_factor in `total_iters` steps, then keeps it there, as PyTorch's (which takes
    the same line by a product of ratios, equal to rounding).

    >>> import nn
    >>> from autodiff import Value
    >>> opt = nn.SGD([Value(0.0)], lr=0.1)
    >>> schedule = LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=4)
    >>> [round(schedule.step() or opt.lr, 12) for _ in range(5)]
    [0.075, 0.05, 0.025, 0.0, 0.0]
    """

    def __init__(
        self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LinearLR: expected an nn optimizer, got {type(optimizer).__name__}")
        self.start_factor = checks.number("LinearLR", "start_factor", start_factor)
        self.end_factor = checks.number("LinearLR", "end_factor", end_factor)
        if not 0.0 < self.start_factor <= 1.0:
            raise ValueError(f"LinearLR: start_factor should be in (0, 1], got {start_factor!r}")
        if not 0.0 <= self.end_factor <= 1.0:
            raise ValueError(f"LinearLR: end_factor should be in [0, 1], got {end_factor!r}")
        self.total_iters = checks.positive_int("LinearLR", "total_iters", total_iters)
        self.optimizer = optimizer
        self.base_lr: float = optimizer.param_groups[0]["lr"]
        self.last_epoch = 0
        self._set()

    def __repr__(self) -> str:
        return (
            f"LinearLR(start_factor={self.start_factor}, end_factor={self.end_factor}, total_iters={self.total_iters})"
        )

    def step(self) -> None:
        """One more step along the line (call it after `optimizer.step()`, as in PyTorch).

        >>> from autodiff import Value
        >>> from nn import SGD
        >>> schedule = LinearLR(opt := SGD([Value(0.0)], lr=1.0), 0.5, 1.0, total_iters=2)
        >>> schedule.step(); opt.lr
        0.75
        """
        self.last_epoch += 1
        self._set()

    def get_last_lr(self) -> list[float]:
        """The lr the last step set, as a list (one group), as PyTorch.

        >>> from autodiff import Value
        >>> from nn import SGD
        >>> LinearLR(SGD([Value(0.0)], lr=1.0), 0.5).get_last_lr()
        [0.5]
        """
        return [self.optimizer.param_groups[0]["lr"]]

    def state_dict(self) -> dict[str, Any]:
        """Where the schedule stands: its settings, `base_lr` and `last_epoch`.

        >>> from autodiff import Value
        >>> from nn import SGD
        >>> LinearLR(SGD([Value(0.0)], lr=1.0), 0.5).state_dict()["last_epoch"]
        0
        """
        keys = ("start_factor", "end_factor", "total_iters", "base_lr", "last_epoch")
        return {key: getattr(self, key) for key in keys}

    def _set(self) -> None:
        done = min(self.last_epoch, self.total_iters) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * done
        self.optimizer.param_groups[0]["lr"] = self.base_lr * factor
