"""The example of a user's test file, docs/examples/test_my_op.py, run by pytest as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "docs" / "examples" / "test_my_op.py"


def run_pytest(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, str(path)]
    return subprocess.run(command, capture_output=True, text=True, cwd=path.parent)


def test_the_example_test_file_passes():
    result = run_pytest(EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout


def test_the_example_fails_for_a_wrong_derivative(tmp_path):
    # The derivative without its square: pytest then fails, with the report's row for d/dx0.
    # (The random graphs are left out: hypothesis would take its time to shrink the failure.)
    source = EXAMPLE.read_text()
    wrong = source.replace("(g / ((1.0 + m.abs(x)) * (1.0 + m.abs(x))),)", "(g / (1.0 + m.abs(x)),)")
    assert wrong != source
    (tmp_path / "test_wrong_op.py").write_text(wrong)
    result = run_pytest(tmp_path / "test_wrong_op.py", "-k", "not random")
    assert result.returncode == 1
    assert "6 failed" in result.stdout and "differs from torch at inputs [-3.0]" in result.stdout
    assert "  1     d/dx0 " in result.stdout
