"""Optimizers, in `torch.optim`'s words: `SGD` (with momentum) and `Adam`, step for step as PyTorch.

A step reads each parameter's gradient as a number: after `backward(create_graph=True)` the
gradient is a Value, and the step takes its data (PyTorch steps under no_grad, with the same effect).

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
from collections.abc import Iterable

from autodiff import Value

from . import checks


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

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        self.params = checks.items(name, "params as an iterable of Values, such as model.parameters()", params)
        if not self.params:
            raise ValueError(f"{name}: got an empty parameter list")
        first: dict[Value, int] = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameters should be Values, got {type(p).__name__} ({p!r})")
            if p in first:
                # Stepping it twice per step would be wrong; PyTorch warns (and will refuse).
                raise ValueError(f"{name}: parameter {i} is parameter {first[p]} again ({p!r}); give each one once")
            first[p] = i
        self.lr = checks.non_negative(name, "lr", lr)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward (which adds into it).

        >>> x = Value(1.0)
        >>> opt = SGD([x], lr=0.1)
        >>> (x * x).backward()
        >>> opt.zero_grad()
        >>> x.grad
        0.0
        """
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

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = checks.non_negative("SGD", "momentum", momentum)
        self.weight_decay = checks.non_negative("SGD", "weight_decay", weight_decay)
        self.velocity: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        """Move each parameter by -lr times its (decayed, momentum-carried) gradient.

        >>> x = Value(3.0)
        >>> opt = SGD([x], lr=0.1)
        >>> (x * x).backward(create_graph=True)   # x.grad is a Value; the step uses its number
        >>> opt.step()
        >>> x.data
        2.4
        """
        grads = _gradients("SGD.step", self.params)
        for i, p in enumerate(self.params):
            g = grads[i] + self.weight_decay * p.data
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
    ) -> None:
        super().__init__(params, lr)
        pair = [checks.number("Adam", "each of betas", b) for b in checks.items("Adam", "betas as two numbers", betas)]
        if len(pair) != 2 or not all(0.0 <= b < 1.0 for b in pair):
            raise ValueError(f"Adam: betas should be two numbers in [0, 1), got {betas!r}")
        self.betas = (pair[0], pair[1])
        self.eps = checks.non_negative("Adam", "eps", eps)
        self.weight_decay = checks.non_negative("Adam", "weight_decay", weight_decay)
        self.steps = 0
        self.mean = [0.0] * len(self.params)  # of the gradient
        self.mean_square = [0.0] * len(self.params)  # of the gradient, squared

    def step(self) -> None:
        """Move each parameter by lr times its gradient's bias-corrected mean over root mean square.

        >>> x, y = Value(1.0), Value(1.0)
        >>> opt = Adam([x, y], lr=0.5)
        >>> (x * 100 + y * 0.01).backward()
        >>> opt.step()
        >>> round(x.data, 6), round(y.data, 6)   # the first step is about lr for both
        (0.5, 0.5)
        """
        grads = _gradients("Adam.step", self.params)
        beta1, beta2 = self.betas
        self.steps += 1
        step_size = self.lr / (1.0 - beta1**self.steps)
        root_correction = math.sqrt(1.0 - beta2**self.steps)
        for i, p in enumerate(self.params):
            g = grads[i] + self.weight_decay * p.data
            self.mean[i] = beta1 * self.mean[i] + (1.0 - beta1) * g
            self.mean_square[i] = beta2 * self.mean_square[i] + (1.0 - beta2) * g * g
            p.data -= step_size * self.mean[i] / (math.sqrt(self.mean_square[i]) / root_correction + self.eps)


def _gradients(step: str, params: list[Value]) -> list[float]:
    """Each parameter's gradient as a float (the data of a Value gradient, made by
    `create_graph=True`), all read before `step` changes anything: anything but a number (None,
    say) is a TypeError naming the step and the parameter."""
    grads = []
    for i, p in enumerate(params):
        g = p.grad.data if isinstance(p.grad, Value) else p.grad
        if type(g) is not float:  # the check costs more than a step; a float needs none
            g = checks.number(step, f"the gradient of parameter {i} ({p!r})", g)
        grads.append(g)
    return grads
