"""Small programs over the op table that run on Values and on torch tensors alike: the random
expressions of `autodiff.testing.strategies`, and a way to write one by hand."""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import ops


@dataclass(frozen=True)
class OpTwin:
    """An op for programs: `ours` on Values, `torch` on tensors, and `into_domain`, which maps
    any finite arguments to where the op is defined (None: anywhere), with the operations
    Values and tensors share.

    >>> from autodiff import Op, Value
    >>> softsign = Op("softsign", lambda m, x: x / (1.0 + m.abs(x)), lambda m, g, out, x: (g / (1.0 + m.abs(x)) ** 2,))
    >>> twin = OpTwin("softsign", softsign, lambda t: t / (1.0 + t.abs()))
    >>> twin.ours(Value(1.0)).data
    0.5
    """

    name: str
    ours: Callable[..., Any]
    torch: Callable[..., Any]
    arity: int = 1
    into_domain: Callable[..., tuple[Any, ...]] | None = None


@dataclass(frozen=True)
class Program:
    """Steps `(op, argument indices)` over `n_inputs` inputs, the indices counting the inputs then
    each step's output (a result used twice is a shared node); calling it on Values (or numbers)
    runs the `ours` side, on torch tensors the `torch` side. Its output is the sum of the last
    four results, so that several branches reach it.

    >>> import math
    >>> from autodiff import Value
    >>> p = Program(1, ((TABLE["tanh"], (0,)), (TABLE["*"], (1, 1))))
    >>> p
    Program(1: v1 = tanh(v0); v2 = *(v1, v1))
    >>> t = math.tanh(0.5)
    >>> p(Value(0.5)).data == t * t + 0.5 + t
    True
    """

    n_inputs: int
    steps: tuple[tuple[OpTwin, tuple[int, ...]], ...]

    def __call__(self, *inputs: Any) -> Any:
        if len(inputs) != self.n_inputs:
            raise TypeError(f"Program: takes {self.n_inputs} inputs, got {len(inputs)}")
        in_torch = any(_is_tensor(x) for x in inputs)
        results = list(inputs)
        for op, arguments in self.steps:
            args = tuple(results[i] for i in arguments)
            if op.into_domain is not None:
                args = op.into_domain(*args)
            results.append((op.torch if in_torch else op.ours)(*args))
        out = results[-1]
        for result in results[-4:-1]:
            out = out + result
        return out

    def __repr__(self) -> str:
        lines = [
            f"v{self.n_inputs + k} = {op.name}({', '.join(f'v{i}' for i in arguments)})"
            for k, (op, arguments) in enumerate(self.steps)
        ]
        return f"Program({self.n_inputs}: {'; '.join(lines)})"


def _is_tensor(x: Any) -> bool:
    torch = sys.modules.get("torch")  # a tensor exists only once torch is imported
    return torch is not None and isinstance(x, torch.Tensor)


def _torch() -> Any:
    return sys.modules["torch"]


def _stacked(xs: Sequence[Any]) -> Any:
    return _torch().stack(list(xs))


def _method(name: str) -> Callable[[Any], Any]:
    return operator.methodcaller(name)


# The op table's ops as twins, each with its torch counterpart and a map into its domain (kept
# away from poles and overflow, so that every random program is finite).
TABLE: dict[str, OpTwin] = {
    twin.name: twin
    for twin in [
        OpTwin("+", ops.ADD, operator.add, 2),
        OpTwin("-", ops.SUB, operator.sub, 2),
        OpTwin("*", ops.MUL, operator.mul, 2),
        OpTwin("/", ops.DIV, operator.truediv, 2, lambda a, b: (a, b * b + 1.0)),
        OpTwin("**", ops.POW, operator.pow, 2, lambda a, b: (a * a + 0.5, b.tanh())),
        OpTwin("neg", ops.NEG, operator.neg),
        OpTwin("exp", ops.EXP, _method("exp"), 1, lambda a: (a.tanh(),)),
        OpTwin("log", ops.LOG, _method("log"), 1, lambda a: (a * a + 0.5,)),
        OpTwin("log1p", ops.LOG1P, _method("log1p"), 1, lambda a: (a * a - 0.5,)),
        OpTwin("sqrt", ops.SQRT, _method("sqrt"), 1, lambda a: (a * a + 0.25,)),
        OpTwin("tanh", ops.TANH, _method("tanh")),
        OpTwin("sigmoid", ops.SIGMOID, _method("sigmoid")),
        OpTwin("relu", ops.RELU, _method("relu")),
        OpTwin("abs", ops.ABS, _method("abs")),
        OpTwin("sin", ops.SIN, _method("sin")),
        OpTwin("cos", ops.COS, _method("cos")),
        OpTwin("**2", ops.power(2.0), lambda a: a**2.0),
        OpTwin("**-1", ops.power(-1.0), lambda a: a**-1.0, 1, lambda a: (a * a + 0.5,)),
        OpTwin("**0.5", ops.power(0.5), lambda a: a**0.5, 1, lambda a: (a * a + 0.25,)),
        OpTwin("sum", ops.SUM, lambda *xs: _stacked(xs).sum(), 3),
        OpTwin("dot", ops.DOT, lambda a, b, c, d: _torch().dot(_stacked((a, b)), _stacked((c, d))), 4),
        OpTwin("logsumexp", ops.LOGSUMEXP, lambda *xs: _torch().logsumexp(_stacked(xs), 0), 3),
    ]
}
