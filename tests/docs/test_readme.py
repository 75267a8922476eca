"""The README and the pages of the site cannot drift from the code: their Python blocks run, and
print what they say. And every public name is explained on some page of the guides."""

from __future__ import annotations

import contextlib
import inspect
import io
import re
from pathlib import Path

import pytest

import autodiff
import nn

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = {
    path.relative_to(ROOT).as_posix(): path.read_text()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
}
BLOCKS = {page: re.findall(r"```python\n(.*?)```", text, flags=re.S) for page, text in PAGES.items()}
# Pages that quote the code's output or its commands rather than run code: the changelog, the
# benchmark tables, the list of demos (`make demo` runs them, and the tests too).
WITHOUT_EXAMPLES = {"docs/changelog.md", "docs/demos.md", "docs/playground.md", "docs/speed.md"}


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


def test_every_page_but_the_quoting_ones_has_examples():
    assert {"README.md", "docs/index.md", "docs/values.md"} <= PAGES.keys()
    assert [page for page, blocks in BLOCKS.items() if not blocks] == sorted(WITHOUT_EXAMPLES & PAGES.keys())
    assert sum(map(len, BLOCKS.values())) >= 20


@pytest.mark.parametrize("page", sorted(page for page, blocks in BLOCKS.items() if blocks))
def test_every_python_block_runs_and_prints_what_it_says(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for block in BLOCKS[page]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, page, "exec"), {})
        lines = out.getvalue().splitlines()
        expected = _expected_prints(block)
        assert len(lines) == len(expected), block
        for line, comment in zip(lines, expected):
            for want, got in zip(comment.split(), line.split(), strict=True):
                assert _shows(want, got), f"{page} says {comment!r}, the code printed {line!r}"


def test_every_public_name_is_explained_in_the_guides():
    guides = "\n".join(text for page, text in PAGES.items() if page.startswith("docs/"))
    modules = {name for name in nn.__all__ if inspect.ismodule(getattr(nn, name))}  # shown as nn.init.xavier_...
    names = set(autodiff.__all__) | {"compile", "sum"} | set(nn.__all__) - modules
    missing = [name for name in sorted(names) if f"`{name}" not in guides]
    missing += [f"nn.{name}" for name in sorted(modules) if f"`{name}`" not in guides and f"`nn.{name}." not in guides]
    assert not missing, missing
