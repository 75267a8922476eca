"""Graph recording on or off: `set_grad_enabled(mode)`, and `no_grad()`, `enable_grad()` for short."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar


class _GradMode:
    enabled = True


grad_mode = _GradMode()


@contextlib.contextmanager
def set_grad_enabled(mode: bool) -> Iterator[None]:
    """Record the graph inside if `mode`, else not, as `torch.set_grad_enabled` (here only a
    context manager).

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with set_grad_enabled(False):
    ...     b = a * 3
    >>> b.parents, b.requires_grad
    ((), False)
    """
    if type(mode) is not bool:
        raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__} ({mode!r})")
    previous = grad_mode.enabled
    grad_mode.enabled = mode
    try:
        yield
    finally:
        grad_mode.enabled = previous


F = TypeVar("F", bound=Callable[..., Any])


class _Switch(contextlib.ContextDecorator):
    """`set_grad_enabled(mode)` as a context manager and a decorator; a decorated generator
    function runs each step of its body in the mode (not only the call that makes the generator),
    as PyTorch's."""

    def __init__(self, mode: bool) -> None:
        self.mode = mode
        self.entered: list[contextlib.AbstractContextManager[None]] = []

    def __enter__(self) -> None:
        switch = set_grad_enabled(self.mode)
        switch.__enter__()
        self.entered.append(switch)

    def __exit__(self, *exc: Any) -> None:
        self.entered.pop().__exit__(*exc)

    def __call__(self, fn: F) -> F:
        if not inspect.isgeneratorfunction(fn):
            return super().__call__(fn)
        mode = self.mode

        @functools.wraps(fn)
        def generator(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            steps = fn(*args, **kwargs)
            try:
                with set_grad_enabled(mode):
                    response = steps.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with set_grad_enabled(mode):
                            steps.close()
                        raise
                    except BaseException as error:
                        with set_grad_enabled(mode):
                            response = steps.throw(error)
                    else:
                        with set_grad_enabled(mode):
                            response = steps.send(request)
            except StopIteration as stop:
                return stop.value

        return generator  # type: ignore[return-value]


def no_grad() -> _Switch:
    """`set_grad_enabled(False)`: Values made inside record no parents, so no graph is kept (inference).

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
    return _Switch(False)


def enable_grad() -> _Switch:
    """`set_grad_enabled(True)`: record again inside a `no_grad()` block (as `create_graph=True` does).

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with no_grad(), enable_grad():
    ...     b = a * 3
    >>> b.op, len(b.parents)
    ('*', 2)
    """
    return _Switch(True)
