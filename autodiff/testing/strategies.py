"""Hypothesis strategies for property tests: random `Program`s over the op table, and points to
run them at. hypothesis is imported when a strategy is made.

>>> from autodiff.testing import assert_matches_torch
>>> from hypothesis import given, settings
>>> @settings(max_examples=5, deadline=None)
... @given(expressions(2, ops=["tanh", "*", "log"]), points(2))
... def test_programs_match_torch(program, xs):
...     assert_matches_torch(program, xs, rtol=1e-9, atol=1e-12)
>>> test_programs_match_torch()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._optional import require
from .programs import TABLE, OpTwin, Program


def _hypothesis_strategies(needed_by: str) -> Any:
    return require("hypothesis.strategies", f"autodiff.testing.strategies.{needed_by}", "hypothesis", "hypothesis")


def expressions(n_inputs: int, ops: Sequence[OpTwin | str] | None = None, max_steps: int = 20) -> Any:
    """A strategy for `Program`s of 1 to `max_steps` steps over `n_inputs` inputs, each step an op
    of `ops` (names from the table `programs.TABLE`, or `OpTwin`s for ops of your own; by
    default the whole table) applied to earlier results, any of which may be used again (a
    shared node). Each op's `into_domain` keeps its arguments where it is defined.

    >>> from hypothesis import find
    >>> find(expressions(1, ops=["sin", "*"]), lambda program: len(program.steps) == 2)
    Program(1: v1 = sin(v0); v2 = sin(v0))
    """
    st = _hypothesis_strategies("expressions")
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
        raise ValueError(f"expressions: n_inputs must be a positive int, got {n_inputs!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"expressions: max_steps must be a positive int, got {max_steps!r}")
    twins = [_twin(op) for op in (TABLE.values() if ops is None else ops)]
    if not twins:
        raise ValueError("expressions: ops is empty; give at least one op")

    def program(draw: Any) -> Program:
        steps = []
        for k in range(draw(st.integers(1, max_steps))):
            op = draw(st.sampled_from(twins))
            steps.append((op, tuple(draw(st.integers(0, n_inputs + k - 1)) for _ in range(op.arity))))
        return Program(n_inputs, tuple(steps))

    return st.composite(program)()


def points(n_inputs: int, bound: float = 2.0) -> Any:
    """A strategy for lists of `n_inputs` finite floats in [-bound, bound]: inputs for a Program.

    >>> points(2, bound=1.0)  # doctest: +ELLIPSIS
    lists(floats(min_value=-1.0, max_value=1.0, allow_nan=False), min_size=2, max_size=2)
    """
    st = _hypothesis_strategies("points")
    return st.lists(st.floats(-bound, bound, allow_nan=False), min_size=n_inputs, max_size=n_inputs)


def _twin(op: OpTwin | str) -> OpTwin:
    if isinstance(op, OpTwin):
        return op
    if isinstance(op, str) and op in TABLE:
        return TABLE[op]
    raise ValueError(f"expressions: unknown op {op!r}; expected an OpTwin or one of {', '.join(TABLE)}")
