"""Forward mode through the reverse transforms of `autodiff.func` (forward over reverse).

A reverse transform (grad, vjp, jacrev) given Duals runs at their numbers instead, on fresh leaves
(`record_leaf`), with `create_graph`: its results are then graphs over those leaves, which
`replay` runs again op by op with the Duals in the leaves' place. That is the forward pass of
the backward pass, as torch.func's jvp of a grad; the branches that `f` took at the numbers are
the Duals' own, since a Dual's data is its number.
"""

from __future__ import annotations

from typing import Any

from ._func_args import Tree, leaves, tree_map
from ._numbers import _is_number
from .backward import topological_order
from .tangents import Dual
from .value import Value, apply


def record_leaf(x: Any, subs: dict[Value, Any], numbers: bool = False) -> Any:
    """`x` itself, or for a Dual (and a number if `numbers`: one that is differentiated) a fresh
    leaf at its number, noted in `subs` to be replayed (the number as itself: a constant there)."""
    if type(x) is Dual or (numbers and _is_number(x)):
        leaf = Value(float(x))
        subs[leaf] = x if type(x) is Dual else leaf.data
        return leaf
    return x


def replay(result: Tree, subs: dict[Value, Any]) -> Tree:
    """`result` with every Value recomputed from `subs` (leaf -> what takes its place)."""
    done: dict[Value, Any] = dict(subs)
    hub = Value(0.0)  # a node over every Value of the result: one walk of the graph serves them all
    hub.parents = tuple(_values(leaves(result)))
    for node in topological_order(hub)[:-1]:
        op = node._grad_fn
        if node not in done and op is not None:
            parents = [done.get(p, p) for p in node.parents]
            changed = any(a is not b for a, b in zip(parents, node.parents))
            done[node] = apply(op, *parents) if changed else node

    def again(y: Any) -> Any:
        if type(y) is Dual:  # from a Dual closed over by f: its parts may hold the leaves
            return dual(again(y.primal), again(y.tangent), y.tag)
        return done.get(y, y) if isinstance(y, Value) else y

    return tree_map(again, result)


def _values(ys: list[Any]) -> list[Value]:
    # The Values among `ys`, and inside their Duals.
    found: list[Value] = []
    while ys:
        y = ys.pop()
        if type(y) is Dual:
            ys += [y.primal, y.tangent]
        elif isinstance(y, Value):
            found.append(y)
    return found


def dual(primal: Any, tangent: Any, tag: int) -> Any:
    """primal + tangent * (the perturbation `tag`): a Dual, built by its arithmetic when a part
    holds a Dual of a tag as high (a primal's tags must stay below its own)."""
    if all(type(x) is not Dual or x.tag < tag for x in leaves([primal, tangent])):
        return Dual(primal, tangent, tag)
    return primal + Dual(0.0, 1.0, tag) * tangent


def gradients_of_dual(out: Dual, grads: Any) -> list[Any]:
    """d(out)/d(inputs) for a Dual output (f closed over Duals): a Dual of the gradients of its
    primal and of its tangent, by `grads(part)` (the tangent's derivative is the derivative's)."""
    return [dual(p, t, out.tag) for p, t in zip(grads(out.primal), grads(out.tangent))]
