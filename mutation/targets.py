"""The files that `make mutation` mutates, each with the quick tests that cover it (no torch).

The target file's own doctests run too.
"""

from __future__ import annotations

TIMEOUT = 30.0  # seconds per mutant: one that runs longer (an endless loop) counts as killed

RULES = "tests/autodiff/test_rules.py"
WORLDS = "tests/autodiff/test_worlds.py"

TARGETS: dict[str, list[str]] = {
    "autodiff/ops.py": [RULES, WORLDS],
    "autodiff/worlds/__init__.py": [RULES, WORLDS],
    "autodiff/worlds/arrays.py": [RULES, WORLDS],
    "autodiff/worlds/domain.py": [RULES, WORLDS],
    "autodiff/worlds/floats.py": [RULES, WORLDS],
    "autodiff/worlds/values.py": [RULES, WORLDS],
    "autodiff/backward.py": [RULES],
    "autodiff/tangents.py": [RULES],
    "autodiff/compiled/__init__.py": [RULES],
    "autodiff/compiled/graph.py": [RULES],
    "autodiff/compiled/plan.py": [RULES],
    "autodiff/compiled/replay.py": [RULES],
    "autodiff/compiled/trace.py": [RULES],
    "nn/losses.py": [RULES],
    "nn/optim.py": [RULES],
}
