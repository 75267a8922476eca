"""Argument checks for nn's public functions: an error that names the function and the value.

A value of the wrong type is a `TypeError`; a value of the right type outside its domain (a size
of 0, a negative rate, an unknown name) is a `ValueError`. Each check returns the value in the
form the caller goes on to use (an int, a float, a list).

>>> positive_int("Layer", "nout", 3)
3
>>> positive_int("Layer", "nout", 0)
Traceback (most recent call last):
ValueError: Layer: nout should be a positive int, got 0
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Collection, Sequence
from typing import Any


def positive_int(who: str, what: str, x: Any) -> int:
    """`x` as an int >= 1 (numpy integers too; a bool or a float is a TypeError).

    >>> positive_int("fit", "epochs", 2.0)
    Traceback (most recent call last):
    TypeError: fit: epochs should be a positive int, got float (2.0)
    """
    if not isinstance(x, numbers.Integral) or isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a positive int, got {type(x).__name__} ({x!r})")
    if x < 1:
        raise ValueError(f"{who}: {what} should be a positive int, got {x!r}")
    return int(x)


def number(who: str, what: str, x: Any) -> float:
    """`x` as a float, for any real number but a bool (numpy scalars too).

    >>> number("uniform_", "a", -1), number("uniform_", "b", "1")
    Traceback (most recent call last):
    TypeError: uniform_: b should be a number, got str ('1')
    """
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a number, got {type(x).__name__} ({x!r})")
    return float(x)


def non_negative(who: str, what: str, x: Any) -> float:
    """`x` as a float >= 0 (nan is not).

    >>> non_negative("SGD", "momentum", 0.9)
    0.9
    >>> non_negative("SGD", "lr", float("nan"))
    Traceback (most recent call last):
    ValueError: SGD: lr should be a number >= 0, got nan
    """
    value = number(who, what, x)
    if not value >= 0:
        raise ValueError(f"{who}: {what} should be a number >= 0, got {x!r}")
    return value


def positive(who: str, what: str, x: Any) -> float:
    """`x` as a float > 0.

    >>> positive("Perceptron.fit", "lr", 0)
    Traceback (most recent call last):
    ValueError: Perceptron.fit: lr should be a positive number, got 0
    """
    value = number(who, what, x)
    if not value > 0:
        raise ValueError(f"{who}: {what} should be a positive number, got {x!r}")
    return value


def flag(who: str, what: str, x: Any) -> bool:
    """`x`, which should be True or False (1, None or a numpy bool is a TypeError).

    >>> flag("Module.zero_grad", "set_to_none", 1)
    Traceback (most recent call last):
    TypeError: Module.zero_grad: set_to_none should be a bool, got int (1)
    """
    if not isinstance(x, bool):
        raise TypeError(f"{who}: {what} should be a bool, got {type(x).__name__} ({x!r})")
    return x


def keys(who: str, expected_what: str, x: Any, expected: Collection[str]) -> dict[Any, Any]:
    """`x`, a dict with exactly the keys `expected`: anything but a dict is a TypeError (saying
    it expected `expected_what`), a key missing or unexpected a ValueError naming them all.

    >>> keys("SGD.load_state_dict", "a state dict", {"state": {}}, ["state", "param_groups"])
    Traceback (most recent call last):
    ValueError: SGD.load_state_dict: missing keys ['param_groups'], unexpected keys []
    """
    if not isinstance(x, dict):
        raise TypeError(f"{who}: expected {expected_what}, got {type(x).__name__}")
    missing = sorted(set(expected) - x.keys(), key=str)
    unexpected = sorted(x.keys() - set(expected), key=str)  # str: saved keys may be of any type
    if missing or unexpected:
        raise ValueError(f"{who}: missing keys {missing}, unexpected keys {unexpected}")
    return x


def choice(who: str, what: str, x: Any, choices: Sequence[str]) -> str:
    """`x`, one of the names in `choices`.

    >>> choice("mse_loss", "reduction", "avg", ("mean", "sum", "none"))
    Traceback (most recent call last):
    ValueError: mse_loss: unknown reduction 'avg'; expected one of 'mean', 'sum', 'none'
    """
    if not isinstance(x, str):
        raise TypeError(f"{who}: {what} should be a str, one of {_listed(choices)}; got {type(x).__name__} ({x!r})")
    if x not in choices:
        raise ValueError(f"{who}: unknown {what} {x!r}; expected one of {_listed(choices)}")
    return x


def items(who: str, expected: str, x: Any) -> list[Any]:
    """The items of `x`, any iterable but a string (a list, a tuple, a 1-d array, a generator...).

    `expected` says what was wanted, for the error.

    >>> items("MLP", "a list of layer sizes", (4, 1))
    [4, 1]
    >>> items("MLP", "a list of layer sizes", 4)
    Traceback (most recent call last):
    TypeError: MLP: expected a list of layer sizes, got int (4)
    """
    try:
        iterator = iter(x) if not isinstance(x, (str, bytes)) else None
    except TypeError:  # not iterable (a number, a Value, a 0-d numpy array)
        iterator = None
    if iterator is None:
        raise TypeError(f"{who}: expected {expected}, got {type(x).__name__} ({x!r})")
    return list(iterator)


def path(who: str, x: Any) -> str | os.PathLike[str]:
    """`x`, a file's path: a str or a path object (an int would be taken as a file descriptor).

    >>> path("MLP.save", 3)
    Traceback (most recent call last):
    TypeError: MLP.save: the path should be a str or a pathlib.Path, got int (3)
    """
    if not isinstance(x, (str, os.PathLike)):
        raise TypeError(f"{who}: the path should be a str or a pathlib.Path, got {type(x).__name__} ({x!r})")
    return x


def _listed(choices: Sequence[str]) -> str:
    return ", ".join(map(repr, choices))
