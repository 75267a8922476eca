"""Graph recording on or off, per thread as PyTorch's grad mode: `set_grad_enabled(mode)`,
`no_grad()`, `enable_grad()`, `is_grad_enabled()`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradMode(threading.local):
    # Class-level defaults: a new thread starts with grad on and nothing saved; one attribute
    # read per op.
    enabled = True
    saved: tuple[bool, ...] = ()  # the modes that the open no_grad()/enable_grad() blocks replaced


grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Whether this thread records the graph, as `torch.is_grad_enabled`.

    >>> with no_grad():
    ...     is_grad_enabled()
    False
    >>> is_grad_enabled()
    True
    """
    return grad_mode.enabled


def _checked_mode(mode: Any) -> bool:
    if type(mode) is not bool:
        raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__} ({mode!r})")
    return mode


class set_grad_enabled:
    """Record the graph in this thread if `mode`, else not, as `torch.set_grad_enabled`: at once
    when called, and as a context manager, the previous mode back on leaving the block.

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with set_grad_enabled(False):
    ...     b = a * 3
    >>> b.parents, b.requires_grad
    ((), False)
    >>> _ = set_grad_enabled(False); is_grad_enabled()
    False
    >>> _ = set_grad_enabled(True); is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self.previous = grad_mode.enabled
        grad_mode.enabled = _checked_mode(mode)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        grad_mode.enabled = self.previous


class _Switch(contextlib.ContextDecorator):
    """A block with grad mode set to `mode`: one object may be entered again, nested, and from
    several threads at once (the replaced mode is kept on the thread's own stack); as a
    decorator it also covers each step of a generator function."""

    mode = True

    def __enter__(self) -> None:
        grad_mode.saved = (*grad_mode.saved, grad_mode.enabled)
        grad_mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        *rest, grad_mode.enabled = grad_mode.saved
        grad_mode.saved = tuple(rest)

    def __call__(self, fn: F) -> F:
        if not inspect.isgeneratorfunction(fn):
            return super().__call__(fn)

        @functools.wraps(fn)
        def stepped(*args: Any, **kwargs: Any) -> Any:
            generator = fn(*args, **kwargs)
            resume: Callable[[Any], Any] = generator.send
            given: Any = None
            while True:
                try:
                    with self:
                        out = resume(given)
                except StopIteration as stop:
                    return stop.value
                try:
                    given, resume = (yield out), generator.send
                except GeneratorExit:
                    generator.close()
                    raise
                except BaseException as error:  # thrown in: passed on, in the mode
                    given, resume = error, generator.throw

        return stepped  # type: ignore[return-value]


class no_grad(_Switch):
    """Values made inside record no parents, so no graph is kept (inference), as `torch.no_grad`;
    also a decorator.

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with no_grad():
    ...     b = a * 3
    >>> b.parents
    ()
    >>> @no_grad()
    ... def triples():
    ...     yield a * 3   # the body too, not only the call, runs without recording
    >>> [t.parents for t in triples()]
    [()]
    """

    mode = False


class enable_grad(_Switch):
    """Record again inside a `no_grad()` block (as `create_graph=True` does), as `torch.enable_grad`.

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with no_grad(), enable_grad():
    ...     b = a * 3
    >>> b.op, len(b.parents)
    ('*', 2)
    """

    mode = True
