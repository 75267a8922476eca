"""A node's local derivatives written out, with the numbers filled in (the graph's hover text).

The op table's own derivative rule (autodiff/ops.py) is run in a world of `Term`s: each carries
its formula in names, the same formula in numbers, and its float value, so the text says what
the engine computes, not a second copy of the calculus.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autodiff import Value
from autodiff._numbers import _shown
from autodiff.worlds import floats

SHOWN_PARENTS = 12  # a sum of a thousand terms lists its first few


def _short(x: float) -> str:
    # A negative number is bracketed: `2 * (-3)`, `(-3) ** 2`.
    text = f"{x:.4g}" if math.isfinite(x) else str(x)
    return f"({text})" if text.startswith("-") else text


class Term:
    """A formula in names (`names`), in numbers (`numbers`) and its `value`; `atom` if it needs
    no brackets inside a product."""

    __slots__ = ("atom", "names", "numbers", "value")

    def __init__(self, names: str, numbers: str, value: float, atom: bool = True) -> None:
        self.names, self.numbers, self.value, self.atom = names, numbers, value, atom

    @staticmethod
    def of(x: Any) -> Term:
        return x if isinstance(x, Term) else Term(_short(float(x)), _short(float(x)), float(x))

    def _join(self, other: Any, sign: str, value: float, swap: bool = False) -> Term:
        a, b = (Term.of(other), self) if swap else (self, Term.of(other))
        if sign == "*" and a.names == "1":  # the upstream gradient 1 of a local derivative
            return b
        if sign == "*" and b.names == "1":
            return a
        tight = sign in "*/"
        left = a if a.atom or not tight else a._bracket()
        right = b if b.atom or (not tight and sign == "+") else b._bracket()
        return Term(f"{left.names} {sign} {right.names}", f"{left.numbers} {sign} {right.numbers}", value, False)

    def _bracket(self) -> Term:
        return Term(f"({self.names})", f"({self.numbers})", self.value)

    def __add__(self, o: Any) -> Term:
        return self._join(o, "+", self.value + Term.of(o).value)

    def __radd__(self, o: Any) -> Term:
        return self._join(o, "+", Term.of(o).value + self.value, swap=True)

    def __sub__(self, o: Any) -> Term:
        return self._join(o, "-", self.value - Term.of(o).value)

    def __rsub__(self, o: Any) -> Term:
        return self._join(o, "-", Term.of(o).value - self.value, swap=True)

    def __mul__(self, o: Any) -> Term:
        return self._join(o, "*", self.value * Term.of(o).value)

    def __rmul__(self, o: Any) -> Term:
        return self._join(o, "*", Term.of(o).value * self.value, swap=True)

    def __truediv__(self, o: Any) -> Term:
        other = Term.of(o).value
        return self._join(o, "/", self.value / other if other else math.copysign(math.inf, self.value) * other)

    def __rtruediv__(self, o: Any) -> Term:
        return Term.of(o) / self

    def __neg__(self) -> Term:
        inner = self if self.atom else self._bracket()
        return Term(f"-{inner.names}", f"-{inner.numbers}", -self.value)


def _function(name: str, f: Callable[[float], float]) -> Callable[[Term], Term]:
    return lambda x: Term(f"{name}({x.names})", f"{name}({x.numbers})", f(x.value))


class _Words:
    """The `m` of a rule, for Terms: each function by its name, valued by the float world."""

    def __getattr__(self, name: str) -> Any:
        return _function(name, getattr(floats, name))

    def pow(self, x: Term, p: Any) -> Term:
        p = Term.of(p)
        base = x if x.atom else x._bracket()
        power = p if p.atom else p._bracket()
        value = floats.pow(x.value, p.value)
        return Term(f"{base.names} ** {power.names}", f"{base.numbers} ** {power.numbers}", value, False)

    def recip(self, x: Term) -> Term:
        return 1.0 / x if x.value else Term(f"1 / {x.names}", f"1 / {x.numbers}", floats.recip(x.value), False)

    def where(self, condition: bool, then: Callable[[], Any], otherwise: Callable[[], Any]) -> Any:
        return then() if condition else otherwise()

    def softmax(self, xs: Any) -> list[Term]:
        terms = [Term.of(x) for x in xs]
        names, numbers = ", ".join(t.names for t in terms), ", ".join(t.numbers for t in terms)
        shares = floats.softmax([t.value for t in terms])
        return [Term(f"softmax({names})[{i}]", f"softmax({numbers})[{i}]", p) for i, p in enumerate(shares)]

    # The masks (relu's and abs's derivatives) pass the upstream gradient g, its negative or 0:
    # written as what they pass, as the float world computes them.
    def step(self, x: Term, g: Any = 1.0) -> Any:
        return g if Term.of(x).value > 0 else Term.of(0.0)

    def sign(self, x: Term, g: Any = 1.0) -> Any:
        value = Term.of(x).value
        return g if value > 0 else (-Term.of(g) if value < 0 else Term.of(0.0))

    def is_zero(self, x: Any) -> bool:
        return Term.of(x).value == 0


WORDS = _Words()


def local_derivatives(v: Value, names: dict[Value, str]) -> list[str]:
    """One line per parent of `v` that takes a gradient: d v / d parent, in names (`names`, as
    `autodiff.trace.node_names` gives them), in numbers, and its value.

    >>> from autodiff import Value
    >>> x = Value(0.5, label="x")
    >>> y = x.tanh(); y.label = "y"
    >>> local_derivatives(y, {x: "x", y: "y"})
    ['dy/dx = (1 - y) * (1 + y) = (1 - 0.4621) * (1 + 0.4621) = 0.7864']
    """
    op = v._grad_fn
    assert op is not None
    name = names[v]
    parents = [Term(names[p], _short(p.data), p.data) for p in v.parents]
    terms = op.derivative(WORDS, Term("1", "1", 1.0), Term(name, _short(v.data), v.data), *parents)
    lines = []
    wanted = [(p, t) for v_p, p, t in zip(v.parents, parents, terms) if v_p.requires_grad]  # constants: no grad
    for parent, term in wanted[:SHOWN_PARENTS]:
        term = Term.of(term)
        line = f"d{name}/d{parent.names} = {term.names}"
        if term.numbers != term.names:
            line += f" = {term.numbers}"
        if term.numbers != _short(term.value):
            line += f" = {_shown(term.value)}"
        lines.append(line)
    if len(wanted) > SHOWN_PARENTS:
        lines.append(f"… and {len(wanted) - SHOWN_PARENTS} more inputs")
    return lines
