"""Graph recording on or off: `set_grad_enabled(mode)`, and `no_grad()`, `enable_grad()` for short."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


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


def no_grad() -> contextlib.AbstractContextManager[None]:
    """`set_grad_enabled(False)`: Values made inside record no parents, so no graph is kept (inference).

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with no_grad():
    ...     b = a * 3
    >>> b.parents
    ()
    """
    return set_grad_enabled(False)


def enable_grad() -> contextlib.AbstractContextManager[None]:
    """`set_grad_enabled(True)`: record again inside a `no_grad()` block (as `create_graph=True` does).

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with no_grad(), enable_grad():
    ...     b = a * 3
    >>> b.op, len(b.parents)
    ('*', 2)
    """
    return set_grad_enabled(True)
