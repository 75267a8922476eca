"""Gradient hooks: `Value.register_hook(fn)`, as `torch.Tensor.register_hook`.

The hooks live in one registry weakly keyed by Value, which a sweep looks at once: a Value
keeps no slot for them, and a graph without hooks pays nothing.
"""

from __future__ import annotations

import contextlib
import itertools
import weakref
from collections.abc import Callable, Container, Iterable, Iterator
from typing import Any

from ._numbers import _is_number
from .value import Value, constant

Hook = Callable[[Any], Any]

_registry: weakref.WeakKeyDictionary[Value, dict[int, Hook]] = weakref.WeakKeyDictionary()
_ids = itertools.count()


class _State:
    paused = False  # set while a checkpoint re-runs its function: that inner sweep is not the user's pass


_state = _State()


class RemovableHandle:
    """What `register_hook` returns: `.remove()` takes the hook away; also a context manager that
    removes it on leaving the block.

    >>> x = Value(2.0)
    >>> handle = x.register_hook(lambda g: g * 10)
    >>> (x * x).backward()
    >>> handle.remove()
    >>> (x * x).backward()
    >>> x.grad   # 40 with the hook, then 4 without it
    44.0
    """

    __slots__ = ("_id", "_value")

    def __init__(self, value: Value, hook_id: int) -> None:
        self._value = weakref.ref(value)
        self._id = hook_id

    def remove(self) -> None:
        """Take the hook away; removing it again does nothing.

        >>> x = Value(1.0)
        >>> h = x.register_hook(print)
        >>> h.remove(); h.remove()
        """
        value = self._value()
        hooks = _registry.get(value) if value is not None else None
        if value is not None and hooks is not None:
            hooks.pop(self._id, None)
            if not hooks:
                del _registry[value]  # an empty registry is what keeps hook-free sweeps free

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def register_hook(value: Value, hook: Hook) -> RemovableHandle:
    """`value.register_hook(hook)`, as a function.

    >>> x = Value(3.0)
    >>> _ = register_hook(x, lambda g: print("x gets", g))
    >>> (x * 2).backward()
    x gets 2.0
    """
    if not callable(hook):
        raise TypeError(f"register_hook: the hook must be callable, got {type(hook).__name__} ({hook!r})")
    if not value.requires_grad:
        raise RuntimeError(f"register_hook: {value!r} does not require grad, so no gradient will reach it")
    hook_id = next(_ids)
    _registry.setdefault(value, {})[hook_id] = hook
    return RemovableHandle(value, hook_id)


def active() -> bool:
    """Whether a sweep must look for hooks: some Value has one, and no re-run is going on.

    >>> x = Value(1.0)
    >>> with x.register_hook(print):
    ...     active()
    True
    """
    return bool(_registry) and not _state.paused


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No hook runs inside (a checkpoint's re-run: the outer pass runs the hooks of its inputs).

    >>> x = Value(1.0)
    >>> with x.register_hook(print), paused():
    ...     active()
    False
    """
    previous, _state.paused = _state.paused, True
    try:
        yield
    finally:
        _state.paused = previous


def run(value: Value, grad: Any, create_graph: bool) -> Any:
    """`grad` passed through `value`'s hooks, in the order they were registered.

    >>> x = Value(1.0)
    >>> _ = x.register_hook(lambda g: g * 2), x.register_hook(lambda g: g + 1)
    >>> run(x, 3.0, create_graph=False)
    7.0
    """
    for hook in list(_registry.get(value, {}).values()):  # a copy: a hook may remove itself
        result = hook(constant(grad) if create_graph and not isinstance(grad, Value) else grad)
        if result is not None:
            grad = _checked(result, hook, create_graph)
    return grad


def sweep(
    order: list[Value],
    create_graph: bool,
    towards: Iterable[Value],
    push: Callable[..., None],
    record: Callable[..., None] | None = None,
) -> None:
    """`push(order, create_graph, (), nodes, record)` (backward's sweep) with the hooks run on its
    way. A leaf's hooks see what this pass brings it, before it is added into its `.grad` (as
    PyTorch's AccumulateGrad); if the pass fails, each leaf gets back its `.grad`. With `towards`
    (grad()'s inputs), only the nodes on a path to them run hooks, as PyTorch.

    >>> from autodiff.backward import _sweep
    >>> x = Value(2.0)
    >>> y = x * x
    >>> _ = x.register_hook(lambda g: g * 10)
    >>> y.grad = 1.0
    >>> sweep([y], False, (), _sweep)
    >>> x.grad   # 0.0 before, plus ten times 4.0
    40.0
    """
    wanted = _on_the_way(order, towards)
    aside = [(leaf, leaf.grad) for leaf in list(_registry) if leaf._grad_fn is None and leaf in wanted]
    done = 0
    try:
        for leaf, _ in aside:
            leaf.grad = None
        push(order, create_graph, (), _hooked(order, create_graph, wanted), record)
        for leaf, old in aside:
            new = leaf.grad
            if new is None:  # not reached by this pass
                leaf.grad = old
            else:
                new = run(leaf, new, create_graph)
                leaf.grad = new if old is None else old + new
            done += 1
    except BaseException:
        for leaf, old in aside[done:]:
            leaf.grad = old
        raise


def _on_the_way(order: list[Value], towards: Iterable[Value]) -> Container[Value]:
    wanted = set(towards)
    if not wanted:
        return _Everything()
    for node in order:  # parents first
        if any(p in wanted for p in node.parents):
            wanted.add(node)
    return wanted


class _Everything:
    def __contains__(self, value: object) -> bool:
        return True


def _hooked(order: list[Value], create_graph: bool, wanted: Container[Value]) -> Iterator[Value]:
    # Last first: an interior node's gradient is complete, and its hooks run, before it is pushed.
    for node in reversed(order):
        if node._grad_fn is not None and node.grad is not None and node in _registry and node in wanted:
            node.grad = run(node, node.grad, create_graph)
        yield node


def _checked(result: Any, hook: Hook, create_graph: bool) -> Any:
    if isinstance(result, Value) and create_graph:
        return result
    if _is_number(result) and type(result) is not bool:
        return float(result)
    allowed = "None, a number or a Value (under create_graph=True)" if create_graph else "None or a number"
    hint = "" if create_graph or not isinstance(result, Value) else ": gradients are numbers unless create_graph=True"
    name = getattr(hook, "__qualname__", repr(hook))
    raise TypeError(
        f"register_hook: the hook {name} returned {type(result).__name__} ({result!r}); expected {allowed}{hint}"
    )
