"""Every demo, in its fast mode: each computed number is what the demo expects."""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import pytest

from demos.__main__ import DEMOS


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # pictures go to tmp_path/out


@pytest.mark.parametrize("name", DEMOS)
def test_demo_numbers(name):
    checks = importlib.import_module(f"demos.{name}").run(fast=True)
    assert checks
    wrong = [c for c in checks if not c.as_expected]
    assert not wrong, [(c.quantity, c.quoted, c.computed) for c in wrong]


def test_a_whole_number_is_matched_exactly_a_decimal_to_its_last_digit():
    from demos.report import check

    assert check("x", "z", "0", 0.0).matches and check("x", "z", "-3", -3.0 - 4e-16).matches
    assert not check("x", "z", "0", 0.9).matches and not check("x", "z", "3", 3.001).matches
    # Tutorials round, and sometimes truncate: a decimal may be off by one unit of its last digit.
    assert check("x", "a", "0.3775", 0.37759).matches and not check("x", "a", "0.3775", 0.37761).matches


def test_the_table_says_why_a_quote_differs():
    from demos.report import Check, table

    lines = table([Check("x", "q", 1.0, 2.0, expect_match=False, note="the tutorial halves it")]).splitlines()
    assert lines[0].split()[-1] == "note" and lines[-1].endswith(
        "(quoted is wrong, as expected)  the tutorial halves it"
    )


def test_coffee_shows_the_mse_claim_is_off_by_two():
    from demos import coffee

    checks = {c.quantity: c for c in coffee.run()}
    mse = checks["MSELoss dL/dw1"]
    summed = checks["dL/dw1 (sum)"].computed
    assert not mse.matches and mse.computed == pytest.approx(2 * summed / 3, rel=1e-12)


def test_moons_compiled_reaches_full_accuracy_too():
    from demos import moons

    checks = {c.quantity: c for c in moons.run(compiled=True)}
    assert checks["training accuracy"].computed == "100%"
    assert all(c.as_expected for c in checks.values())


def test_xor_fast_checks_the_model_the_engine_trained(monkeypatch):
    # With numpy's training switched off, only the comparison with numpy fails: the predictions
    # and the convergence are those of the engine's own model, in --fast as in the full run.
    from demos import xor

    monkeypatch.setattr(xor, "numpy_step", lambda params, lr: 0.0)
    wrong = [c.quantity for c in xor.run(fast=True) if not c.as_expected]
    assert len(wrong) == 2 and all(quantity.startswith(("eager vs numpy", "compiled vs numpy")) for quantity in wrong)


def test_every_demo_runs_alone_with_a_help():
    import subprocess
    import sys

    for name in DEMOS:
        command = [sys.executable, "-m", f"demos.{name}", "--help"]
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent.parent
        )
        assert done.returncode == 0 and done.stdout.startswith("usage:"), (name, done.stderr)


def test_a_signed_zero_reads_as_zero_and_a_real_difference_still_shows():
    from demos.report import _show, number

    assert number(-0.0, "+.8f") == number(0.0, "+.8f") == " 0.00000000"
    assert number(-1e-12, "+.8f") == "-0.00000000" and number(1e-12, "+.8f") == "+0.00000000"
    assert number(0.5, "+.8f") == "+0.50000000" and number(-0.5, ".2f") == "-0.50"
    assert _show(-0.0) == _show(0.0) == "0" and _show(-1e-12) == "-1e-12"


def test_single_neuron_prints_each_gradient_alike_by_hand_and_by_the_engine(capsys):
    import re

    from demos import single_neuron

    assert math.copysign(1.0, single_neuron.by_hand([0.0, 0.0], 0.0)["dL/dw1"]) == -1.0  # the -0.0 it shows as 0
    single_neuron.run()
    rows = [
        re.fullmatch(r"  (\S+) +by hand +(.+?) +engine +(.+)", line) for line in capsys.readouterr().out.splitlines()
    ]
    rows = [row.groups() for row in rows if row]
    assert len(rows) == 5 * single_neuron.EPOCHS
    assert [(name, hand) for name, hand, _ in rows if name == "dL/dw1"] == [("dL/dw1", "0.00000000")] * 5
    assert all(hand == engine for _, hand, engine in rows)


def test_gpt_takes_its_step_count_and_refuses_one_below_one():
    import subprocess
    import sys

    command = [sys.executable, "-m", "demos.gpt", "--steps", "0"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent.parent)
    assert done.returncode == 2 and "--steps should be a positive int, got 0" in done.stderr
