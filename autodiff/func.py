"""Function transforms, as `torch.func` and JAX: a derivative is a function of a function. `f`
takes numbers or Values (in nested lists, tuples and dicts) and returns a Value (or a tree of
them for the Jacobians); the results are floats, or Values when nested, so the transforms compose
in any order, forward over forward included (the guide "Function transforms").

>>> from autodiff.func import grad, hessian, jacfwd
>>> f = lambda x, y: x**3 * y
>>> grad(f)(2.0, 5.0), grad(grad(f))(2.0, 5.0), grad(f, argnums=(0, 1))(2.0, 5.0)
(60.0, 60.0, (60.0, 8.0))
>>> hessian(lambda v: v[0] ** 2 * v[1])([1.0, 3.0]), jacfwd(jacfwd(f))(2.0, 5.0)
([[6.0, 2.0], [2.0, 0.0]], 60.0)
"""

from __future__ import annotations

import contextlib
import functools
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
from ._func_duals import gradients_of_dual, record_leaf, replay
from ._func_vmap import vmap
from .backward import grad as _backward_grad
from .grad_mode import enable_grad
from .tangents import Dual, new_tag
from .value import Value, constant

__all__ = ["grad", "hessian", "hvp", "jacfwd", "jacrev", "jvp", "linearize", "value_and_grad", "vjp", "vmap"]

Function = Callable[..., Any]
Argnums = int | tuple[int, ...]


def grad(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """The function computing the gradient of `f` (a scalar) with respect to argument `argnums`.

    A tuple of argnums gives a tuple of gradients; `has_aux=True`: `f` returns (output, aux) and
    the new function returns (gradient, aux); keyword arguments go to `f` undifferentiated, as
    `torch.func.grad`. A plain number as f's output depends on nothing: its gradient is 0.

    >>> grad(lambda x: x.tanh())(0.0), grad(lambda v: v["a"] * v["b"])({"a": 2.0, "b": 3.0})
    (1.0, {'a': 3.0, 'b': 2.0})
    """
    value_and_grad_f = _value_and_grad("grad", f, argnums, has_aux)

    def grad_f(*args: Any, **kwargs: Any) -> Any:
        value, gradient = value_and_grad_f(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return grad_f


def value_and_grad(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """As `grad`, but the new function returns (f's output, gradient): ((output, aux), gradient)
    with `has_aux=True`, as `torch.func.value_and_grad`.

    >>> value_and_grad(lambda x, scale: scale * x * x)(3.0, scale=2.0)
    (18.0, 12.0)
    """
    return _value_and_grad("value_and_grad", f, argnums, has_aux)


def _value_and_grad(name: str, f: Function, argnums: Argnums, has_aux: bool) -> Function:
    check_callable(name, f)

    def run(args: tuple[Any, ...], kwargs: dict[str, Any], create_graph: bool) -> Any:
        inputs, args = fresh_inputs(name, args, argnum_tuple(name, argnums, len(args)))
        out, aux = split_aux(name, f(*args, **kwargs), has_aux)
        (out,) = check_outputs(name, out, scalar=True)
        gradient = pick(argnums, rebuild(inputs, _gradients(out, leaves(inputs), create_graph)))
        return ((out, aux), gradient) if has_aux else (out, gradient)

    return lambda *args, **kwargs: _lifted(name, run, argnums, args, kwargs)


def vjp(f: Function, *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """f's output at `primals`, and the function taking a cotangent (one per output) to the
    vector-Jacobian product: a tuple with one gradient per primal, as `torch.func.vjp`.

    >>> out, vjp_fn = vjp(lambda x, y: [x * y, x + y], 2.0, 3.0)
    >>> out, vjp_fn([1.0, 10.0])
    ([6.0, 5.0], (13.0, 12.0))
    """
    check_callable("vjp", f)
    nested = _nested(primals)
    subs: dict[Value, Any] = {}  # Duals among the primals: forward over reverse (autodiff._func_duals)
    with _inside():
        recorded = tree_map(lambda x: record_leaf(x, subs, not nested), primals)
        inputs, args = fresh_inputs("vjp", recorded, tuple(range(len(primals))))
        out, aux = split_aux("vjp", f(*args), has_aux)
        outs = check_outputs("vjp", out)
    duals = any(type(x) is Dual for x in subs.values())

    def vjp_fn(cotangents: Any) -> tuple[Any, ...]:
        seen = dict(subs)
        weights = [record_leaf(w, seen) for w in matching("vjp", "cotangents", out, cotangents)]
        deep = nested or _nested(cotangents)
        with _inside():
            total = ops.dot(outs, weights)
            gradients = tuple(rebuild(inputs, _gradients(total, leaves(inputs), deep)))
            if len(seen) > len(subs) or duals:  # a Dual to replay
                gradients = tuple(replay(gradients, seen))
        return gradients if deep else _numbers(gradients)

    if duals:
        out, aux = replay(out, subs), replay(aux, subs)
    elif not nested:
        out, aux = _numbers(out), _numbers(aux)
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def jacrev(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """The Jacobian of `f` by reverse mode: one backward pass per output, as `torch.func.jacrev`.

    Its structure: f's outputs outside, then argnums (a tuple for a tuple), then each argument's.

    >>> jacrev(lambda v: [v[0] * v[1], v[0] + v[1]])([2.0, 3.0])
    [[3.0, 2.0], [1.0, 1.0]]
    """
    return _jacrev("jacrev", f, argnums, has_aux)


def _jacrev(name: str, f: Function, argnums: Argnums, has_aux: bool) -> Function:
    check_callable(name, f)

    def run(args: tuple[Any, ...], kwargs: dict[str, Any], create_graph: bool) -> Any:
        inputs, args = fresh_inputs(name, args, argnum_tuple(name, argnums, len(args)))
        out, aux = split_aux(name, f(*args, **kwargs), has_aux)
        check_outputs(name, out)
        flat = leaves(inputs)
        jacobian = tree_map(lambda y: pick(argnums, rebuild(inputs, _gradients(y, flat, create_graph))), out)
        return (jacobian, aux) if has_aux else jacobian

    return lambda *args, **kwargs: _lifted(name, run, argnums, args, kwargs)


def jacfwd(f: Function, argnums: Argnums = 0, has_aux: bool = False) -> Function:
    """The Jacobian of `f` by forward mode: one pass of Duals per input, as `torch.func.jacfwd`
    (the structure of `jacrev`'s).

    >>> jacfwd(lambda v: [v[0] * v[1], v[0] + v[1]])([2.0, 3.0])
    [[3.0, 2.0], [1.0, 1.0]]
    """
    return _jacfwd("jacfwd", f, argnums, has_aux)


def _jacfwd(name: str, f: Function, argnums: Argnums, has_aux: bool) -> Function:
    check_callable(name, f)

    def jacfwd_f(*args: Any, **kwargs: Any) -> Any:
        nums = argnum_tuple(name, argnums, len(args))
        inputs = tuple([args[i] for i in nums])
        flat = [primal(name, f"argument {i}", x) for i in nums for x in leaves(args[i])]
        if not flat:
            raise ValueError(f"{name}: argument(s) {list(nums)} hold no number to differentiate with respect to")
        tag = new_tag()
        columns = []
        for j in range(len(flat)):
            seeded = list(args)
            duals = rebuild(inputs, [Dual(p, 1.0 if k == j else 0.0, tag) for k, p in enumerate(flat)])
            for i, tree in zip(nums, duals):
                seeded[i] = tree
            with _inside():
                out, aux = split_aux(name, f(*seeded, **kwargs), has_aux)
            columns.append([_tangent_of(y, tag) for y in check_outputs(name, out)])
        rows = [pick(argnums, rebuild(inputs, [column[i] for column in columns])) for i in range(len(columns[0]))]
        result = rebuild(out, rows)
        result = (result, tree_map(lambda y: _primal_of(y, tag), aux)) if has_aux else result
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
    tag = new_tag()
    pairs = zip(matching("jvp", "primals", primals, primals), matching("jvp", "tangents", primals, tangents))
    with _inside():
        out, aux = split_aux("jvp", f(*rebuild(tuple(primals), [Dual(p, t, tag) for p, t in pairs])), has_aux)
    ys = check_outputs("jvp", out)
    result: tuple[Any, ...] = (
        rebuild(out, [_primal_of(y, tag) for y in ys]),
        rebuild(out, [_tangent_of(y, tag) for y in ys]),
    )
    result = (*result, tree_map(lambda y: _primal_of(y, tag), aux)) if has_aux else result
    return tuple(_finish(result, _nested((primals, tangents)) or _nested(result)))


def linearize(f: Function, *primals: Any) -> tuple[Any, Function]:
    """f's output at `primals` and `jvp_fn(*tangents)`, its derivative along the tangents, as
    `torch.func.linearize`: f runs once; each call of `jvp_fn` goes forward through its graph.

    >>> out, jvp_fn = linearize(lambda x, y: x.sin() * y, 0.0, 3.0)
    >>> out, jvp_fn(1.0, 0.0), jvp_fn(0.0, 1.0)
    (0.0, 3.0, 0.0)
    """
    check_callable("linearize", f)
    nested = _nested(primals)
    subs: dict[Value, Any] = {}  # Duals (and numbers) among the primals, as in vjp
    with _inside():
        recorded = tree_map(lambda x: record_leaf(x, subs, not nested), primals)
        inputs, args = fresh_inputs("linearize", recorded, tuple(range(len(primals))))
        out = f(*args)
    check_outputs("linearize", out)
    with _inside():
        at = [_plain(x) for x in replay(leaves(inputs), subs)]  # each input as given: a number, Value or Dual

    def jvp_fn(*tangents: Any) -> Any:
        tag = new_tag()
        given = matching("linearize", "tangents", inputs, tangents)
        moved = {**subs, **{x: Dual(a, t, tag) for x, a, t in zip(leaves(inputs), at, given)}}
        with _inside():
            result = tree_map(lambda y: _tangent_of(y, tag), replay(out, moved))
        return _finish(result, nested or _nested(tangents))

    with _inside():
        shown = replay(out, subs) if any(type(x) is Dual for x in subs.values()) else out
    return _finish(shown, nested), jvp_fn


def hessian(f: Function, argnums: Argnums = 0) -> Function:
    """The Hessian of `f`: `jacfwd(jacrev(f))`, forward over reverse, as `torch.func.hessian`.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)
    4.0
    """
    check_callable("hessian", f)
    return _jacfwd("hessian", _jacrev("hessian", f, argnums, False), argnums, False)


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
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        with enable_grad():
            yield
    finally:
        _state.depth -= 1


_state = threading.local()  # per thread, as grad mode: how deep inside transforms this thread is


def _nested(tree: Any) -> bool:
    # Inside another transform, or given (or giving) what an outer one differentiates.
    return getattr(_state, "depth", 0) > 0 or any(
        type(x) is Dual or (isinstance(x, Value) and x.requires_grad) for x in leaves(tree)
    )


Run = Callable[[tuple[Any, ...], dict[str, Any], bool], Any]


def _lifted(name: str, run: Run, argnums: Argnums, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if any(type(x) is Dual for x in leaves(args)):  # forward over reverse (autodiff._func_duals)
        subs: dict[Value, Any] = {}
        nums = argnum_tuple(name, argnums, len(args))
        recorded = tuple(
            [tree_map(functools.partial(record_leaf, subs=subs, numbers=i in nums), a) for i, a in enumerate(args)]
        )
        with _inside():
            return replay(run(recorded, kwargs, True), subs)
    nested = _nested(args)
    with _inside():
        result = run(args, kwargs, nested)
    return _finish(result, nested)


def _gradients(out: Any, inputs: list[Value], create_graph: bool) -> list[Any]:
    if type(out) is Dual:  # f closed over an outer transform's Duals
        return gradients_of_dual(out, lambda part: _gradients(part, inputs, True))
    # An output made from constants alone (or a number) depends on no input: zero, as torch.func.
    if not isinstance(out, Value) or not out.requires_grad:
        return [constant(0.0) if create_graph else 0.0] * len(inputs)
    return _backward_grad(out, inputs, create_graph=create_graph)


def _primal_of(y: Any, tag: int) -> Any:
    return y.primal if type(y) is Dual and y.tag == tag else y


def _tangent_of(y: Any, tag: int) -> Any:
    # Anything else (a Value, a number, an outer transform's Dual) does not depend on this one's.
    return y.tangent if type(y) is Dual and y.tag == tag else 0.0


def _plain(x: Any) -> Any:
    return x.data if isinstance(x, Value) and not x.requires_grad else x


def _finish(result: Any, nested: bool) -> Any:
    if nested:
        return tree_map(lambda y: constant(y) if type(y) is float or type(y) is int else y, result)
    return _numbers(result)


def _numbers(result: Any) -> Any:
    return tree_map(lambda y: float(y.data) if isinstance(y, Value) else y, result)
