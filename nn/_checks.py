"""Argument checks for nn's public functions: an error that names the function and the value (a
`TypeError` or a `ValueError`); each returns the value as the caller goes on to use it."""

from __future__ import annotations

import numbers
import os
from collections.abc import Collection, Sequence
from typing import Any


def positive_int(who: str, what: str, x: Any) -> int:
    if not isinstance(x, numbers.Integral) or isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a positive int, got {type(x).__name__} ({x!r})")
    if x < 1:
        raise ValueError(f"{who}: {what} should be a positive int, got {x!r}")
    return int(x)


def number(who: str, what: str, x: Any) -> float:
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a number, got {type(x).__name__} ({x!r})")
    return float(x)


def non_negative(who: str, what: str, x: Any) -> float:
    value = number(who, what, x)
    if not value >= 0:
        raise ValueError(f"{who}: {what} should be a number >= 0, got {x!r}")
    return value


def positive(who: str, what: str, x: Any) -> float:
    value = number(who, what, x)
    if not value > 0:
        raise ValueError(f"{who}: {what} should be a positive number, got {x!r}")
    return value


def flag(who: str, what: str, x: Any) -> bool:
    if not isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a bool, got {type(x).__name__} ({x!r})")
    return x


def keys(who: str, expected_what: str, x: Any, expected: Collection[str]) -> dict[Any, Any]:
    if not isinstance(x, dict):
        raise TypeError(f"{who}: expected {expected_what}, got {type(x).__name__}")
    missing = sorted(set(expected) - x.keys(), key=str)
    unexpected = sorted(x.keys() - set(expected), key=str)  # str: saved keys may be of any type
    if missing or unexpected:
        raise ValueError(f"{who}: missing keys {missing}, unexpected keys {unexpected}")
    return x


def choice(who: str, what: str, x: Any, choices: Sequence[str]) -> str:
    if not isinstance(x, str):
        raise TypeError(f"{who}: {what} should be a str, one of {_listed(choices)}; got {type(x).__name__} ({x!r})")
    if x not in choices:
        raise ValueError(f"{who}: unknown {what} {x!r}; expected one of {_listed(choices)}")
    return x


def items(who: str, expected: str, x: Any) -> list[Any]:
    try:
        iterator = iter(x) if not isinstance(x, (str, bytes)) else None
    except TypeError:  # not iterable (a number, a Value, a 0-d numpy array)
        iterator = None
    if iterator is None:
        raise TypeError(f"{who}: expected {expected}, got {type(x).__name__} ({x!r})")
    return list(iterator)


def path(who: str, x: Any) -> str | os.PathLike[str]:
    # Not an int, which open() would take as a file descriptor.
    if not isinstance(x, (str, os.PathLike)):
        raise TypeError(f"{who}: the path should be a str or a pathlib.Path, got {type(x).__name__} ({x!r})")
    return x


def _listed(choices: Sequence[str]) -> str:
    return ", ".join(map(repr, choices))
