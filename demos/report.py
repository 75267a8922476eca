"""The shared summary table: each demo's quoted numbers beside the ones it computed."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

OUT_DIR = "out"


@dataclass
class Check:
    """One quoted number and our computed one.

    `tolerance` is how far the computed number may be from the quoted one (for a number quoted
    as text, see `quoted_digits`). `expect_match=False` marks a quoted number the demo shows to
    be wrong; `note` says why, in the table.
    """

    example: str
    quantity: str
    quoted: float | str
    computed: float | str
    tolerance: float = 0.0
    expect_match: bool = True
    note: str = ""
    quoted_text: str = ""  # the quoted number exactly as the tutorial prints it

    @property
    def matches(self) -> bool:
        if isinstance(self.quoted, str) or isinstance(self.computed, str):
            return self.quoted == self.computed
        return abs(self.computed - self.quoted) <= self.tolerance

    @property
    def as_expected(self) -> bool:
        return self.matches == self.expect_match


# A whole number is quoted exactly: it may differ by float rounding only, relative to max(1, |x|).
ROUNDING = 1e-12


def quoted_digits(quoted: str) -> float:
    """The tolerance for a number as quoted: one unit in the last digit of a decimal ("0.3775" ->
    0.0001: tutorials round, and sometimes truncate), float rounding for a whole number ("3").
    """
    if "." not in quoted:
        return ROUNDING * max(1.0, abs(float(quoted)))
    return 10.0 ** -len(quoted.split(".")[1])


def check(example: str, quantity: str, quoted: str, computed: float, **kwargs) -> Check:
    """A Check against a number quoted as text, to the precision it was quoted with."""
    return Check(example, quantity, float(quoted), computed, quoted_digits(quoted), quoted_text=quoted, **kwargs)


def table(checks: Sequence[Check]) -> str:
    """The summary table, one row per check; the last column says why a quote differs."""
    rows = [("example", "quantity", "quoted", "computed", "match", "note")]
    for c in checks:
        verdict = "yes" if c.matches else "no"
        if not c.expect_match:
            verdict += " (quoted is wrong, as expected)" if not c.matches else " (expected a mismatch!)"
        elif not c.matches:
            verdict += "  <-- DISAGREES"
        rows.append((c.example, c.quantity, c.quoted_text or _show(c.quoted), _show(c.computed), verdict, c.note))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [("  ".join(cell.ljust(w) for cell, w in zip(r, widths)) + "  " + r[5]).rstrip() for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _show(x: float | str) -> str:
    return x if isinstance(x, str) else number(x, ".8g")


def number(x: float, spec: str) -> str:
    """`x` formatted by `spec`, but a zero without a sign (a space where `spec` asks for "+"):
    -0.0 (a negative times 0.0, say) is the same number as 0.0, and "-0" beside "+0" would read
    as a difference. Any other number keeps its sign, however small, so a real difference shows.

    >>> number(-0.0, "+.4f"), number(0.0, "+.4f"), number(-1e-9, "+.4f"), number(-0.0, ".8g")
    (' 0.0000', ' 0.0000', '-0.0000', '0')
    """
    return format(0.0, spec.replace("+", " ")) if x == 0 else format(x, spec)


def out_path(name: str) -> str:
    """A path in out/ (created on demand) for a demo's picture."""
    os.makedirs(OUT_DIR, exist_ok=True)
    return os.path.join(OUT_DIR, name)


def main(description: str, run: Callable[..., list[Check]], flags: dict[str, str] | None = None) -> int:
    """The command line every demo shares: `--fast` (and the demo's own `flags`, passed to `run`
    as keywords), then its table; exit 1 on a disagreement."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fast", action="store_true", help="fewer training steps (used by the tests)")
    for flag, help_text in (flags or {}).items():
        parser.add_argument(f"--{flag}", action="store_true", help=help_text)
    args = vars(parser.parse_args())
    checks = run(**args)
    print()
    print(table(checks))
    return 0 if all(c.as_expected for c in checks) else 1
