"""Progress bars for the training loops: shown on a terminal, silent in CI and in pipes."""

from __future__ import annotations

from collections.abc import Iterable

from tqdm import tqdm


def steps(n: int, what: str) -> Iterable[int]:
    """range(n) with a progress bar where there is a terminal to show it."""
    return tqdm(range(n), desc=what, leave=False, disable=None, mininterval=0.5)
