"""Where an op is undefined: each error message once, for the float and the array worlds.

A message is a template whose fields are the operands (`str.format`); the array world fills
them from the first element that fails.
"""

from __future__ import annotations

LOG = "log: undefined for negative input {!r}"
LOG1P = "log1p: undefined for input {!r} < -1"
SQRT = "sqrt: undefined for negative input {!r}"
DIVISION = "div: cannot divide {!r} by zero ({!r})"
ZERO_TO_NEGATIVE_POWER = "pow: zero cannot be raised to the negative power {!r}"
NEGATIVE_BASE = "pow: negative base {!r} to the non-integer power {!r} is not real"
# d/db a**b = a**b * log(a) needs a > 0 (or a == 0 with b >= 0).
NEGATIVE_BASE_UNDER_VALUE = "pow: base {!r} is negative under a Value exponent (its gradient needs log(base))"


class DivisionByZeroError(ZeroDivisionError, ValueError):
    """Division by zero: a domain error, so a `ValueError` as every other one here, and still a
    `ZeroDivisionError` as Python's own, so that either `except` catches it.

    >>> from autodiff import Value
    >>> try:
    ...     Value(1.0) / 0
    ... except ValueError as error:
    ...     print(error, isinstance(error, ZeroDivisionError))
    div: cannot divide 1.0 by zero (0.0) True
    """


ASIN = "asin: undefined for input {!r} outside [-1, 1]"
ACOS = "acos: undefined for input {!r} outside [-1, 1]"
ACOSH = "acosh: undefined for input {!r} < 1"
ATANH = "atanh: undefined for input {!r} outside [-1, 1]"
LOG2 = "log2: undefined for negative input {!r}"
LOG10 = "log10: undefined for negative input {!r}"
REMAINDER = "remainder: cannot take {!r} modulo zero ({!r})"
FLOOR_DIVIDE = "floor_divide: cannot divide {!r} by zero ({!r})"
