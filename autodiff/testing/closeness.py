"""The one rule by which `autodiff.testing` calls two numbers equal (`is_close`), and `assert_close`."""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ..gradcheck import _table
from ..value import Value

TINY = sys.float_info.min


def is_close(ours: float, theirs: float, rtol: float = 1e-12, atol: float = 0.0, equal_nan: bool = True) -> bool:
    """Whether `ours` matches the reference `theirs`: `|ours - theirs| <= max(atol, rtol *
    max(|theirs|, TINY))`, relative to the reference so that a tiny number is held to its own
    digits; the larger of the two bounds, not their sum (torch.testing's), never looser than either.
    Below `TINY`, the smallest normal float, numbers carry fewer digits than rtol asks: where
    torch gives 0, ours must be 0 or a subnormal. An infinity equals only itself; nan equals
    nan unless `equal_nan=False`.

    >>> is_close(1.0 + 1e-13, 1.0), is_close(1e-20, 2e-20), is_close(1e-20, 2e-20, atol=1e-15)
    (True, False, True)
    >>> is_close(1e-300, 0.0), is_close(5e-324, 0.0)
    (False, True)
    >>> is_close(math.nan, math.nan), is_close(math.inf, 1e308)
    (True, False)
    """
    if math.isnan(ours) or math.isnan(theirs):
        return equal_nan and math.isnan(ours) and math.isnan(theirs)
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    return abs(ours - theirs) <= max(atol, rtol * max(abs(theirs), TINY))


def assert_close(
    ours: Any, theirs: Any, *, rtol: float = 1e-12, atol: float = 0.0, equal_nan: bool = True, what: str = ""
) -> None:
    """Compare numbers, Values, torch tensors, numpy arrays or (nested) lists of them, element by
    element after flattening, as torch.testing.assert_close; an `AssertionError` lists every
    mismatch in a table. `what`, where given, opens the report.

    >>> assert_close([1.0, [2.0, 3.0]], [1.0, 2.0, 3.0 + 1e-13])
    >>> try:
    ...     assert_close([1.0, 2.0], [1.0, 2.5])
    ... except AssertionError as error:
    ...     print(error)
    1 of 2 numbers differ (rtol=1e-12, atol=0.0):
      index ours                     expected                 error
      1     2.0                      2.5                      0.5
    """
    a, b = flat(ours, "assert_close"), flat(theirs, "assert_close")
    if len(a) != len(b):
        raise AssertionError(f"{what or 'assert_close'}: {len(a)} numbers against {len(b)} expected")
    rows = [(str(i), x, y) for i, (x, y) in enumerate(zip(a, b)) if not is_close(x, y, rtol, atol, equal_nan)]
    if rows:
        opening = f"{what}: " if what else ""
        head = f"{opening}{len(rows)} of {len(a)} numbers differ (rtol={rtol}, atol={atol}):"
        raise AssertionError(f"{head}\n{_mismatch_table(('index',), rows, 'expected')}")


def _mismatch_table(keys: Sequence[str], rows: Iterable[tuple[Any, ...]], reference: str = "torch") -> str:
    # Each row: the key cells, then ours and the reference's number.
    cells = [(*(str(k) for k in row[:-2]), repr(row[-2]), repr(row[-1]), _error(row[-2], row[-1])) for row in rows]
    widths = [max(len(keys[i]), *(len(c[i]) for c in cells)) for i in range(len(keys))] + [24, 24]
    return _table((*keys, "ours", reference, "error"), cells, widths)


def _error(ours: float, theirs: float) -> str:
    return f"{abs(ours - theirs):.3g}"


def flat(x: Any, where: str) -> list[float]:
    """Numbers, Values, tensors, arrays and nested lists of them, as one flat list of floats.

    >>> flat([1, [Value(2.0)], (3.5,)], "example")
    [1.0, 2.0, 3.5]
    """
    if isinstance(x, Value):
        return [x.data]
    if isinstance(x, numbers.Real):
        return [float(x)]
    if hasattr(x, "detach"):  # a torch tensor, without importing torch
        x = x.detach().reshape(-1).tolist()
    elif hasattr(x, "tolist"):  # a numpy array
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in flat(item, where)]
    if isinstance(x, numbers.Real):  # a 0-d tensor or array's tolist()
        return [float(x)]
    raise TypeError(f"{where}: expected numbers, Values, tensors or lists of them, got {type(x).__name__} ({x!r})")
