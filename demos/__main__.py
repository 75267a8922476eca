"""`python -m demos` (what `make demo` runs): every demo, then one summary table.

Exits non-zero if any computed number disagrees with what its demo expects.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from demos.report import table

DEMOS = [
    "coffee",
    "perceptron",
    "single_neuron",
    "xor",
    "celsius",
    "moons",
    "graph",
    "modes",
    "hooks",
    "backprop",
    "gpt",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="fewer training steps")
    args = parser.parse_args()
    checks = []
    for name in DEMOS:
        print(f"\n=== {name} " + "=" * (60 - len(name)))
        checks += importlib.import_module(f"demos.{name}").run(args.fast)
    print("\n" + table(checks))
    failed = [c for c in checks if not c.as_expected]
    print(f"\n{len(checks) - len(failed)} of {len(checks)} numbers as expected.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
