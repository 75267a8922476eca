"""`checkpoint(fn, *args)`: memory for compute, as `torch.utils.checkpoint.checkpoint`."""

from __future__ import annotations

import array
import random
import threading
from collections.abc import Callable
from typing import Any

from . import hooks
from .backward import grad, topological_order
from .grad_mode import enable_grad, grad_mode, no_grad
from .ops import Op
from .value import Value, _node, apply, constant


def checkpoint(fn: Callable[..., Any], *args: Any, preserve_rng_state: bool = True) -> Any:
    """`fn(*args)` (a Value or a tuple of them), recorded as one node per output Value instead of
    fn's graph, which is rebuilt when backward reaches it: the gradients are the plain
    computation's, also under `create_graph=True`. Under `no_grad()`, and while `autodiff.compile`
    traces, it is just `fn(*args)`.

    The node's parents are the Value arguments and the leaves that fn reads besides them (found
    by following fn's graph once: pass an intermediate result that fn uses as an argument). The
    re-run sees `random`'s state as it was (`preserve_rng_state`, as PyTorch), and runs no hook
    inside `fn`; each output of a tuple re-runs `fn` for its own gradient.

    >>> from autodiff import Value, grad
    >>> w, x = Value(0.5), Value(0.1)
    >>> f = lambda x: (w * x + 1.0).tanh().tanh()
    >>> y = checkpoint(f, x)
    >>> y.op, len(y.parents)   # one node, whose parents are x and w
    ('checkpoint', 2)
    >>> y.backward()
    >>> [x.grad, w.grad] == grad(f(x), [x, w])
    True
    """
    if not callable(fn):
        raise TypeError(f"checkpoint: fn must be callable, got {type(fn).__name__} ({fn!r})")
    state = _rng_state() if preserve_rng_state else None
    result = fn(*args)
    outputs = _outputs(fn, result)
    if not grad_mode.enabled or traced_through.active:
        return result
    explicit = tuple([a for a in args if isinstance(a, Value)])
    captured = _captured(outputs, explicit)
    parents = explicit + tuple(captured)
    if not any(p.requires_grad for p in parents):
        return result
    call = _Call(fn, args, captured, state)
    nodes = [_recorded(out.data, call, i, parents) for i, out in enumerate(outputs)]
    return nodes[0] if isinstance(result, Value) else tuple(nodes)


class _TracedThrough(threading.local):
    # Set while `autodiff.compile` traces in this thread: there a checkpoint is its plain graph,
    # since the replay keeps every intermediate array anyway and has no node to re-run.
    active = False


traced_through = _TracedThrough()


def _rng_state() -> tuple[Any, array.array[int], Any]:
    # 624 32-bit words in 2.5 KB: as a tuple of Python ints they take 22 KB.
    version, words, gauss = random.getstate()
    return version, array.array("I", words), gauss


class _Call:
    __slots__ = ("args", "captured", "fn", "n_values", "rng_state")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], captured: list[Value], rng_state: Any) -> None:
        self.fn, self.args, self.captured, self.rng_state = fn, args, captured, rng_state
        self.n_values = len(args) - len([a for a in args if not isinstance(a, Value)])

    def rerun(self, values: tuple[Any, ...]) -> tuple[Value, ...]:
        given = iter(values)
        args = [next(given) if isinstance(a, Value) else a for a in self.args]
        outer = random.getstate() if self.rng_state is not None else None
        if self.rng_state is not None:
            version, words, gauss = self.rng_state
            random.setstate((version, tuple(words), gauss))
        try:
            with enable_grad():
                return _outputs(self.fn, self.fn(*args))
        finally:
            if outer is not None:
                random.setstate(outer)


class _Rerun:
    # The derivative (and forward) of one output: an object, not a closure over the node, so
    # that no node refers back to itself.

    __slots__ = ("call", "index")

    def __init__(self, call: _Call, index: int) -> None:
        self.call, self.index = call, index

    def forward(self, m: Any, *inputs: Any) -> float:
        with no_grad():
            return self.call.rerun(tuple([Value(x) for x in inputs[: self.call.n_values]]))[self.index].data

    def __call__(self, m: Any, g: Any, out: Any, *inputs: Any) -> tuple[Any, ...]:
        # Fresh leaves for the arguments, so that the partial derivatives stop there.
        n, create_graph = self.call.n_values, isinstance(out, Value)
        leaves = [Value(x.data if create_graph else x) for x in inputs[:n]]
        with hooks.paused():
            rebuilt = self.call.rerun(tuple(leaves))[self.index]
            if not rebuilt.requires_grad:
                return (0.0 * g,) * len(inputs)
            if not create_graph:  # g enters at the output: the same products as the plain computation's
                return tuple(grad(constant(g) * rebuilt, leaves + self.call.captured))
            partials = grad(rebuilt, leaves + self.call.captured, create_graph=True)
            # Functions of the fresh leaves: made again on the arguments, to be differentiated further.
            partials = _substituted(partials, dict(zip(leaves, inputs[:n])))
        return tuple([g * d for d in partials])


def _recorded(data: float, call: _Call, index: int, parents: tuple[Value, ...]) -> Value:
    rerun = _Rerun(call, index)
    node = _node(data, True)
    node._grad_fn = Op("checkpoint", rerun.forward, rerun)
    node.parents = parents
    return node


def _substituted(values: list[Any], replacing: dict[Value, Value]) -> list[Any]:
    made: dict[Value, Value] = dict(replacing)
    for v in values:
        if isinstance(v, Value):
            for node in topological_order(v):
                if node not in made:
                    parents = [made.get(p, p) for p in node.parents]
                    changed = node._grad_fn is not None and any(a is not b for a, b in zip(parents, node.parents))
                    made[node] = apply(node._grad_fn, *parents) if changed else node  # type: ignore[arg-type]
    return [made.get(v, v) if isinstance(v, Value) else v for v in values]


def _outputs(fn: Callable[..., Any], result: Any) -> tuple[Value, ...]:
    if isinstance(result, Value):
        return (result,)
    if isinstance(result, tuple) and result and all(isinstance(r, Value) for r in result):
        return result
    name = getattr(fn, "__qualname__", repr(fn))
    raise TypeError(
        f"checkpoint: fn {name} must return a Value or a tuple of Values, got {type(result).__name__} ({result!r})"
    )


def _captured(outputs: tuple[Value, ...], explicit: tuple[Value, ...]) -> list[Value]:
    seen = set(explicit)
    found = []
    stack = list(outputs)
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if v.parents:
            stack.extend(v.parents)
        elif v.requires_grad:
            found.append(v)
    return found
