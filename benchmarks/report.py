"""Tables for the terminal and for results.md: one markdown table per workload, with its
targets from the issue marked met or missed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Target:
    """One of the issue's targets: what it asks, what was measured, and whether it holds."""

    wanted: str
    measured: str
    met: bool

    def line(self) -> str:
        return f"- {'met' if self.met else 'MISSED'}: {self.wanted} (measured: {self.measured})"


@dataclass
class Section:
    """One workload's table, with a line saying what it measures and its targets."""

    title: str
    about: str
    header: list[str]
    rows: list[list[str]]
    targets: list[Target] = field(default_factory=list)
    chart: dict[str, float] = field(default_factory=dict)  # bar -> seconds, for results.png

    def markdown(self) -> str:
        """The section as markdown (which reads as well in a terminal).

        >>> print(Section("t", "What.", ["a", "b"], [["1", "22"]]).markdown())
        ## t
        <BLANKLINE>
        What.
        <BLANKLINE>
        | a | b  |
        |---|----|
        | 1 | 22 |
        """
        widths = [max(len(row[i]) for row in [self.header, *self.rows]) for i in range(len(self.header))]

        def line(cells: list[str]) -> str:
            return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths)) + " |"

        table = [line(self.header), "|" + "|".join("-" * (width + 2) for width in widths) + "|"]
        table += [line(row) for row in self.rows]
        targets = ["", *[t.line() for t in self.targets]] if self.targets else []
        return "\n".join([f"## {self.title}", "", self.about, "", *table, *targets])


def seconds(s: float) -> str:
    """A duration with a readable unit.

    >>> seconds(1.234), seconds(0.0456), seconds(0.000789)
    ('1.23 s', '45.6 ms', '789 µs')
    """
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} µs"


def per_node(s: float, nodes: int) -> str:
    """Seconds for `nodes` nodes, as nanoseconds per node: `per_node(0.5, 10**6)` is '500 ns'."""
    return f"{s / nodes * 1e9:.0f} ns"


def ratio(reference: float, value: float) -> str:
    """How many times `value` is smaller than `reference` (faster, or leaner).

    >>> ratio(2.0, 0.5), ratio(1.0, 1.0), ratio(1.0, 3.0), ratio(1234.0, 1.0)
    ('4.0x', '1.0x', '0.33x', '1234x')
    """
    r = reference / value
    return f"{r:.0f}x" if r >= 100 else f"{r:.2g}x" if r < 1 else f"{r:.1f}x"
