"""`no_grad()`: switch off graph recording, for inference."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class _GradMode:
    enabled = True


grad_mode = _GradMode()


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Values made inside record no parents, so no graph is kept.

    >>> from autodiff import Value, no_grad
    >>> a = Value(2.0)
    >>> with no_grad():
    ...     b = a * 3
    >>> b.parents
    ()
    """
    previous = grad_mode.enabled
    grad_mode.enabled = False
    try:
        yield
    finally:
        grad_mode.enabled = previous


@contextlib.contextmanager
def enable_grad() -> Iterator[None]:
    """Record the graph again, inside a `no_grad()` block (used by `create_graph=True`).

    >>> from autodiff import Value
    >>> a = Value(2.0)
    >>> with no_grad(), enable_grad():
    ...     b = a * 3
    >>> b.op, len(b.parents)   # recorded: without enable_grad() it would be ('', 0)
    ('*', 2)
    """
    previous = grad_mode.enabled
    grad_mode.enabled = True
    try:
        yield
    finally:
        grad_mode.enabled = previous
