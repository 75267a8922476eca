"""Small programs over the op table that run on Values and on torch tensors alike: the random
expressions of `autodiff.testing.strategies`, and a way to write one by hand."""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import ops


@dataclass(frozen=True)
class OpTwin:
    """An op for programs: `ours` on Values, `torch` on tensors, `into_domain`, which maps
    any finite arguments to where the op is defined (None: anywhere), with the operations
    Values and tensors share, and `kink`, how far numbers given to the op are from where it bends
    or jumps (relu at 0, floor at the integers), relative to their size (None: it never does).

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
    kink: Callable[..., float] | None = None

    def same_branch(self, ours: Sequence[float], theirs: Sequence[float], margin: float = 1e-9) -> bool:
        """Whether the op takes the same branch for the arguments two engines computed as `ours` and
        `theirs`: the very same numbers, or both at least `margin` from a kink. Within an ulp of
        one, a rounding difference puts the engines on different sides: both right, but different.

        >>> floor = TABLE["floor"]
        >>> floor.same_branch([2.0], [2.0]), floor.same_branch([2.5], [2.5000000000000004])
        (True, True)
        >>> floor.same_branch([2.0], [1.9999999999999998])
        False
        """
        if self.kink is None or tuple(ours) == tuple(theirs):
            return True
        return self.kink(*ours) >= margin and self.kink(*theirs) >= margin


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
        results = self._run(inputs)[0]
        out = results[-1]
        for result in results[-4:-1]:
            out = out + result
        return out

    def arguments(self, *inputs: Any) -> list[tuple[float, ...]]:
        """The numbers each step's op was given (after `into_domain`), run on Values or tensors.

        >>> from autodiff import Value
        >>> Program(1, ((TABLE["log"], (0,)),)).arguments(Value(2.0))
        [(4.5,)]
        """
        return [tuple(map(_number, args)) for args in self._run(inputs)[1]]

    def _run(self, inputs: Sequence[Any]) -> tuple[list[Any], list[tuple[Any, ...]]]:
        if len(inputs) != self.n_inputs:
            raise TypeError(f"Program: takes {self.n_inputs} inputs, got {len(inputs)}")
        in_torch = any(_is_tensor(x) for x in inputs)
        results, given = list(inputs), []
        for op, arguments in self.steps:
            args = tuple(results[i] for i in arguments)
            if op.into_domain is not None:
                args = op.into_domain(*args)
            given.append(args)
            results.append((op.torch if in_torch else op.ours)(*args))
        return results, given

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


def _number(x: Any) -> float:
    return float(x.item()) if _is_tensor(x) else float(getattr(x, "data", x))


def _method(name: str) -> Callable[[Any], Any]:
    return operator.methodcaller(name)


def _functional(name: str, *numbers: Any, **options: Any) -> Callable[[Any], Any]:
    return lambda t: getattr(_torch().nn.functional, name)(t, *numbers, **options)


def _torch_function(name: str) -> Callable[..., Any]:
    return lambda *ts: getattr(_torch(), name)(*ts)


def _floor_divide(a: Any, b: Any) -> Any:
    return _torch().div(a, b, rounding_mode="floor")


# Where ops bend or jump (for `OpTwin.kink`).
def _from_zero(x: float) -> float:
    return abs(x)


def _from_integers(x: float) -> float:
    return abs(x - round(x)) / max(1.0, abs(x))


def _from_halves(x: float) -> float:  # round jumps halfway between integers
    return _from_integers(x - 0.5)


def _from_each_other(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(a), abs(b))


def _from_multiples(a: float, b: float) -> float:  # % and // jump where b divides a
    return _from_integers(a / b)


def _from_cut(y: float, x: float) -> float:  # atan2 jumps from pi to -pi across y = 0 for x < 0
    return abs(y) / max(1.0, abs(x)) if x < 0 else math.inf


def _from(*points: float) -> Callable[[float], float]:
    return lambda x: min(abs(x - p) for p in points)


def _small(a: Any) -> tuple[Any, ...]:  # into [-1, 1], away from tan's poles and sinh's overflow
    return (2.0 * a / (a * a + 1.0),)


def _inside_one(a: Any) -> tuple[Any, ...]:  # into [-0.5, 0.5], inside asin's and atanh's domain
    return (a / (a * a + 1.0),)


def _positive(a: Any) -> tuple[Any, ...]:
    return (a * a + 0.5,)


def _positive_second(a: Any, b: Any) -> tuple[Any, ...]:  # a divisor, or hypot away from its 0 / 0
    return (a, b * b + 0.5)


def _off_origin(y: Any, x: Any) -> tuple[Any, ...]:
    # atan2's gradient grows as 1 / radius: (y, x) onto the circle of radius x * x + 0.5, at every
    # angle but straight down; y = -1 puts it on the cut (0, -radius).
    k = (x * x + 0.5) / (y * y + 1.0)
    return (k * (1.0 - y * y), k * (2.0 * y))


def _family(family: ops.Family, numbers: tuple[float, ...], torch: Callable[[Any], Any], **more: Any) -> OpTwin:
    op = family(*numbers)
    return OpTwin(op.name, op, torch, **more)


# The op table's ops as twins (the families' with a few numbers each), each with its torch
# counterpart, a map into its domain (kept away from poles and overflow, so that every random
# program is finite) and, for an op that bends or jumps, where it does.
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
        OpTwin("relu", ops.RELU, _method("relu"), kink=_from_zero),
        OpTwin("abs", ops.ABS, _method("abs"), kink=_from_zero),
        OpTwin("sin", ops.SIN, _method("sin")),
        OpTwin("cos", ops.COS, _method("cos")),
        OpTwin("**2", ops.power(2.0), lambda a: a**2.0),
        OpTwin("**-1", ops.power(-1.0), lambda a: a**-1.0, 1, lambda a: (a * a + 0.5,)),
        OpTwin("**0.5", ops.power(0.5), lambda a: a**0.5, 1, lambda a: (a * a + 0.25,)),
        OpTwin("sum", ops.SUM, lambda *xs: _stacked(xs).sum(), 3),
        OpTwin("dot", ops.DOT, lambda a, b, c, d: _torch().dot(_stacked((a, b)), _stacked((c, d))), 4),
        OpTwin("logsumexp", ops.LOGSUMEXP, lambda *xs: _torch().logsumexp(_stacked(xs), 0), 3),
        OpTwin("tan", ops.TAN, _method("tan"), 1, _small),
        OpTwin("sinh", ops.SINH, _method("sinh"), 1, _small),
        OpTwin("cosh", ops.COSH, _method("cosh"), 1, _small),
        OpTwin("asin", ops.ASIN, _method("asin"), 1, _inside_one),
        OpTwin("acos", ops.ACOS, _method("acos"), 1, _inside_one),
        OpTwin("atan", ops.ATAN, _method("atan")),
        OpTwin("asinh", ops.ASINH, _method("asinh")),
        OpTwin("acosh", ops.ACOSH, _method("acosh"), 1, lambda a: (a * a + 1.5,)),
        OpTwin("atanh", ops.ATANH, _method("atanh"), 1, _inside_one),
        OpTwin("atan2", ops.ATAN2, _torch_function("atan2"), 2, _off_origin, _from_cut),
        OpTwin("hypot", ops.HYPOT, _torch_function("hypot"), 2, _positive_second),
        OpTwin("expm1", ops.EXPM1, _method("expm1"), 1, _small),
        OpTwin("exp2", ops.EXP2, _method("exp2"), 1, _small),
        OpTwin("log2", ops.LOG2, _method("log2"), 1, _positive),
        OpTwin("log10", ops.LOG10, _method("log10"), 1, _positive),
        OpTwin("erf", ops.ERF, _method("erf")),
        OpTwin("erfc", ops.ERFC, _method("erfc")),
        OpTwin("sign", ops.SIGN, _method("sign"), kink=_from_zero),
        OpTwin("floor", ops.FLOOR, _method("floor"), kink=_from_integers),
        OpTwin("ceil", ops.CEIL, _method("ceil"), kink=_from_integers),
        OpTwin("round", ops.ROUND, _method("round"), kink=_from_halves),
        OpTwin("trunc", ops.TRUNC, _method("trunc"), kink=_from_integers),
        OpTwin("%", ops.REMAINDER, _torch_function("remainder"), 2, _positive_second, _from_multiples),
        # torch.floor_divide itself has no derivative; torch.div rounding to the floor is the same.
        OpTwin("//", ops.FLOOR_DIVIDE, _floor_divide, 2, _positive_second, _from_multiples),
        OpTwin("maximum", ops.MAXIMUM, _torch_function("maximum"), 2, kink=_from_each_other),
        OpTwin("minimum", ops.MINIMUM, _torch_function("minimum"), 2, kink=_from_each_other),
        OpTwin("silu", ops.SILU, _functional("silu")),
        OpTwin("gelu", ops.GELU, _functional("gelu")),
        OpTwin("gelu(tanh)", ops.GELU_TANH, _functional("gelu", approximate="tanh")),
        _family(ops.LEAKY_RELU, (0.01,), _functional("leaky_relu"), kink=_from_zero),
        _family(ops.LEAKY_RELU, (0.2,), _functional("leaky_relu", 0.2), kink=_from_zero),
        _family(ops.ELU, (1.0,), _functional("elu"), kink=_from_zero),  # its second derivative jumps
        _family(ops.ELU, (0.5,), _functional("elu", 0.5), kink=_from_zero),
        _family(ops.SOFTPLUS, (1.0, 20.0), _functional("softplus"), kink=_from(20.0)),
        _family(ops.SOFTPLUS, (2.0, 5.0), _functional("softplus", 2.0, 5.0), kink=_from(2.5)),
        _family(ops.CLAMP, (-0.5, 0.5), lambda t: t.clamp(-0.5, 0.5), kink=_from(-0.5, 0.5)),
        _family(ops.CLAMP, (0.0, math.inf), lambda t: t.clamp(min=0.0), kink=_from(0.0)),
    ]
}
