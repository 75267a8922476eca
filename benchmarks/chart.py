"""results.png: the tables' headline times as bar charts, one panel per table (log scale)."""

from __future__ import annotations

from pathlib import Path

from .report import Section


def draw(sections: list[Section], path: Path) -> None:
    """One horizontal bar chart per section, of its `chart` figures (seconds), written to `path`."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(sections), 1, figsize=(9, 2.2 + 0.42 * sum(len(s.chart) for s in sections)))
    for ax, section in zip([axes] if len(sections) == 1 else axes, sections):
        labels, times = list(section.chart), list(section.chart.values())
        ax.barh(labels, times, color=["tab:orange" if "ours" in label else "tab:gray" for label in labels])
        ax.set_xscale("log")
        ax.invert_yaxis()
        ax.set_title(section.title, loc="left", fontsize=10)
        ax.set_xlabel("seconds (log scale)" if section.title != "ops" else "seconds per node (log scale)")
        for y, t in enumerate(times):
            ax.text(t, y, f" {_short(t)}", va="center", fontsize=8)
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _short(s: float) -> str:
    return (
        f"{s:.2f} s"
        if s >= 1
        else f"{s * 1e3:.3g} ms"
        if s >= 1e-3
        else f"{s * 1e6:.3g} µs"
        if s >= 1e-6
        else f"{s * 1e9:.0f} ns"
    )
