"""Optimizers, as `torch.optim`: `SGD` (with momentum), `Adam` and `AdamW`, step for step as PyTorch.

Each keeps what torch.optim keeps: `defaults`, `param_groups` (one group; `opt.lr` reads and sets
the group's) and `state`, each parameter's plain floats, made at its first step. A step reads each
gradient as a number (a Value's after `create_graph=True`) and skips a gradient of None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from autodiff import Value

from . import _checks as checks
from .module import _zero_grads

Check = Callable[[str, str, Any], Any]  # (who, what, value) -> the value checked, as in nn._checks


def _betas(who: str, what: str, x: Any) -> tuple[float, float]:
    pair = [checks.number(who, f"each of {what}", b) for b in checks.items(who, f"{what} as two numbers", x)]
    if len(pair) != 2 or not all(0.0 <= b < 1.0 for b in pair):
        raise ValueError(f"{who}: {what} should be two numbers in [0, 1), got {x!r}")
    return pair[0], pair[1]


class Optimizer:
    """torch.optim's base, `Optimizer(params, defaults)`: a subclass defines `step()`, and may
    check its hyper-parameters and state entries in `_checks` (used here and by `load_state_dict`).

    >>> class PlainSGD(Optimizer):
    ...     def step(self):
    ...         for p in self.params:
    ...             p.data -= self.lr * p.grad
    >>> (x := Value(3.0)).backward()
    >>> PlainSGD([x], {"lr": 0.25}).step()
    >>> x.data
    2.75
    """

    _checks: ClassVar[dict[str, Check]] = {"lr": checks.non_negative}

    def __init__(self, params: Iterable[Value], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        self.params = checks.items(name, "params as an iterable of Values, such as model.parameters()", params)
        if not self.params:
            raise ValueError(f"{name}: got an empty parameter list")
        first: dict[Value, int] = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameters should be Values, got {type(p).__name__} ({p!r})")
            if first.setdefault(p, i) != i:  # stepped twice a step: wrong (PyTorch warns, and will refuse)
                raise ValueError(f"{name}: parameter {i} is parameter {first[p]} again ({p!r}); give each one once")
        self.defaults = self._checked(name, defaults, defaults)
        self.param_groups = [{"params": self.params, **self.defaults}]
        self.state: dict[Value, dict[str, Any]] = {}

    def __getattr__(self, name: str) -> Any:  # only reached when `name` is no attribute: a hyper-parameter
        if name in self.__dict__.get("defaults", ()):
            return self.param_groups[0][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__.get("defaults", ()):
            self.param_groups[0][name] = value
        else:
            super().__setattr__(name, value)

    def __repr__(self) -> str:  # as PyTorch prints an optimizer: one group, keys sorted
        settings = [f"    {key}: {self.param_groups[0][key]}" for key in sorted(self.defaults)]
        return "\n".join([f"{type(self).__name__} (", "Parameter Group 0", *settings, ")"])

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Reset every parameter's gradient, as `Module.zero_grad` does.

        >>> SGD([x := Value(1.0)], lr=0.1).zero_grad(set_to_none=True)
        >>> x.grad is None
        True
        """
        _zero_grads(f"{type(self).__name__}.zero_grad", self.params, set_to_none)

    def state_dict(self) -> dict[str, Any]:
        """`{"state": {index: {...}}, "param_groups": [{hyper-parameters..., "params": [indices]}]}`,
        where `state` lists only the parameters that have some.

        >>> (x := Value(1.0)).backward()
        >>> (opt := SGD([x], lr=0.1, momentum=0.9)).step()
        >>> opt.state_dict()["state"], opt.state_dict()["param_groups"][0]["params"]
        ({0: {'momentum_buffer': 1.0}}, [0])
        """
        state = {i: dict(self.state[p]) for i, p in enumerate(self.params) if self.state.get(p)}
        group = {key: self.param_groups[0][key] for key in self.defaults}
        return {"state": state, "param_groups": [{**group, "params": list(range(len(self.params)))}]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` gave (or its JSON round trip), hyper-parameters included, as
        PyTorch. All is checked before anything changes: a wrong count, a missing or unexpected
        key is a ValueError, a wrong type a TypeError.

        >>> opt = Adam([Value(1.0)])
        >>> opt.load_state_dict({"state": {}, "param_groups": [{**opt.defaults, "lr": 0.1, "params": [0]}]})
        >>> opt.lr
        0.1
        """
        where = f"{type(self).__name__}.load_state_dict"
        expected = "a dict with 'state' and 'param_groups', as state_dict() gives"
        given = checks.keys(where, expected, state_dict, ("state", "param_groups"))
        groups = _listed(where, "param_groups as a list of one group", given["param_groups"])
        if len(groups) != 1:
            raise ValueError(f"{where}: param_groups should hold one group (this optimizer has one), got {len(groups)}")
        at = f"{where}: param_groups[0]"
        group = checks.keys(at, "a dict of hyper-parameters and params", groups[0], [*self.defaults, "params"])
        hyperparameters = self._checked(at, group, self.defaults)
        param_of = dict(zip(_indices(at, group["params"], len(self.params)), self.params))
        if not isinstance(given["state"], dict):
            raise TypeError(
                f"{where}: state should be a dict of parameter index to state, got {type(given['state']).__name__}"
            )
        keys, state = [key for key in self._checks if key not in self.defaults], {}
        for key, entry in given["state"].items():
            digits = isinstance(key, str) and key.isascii() and key.isdigit()  # json.dumps makes int keys so
            p = None if isinstance(key, bool) else param_of.get(int(key) if digits else key)
            if p is None:
                raise ValueError(f"{where}: state has the key {key!r}, which param_groups[0]['params'] does not list")
            if p in state:
                raise ValueError(f"{where}: state has two entries for parameter {key!r}")
            at_key = f"{where}: state[{key!r}]"
            state[p] = self._checked(at_key, checks.keys(at_key, "a dict of numbers", entry, keys), keys)
        self.param_groups[0].update(hyperparameters)
        self.state = state

    def _checked(self, who: str, given: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
        known = self._checks  # a key without a check is taken as it is
        return {key: known[key](who, key, given[key]) if key in known else given[key] for key in keys}


class SGD(Optimizer):
    """p <- p - lr * v, with v = momentum * v + (grad + weight_decay * p) (v = the first such grad).

    >>> (x := Value(1.0)).backward()
    >>> SGD([x], lr=0.5, weight_decay=1.0).step()   # 1 - 0.5 * (1 + 1 * 1)
    >>> x.data
    0.0
    """

    _checks: ClassVar[dict[str, Check]] = {
        "lr": checks.non_negative,
        "momentum": checks.non_negative,
        "weight_decay": checks.non_negative,
        "momentum_buffer": checks.number,
    }

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "weight_decay": weight_decay})

    def step(self) -> None:
        """One step for every parameter that has a gradient.

        >>> w = Value(3.0)
        >>> (w * w).backward(create_graph=True)   # w.grad is a Value; the step takes its number
        >>> SGD([w], lr=0.1).step()
        >>> w.data
        2.4
        """
        grads = _gradients("SGD.step", self.params)
        group = self.param_groups[0]
        lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
        if not momentum and not weight_decay:  # plain SGD, the common case: a loop of one line
            for p, g in zip(self.params, grads):
                if g is not None:
                    p.data -= lr * g
            return
        for p, g in zip(self.params, grads):
            if g is None:
                continue
            if weight_decay:  # as torch.optim.SGD: no term at all for 0 (0 * inf would be nan)
                g += weight_decay * p.data
            if momentum:
                state = self.state.setdefault(p, {})
                previous = state.get("momentum_buffer")
                g = state["momentum_buffer"] = g if previous is None else momentum * previous + g
            p.data -= lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): steps by the bias-corrected running means of grad and grad**2.
    `weight_decay` adds weight_decay * p to the gradient (L2, as torch.optim.Adam; not AdamW).

    >>> x, y = Value(1.0), Value(1.0)
    >>> (x * 100 + y * 0.01).backward()
    >>> Adam([x, y], lr=0.5).step()
    >>> round(x.data, 6), round(y.data, 6)   # the first step is about lr, whatever the gradient
    (0.5, 0.5)
    """

    _decoupled: ClassVar[bool] = False  # AdamW's weight decay, apart from the gradient

    _checks: ClassVar[dict[str, Check]] = {
        "lr": checks.non_negative,
        "betas": _betas,
        "eps": checks.non_negative,
        "weight_decay": checks.non_negative,
        "step": checks.positive_int,
        "exp_avg": checks.number,
        "exp_avg_sq": checks.non_negative,
    }

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    def step(self) -> None:
        """One step for every parameter that has a gradient.

        >>> (x := Value(3.0)).backward()
        >>> Adam([x], lr=0.1).step()
        >>> round(x.data, 6)
        2.9
        """
        grads = _gradients(f"{type(self).__name__}.step", self.params)  # AdamW's too
        group = self.param_groups[0]
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        for p, g in zip(self.params, grads):
            if g is None:
                continue
            if weight_decay and self._decoupled:  # as torch.optim.AdamW: shrink p, then step
                p.data *= 1.0 - lr * weight_decay
            elif weight_decay:  # as torch.optim.Adam
                g += weight_decay * p.data
            state = self.state.get(p) or self.state.setdefault(p, {"step": 0, "exp_avg": 0.0, "exp_avg_sq": 0.0})
            t = state["step"] = state["step"] + 1
            mean = state["exp_avg"] = beta1 * state["exp_avg"] + (1.0 - beta1) * g
            mean_square = state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1.0 - beta2) * g * g
            step_size = lr / (1.0 - beta1**t)
            root_correction = math.sqrt(1.0 - beta2**t)
            p.data -= step_size * mean / (math.sqrt(mean_square) / root_correction + eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as torch.optim.AdamW: each
    step first shrinks p by lr * weight_decay * p, then takes Adam's step on the gradient alone.

    >>> (x := Value(2.0)).grad = 0.0
    >>> AdamW([x], lr=0.1, weight_decay=0.5).step()   # a zero gradient: only the decay, 2 * (1 - 0.05)
    >>> x.data
    1.9
    """

    _decoupled: ClassVar[bool] = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


def _listed(who: str, expected: str, x: Any) -> list[Any] | tuple[Any, ...]:
    if not isinstance(x, (list, tuple)):  # a dict or a set would be taken apart in no useful order
        raise TypeError(f"{who}: expected {expected}, got {type(x).__name__}")
    return x


def _indices(at: str, saved: Any, count: int) -> list[Any] | tuple[Any, ...]:
    """The saved indices of the parameters, one for each of `count`."""
    ids = _listed(at, "params as a list of parameter indices", saved)
    if len(ids) != count:
        raise ValueError(f"{at}: params lists {len(ids)} parameters, this optimizer has {count}")
    for i in ids:
        if not isinstance(i, int) or isinstance(i, bool):
            raise TypeError(f"{at}: params should be ints, got {type(i).__name__} ({i!r})")
    if len(set(ids)) != len(ids):
        raise ValueError(f"{at}: params lists an index twice: {ids!r}")
    return ids


def _gradients(step: str, params: list[Value]) -> list[float | None]:
    """Each gradient as a float or None, all read (and checked) before `step` moves anything."""
    grads: list[Any] = [p.grad for p in params]
    for g in grads:  # floats and None need no check (the check costs more than a step)
        if g is not None and type(g) is not float:
            break
    else:
        return grads
    for i, g in enumerate(grads):
        if type(g) is not float and g is not None:
            g = g.data if isinstance(g, Value) else g
            grads[i] = (
                g if type(g) is float else checks.number(step, f"the gradient of parameter {i} ({params[i]!r})", g)
            )
    return grads
