"""Mutants that cannot change any result, each with its reason in one line.

A key is (target file, the line as written, the line as the mutant changes it), stripped.
"""

from __future__ import annotations

EQUIVALENT: dict[tuple[str, str, str], str] = {}
