"""Optimizers, in `torch.optim`'s words: `SGD` (with momentum) and `Adam`, step for step as PyTorch.

>>> from autodiff import Value
>>> x = Value(3.0)
>>> opt = SGD([x], lr=0.1)
>>> for _ in range(3):
...     opt.zero_grad()
...     (x * x).backward()
...     opt.step()
>>> round(x.data, 6)   # each step multiplies x by 1 - 2*lr
1.536
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from autodiff import Value


class Optimizer:
    """Holds the parameters; subclasses define `step()` from each parameter's `.grad`.

    >>> class PlainSGD(Optimizer):
    ...     def step(self):
    ...         for p in self.params:
    ...             p.data -= self.lr * p.grad
    >>> x = Value(3.0)
    >>> opt = PlainSGD([x], lr=0.25)
    >>> (x * x).backward()
    >>> opt.step()
    >>> x.data, x.grad   # 3 - 0.25 * 6; zero_grad() would reset the grad
    (1.5, 6.0)
    """

    def __init__(self, params: Iterable[Value], lr: float):
        self.params = list(params)
        name = type(self).__name__
        if not self.params:
            raise ValueError(f"{name}: got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameters should be Values, got {type(p).__name__} ({p!r})")
        self.lr = _non_negative(name, "lr", lr)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward (which adds into it)."""
        for p in self.params:
            p.grad = 0.0


class SGD(Optimizer):
    """p <- p - lr * v, with v = momentum * v + (grad + weight_decay * p) (v = the first such grad).

    >>> x = Value(1.0)
    >>> opt = SGD([x], lr=0.5, momentum=0.5)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (x * x).backward()
    ...     opt.step()
    >>> x.data   # 1 -> 0 (grad 2), then momentum carries it on to -0.5 (grad 0)
    -0.5
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.momentum = _non_negative("SGD", "momentum", momentum)
        self.weight_decay = _non_negative("SGD", "weight_decay", weight_decay)
        self.velocity: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad + self.weight_decay * p.data
            if self.momentum:
                previous = self.velocity[i]
                g = g if previous is None else self.momentum * previous + g
                self.velocity[i] = g
            p.data -= self.lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): steps by the bias-corrected running means of grad and grad**2.

    `weight_decay` adds weight_decay * p to the gradient (L2, as torch.optim.Adam; not AdamW).

    >>> x = Value(3.0)
    >>> opt = Adam([x], lr=0.1)
    >>> (x * x).backward()
    >>> opt.step()
    >>> round(x.data, 6)   # the first step moves each parameter by about lr, whatever its grad
    2.9
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        if len(betas) != 2 or not all(isinstance(b, numbers.Real) and 0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"Adam: betas should be two numbers in [0, 1), got {betas!r}")
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps = _non_negative("Adam", "eps", eps)
        self.weight_decay = _non_negative("Adam", "weight_decay", weight_decay)
        self.steps = 0
        self.mean = [0.0] * len(self.params)  # of the gradient
        self.mean_square = [0.0] * len(self.params)  # of the gradient, squared

    def step(self) -> None:
        beta1, beta2 = self.betas
        self.steps += 1
        step_size = self.lr / (1.0 - beta1**self.steps)
        root_correction = math.sqrt(1.0 - beta2**self.steps)
        for i, p in enumerate(self.params):
            g = p.grad + self.weight_decay * p.data
            self.mean[i] = beta1 * self.mean[i] + (1.0 - beta1) * g
            self.mean_square[i] = beta2 * self.mean_square[i] + (1.0 - beta2) * g * g
            p.data -= step_size * self.mean[i] / (math.sqrt(self.mean_square[i]) / root_correction + self.eps)


def _non_negative(who: str, what: str, x: Any) -> float:
    if not isinstance(x, numbers.Real) or isinstance(x, bool) or not float(x) >= 0:
        raise ValueError(f"{who}: {what} should be a number >= 0, got {x!r}")
    return float(x)
