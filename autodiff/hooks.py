"""Gradient hooks: `Value.register_hook(fn)`, as `torch.Tensor.register_hook`.

A Value's hooks live on the Value (its `_hooks` slot, a tuple replaced whole on each change, so
that a sweep in another thread reads a consistent one): they are freed with it. Only a count of
the Values that carry the slot is process-wide: while it is zero, a sweep looks at no node.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import weakref
from collections.abc import Callable, Container, Iterable, Iterator
from typing import Any

from ._numbers import _is_number
from .value import Value, constant

Hook = Callable[[Any], Any]

_ids = itertools.count()
_lock = threading.RLock()  # for registering and removing from several threads; a finalizer may run inside


class _Hooked:
    values = 0  # Values alive that have had a hook: a count, no reference to any


_hooked = _Hooked()


class _Paused(threading.local):
    paused = False  # set while a checkpoint re-runs its function in this thread: not the user's pass


_state = _Paused()


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
        if value is not None:
            with _lock:
                value._hooks = tuple([entry for entry in value._hooks if entry[0] != self._id])

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
    with _lock:
        hook_id = next(_ids)
        value._hooks = (*_of(value), (hook_id, hook))
    return RemovableHandle(value, hook_id)


def _of(value: Value) -> tuple[tuple[int, Hook], ...]:
    try:
        return value._hooks
    except AttributeError:  # the slot is set on a Value's first hook only (ops make nodes without it)
        _hooked.values += 1
        weakref.finalize(value, _forget).atexit = False
        return ()


def _forget() -> None:
    with _lock:
        _hooked.values -= 1


def active() -> bool:
    """Whether a sweep must look for hooks: some Value has had one, and this thread is not
    re-running a checkpoint.

    >>> x = Value(1.0)
    >>> with x.register_hook(print):
    ...     active()
    True
    """
    return _hooked.values > 0 and not _state.paused


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No hook runs inside, in this thread (a checkpoint's re-run: the outer pass runs the hooks
    of its inputs).

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
    try:
        found = value._hooks  # this tuple: a hook may remove itself, another thread add one
    except AttributeError:
        return grad
    for _, hook in found:
        result = hook(constant(grad) if create_graph and not isinstance(grad, Value) else grad)
        if result is not None:
            grad = _checked(result, hook, create_graph)
    return grad


def on_the_way(order: list[Value], towards: Iterable[Value]) -> Container[Value]:
    """The nodes of `order` (parents first) on a path to `towards` (grad()'s inputs), whose
    hooks run, as PyTorch; every node if `towards` is empty (backward).

    >>> a, b = Value(1.0), Value(2.0)
    >>> c, d = a * 2, b * 2
    >>> e = c + d
    >>> sorted(v.data for v in [a, b, c, d, e] if v in on_the_way([a, b, c, d, e], [a]))
    [1.0, 2.0, 6.0]
    """
    wanted = set(towards)
    if not wanted:
        return _Everything()
    for node in order:
        if any(p in wanted for p in node.parents):
            wanted.add(node)
    return wanted


class _Everything:
    def __contains__(self, value: object) -> bool:
        return True


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
