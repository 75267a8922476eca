"""The arguments and results of `autodiff.func`: trees (nested lists, tuples and dicts) of numbers,
Values and Duals, and their checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ._numbers import _is_number, _to_float
from .tangents import Dual
from .value import Value

Tree = Any  # a number, a Value or a Dual, or a list, tuple or dict of trees


def leaves(tree: Tree) -> list[Any]:
    # A stack, not recursion: a tree may be deeper than the recursion limit. A dict's in its order.
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        if type(node) is list or type(node) is tuple:
            stack.extend(reversed(node))
        elif type(node) is dict:
            stack.extend(reversed(node.values()))
        else:
            out.append(node)
    return out


def rebuild(tree: Tree, flat: list[Any]) -> Tree:
    items = iter(flat)
    return tree_map(lambda _: next(items), tree)


def tree_map(fn: Callable[[Any], Any], tree: Tree) -> Tree:
    if type(tree) is list:
        return [tree_map(fn, x) for x in tree]
    if type(tree) is tuple:
        return tuple([tree_map(fn, x) for x in tree])
    if type(tree) is dict:
        return {key: tree_map(fn, x) for key, x in tree.items()}
    return fn(tree)


def check_callable(name: str, f: Any) -> None:
    if not callable(f):
        raise TypeError(f"{name}: f must be a function, got {type(f).__name__} ({f!r})")


def argnum_tuple(name: str, argnums: Any, count: int) -> tuple[int, ...]:
    nums = argnums if type(argnums) is tuple else (argnums,)
    if not nums or any(type(i) is not int for i in nums):
        raise TypeError(f"{name}: argnums must be an int or a non-empty tuple of ints, got {argnums!r}")
    for i in nums:
        if not -count <= i < count:
            raise ValueError(f"{name}: argnums {i} is out of range for {count} positional argument(s)")
    positive = tuple([i % count for i in nums])
    if len(set(positive)) != len(positive):
        raise ValueError(f"{name}: argnums {argnums!r} names an argument twice")
    return positive


def pick(argnums: Any, per_argnum: tuple[Any, ...]) -> Any:
    return per_argnum if type(argnums) is tuple else per_argnum[0]


def primal(name: str, what: str, x: Any) -> Any:
    if isinstance(x, (Value, Dual)):  # a Dual: an outer forward-mode transform's
        return x
    if not _is_number(x):
        raise TypeError(
            f"{name}: {what} must be a number, a Value or a list, tuple or dict of them, got {type(x).__name__} ({x!r})"
        )
    return _to_float(x, name)


def fresh_inputs(name: str, args: tuple[Any, ...], nums: tuple[int, ...]) -> tuple[tuple[Tree, ...], tuple[Any, ...]]:

    def fresh(x: Any, i: int) -> Value:
        p = primal(name, f"argument {i}", x)
        # A Value from an outer transform gets a node of its own (x + 0.0): this transform then
        # differentiates with respect to this use alone (JAX's perturbation confusion), and the
        # outer one still sees through it.
        return p + 0.0 if isinstance(p, Value) and p.requires_grad else Value(float(p))

    inputs = tuple([tree_map(functools.partial(fresh, i=i), args[i]) for i in nums])
    if not leaves(inputs) or not all(isinstance(x, Value) for x in leaves(inputs)):
        raise ValueError(f"{name}: argument(s) {list(nums)} hold no number to differentiate with respect to")
    new = list(args)
    for i, tree in zip(nums, inputs):
        new[i] = tree
    return inputs, tuple(new)


def split_aux(name: str, out: Any, has_aux: bool) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if type(out) is not tuple or len(out) != 2:
        raise TypeError(f"{name}: with has_aux=True, f must return a pair (output, aux), got {out!r}")
    return out[0], out[1]


def check_outputs(name: str, out: Any, scalar: bool = False) -> list[Any]:
    """The outputs' leaves: Values, Duals or numbers (a number depends on nothing: its derivative
    is 0, as in JAX); one of them for `scalar` (grad)."""
    flat = [out] if scalar else leaves(out)
    if not flat or not all(isinstance(y, (Value, Dual)) or _is_number(y) for y in flat):
        wanted = "a scalar (a Value or a number)" if scalar else "a Value or a list, tuple or dict of Values"
        raise TypeError(f"{name}: f must return {wanted}, got {type(out).__name__} ({out!r})")
    return flat


def matching(name: str, what: str, reference: Tree, given: Tree) -> list[Any]:
    if not _same_structure(reference, given):
        raise ValueError(f"{name}: {what} must have the structure of {_structure(reference)}, got {given!r}")
    return [primal(name, what, x) for x in leaves(_aligned(reference, given))]


def _aligned(reference: Tree, given: Tree) -> Tree:
    # A dict's entries in the reference's order of keys, so that the leaves pair up.
    if type(given) is dict:
        return {key: _aligned(reference[key], given[key]) for key in reference}
    if type(given) in (list, tuple):
        return [_aligned(r, g) for r, g in zip(reference, given)]
    return given


def _same_structure(a: Tree, b: Tree) -> bool:
    if type(a) is dict or type(b) is dict:
        if type(a) is not dict or type(b) is not dict or a.keys() != b.keys():
            return False
        return all(_same_structure(a[key], b[key]) for key in a)
    if type(a) in (list, tuple) or type(b) in (list, tuple):
        return (
            type(a) in (list, tuple)
            and type(b) in (list, tuple)
            and len(a) == len(b)
            and all(map(_same_structure, a, b))
        )
    return True


def _structure(tree: Tree) -> str:
    return repr(tree_map(lambda _: "*", tree)).replace("'", "")
