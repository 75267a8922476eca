"""`detect_anomaly()`: stop at the first op whose forward or backward makes a NaN or an infinity."""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
import weakref
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import Any

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class _AnomalyMode:
    """`enabled`: some thread is inside `detect_anomaly()`, the one cheap look that each op
    takes; whether this thread is, and where its nodes were made, are the thread's own."""

    def __init__(self) -> None:
        self.enabled = 0  # how many blocks are open, over all threads
        self._lock = threading.Lock()
        self._here = _ThreadAnomaly()

    @property
    def here(self) -> bool:
        """Whether this thread is inside `detect_anomaly()`."""
        return self._here.depth > 0

    @property
    def origins(self) -> weakref.WeakKeyDictionary[Any, str]:
        """Where each node of this thread's block was made: the user's source line. Weak keys, so
        that a graph dropped inside the block is still freed at once."""
        return self._here.origins

    def _enter(self) -> weakref.WeakKeyDictionary[Any, str]:
        with self._lock:
            self.enabled += 1
        here = self._here
        previous, here.origins = here.origins, weakref.WeakKeyDictionary()
        here.depth += 1
        return previous

    def _exit(self, previous: weakref.WeakKeyDictionary[Any, str]) -> None:
        here = self._here
        here.depth -= 1
        here.origins = previous
        with self._lock:
            self.enabled -= 1


class _ThreadAnomaly(threading.local):
    def __init__(self) -> None:  # run in each thread, on its first look
        self.depth = 0
        self.origins: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


anomaly_mode = _AnomalyMode()


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside, in this thread, a NaN or infinity from any op's forward or backward raises
    `FloatingPointError` naming the op, its operands and where the offending Value was made.
    Other threads are not checked (PyTorch's mode is process-wide and checks in backward only).
    Outside, no cost.

    >>> from autodiff import Value, detect_anomaly
    >>> with detect_anomaly():
    ...     Value(1000.0, label="x").exp()
    Traceback (most recent call last):
    FloatingPointError: exp forward gave inf from operands (x=1000.0), at ...
    """
    previous = anomaly_mode._enter()
    try:
        yield
    finally:
        anomaly_mode._exit(previous)


def check_forward(op_name: str, parents: Sequence[Any], out: Any) -> None:
    """Called for each new node while anomaly mode is on.

    >>> from autodiff import Value
    >>> with detect_anomaly():
    ...     check_forward("exp", [Value(1000.0)], Value(float("inf")))
    Traceback (most recent call last):
    FloatingPointError: exp forward gave inf ...
    """
    if not anomaly_mode.here:  # another thread's block
        return
    site = _user_site()
    if not math.isfinite(out.data):
        raise FloatingPointError(f"{op_name} forward gave {out.data} from operands ({_show(parents)}), at {site}")
    anomaly_mode.origins[out] = site


def check_backward(node: Any, local: Sequence[Any]) -> None:
    """Called with each node's input gradients while anomaly mode is on.

    >>> from autodiff import Value
    >>> x = Value(0.0, label="x")
    >>> check_backward(x.sqrt(), [float("inf")])
    Traceback (most recent call last):
    FloatingPointError: sqrt backward gave inf ...
    """
    for i, d in enumerate(local):
        value = d.data if hasattr(d, "data") else d
        if not math.isfinite(value):
            made = anomaly_mode.origins.get(node, "outside detect_anomaly()")
            name = f" {node.label!r}" if node.label else ""
            raise FloatingPointError(
                f"{node.op} backward gave {value} for operand {i} of ({_show(node.parents)}); "
                f"the node{name} (data={node.data}) was made at {made}"
            )


def _show(values: Sequence[Any]) -> str:
    return ", ".join(f"{v.label}={v.data!r}" if v.label else repr(v.data) for v in values)


def _user_site() -> str:
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _PACKAGE_DIR:
        frame = frame.f_back
    if frame is None:
        return "an unknown place"
    return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"
