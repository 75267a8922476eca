"""Every composition of autodiff.func's transforms to third order (forward over forward, forward
over reverse, reverse over forward, reverse over reverse) against the same composition of
torch.func's at 1e-12, and nested perturbations kept apart."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.func as tf

from autodiff import Value, func

# Each first-order transform as an operator from a scalar function of (x, y) to another: its
# derivative contracted with fixed weights, so that the result is a scalar again. The same
# operator in both libraries (`lib` is autodiff.func or torch.func; `c` makes a constant).
T, W, C = (0.3, -1.1), (0.7, 0.4), 1.6


def jvp_op(lib, c, g):
    return lambda a, b: lib.jvp(g, (a, b), (c(T[0]), c(T[1])))[1]


def grad_op(lib, c, g):
    return lambda a, b: _weighted(lib.grad(g, argnums=(0, 1))(a, b))


def vjp_op(lib, c, g):
    return lambda a, b: _weighted(lib.vjp(g, a, b)[1](c(C)))


def jacfwd_op(lib, c, g):
    return lambda a, b: _weighted(lib.jacfwd(g, argnums=(0, 1))(a, b))


def jacrev_op(lib, c, g):
    return lambda a, b: _weighted(lib.jacrev(g, argnums=(0, 1))(a, b))


def linearize_op(lib, c, g):
    if lib is tf:  # torch's linearize does not nest inside other transforms: its jvp is the same operator
        return jvp_op(lib, c, g)
    return lambda a, b: lib.linearize(g, a, b)[1](T[0], T[1])


def _weighted(pair):
    return W[0] * pair[0] + W[1] * pair[1]


FIRST = {
    "jvp": jvp_op,
    "grad": grad_op,
    "vjp": vjp_op,
    "jacfwd": jacfwd_op,
    "jacrev": jacrev_op,
    "linearize": linearize_op,
}


def hessian_op(lib, c, g):
    return lambda a, b: _quadratic(lib.hessian(g, argnums=(0, 1))(a, b))


def hvp_op(lib, c, g):
    if lib is tf:  # torch.func has no hvp: its recipe, jvp of grad
        return lambda a, b: _weighted(tf.jvp(tf.grad(g, argnums=(0, 1)), (a, b), (c(T[0]), c(T[1])))[1])
    return lambda a, b: _weighted(lib.hvp(g, (a, b), T)[1])


def _quadratic(h):
    return sum(W[i] * T[j] * h[i][j] for i in range(2) for j in range(2))


SECOND = {"hessian": hessian_op, "hvp": hvp_op}


def ours(x, y):
    return (x * y).sin() * x.exp() / y + x.tanh() * y.log() ** 2


def theirs(x, y):
    return (x * y).sin() * x.exp() / y + x.tanh() * y.log() ** 2


POINTS = [(0.7, 1.3), (-0.4, 2.1)]


def _run(chain, lib, f):
    c = (lambda v: torch.tensor(v, dtype=torch.float64)) if lib is tf else (lambda v: v)
    g = f
    for op in chain:
        g = op(lib, c, g)
    return g


def _check(chain, where):
    for x, y in POINTS:
        mine = _run(chain, func, ours)(x, y)
        reference = _run(chain, tf, theirs)(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64))
        assert type(mine) is float, (where, mine)
        assert math.isclose(mine, reference.item(), rel_tol=1e-12, abs_tol=1e-12), (where, x, y, mine, reference)


@pytest.mark.parametrize("outer", FIRST)
@pytest.mark.parametrize("middle", FIRST)
def test_every_third_order_composition_matches_torch_func(outer, middle):
    # The innermost transform runs through all six for each (outer, middle): 216 compositions.
    for inner in FIRST:
        _check([FIRST[inner], FIRST[middle], FIRST[outer]], f"{outer}({middle}({inner}(f)))")


@pytest.mark.parametrize("second", SECOND)
@pytest.mark.parametrize("first", FIRST)
def test_hessian_and_hvp_over_and_under_every_transform(second, first):
    _check([FIRST[first], SECOND[second]], f"{second}({first}(f))")
    _check([SECOND[second], FIRST[first]], f"{first}({second}(f))")


def test_second_order_compositions_give_the_hessian():
    for outer, inner in itertools.product(FIRST, repeat=2):
        _check([FIRST[inner], FIRST[outer]], f"{outer}({inner}(f))")


def test_jacfwd_of_jacfwd_is_the_hessian_as_the_torch_tutorial_computes_it():
    f = lambda v: v[0] ** 2 * v[1].sin() + v[1] ** 3
    t = lambda v: v[0] ** 2 * v[1].sin() + v[1] ** 3
    mine = func.jacfwd(func.jacfwd(f))([1.5, -0.5])
    reference = tf.jacfwd(tf.jacfwd(t))(torch.tensor([1.5, -0.5], dtype=torch.float64))
    assert torch.allclose(torch.tensor(mine, dtype=torch.float64), reference, rtol=1e-12, atol=0)
    assert mine == func.hessian(f)([1.5, -0.5]) or torch.allclose(
        torch.tensor(mine, dtype=torch.float64), torch.tensor(func.hessian(f)([1.5, -0.5])), rtol=1e-14
    )


# d/dx [x * d/dy (x + y)] = 1, and d/dx [x * d/dy (x * y)] = 2x: the inner derivative must not
# see the outer perturbation of x (JAX's "perturbation confusion"), whichever modes nest.
def _derivative(kind):
    return {
        "jvp": lambda g, at: func.jvp(g, (at,), (1.0,))[1],
        "grad": lambda g, at: func.grad(g)(at),
        "jacfwd": lambda g, at: func.jacfwd(g)(at),
        "jacrev": lambda g, at: func.jacrev(g)(at),
    }[kind]


@pytest.mark.parametrize("outer", ["jvp", "grad", "jacfwd", "jacrev"])
@pytest.mark.parametrize("inner", ["jvp", "grad", "jacfwd", "jacrev"])
def test_nested_perturbations_are_kept_apart(outer, inner):
    d_outer, d_inner = _derivative(outer), _derivative(inner)
    assert d_outer(lambda x: x * d_inner(lambda y: x + y, 1.0), 1.0) == 1.0
    assert d_outer(lambda x: x * d_inner(lambda y: x * y, 2.0), 3.0) == 6.0


def test_reverse_transforms_on_duals_keep_branches_and_closed_over_values():
    w = Value(2.0)  # a parameter closed over, differentiated by backward outside the transforms
    f = lambda x: (x * w).relu() if x.data > 0 else x * x * w
    hessian_vector = func.jvp(func.grad(f), (1.5,), (1.0,))[1]
    assert isinstance(hessian_vector, Value) and hessian_vector.data == 0.0  # relu's side, linear in x
    d = func.jvp(func.grad(f), (-1.5,), (1.0,))[1]
    assert isinstance(d, Value) and d.data == 4.0  # 2w, a Value: it depends on w
    d.backward()
    assert w.grad == 2.0
