"""The files that `make mutation` mutates, each with the quick tests that cover it: torch-free
(or importing torch only in the few tests that compare with it), and none of the slow ones.

The target file's own doctests run too.
"""

from __future__ import annotations

TIMEOUT = 20.0  # seconds per mutant: one that runs longer (an endless loop) counts as killed

RULES = "tests/autodiff/test_rules.py"  # every rule against exact derivatives, in every mode
WORLDS = "tests/autodiff/test_worlds.py"
LOSSES = "tests/nn/test_loss_formulas.py"
SWEEP = [
    "tests/autodiff/test_sweep.py",
    "tests/autodiff/test_backward.py",
    "--deselect=tests/autodiff/test_backward.py::test_million_node_chain_at_default_recursion_limit",
    "tests/autodiff/test_anomaly.py",
    "tests/autodiff/test_errors.py",
    "tests/autodiff/test_trace.py",
    "tests/autodiff/test_micrograd_views.py",
]
REPLAY = "tests/autodiff/test_replay.py"
COMPILED = [REPLAY, RULES, LOSSES]

TARGETS: dict[str, list[str]] = {
    "autodiff/ops.py": [RULES, WORLDS],
    "autodiff/worlds/__init__.py": [RULES, WORLDS],
    "autodiff/worlds/arrays.py": [RULES, WORLDS],
    "autodiff/worlds/domain.py": [RULES, WORLDS],
    "autodiff/worlds/floats.py": [RULES, WORLDS],
    "autodiff/worlds/values.py": [RULES, WORLDS],
    "autodiff/backward.py": [RULES, *SWEEP],
    "autodiff/tangents.py": [RULES, "tests/autodiff/test_duals.py", LOSSES],
    "autodiff/compiled/__init__.py": COMPILED,
    "autodiff/compiled/graph.py": COMPILED,
    "autodiff/compiled/plan.py": COMPILED,
    "autodiff/compiled/replay.py": COMPILED,
    # A compile through a checkpoint: the one test of it imports torch (a few seconds a mutant).
    "autodiff/compiled/trace.py": [
        *COMPILED,
        "tests/autodiff/test_checkpoint.py::test_compile_traces_through_a_checkpoint_to_the_plain_graphs_values_and_gradients",
    ],
    "nn/losses.py": [LOSSES],
    "nn/optim.py": ["tests/nn/test_optim_steps.py"],
}
