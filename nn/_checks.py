"""Argument checks for nn's public functions: an error that names the function and the value (a
`TypeError` or a `ValueError`); each returns the value as the caller goes on to use it."""

from __future__ import annotations

import numbers
import os
import sys
from collections.abc import Collection, Sequence
from typing import Any

from autodiff._numbers import _to_float

# A module's parameters are Values of some 150 bytes each: past this many (600 GB), a size is a
# mistake, refused before anything is made.
MAX_PARAMETERS = 2**32


def positive_int(who: str, what: str, x: Any, most: int = sys.maxsize) -> int:
    """`x` as an int from 1 to `most` (by default, what a list can hold), checked before it is used."""
    if not isinstance(x, numbers.Integral) or isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a positive int, got {type(x).__name__} ({x!r})")
    n = int(x)
    if n < 1:
        raise ValueError(f"{who}: {what} should be a positive int, got {x!r}")
    if n > most:
        raise ValueError(f"{who}: {what} should be at most {most}, got {_int_shown(n)}")
    return n


def parameter_count(who: str, count: int) -> int:
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{who}: these sizes make {_int_shown(count)} parameters, more than {MAX_PARAMETERS} "
            "(each is a Value of some 150 bytes)"
        )
    return count


def _int_shown(x: int) -> str:
    if x.bit_length() < 64:
        return repr(x)
    import decimal  # here: importing it costs a tenth of `import autodiff`

    return f"{decimal.Decimal(int(x)):.4e}"  # it may have thousands of digits


def number(who: str, what: str, x: Any) -> float:
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a number, got {type(x).__name__} ({x!r})")
    return _to_float(x, f"{who}: {what}")  # an int too large for a float is a ValueError


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
