"""Numbers as the engine reads them (any real number, to a float) and shows them (repr, pictures)."""

from __future__ import annotations

import numbers
import sys
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .ops import Op


class WorldNumber(Protocol):
    """What `autodiff.apply` needs from a number of another world (forward mode's `Dual`): an op
    given one runs in that world, and `data` is the float that branches and checks read.
    Only the types that are neither Values nor numbers are asked, so the eager path stays short."""

    @property
    def data(self) -> float: ...

    @classmethod
    def __autodiff_apply__(cls, op: Op, *inputs: Any) -> Any: ...


def _shown(x: float) -> str:
    # As repr and the pictures show it: 4 decimals, scientific below 1e-4 and from 1e6.
    return f"{x:.4e}" if 0 < abs(x) < 1e-4 or abs(x) >= 1e6 else f"{x:.4f}"


def _is_number(x: Any) -> bool:
    # float and int first: the abstract-class check alone costs more than making the node.
    return type(x) is float or type(x) is int or isinstance(x, numbers.Real)


def _to_float(x: Any, where: str = "Value") -> float:
    if not _is_number(x):
        raise TypeError(f"{where}: expected an int, a float or a numpy scalar, got {type(x).__name__} ({x!r})")
    try:
        return float(x)
    except OverflowError:  # an int beyond 1.8e308, shown rounded: it may have thousands of digits
        import decimal  # here: importing it costs a tenth of `import autodiff`

        shown = f"{decimal.Decimal(int(x)):.4e}"
        raise ValueError(f"{where}: {shown} is too large for a float (at most {sys.float_info.max:.4g})") from None
