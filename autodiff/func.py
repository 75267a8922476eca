"""Function transforms, as `torch.func` and JAX: a derivative is a function of a function. `f`
takes numbers or Values positionally (a list for a vector argument) and returns a Value (a
list or tuple of them for the Jacobians); the results are floats, or Values when nested, so
the transforms compose (the guide "Function transforms").

>>> from autodiff.func import grad, hessian
>>> f = lambda x, y: x**3 * y
>>> grad(f)(2.0, 5.0), grad(grad(f))(2.0, 5.0), grad(f, argnums=(0, 1))(2.0, 5.0)
(60.0, 60.0, (60.0, 8.0))
>>> hessian(lambda v: v[0] ** 2 * v[1])([1.0, 3.0])
[[6.0, 2.0], [2.0, 0.0]]
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from . import ops
from ._func_args import (
    argnum_tuple,
    check_callable,
    check_outputs,
    fresh_inputs,
    leaves,
    matching,
    pick,
    primal,
    rebuild,
    split_aux,
    tree_map,
)
from .backward import grad as _backward_grad
from .backward import topological_order
from .grad_mode import enable_grad
from .tangents import Dual, tangent
from .value import Value, constant
from .worlds import floats

__all__ = ["grad", "hessian", "hvp", "jacfwd", "jacrev", "jvp", "value_and_grad", "vjp"]

Function = Callable[..., Any]
Argnums = int | tuple[int, ...]


def grad(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """The function computing the gradient of `f` (a Value) with respect to argument `argnums`.

    A tuple of argnums gives a tuple of gradients; `has_aux=True`: `f` returns (output, aux) and
    the new function returns (gradient, aux), as `torch.func.grad`.

    >>> grad(lambda x: x.tanh())(0.0), grad(lambda v: v[0] * v[1])([2.0, 3.0])
    (1.0, [3.0, 2.0])
    """
    value_and_grad_f = _value_and_grad("grad", f, argnums, has_aux)

    def grad_f(*args: Any) -> Any:
        value, gradient = value_and_grad_f(*args)
        return (gradient, value[1]) if has_aux else gradient

    return grad_f


def value_and_grad(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """As `grad`, but the new function returns (f's output, gradient): ((output, aux), gradient)
    with `has_aux=True`, as `torch.func.value_and_grad`.

    >>> value_and_grad(lambda x: x * x)(3.0)
    (9.0, 6.0)
    """
    return _value_and_grad("value_and_grad", f, argnums, has_aux)


def _value_and_grad(name: str, f: Function, argnums: Argnums, has_aux: bool) -> Function:
    check_callable(name, f)

    def run(args: tuple[Any, ...], create_graph: bool) -> Any:
        inputs, args = fresh_inputs(name, args, argnum_tuple(name, argnums, len(args)))
        out, aux = split_aux(name, f(*args), has_aux)
        (out,) = check_outputs(name, out, scalar=True)
        gradient = pick(argnums, rebuild(inputs, _gradients(out, leaves(inputs), create_graph)))
        return ((out, aux), gradient) if has_aux else (out, gradient)

    return lambda *args: _lifted(name, run, args)


def vjp(f: Function, *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """f's output at `primals`, and the function taking a cotangent (one per output) to the
    vector-Jacobian product: a tuple with one gradient per primal, as `torch.func.vjp`.

    >>> out, vjp_fn = vjp(lambda x, y: [x * y, x + y], 2.0, 3.0)
    >>> out, vjp_fn([1.0, 10.0])
    ([6.0, 5.0], (13.0, 12.0))
    """
    check_callable("vjp", f)
    with _inside():
        inputs, args = fresh_inputs("vjp", primals, tuple(range(len(primals))))
        out, aux = split_aux("vjp", f(*args), has_aux)
        outs = check_outputs("vjp", out)
    nested = _nested(primals)

    def vjp_fn(cotangents: Any) -> tuple[Any, ...]:
        weights = matching("vjp", "cotangents", out, cotangents)
        with enable_grad():
            total = ops.dot(outs, weights)
            gradients = tuple(rebuild(inputs, _gradients(total, leaves(inputs), nested)))
        return gradients if nested else _numbers(gradients)

    if nested:
        return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)
    return (_numbers(out), vjp_fn, _numbers(aux)) if has_aux else (_numbers(out), vjp_fn)


def jacrev(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """The Jacobian of `f` by reverse mode: one backward pass per output, as `torch.func.jacrev`.

    Its structure: f's outputs outside, then argnums (a tuple for a tuple), then each argument's.

    >>> jacrev(lambda v: [v[0] * v[1], v[0] + v[1]])([2.0, 3.0])
    [[3.0, 2.0], [1.0, 1.0]]
    """
    check_callable("jacrev", f)

    def run(args: tuple[Any, ...], create_graph: bool) -> Any:
        inputs, args = fresh_inputs("jacrev", args, argnum_tuple("jacrev", argnums, len(args)))
        out, aux = split_aux("jacrev", f(*args), has_aux)
        check_outputs("jacrev", out)
        flat = leaves(inputs)
        jacobian = tree_map(lambda y: pick(argnums, rebuild(inputs, _gradients(y, flat, create_graph))), out)
        return (jacobian, aux) if has_aux else jacobian

    return lambda *args: _lifted("jacrev", run, args)


def jacfwd(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """The Jacobian of `f` by forward mode: one pass of Duals per input, as `torch.func.jacfwd`
    (the structure of `jacrev`'s).

    >>> jacfwd(lambda v: [v[0] * v[1], v[0] + v[1]])([2.0, 3.0])
    [[3.0, 2.0], [1.0, 1.0]]
    """
    check_callable("jacfwd", f)

    def jacfwd_f(*args: Any) -> Any:
        nums = argnum_tuple("jacfwd", argnums, len(args))
        inputs = tuple([args[i] for i in nums])
        flat = [primal("jacfwd", f"argument {i}", x) for i in nums for x in leaves(args[i])]
        if not flat:
            raise ValueError(f"jacfwd: argument(s) {list(nums)} hold no number to differentiate with respect to")
        columns = []
        for j in range(len(flat)):
            seeded = list(args)
            duals = rebuild(inputs, [Dual(p, 1.0 if k == j else 0.0) for k, p in enumerate(flat)])
            for i, tree in zip(nums, duals):
                seeded[i] = tree
            with _inside():
                out, aux = split_aux("jacfwd", f(*seeded), has_aux)
            columns.append([_tangent_of(y) for y in check_outputs("jacfwd", out, forward=True)])
        rows = [pick(argnums, rebuild(inputs, [column[i] for column in columns])) for i in range(len(columns[0]))]
        result = rebuild(out, rows)
        result = (result, tree_map(_primal_of, aux)) if has_aux else result
        return _finish(result, _nested(args) or _nested(result))

    return jacfwd_f


def jvp(f: Function, primals: Any, tangents: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """f's output at `primals` and its derivative along `tangents` (one per primal), in one
    forward pass of Duals, as `torch.func.jvp`: (output, jvp_out), or with aux.

    >>> jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    (6.0, 3.0)
    """
    check_callable("jvp", f)
    if type(primals) not in (tuple, list):
        raise TypeError(f"jvp: primals must be a tuple (one entry per argument of f), got {primals!r}")
    pairs = zip(matching("jvp", "primals", primals, primals), matching("jvp", "tangents", primals, tangents))
    with _inside():
        out, aux = split_aux("jvp", f(*rebuild(tuple(primals), [Dual(p, t) for p, t in pairs])), has_aux)
    ys = check_outputs("jvp", out, forward=True)
    result: tuple[Any, ...] = (rebuild(out, [_primal_of(y) for y in ys]), rebuild(out, [_tangent_of(y) for y in ys]))
    result = (*result, tree_map(_primal_of, aux)) if has_aux else result
    return tuple(_finish(result, _nested((primals, tangents)) or _nested(result)))


def hessian(f: Function, argnums: Argnums = 0) -> Function:
    """The Hessian of `f`: `jacfwd(jacrev(f))`, forward over reverse, as `torch.func.hessian`.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)
    4.0
    """
    check_callable("hessian", f)
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f: Function, primals: Any, tangents: Any) -> tuple[Any, Any]:
    """f's output at `primals` and its Hessian times `tangents` (one per primal), forward over
    reverse without forming the Hessian, as `torch.autograd.functional.hvp`: (output, hvp).

    >>> hvp(lambda x, y: x * x * y, (3.0, 2.0), (1.0, 0.0))
    (18.0, (4.0, 6.0))
    """
    check_callable("hvp", f)
    if type(primals) not in (tuple, list) or not primals:
        raise TypeError(f"hvp: primals must be a non-empty tuple (one entry per argument of f), got {primals!r}")
    matching("hvp", "tangents", primals, tangents)
    every = tuple(range(len(primals)))
    (value, _), (_, product) = jvp(_value_and_grad("hvp", f, every, False), primals, tangents)
    return value, product


@contextlib.contextmanager
def _inside() -> Iterator[None]:
    # A transform called inside f (on numbers closed over, say) then returns Values, not floats.
    _depth.value += 1
    try:
        with enable_grad():
            yield
    finally:
        _depth.value -= 1


class _Depth(threading.local):  # per thread: another thread's transform is not this one's nesting
    value = 0


_depth = _Depth()


def _nested(tree: Any) -> bool:
    return _depth.value > 0 or any(isinstance(x, Value) or isinstance(_primal_of(x), Value) for x in leaves(tree))


def _lifted(name: str, run: Callable[[tuple[Any, ...], bool], Any], args: tuple[Any, ...]) -> Any:
    if any(type(x) is Dual for x in leaves(args)):
        return _over_duals(name, run, args)
    nested = _nested(args)
    with _inside():
        result = run(args, nested)
    return _finish(result, nested)


def _over_duals(name: str, run: Callable[[tuple[Any, ...], bool], Any], args: tuple[Any, ...]) -> Any:
    # Forward over reverse: `run` at the Duals' primals records a graph, then their tangents go
    # forward through it.
    seeds: dict[Value, Any] = {}

    def leaf(x: Any) -> Any:
        if type(x) is not Dual:
            return x
        if isinstance(x.primal, (Value, Dual)):
            raise TypeError(f"{name}: forward mode over {name} is supported at a point of numbers, got {x!r}")
        seeds[node := Value(x.primal)] = x.tangent
        return node

    with _inside():
        result = run(tree_map(leaf, args), True)
    tangents = _push_tangents([y for y in leaves(result) if isinstance(y, Value)], seeds)
    return tree_map(lambda y: Dual(y.data, tangents.get(y, 0.0)) if isinstance(y, Value) else y, result)


def _push_tangents(roots: list[Value], seeds: dict[Value, Any]) -> dict[Value, Any]:
    tangents = dict(seeds)
    done: set[Value] = set()
    for root in roots:
        for node in topological_order(root):
            if node in done or node._grad_fn is None:
                continue
            done.add(node)
            inputs = [tangents.get(p) for p in node.parents]
            if any(t is not None for t in inputs):
                parents = [p.data for p in node.parents]
                tangents[node] = tangent(node._grad_fn, floats, node.data, parents, inputs)
    return tangents


def _gradients(out: Value, inputs: list[Value], create_graph: bool) -> list[Any]:
    # An output made from constants alone depends on no input: zero, as torch.func.
    if not out.requires_grad:
        return [constant(0.0) if create_graph else 0.0] * len(inputs)
    return _backward_grad(out, inputs, create_graph)


def _primal_of(y: Any) -> Any:
    return y.primal if type(y) is Dual else y


def _tangent_of(y: Any) -> Any:
    return y.tangent if type(y) is Dual else 0.0  # a Value that does not depend on the Duals


def _finish(result: Any, nested: bool) -> Any:
    if nested:
        return tree_map(lambda y: constant(y) if type(y) is float or type(y) is int else y, result)
    return _numbers(result)


def _numbers(result: Any) -> Any:
    return tree_map(lambda y: y.data if isinstance(y, Value) else y, result)
