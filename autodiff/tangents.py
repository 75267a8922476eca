"""Forward mode: dual numbers, a value and its tangent carried together through one pass.

No op has a tangent rule of its own (see `tangent`), so a user-defined `Op` works here with no
extra code; nothing is recorded, so a chain of a million ops holds two numbers at a time.

Each Dual carries the tag of the transform that made it (a number from a counter, higher for a
transform started inside another), as JAX's traces: an op splits only the Duals of the highest
tag among its inputs into primal and tangent and treats every other input (a Dual of an outer
transform, a Value, a number) as a constant, whose own arithmetic then takes it on. So a primal
or a tangent may itself be a Dual (forward over forward), and nested perturbations stay apart.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import ops
from ._numbers import _is_number, _to_float
from .value import Value
from .value import apply as _apply_on_values
from .value_methods import OneInputMethods
from .worlds import floats, values

_tags = itertools.count(1)  # next() on a count is atomic: threads get distinct tags


def new_tag() -> int:
    """A tag for a new forward-mode transform, above every tag handed out before.

    >>> new_tag() < new_tag()
    True
    """
    return next(_tags)


class Dual(OneInputMethods):
    """A number and its tangent (the derivative along one direction), as in `torch.func.jvp`. The
    primal is a float, a Value (the pass then builds a graph: reverse over forward) or a Dual of
    a lower `tag` (forward over forward); the tangent likewise.

    >>> y = (Dual(0.5, 1.0) ** 2).sin()
    >>> round(y.primal, 6), round(y.tangent, 6)   # sin(x^2) and 2x cos(x^2)
    (0.247404, 0.968912)
    >>> Dual(-1.0, 1.0).relu(), Dual(0.5, 1.0) < 1
    (Dual(primal=0.0, tangent=0.0), True)
    """

    __slots__ = ("primal", "tag", "tangent")

    def __init__(self, primal: Any, tangent: Any, tag: int = 0) -> None:
        self.primal = primal
        self.tangent = tangent
        self.tag = tag

    def __repr__(self) -> str:
        tag = f", tag={self.tag}" if self.tag else ""
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r}{tag})"

    @property
    def data(self) -> float:
        """The number at the bottom of the primals, as `Value.data`: what a branch on the data sees.

        >>> Dual(Dual(2.0, 1.0, tag=1), 0.0, tag=2).data
        2.0
        """
        return float(self.primal)

    def __float__(self) -> float:
        return float(self.primal)

    # The dispatch point of autodiff.value.apply: an op given a Dual is run here.
    @classmethod
    def __autodiff_apply__(cls, op: ops.Op, *inputs: Any) -> Dual:
        return apply(op, *inputs)

    def __add__(self, other: Any) -> Dual:
        return apply(ops.ADD, self, other)

    def __radd__(self, other: Any) -> Dual:
        return apply(ops.ADD, other, self)

    def __sub__(self, other: Any) -> Dual:
        return apply(ops.SUB, self, other)

    def __rsub__(self, other: Any) -> Dual:
        return apply(ops.SUB, other, self)

    def __mul__(self, other: Any) -> Dual:
        return apply(ops.MUL, self, other)

    def __rmul__(self, other: Any) -> Dual:
        return apply(ops.MUL, other, self)

    def __truediv__(self, other: Any) -> Dual:
        return apply(ops.DIV, self, other)

    def __rtruediv__(self, other: Any) -> Dual:
        return apply(ops.DIV, other, self)

    def __pow__(self, other: Any) -> Dual:
        # A number exponent is the op `**p`, as on a Value.
        return apply(ops.power(other), self) if _is_number(other) else apply(ops.POW, self, other)

    def __rpow__(self, other: Any) -> Dual:
        return apply(ops.POW, other, self)

    def __neg__(self) -> Dual:
        return apply(ops.NEG, self)

    def __pos__(self) -> Dual:
        return self

    def __mod__(self, other: Any) -> Dual:
        return apply(ops.REMAINDER, self, other)

    def __rmod__(self, other: Any) -> Dual:
        return apply(ops.REMAINDER, other, self)

    def __floordiv__(self, other: Any) -> Dual:
        return apply(ops.FLOOR_DIVIDE, self, other)

    def __rfloordiv__(self, other: Any) -> Dual:
        return apply(ops.FLOOR_DIVIDE, other, self)

    def _one(self, op: ops.Op) -> Dual:  # type: ignore[override]  # the methods of OneInputMethods: exp(), tan(), clamp() ...
        return apply(op, self)

    __abs__ = OneInputMethods.abs


def apply(op: ops.Op, *inputs: Any) -> Dual:
    """Run `op` forward on Duals, Values or numbers: the output's value and its tangent (for the
    Duals of the highest tag; the others are constants at this level).

    >>> apply(ops.MUL, Dual(3.0, 1.0), 2.0)
    Dual(primal=6.0, tangent=2.0)
    """
    tag = 0
    for x in inputs:
        if type(x) is Dual and x.tag > tag:
            tag = x.tag
    primals: list[Any] = []
    tangents: list[Any] = []
    numbers = plain = True  # every primal a float; every tangent a float (or None)
    for x in inputs:
        if type(x) is Dual and x.tag == tag:
            p, t = x.primal, x.tangent
            plain = plain and type(t) is float
        else:
            p, t = _as_primal(x, op), None  # a constant here: no tangent, not even 0 * an infinite partial
        numbers = numbers and type(p) is float
        primals.append(p)
        tangents.append(t)
    if numbers:
        number = _to_float(op.forward(floats, *primals), op.name)
        return Dual(number, tangent(op, floats if plain else values, number, primals, tangents), tag)
    out = _apply_on_values(op, *primals)  # a Value, or a Dual of an outer transform
    return Dual(out, tangent(op, values, out, primals, tangents), tag)


def tangent(op: ops.Op, m: Any, out: Any, inputs: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """The tangent of `op`'s output: the sum over the inputs of partial times tangent. The rule
    is linear in g: with one input's tangent, it is the rule at g = that tangent; with several,
    the partials are the rule at g = 1, and a product that comes out 0, subnormal or not finite
    is taken again at g = the tangent (a partial that underflows, times a huge tangent, may have
    a representable product). A tangent of None stands for a constant input.

    >>> tangent(ops.MUL, floats, 6.0, [3.0, 2.0], [1.0, None])
    2.0
    """
    live = [(i, t) for i, t in enumerate(tangents) if t is not None]
    if len(live) == 1:
        i, t = live[0]
        return op.derivative(m, t, out, *inputs)[i]
    partials = op.derivative(m, 1.0, out, *inputs) if live else ()
    total: Any = None  # not 0.0: 0.0 + -0.0 would lose the sign of a tangent
    for i, t in live:
        term = partials[i] * t
        if type(term) is float and not _TINY <= abs(term) < math.inf and t != 0:
            term = op.derivative(m, t, out, *inputs)[i]
        total = term if total is None else total + term
    return 0.0 if total is None else total


_TINY = sys.float_info.min  # the smallest normal float


def _as_primal(x: Any, op: ops.Op) -> Any:
    if type(x) is float or type(x) is Dual:
        return x
    if isinstance(x, Value):  # a subclass of Value too; a constant as its number
        return x if x.requires_grad else x.data
    if not _is_number(x):
        raise TypeError(f"{op.name}: expected a Value, a Dual or a number, got {type(x).__name__} ({x!r})")
    return _to_float(x, op.name)


if TYPE_CHECKING:  # mypy checks that a Dual is what autodiff.apply dispatches on
    from ._numbers import WorldNumber

    _dual: WorldNumber = Dual(0.0, 0.0)
