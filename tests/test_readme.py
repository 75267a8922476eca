"""README.md cannot drift from the code: its Python blocks run, and print what they say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import autodiff
import nn

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def _expected_prints(block: str) -> list[str]:
    """The `# ...` comment after each print(...) line: what that line shows (a prefix of it)."""
    return [m.group(1).strip() for m in re.finditer(r"^\s*print\(.*\)\s+#\s*(.*)$", block, flags=re.M)]


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
            # Word by word; a word ending in "..." quotes the leading digits only.
            for want, got in zip(comment.split(), line.split(), strict=True):
                assert got.startswith(want.removesuffix("...")), f"README says {comment!r}, the code printed {line!r}"


def test_every_public_name_is_in_the_api_overview():
    names = set(autodiff.__all__) | {"compile", "sum"} | set(nn.__all__) - {"init"}
    missing = [name for name in sorted(names) if f"`{name}" not in README]
    assert not missing, missing
