"""README.md cannot drift from the code: its Python blocks run, and print what they say."""

from __future__ import annotations

import contextlib
import inspect
import io
import re
from pathlib import Path

import autodiff
import nn

README = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def _expected_prints(block: str) -> list[str]:
    """The `# ...` comment after each print(...) line: what that line shows (see `_shows`)."""
    return [m.group(1).strip() for m in re.finditer(r"^\s*print\(.*\)\s+#\s*(.*)$", block, flags=re.M)]


def _shows(want: str, got: str) -> bool:
    """Word by word: equal as printed, or, for a word ending in "...", its leading digits."""
    if want.endswith("..."):
        return got.startswith(want.removesuffix("..."))
    return got == want


def test_a_readme_word_must_match_whole_unless_it_ends_in_dots():
    assert _shows("6", "6") and _shows("-0.0295981...", "-0.029598156")
    assert not _shows("6", "60") and not _shows("0.69882", "0.698821") and not _shows("-0.0295981...", "-0.0295982")


def test_every_python_block_runs_and_prints_what_it_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(BLOCKS) >= 10
    for block in BLOCKS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        lines = out.getvalue().splitlines()
        expected = _expected_prints(block)
        assert len(lines) == len(expected), block
        for line, comment in zip(lines, expected):
            for want, got in zip(comment.split(), line.split(), strict=True):
                assert _shows(want, got), f"README says {comment!r}, the code printed {line!r}"


def test_every_public_name_is_in_the_api_overview():
    modules = {name for name in nn.__all__ if inspect.ismodule(getattr(nn, name))}  # shown as nn.init.xavier_...
    names = set(autodiff.__all__) | {"compile", "sum"} | set(nn.__all__) - modules
    missing = [name for name in sorted(names) if f"`{name}" not in README]
    missing += [f"nn.{name}" for name in sorted(modules) if f"`{name}`" not in README and f"`nn.{name}." not in README]
    assert not missing, missing
