"""A griffe extension for the API reference: the `>>>` examples of a docstring become `pycon` code
blocks (markdown would read their `>` as quotes). A doctest block runs to the next blank line."""

from __future__ import annotations

import re
from typing import Any

import griffe

DOCTEST = re.compile(r"^([ \t]*)>>> .*?(?=\n[ \t]*\n|\Z)", flags=re.M | re.S)


def fence(text: str) -> str:
    """Each doctest block of `text` inside a ```pycon fence, at its own indentation."""
    return DOCTEST.sub(lambda m: f"{m.group(1)}```pycon\n{m.group(0)}\n{m.group(1)}```", text)


class DoctestFences(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence(obj.docstring.value)
