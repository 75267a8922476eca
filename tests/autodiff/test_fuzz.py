"""Random programs over every op of the op table (shared subgraphs, constants on either side, deep
chains and wide sums), seeded and bounded: values and derivatives of orders 1 to 3 against
PyTorch float64 (and against exact values, by mpmath, where PyTorch gives nan), forward mode
against `torch.func.jvp`, compiled mode against eager, at points where each op that bends or
jumps gets the same numbers in both engines or numbers clear of its kinks. A failure names its
seed and the smallest program found that still fails.
"""

from __future__ import annotations

import inspect
import itertools
import math
import operator
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import mpmath
import numpy as np
import pytest
import torch

import autodiff
from autodiff import Op, Value, func, grad, ops
from autodiff.testing import assert_matches_torch, programs
from autodiff.testing.programs import TABLE, OpTwin

PROGRAMS = 400
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}
# The n-ary ops on any number of tensors (the testing table's twins take a fixed number).
N_ARY = {
    "sum": lambda *xs: torch.stack(xs).sum(),
    "dot": lambda *xs: torch.dot(torch.stack(xs[: len(xs) // 2]), torch.stack(xs[len(xs) // 2 :])),
    "logsumexp": lambda *xs: torch.logsumexp(torch.stack(xs), 0),
}

# Exact counterparts, for the points where PyTorch gives nan.
EXACT = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "neg": operator.neg,
    "exp": mpmath.exp,
    "log": mpmath.log,
    "log1p": mpmath.log1p,
    "sqrt": mpmath.sqrt,
    "tanh": mpmath.tanh,
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "relu": lambda x: max(x, 0),
    "abs": abs,
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "**2": lambda x: x**2,
    "**-1": lambda x: 1 / x,
    "**0.5": mpmath.sqrt,
    "sum": lambda *xs: mpmath.fsum(xs),
    "dot": lambda *xs: mpmath.fsum(a * b for a, b in zip(xs[: len(xs) // 2], xs[len(xs) // 2 :])),
    "logsumexp": lambda *xs: mpmath.log(mpmath.fsum(mpmath.exp(x) for x in xs)),
    "tan": mpmath.tan,
    "sinh": mpmath.sinh,
    "cosh": mpmath.cosh,
    "asin": mpmath.asin,
    "acos": mpmath.acos,
    "atan": mpmath.atan,
    "asinh": mpmath.asinh,
    "acosh": mpmath.acosh,
    "atanh": mpmath.atanh,
    "atan2": mpmath.atan2,
    "hypot": mpmath.hypot,
    "expm1": mpmath.expm1,
    "exp2": lambda x: mpmath.power(2, x),
    "log2": lambda x: mpmath.log(x, 2),
    "log10": mpmath.log10,
    "erf": mpmath.erf,
    "erfc": mpmath.erfc,
    "sign": mpmath.sign,
    "floor": mpmath.floor,
    "ceil": mpmath.ceil,
    "round": mpmath.nint,  # halves to even, as Python and PyTorch
    "trunc": lambda x: mpmath.floor(x) if x >= 0 else mpmath.ceil(x),
    "%": lambda a, b: a - b * mpmath.floor(a / b),
    "//": lambda a, b: mpmath.floor(a / b),
    "maximum": max,
    "minimum": min,
    "silu": lambda x: x / (1 + mpmath.exp(-x)),
    "gelu": lambda x: x / 2 * (1 + mpmath.erf(x / mpmath.sqrt(2))),
    "gelu(tanh)": lambda x: x / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (x + 0.044715 * x**3))),
}
# The families' ops, for their numbers (the table's twins name which).
EXACT_FAMILIES = {
    ops.LEAKY_RELU: lambda x, slope: x if x > 0 else slope * x,
    ops.ELU: lambda x, alpha: x if x > 0 else alpha * mpmath.expm1(x),
    ops.SOFTPLUS: lambda x, beta, t: x if x * beta > t else mpmath.log1p(mpmath.exp(x * beta)) / beta,
    ops.CLAMP: lambda x, low, high: min(max(x, low), high),
}
EXACT |= {
    op.name: lambda *xs, fn=fn, numbers=numbers: fn(*xs, *numbers)
    for family, fn in EXACT_FAMILIES.items()
    for numbers, op in family.ops.items()
}


def _twins() -> list[OpTwin]:
    """The testing table's twins (powers and families' ops among them), and for every other Op of
    the op table one made from torch's function of the same name (a new op joins here by itself)."""
    twins = list(TABLE.values())
    for op in [v for v in vars(ops).values() if isinstance(v, Op)]:
        if op.name not in TABLE and hasattr(torch, op.name) and len(inspect.signature(op.forward).parameters) == 2:
            twins.append(OpTwin(op.name, op, getattr(torch, op.name)))
    return twins


TWINS = _twins()


def test_every_op_of_the_table_is_fuzzed():
    names = {twin.name for twin in TWINS}
    missing = [v.name for v in vars(ops).values() if isinstance(v, Op) and v.name not in names]
    ours = [twin.ours for twin in TWINS]
    missing += [v.name for v in vars(ops).values() if isinstance(v, ops.Family) and v.name not in map(_family, ours)]
    assert not missing, f"ops without a torch twin (add one to autodiff.testing.programs.TABLE): {missing}"
    assert {twin.name for twin in TWINS} <= set(EXACT), "every op has an exact counterpart"


def _family(op: Op) -> str | None:
    # By name, not by the family's cache of ops, which another test may have filled and cleared.
    families = [v.name for v in vars(ops).values() if isinstance(v, ops.Family)]
    return next((name for name in families if op.name == name or op.name.startswith(name + "(")), None)


# Points exactly at the kinks and jumps of the table's ops (after their maps into the domain):
# there both engines get the same numbers, and take PyTorch's branch.
AT_KINKS = [[0.0], [-0.0], [1.0], [-2.0], [2.5], [-0.5], [0.5], [20.0], [0.0, 0.0], [1.0, 1.0], [0.0, -1.0]]
AT_KINKS += [[-0.0, -1.0], [2.75, 1.5], [-5.5, 1.5], [0.0, 1.5], [-1.0, 0.0]]


def test_every_op_matches_torch_exactly_at_its_kinks_and_jumps_up_to_order_3():
    tested = set()
    for twin in [twin for twin in TABLE.values() if twin.kink is not None]:
        program = programs.Program(twin.arity, ((twin, tuple(range(twin.arity))),))
        for point in [p for p in AT_KINKS if len(p) == twin.arity]:
            if twin.kink(*program.arguments(*[Value(x) for x in point])[0]) == 0:
                assert_matches_torch(program, point, order=3, rtol=1e-12, atol=1e-14)
                tested.add(twin.name)
    assert tested == {twin.name for twin in TABLE.values() if twin.kink is not None}


@dataclass(frozen=True)
class Step:
    twin: OpTwin
    args: tuple[Any, ...]  # an int: an earlier result (the inputs first); a float: a constant
    raw: bool = False  # no map into the op's domain: at its edge (sqrt at 0, say)


@dataclass(frozen=True)
class Program:
    n_inputs: int
    steps: tuple[Step, ...]

    def __call__(self, *xs: Any) -> Any:
        results = self._run(xs)[0]
        out = results[-1]
        for r in results[self.n_inputs : -1][-3:]:  # several branches reach the output
            out = out + r
        return out

    def arguments(self, *xs: Any) -> list[tuple[float, ...]]:
        """The numbers each step's op was given (after the maps into its domain)."""
        return [
            tuple(float(a.item() if torch.is_tensor(a) else getattr(a, "data", a)) for a in args)
            for args in self._run(xs)[1]
        ]

    def _run(self, xs: Sequence[Any]) -> tuple[list[Any], list[list[Any]]]:
        in_torch = torch.is_tensor(xs[0])
        results, given = list(xs), []
        for step in self.steps:
            args = _mapped(step, [results[a] if isinstance(a, int) else a for a in step.args])
            given.append(args)
            if step.twin.name in ARITHMETIC and not step.raw:
                results.append(ARITHMETIC[step.twin.name](*args))
            elif step.twin.name in N_ARY and in_torch:
                results.append(N_ARY[step.twin.name](*args))
            else:
                results.append((step.twin.torch if in_torch else step.twin.ours)(*args))
        return results, given

    def __str__(self) -> str:
        def shown(a: Any) -> str:
            return f"v{a}" if isinstance(a, int) else repr(a)

        lines = [
            f"v{self.n_inputs + k} = {s.twin.name}({', '.join(map(shown, s.args))})" for k, s in enumerate(self.steps)
        ]
        return f"{self.n_inputs} inputs: " + "; ".join(lines)


def _mapped(step: Step, args: list[Any]) -> list[Any]:
    """The arguments mapped into the op's domain."""
    name, refs = step.twin.name, step.args
    if step.raw:
        return args
    if name in ARITHMETIC:
        a, b = args
        if name == "/" and isinstance(refs[1], int):
            b = b * b + 1.0
        if name == "**":  # a positive base; a number exponent is the op **p
            a = a * a + 0.5 if isinstance(refs[0], int) else a
            b = b.tanh() if isinstance(refs[1], int) else b
        return [a, b]
    return args if step.twin.into_domain is None else list(step.twin.into_domain(*args))


def generate(rng: random.Random) -> Program:
    n_inputs = rng.randint(1, 3)
    shape = rng.random()
    n_steps = rng.randint(30, 60) if shape < 0.1 else rng.randint(1, 10)
    steps: list[Step] = []
    singular_at = rng.randrange(n_steps) if rng.random() < 0.1 else -1
    for k in range(n_steps):
        available = n_inputs + len(steps)
        latest = available - 1 if shape < 0.1 else rng.randrange(available)  # deep: a chain
        twin = rng.choice(TWINS)
        if twin.name in ARITHMETIC:
            args: list[Any] = [latest, rng.randrange(available)]
            if rng.random() < 0.4:  # a constant on either side
                side = rng.randrange(2)
                args[side] = _constant(rng, twin.name, side)
        elif twin.name in N_ARY:
            width = rng.randint(2, 12) if shape > 0.9 else rng.randint(2, 4)  # wide now and then
            if twin.name == "dot":
                width = 2 * (width // 2 + 1)
            args = [latest] + [rng.randrange(available) for _ in range(width - 1)]
        else:
            args = [latest] + [rng.randrange(available) for _ in range(twin.arity - 1)]
        steps.append(Step(twin, tuple(args)))
        if k == singular_at:  # sqrt(abs(v - v)) or sqrt(relu(v - v)): zero, at sqrt's pole
            at = n_inputs + len(steps)
            mask = TABLE[rng.choice(["abs", "relu"])]
            steps += [Step(TABLE["-"], (latest, latest)), Step(mask, (at,)), Step(TABLE["sqrt"], (at + 1,), raw=True)]
    return Program(n_inputs, tuple(steps))


def _constant(rng: random.Random, name: str, side: int) -> float:
    if name == "/" and side == 1:
        return rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.5)
    if name == "**":
        return rng.uniform(0.5, 2.5) if side == 0 else rng.choice([2.0, 3.0, -1.0, 0.5, rng.uniform(-2.5, 2.5)])
    return rng.choice([0.0, 1.0, -2.5, rng.uniform(-3.0, 3.0)])


def _ours(program: Program, point: list[float]) -> list[list[float]]:
    """The value, then the gradient, the gradient of its sum, and of that one's sum: orders 0 to 3."""
    xs = [Value(x) for x in point]
    out = program(*xs)
    rows = [[out.data]]
    for _ in range(3):
        if not isinstance(out, Value) or not out.requires_grad:
            rows.append([0.0] * len(xs))
            out = None
            continue
        gs = grad(out, xs, create_graph=True)
        rows.append([g.data for g in gs])
        out = autodiff.sum(gs)
    return rows


def _torchs(program: Program, point: list[float]) -> list[list[float]]:
    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = program(*xs)
    rows = [[out.item()]]
    for _ in range(3):
        if out is None or not out.requires_grad:
            rows.append([0.0] * len(xs))
            out = None
            continue
        gs = torch.autograd.grad(out, xs, create_graph=True, allow_unused=True, materialize_grads=True)
        rows.append([g.item() for g in gs])
        out = sum(gs)
    return rows


def _exact(program: Program, point: list[float]) -> list[list[float]]:
    """Orders 0 to 3 as `_ours` computes them, at 30 digits by mpmath: row k + 1 holds, for each
    input j, the sum over i1..ik of d^(k+1) f / dx_i1 .. dx_ik dx_j."""
    exact_twins = {name: OpTwin(name, fn, fn, 1) for name, fn in EXACT.items()}
    mp_program = replace(program, steps=tuple(replace(s, twin=exact_twins[s.twin.name]) for s in program.steps))
    n = program.n_inputs
    with mpmath.workdps(30):
        at = [mpmath.mpf(x) for x in point]
        rows = [[float(_mp_call(mp_program, at))]]
        for order in range(1, 4):
            row = []
            for j in range(n):
                total = mpmath.mpf(0)
                for rest in itertools.product(range(n), repeat=order - 1):
                    counts = [list(rest).count(i) + (i == j) for i in range(n)]
                    total += mpmath.diff(lambda *xs: _mp_call(mp_program, xs), at, counts)
                row.append(float(total))
            rows.append(row)
    return rows


def _mp_call(program: Program, xs: Any) -> Any:
    results = list(xs)
    for step in program.steps:
        args = [results[a] if isinstance(a, int) else mpmath.mpf(a) for a in step.args]
        name = step.twin.name
        if step.raw:
            pass
        elif name == "/" and isinstance(step.args[1], int):
            args[1] = args[1] ** 2 + 1
        elif name == "**":
            args[0] = args[0] ** 2 + mpmath.mpf(0.5) if isinstance(step.args[0], int) else args[0]
            args[1] = mpmath.tanh(args[1]) if isinstance(step.args[1], int) else args[1]
        elif name not in ARITHMETIC and TABLE.get(name) is not None and TABLE[name].into_domain is not None:
            args = list(_mp_domain(name, args))
        results.append(step.twin.ours(*args))
    out = results[-1]
    for r in results[program.n_inputs : -1][-3:]:
        out = out + r
    return out


def _mp_domain(name: str, args: list[Any]) -> tuple[Any, ...]:
    maps = {
        "exp": lambda a: (mpmath.tanh(a),),
        "log": lambda a: (a * a + mpmath.mpf(0.5),),
        "log1p": lambda a: (a * a - mpmath.mpf(0.5),),
        "sqrt": lambda a: (a * a + mpmath.mpf(0.25),),
        "**-1": lambda a: (a * a + mpmath.mpf(0.5),),
        "**0.5": lambda a: (a * a + mpmath.mpf(0.25),),
    }
    return maps[name](*args) if name in maps else TABLE[name].into_domain(*args)  # the others: arithmetic


def _close(ours: float, theirs: float, scale: float) -> bool:
    if math.isnan(theirs) or math.isnan(ours):
        return math.isnan(theirs) and math.isnan(ours)
    if math.isinf(theirs) or math.isinf(ours):
        return ours == theirs
    return abs(ours - theirs) <= 1e-8 * (abs(theirs) + scale)


def _compare(what: str, ours: list[list[float]], theirs: list[list[float]]) -> None:
    for order, (a, b) in enumerate(zip(ours, theirs)):
        scale = max([1.0] + [abs(x) for x in b if math.isfinite(x)])
        if not all(_close(x, y, scale) for x, y in zip(a, b)):
            raise AssertionError(f"order {order}: ours {a}, {what} {b}")


def check(program: Program, point: list[float], tangent: list[float]) -> None:
    try:
        ours = _ours(program, point)
    except (ValueError, OverflowError) as error:  # an op outside its domain (a new op without a map)
        raise SkipProgram(str(error)) from None
    theirs = _torchs(program, point)
    nan = [i for i, row in enumerate(theirs) if any(map(math.isnan, row))]
    if nan and all(step.twin.name in EXACT for step in program.steps):  # torch gives nan: exact values
        exact = _exact(program, point)
        _compare("exact", [ours[i] for i in nan], [exact[i] for i in nan])
        theirs = [ours[i] if i in nan else row for i, row in enumerate(theirs)]
    _compare("torch", ours, theirs)

    value, ours_tangent = func.jvp(program, tuple(point), tuple(tangent))
    primals = tuple(torch.tensor(x, dtype=torch.float64) for x in point)
    directions = tuple(torch.tensor(t, dtype=torch.float64) for t in tangent)
    _, their_tangent = torch.func.jvp(program, primals, directions)
    what, reference = "torch.func.jvp", their_tangent.item()
    # A nan tangent times a 0 mask (maximum's loser, say) is nan in torch's forward mode, 0 in ours:
    # then ours must be the gradient (checked above) along the tangent.
    if math.isnan(reference) and not math.isnan(float(ours_tangent)):
        what, reference = "the gradient along the tangent", math.fsum(g * t for g, t in zip(theirs[1], tangent))
    _compare(what, [[float(value), float(ours_tangent)]], [[theirs[0][0], reference]])

    graph = autodiff.compile(program, program.n_inputs)
    rows = np.array([point, [x * 0.5 for x in point]])
    outputs = graph(rows)
    gradients = graph.backward("sum")
    for row, out, g in zip(rows, outputs, gradients):
        eager = _ours(program, list(row))
        _compare("compiled", [[float(out)], list(g)], eager[:2])


def clear_of_kinks(program: Program, point: list[float]) -> bool:
    """Whether each op that bends or jumps (relu, floor, %, maximum, ...) gets the same numbers here
    as in PyTorch, or numbers clear of its kinks: an ulp of rounding difference near one puts
    the engines on different sides of it (both right, but different)."""
    try:
        ours = program.arguments(*[Value(x) for x in point])
    except (ValueError, OverflowError):  # outside a domain: `check` skips the program
        return True
    theirs = program.arguments(*[torch.tensor(x, dtype=torch.float64) for x in point])
    return all(step.twin.same_branch(a, b) for step, a, b in zip(program.steps, ours, theirs))


class SkipProgram(Exception):
    pass


def shrink(program: Program, fails: Any) -> Program:
    """The program with as many steps dropped as keeps `fails(program)` true."""
    changed = True
    while changed:
        changed = False
        for k in range(len(program.steps) - 1, -1, -1):
            smaller = _without(program, k)
            if smaller is not None and fails(smaller):
                program, changed = smaller, True
    return program


def _without(program: Program, k: int) -> Program | None:
    if len(program.steps) == 1:
        return None
    dropped = program.n_inputs + k
    first = next((a for a in program.steps[k].args if isinstance(a, int)), 0)

    def moved(a: Any) -> Any:
        if not isinstance(a, int):
            return a
        a = first if a == dropped else a
        return a - 1 if a > dropped else a

    steps = [replace(s, args=tuple(map(moved, s.args))) for i, s in enumerate(program.steps) if i != k]
    return Program(program.n_inputs, tuple(steps))


def _fails(program: Program, point: list[float], tangent: list[float]) -> bool:
    return bool(_failure(program, point, tangent))


def _failure(program: Program, point: list[float], tangent: list[float]) -> str:
    """How `check` fails on the program, "" if it does not."""
    try:
        check(program, point, tangent)
    except SkipProgram:
        return ""
    except Exception as error:  # any failure counts while shrinking
        return f"{type(error).__name__}: {error}"
    return ""


@pytest.mark.parametrize("block", range(4))
def test_random_programs_match_torch_at_orders_one_to_three_forward_and_compiled(block):
    skipped = 0
    for seed in range(block * PROGRAMS // 4, (block + 1) * PROGRAMS // 4):
        rng = random.Random(seed)
        program = generate(rng)
        for _ in range(10):
            point = [rng.uniform(-2.0, 2.0) for _ in range(program.n_inputs)]
            tangent = [rng.uniform(-1.0, 1.0) for _ in range(program.n_inputs)]
            if clear_of_kinks(program, point) and clear_of_kinks(program, [x * 0.5 for x in point]):  # compiled's rows
                break
        else:
            skipped += 1
            continue
        try:
            check(program, point, tangent)
        except SkipProgram:
            skipped += 1
        except Exception as error:  # reported with the seed and a minimal program
            minimal = shrink(program, lambda p: _fails(p, point, tangent))
            pytest.fail(
                f"seed {seed}, point {point}, tangent {tangent}:\n  program {program}\n"
                f"  {type(error).__name__}: {error}\n  minimal {minimal}\n  {_failure(minimal, point, tangent)}"
            )
    assert skipped <= PROGRAMS // 40  # most programs run
