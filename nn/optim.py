"""Optimizers, in `torch.optim`'s words: `SGD` (with momentum) and `Adam`, step for step as PyTorch.

A step reads each parameter's gradient as a number: after `backward(create_graph=True)` the
gradient is a Value, and the step takes its data (PyTorch steps under no_grad, with the same
effect). A parameter whose gradient is None (after `zero_grad(set_to_none=True)`, when the next
backward did not reach it) is skipped, as PyTorch skips it: not moved, its state kept.

`state_dict()` has `torch.optim`'s layout, with plain numbers, so that `json.dumps` takes it:
`{"state": {index: {...}}, "param_groups": [{hyper-parameters..., "params": [indices]}]}`, where
`state` holds only the parameters that have some (SGD's momentum buffers, Adam's step count and
moment estimates). `load_state_dict()` restores it, hyper-parameters included, as PyTorch does.

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
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from autodiff import Value

from . import checks
from .module import zero_grads

Check = Callable[[str, str, Any], Any]  # (who, what, value) -> the value checked, as in nn.checks
ParamState = dict[str, Any]  # one parameter's state: name -> number


def _betas(who: str, what: str, x: Any) -> tuple[float, float]:
    """Adam's betas: two numbers in [0, 1), as a tuple."""
    pair = [checks.number(who, f"each of {what}", b) for b in checks.items(who, f"{what} as two numbers", x)]
    if len(pair) != 2 or not all(0.0 <= b < 1.0 for b in pair):
        raise ValueError(f"{who}: {what} should be two numbers in [0, 1), got {x!r}")
    return pair[0], pair[1]


class Optimizer:
    """Holds the parameters and the hyper-parameters; subclasses define `step()` from each
    parameter's `.grad`.

    A subclass names its hyper-parameters, each with its check, in `_hyperparameters` (they
    become attributes, and appear in `repr`, `state_dict()` and `load_state_dict()`); one that
    keeps numbers per parameter names them in `_state_checks` and defines `_state_of` and
    `_restore`, as SGD and Adam do.

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

    _hyperparameters: ClassVar[dict[str, Check]] = {"lr": checks.non_negative}
    _state_checks: ClassVar[dict[str, Check]] = {}
    lr: float

    def __init__(self, params: Iterable[Value], lr: float, **hyperparameters: Any) -> None:
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
        given = checks.keys(name, "hyper-parameters", {"lr": lr, **hyperparameters}, self._hyperparameters)
        self._set_hyperparameters(self._checked_hyperparameters(name, given))

    def __repr__(self) -> str:
        """The hyper-parameters, as PyTorch prints an optimizer (one group, keys sorted).

        >>> print(SGD([Value(1.0)], lr=0.1, momentum=0.9))
        SGD (
        Parameter Group 0
            lr: 0.1
            momentum: 0.9
            weight_decay: 0.0
        )
        """
        settings = [f"    {key}: {getattr(self, key)}" for key in sorted(self._hyperparameters)]
        return "\n".join([f"{type(self).__name__} (", "Parameter Group 0", *settings, ")"])

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Reset every parameter's gradient before the next backward (which adds into it): to 0.0,
        or to None with `set_to_none=True`, and then a parameter that the next backward does not
        reach is skipped by `step()` (see `nn.module.zero_grads`). PyTorch's default is True;
        ours keeps micrograd's 0.0.

        >>> x, unused = Value(1.0), Value(2.0)
        >>> opt = SGD([x, unused], lr=0.1, weight_decay=0.5)
        >>> (x * x).backward()
        >>> opt.zero_grad()
        >>> x.grad
        0.0
        >>> opt.zero_grad(set_to_none=True)
        >>> (x * x).backward()
        >>> opt.step()   # unused has no gradient: not even weight decay moves it
        >>> x.data, unused.data
        (0.75, 2.0)
        """
        zero_grads(f"{type(self).__name__}.zero_grad", self.params, set_to_none)

    def state_dict(self) -> dict[str, Any]:
        """The hyper-parameters and each parameter's state, by index, in `torch.optim`'s layout.

        >>> x, y = Value(1.0), Value(2.0)
        >>> opt = SGD([x, y], lr=0.1, momentum=0.9)
        >>> (x * 3).backward()
        >>> opt.step()
        >>> state = opt.state_dict()
        >>> state["state"]
        {0: {'momentum_buffer': 3.0}, 1: {'momentum_buffer': 0.0}}
        >>> state["param_groups"]
        [{'lr': 0.1, 'momentum': 0.9, 'weight_decay': 0.0, 'params': [0, 1]}]
        """
        count = len(self.params)
        state = {i: s for i in range(count) if (s := self._state_of(i))}
        group = {key: getattr(self, key) for key in self._hyperparameters}
        return {"state": state, "param_groups": [{**group, "params": list(range(count))}]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` gave, hyper-parameters included (as PyTorch), for as many
        parameters in the same order; its JSON round trip too (keys "0", lists for tuples).

        Everything is checked before anything changes: a wrong count, a missing or unexpected
        key is a ValueError, a wrong type a TypeError, each naming the optimizer and the key.

        >>> import json
        >>> x = Value(1.0)
        >>> opt = Adam([x], lr=0.1)
        >>> (x * 3).backward()
        >>> opt.step()
        >>> saved = json.dumps(opt.state_dict())
        >>> again = Adam([x])
        >>> again.load_state_dict(json.loads(saved))
        >>> again.lr, again.state_dict() == opt.state_dict()
        (0.1, True)
        >>> again.load_state_dict(Adam([x, Value(2.0)]).state_dict())
        Traceback (most recent call last):
        ValueError: Adam.load_state_dict: param_groups[0]: params lists 2 parameters, this optimizer has 1
        """
        where = f"{type(self).__name__}.load_state_dict"
        expected = "a dict with 'state' and 'param_groups', as state_dict() gives"
        given = checks.keys(where, expected, state_dict, ("state", "param_groups"))
        groups = _listed(where, "param_groups as a list of one group", given["param_groups"])
        if len(groups) != 1:
            raise ValueError(f"{where}: param_groups should hold one group (this optimizer has one), got {len(groups)}")
        at = f"{where}: param_groups[0]"
        group = checks.keys(at, "a dict of hyper-parameters and params", groups[0], [*self._hyperparameters, "params"])
        hyperparameters = self._checked_hyperparameters(at, group)
        states = self._checked_states(where, given["state"], self._positions(at, group["params"]))
        self._set_hyperparameters(hyperparameters)
        self._restore(states)

    def _checked_hyperparameters(self, who: str, group: dict[str, Any]) -> dict[str, Any]:
        return {key: check(who, key, group[key]) for key, check in self._hyperparameters.items()}

    def _set_hyperparameters(self, checked: dict[str, Any]) -> None:
        for key, value in checked.items():
            setattr(self, key, value)

    def _positions(self, at: str, ids: Any) -> dict[int, int]:
        """Each saved parameter index -> the position of that parameter here (the same order)."""
        ids = _listed(at, "params as a list of parameter indices", ids)
        if len(ids) != len(self.params):
            raise ValueError(f"{at}: params lists {len(ids)} parameters, this optimizer has {len(self.params)}")
        for saved in ids:
            if not isinstance(saved, int) or isinstance(saved, bool):
                raise TypeError(f"{at}: params should be ints, got {type(saved).__name__} ({saved!r})")
        positions = {saved: i for i, saved in enumerate(ids)}
        if len(positions) != len(ids):
            raise ValueError(f"{at}: params lists an index twice: {ids!r}")
        return positions

    def _checked_states(self, where: str, saved: Any, positions: dict[int, int]) -> list[ParamState | None]:
        """The saved state of each parameter, checked, in our order (None: it has none)."""
        if not isinstance(saved, dict):
            raise TypeError(f"{where}: state should be a dict of parameter index to state, got {type(saved).__name__}")
        states: list[ParamState | None] = [None] * len(self.params)
        for key, entry in saved.items():
            i = None if isinstance(key, bool) else positions.get(int(key) if _is_digits(key) else key)
            if i is None:
                raise ValueError(f"{where}: state has the key {key!r}, which param_groups[0]['params'] does not list")
            if states[i] is not None:
                raise ValueError(f"{where}: state has two entries for parameter {key!r}")
            at = f"{where}: state[{key!r}]"
            entry = checks.keys(at, "a dict of numbers", entry, self._state_checks)
            states[i] = {name: check(at, name, entry[name]) for name, check in self._state_checks.items()}
        return states

    def _state_of(self, i: int) -> ParamState:
        """Parameter i's state for `state_dict()`; empty while it has none."""
        return {}

    def _restore(self, states: list[ParamState | None]) -> None:
        """Take each parameter's checked state (None: start afresh), from `load_state_dict`."""


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

    _hyperparameters: ClassVar[dict[str, Check]] = {
        "lr": checks.non_negative,
        "momentum": checks.non_negative,
        "weight_decay": checks.non_negative,
    }
    _state_checks: ClassVar[dict[str, Check]] = {"momentum_buffer": checks.number}
    momentum: float
    weight_decay: float

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, momentum=momentum, weight_decay=weight_decay)
        self.velocity: list[float | None] = [None] * len(self.params)  # None: no buffer yet, as torch

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
            g = grads[i]
            if g is None:
                continue
            g += self.weight_decay * p.data
            if self.momentum:
                previous = self.velocity[i]
                g = g if previous is None else self.momentum * previous + g
                self.velocity[i] = g
            p.data -= self.lr * g

    def _state_of(self, i: int) -> ParamState:
        buffer = self.velocity[i]
        return {} if buffer is None else {"momentum_buffer": buffer}

    def _restore(self, states: list[ParamState | None]) -> None:
        self.velocity = [None if s is None else s["momentum_buffer"] for s in states]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): steps by the bias-corrected running means of grad and grad**2.

    `weight_decay` adds weight_decay * p to the gradient (L2, as torch.optim.Adam; not AdamW).
    Each parameter counts its own steps (`steps`), as in PyTorch: one without a gradient
    (None) takes no step.

    >>> x = Value(3.0)
    >>> opt = Adam([x], lr=0.1)
    >>> (x * x).backward()
    >>> opt.step()
    >>> round(x.data, 6)   # the first step moves each parameter by about lr, whatever its grad
    2.9
    """

    _hyperparameters: ClassVar[dict[str, Check]] = {
        "lr": checks.non_negative,
        "betas": _betas,
        "eps": checks.non_negative,
        "weight_decay": checks.non_negative,
    }
    _state_checks: ClassVar[dict[str, Check]] = {
        "step": checks.positive_int,
        "exp_avg": checks.number,
        "exp_avg_sq": checks.non_negative,
    }
    betas: tuple[float, float]
    eps: float
    weight_decay: float

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self.steps = [0] * len(self.params)
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
        for i, p in enumerate(self.params):
            g = grads[i]
            if g is None:
                continue
            g += self.weight_decay * p.data
            t = self.steps[i] = self.steps[i] + 1
            self.mean[i] = beta1 * self.mean[i] + (1.0 - beta1) * g
            self.mean_square[i] = beta2 * self.mean_square[i] + (1.0 - beta2) * g * g
            step_size = self.lr / (1.0 - beta1**t)
            root_correction = math.sqrt(1.0 - beta2**t)
            p.data -= step_size * self.mean[i] / (math.sqrt(self.mean_square[i]) / root_correction + self.eps)

    def _state_of(self, i: int) -> ParamState:
        if not self.steps[i]:
            return {}
        return {"step": self.steps[i], "exp_avg": self.mean[i], "exp_avg_sq": self.mean_square[i]}

    def _restore(self, states: list[ParamState | None]) -> None:
        self.steps = [0 if s is None else s["step"] for s in states]
        self.mean = [0.0 if s is None else s["exp_avg"] for s in states]
        self.mean_square = [0.0 if s is None else s["exp_avg_sq"] for s in states]


def _listed(who: str, expected: str, x: Any) -> list[Any] | tuple[Any, ...]:
    """`x`, a list or a tuple (a dict or a set would be taken apart in no useful order)."""
    if not isinstance(x, (list, tuple)):
        raise TypeError(f"{who}: expected {expected}, got {type(x).__name__}")
    return x


def _is_digits(key: Any) -> bool:
    return isinstance(key, str) and key.isascii() and key.isdigit()  # json.dumps turns int keys into these


def _gradients(step: str, params: list[Value]) -> list[float | None]:
    """Each parameter's gradient as a float (the data of a Value gradient, made by
    `create_graph=True`), or None for none, all read before `step` changes anything: anything
    else (a str, say) is a TypeError naming the step and the parameter."""
    grads: list[float | None] = []
    for i, p in enumerate(params):
        g = p.grad.data if isinstance(p.grad, Value) else p.grad
        if type(g) is not float and g is not None:  # the check costs more than a step; a float needs none
            g = checks.number(step, f"the gradient of parameter {i} ({p!r})", g)
        grads.append(g)
    return grads
