"""autodiff.testing: the comparison with torch catches wrong ops, at the order they are wrong,
passes on every op of the table up to the third derivative, and says what it needs."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import find, given, settings

import nn
from autodiff import Op, Value
from autodiff.testing import assert_close, assert_matches_torch, assert_module_matches_torch, is_close
from autodiff.testing.programs import TABLE, OpTwin, Program
from autodiff.testing.strategies import expressions, points

# The square with a derivative that forgets the 2: wrong at order 1.
forgetful_square = Op("square", lambda m, x: x * x, lambda m, g, out, x: (g * x,))
# sin with a derivative that reads x's number, so that it is a constant to the next order: right
# at order 1, but every second derivative through it is 0.
detached_sin = Op("sin", lambda m, x: m.sin(x), lambda m, g, out, x: (g * math.cos(getattr(x, "data", x)),))


def report_row(error: AssertionError, order: int, index: str) -> list[str]:
    """The cells of the report's row for that order and derivative."""
    rows = [line.split() for line in str(error).splitlines()[2:]]
    return next(row for row in rows if row[:2] == [str(order), index])


def test_a_derivative_wrong_at_order_1_is_reported_with_its_order_and_input():
    with pytest.raises(AssertionError) as caught:
        assert_matches_torch(forgetful_square, [3.0], torch_fn=lambda t: t * t)
    head = str(caught.value).splitlines()[0]
    assert "Op('square')" in head and "at inputs [3.0]" in head
    assert str(caught.value).splitlines()[1].split() == ["order", "index", "ours", "torch", "error"]
    assert report_row(caught.value, 1, "d/dx0") == ["1", "d/dx0", "3.0", "6.0", "3"]
    assert len(str(caught.value).splitlines()) == 3  # the value itself is right: one row


def test_a_derivative_right_at_order_1_but_wrong_at_order_2_is_caught_at_order_2():
    point = [0.5, 2.0]
    fn, reference = (lambda x, y: detached_sin(x * y)), (lambda x, y: (x * y).sin())
    assert_matches_torch(fn, point, torch_fn=reference)  # order 1 cannot see it
    with pytest.raises(AssertionError) as caught:
        assert_matches_torch(fn, point, torch_fn=reference, order=2)
    assert "at inputs [0.5, 2.0] (order 2" in str(caught.value)
    orders = {line.split()[0] for line in str(caught.value).splitlines()[2:]}
    assert orders == {"2"}
    ours, theirs = report_row(caught.value, 2, "d2/dx0dx0")[2:4]
    assert (float(ours), float(theirs)) == (0.0, -(2.0**2) * math.sin(1.0))
    # Order 3 reports the third derivatives too.
    with pytest.raises(AssertionError, match=r"\n  3 +d3/dx0dx1dx1 "):
        assert_matches_torch(fn, point, torch_fn=reference, order=3)


def test_a_wrong_op_in_random_graphs_is_found():
    twin = OpTwin("square", forgetful_square, lambda t: t * t)

    def wrong(program):
        try:
            assert_matches_torch(program, [0.7])
        except AssertionError:
            return True
        return False

    found = find(expressions(1, ops=[twin, TABLE["tanh"]], max_steps=4), wrong)
    assert any(op is twin for op, _ in found.steps)


# Points for each op of the table, mapped into its domain by the Program.
POINTS = [[float(v) for v in row] for row in np.random.default_rng(15).uniform(-2, 2, (6, 4))]


@pytest.mark.parametrize("name", TABLE)
def test_every_op_of_the_table_matches_torch_up_to_order_3(name):
    op = TABLE[name]
    program = Program(op.arity, ((op, tuple(range(op.arity))),))
    for point in POINTS:
        # Third derivatives pass through up to three roundings of each op's rule, in torch as
        # here: a few units of the last place, relative, with a floor where entries cancel to 0.
        assert_matches_torch(program, point[: op.arity], order=3, rtol=1e-12, atol=1e-14)


def test_the_same_fn_runs_on_values_and_tensors_and_a_constant_output_has_zero_gradients():
    assert_matches_torch(lambda x, y: (x * y).tanh() + x.sigmoid() ** 2 + y.abs().sqrt(), [0.3, -1.7], order=3)
    assert_matches_torch(lambda x, y: x * 2.0, [0.3, -1.7], order=3)  # y unused: its column is 0
    assert_matches_torch(lambda x: 3.0, [1.0], torch_fn=lambda t: 3.0, order=2)


def test_inf_equals_inf_and_nan_equals_nan():
    assert_matches_torch(lambda x: x.log(), [0.0])  # -inf, and a gradient of inf
    assert_matches_torch(lambda x: (x * math.inf) * 0.0, [1.0])  # nan, and a gradient of nan
    with pytest.raises(AssertionError, match="differs from torch"):
        assert_matches_torch(lambda x: x.log(), [0.0], torch_fn=lambda t: t.log() * -1.0)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="assert_matches_torch: fn must be callable, got int"):
        assert_matches_torch(3, [1.0])
    with pytest.raises(TypeError, match="assert_matches_torch: torch_fn must be callable, got str"):
        assert_matches_torch(abs, [1.0], torch_fn="abs")
    with pytest.raises(ValueError, match="assert_matches_torch: order must be 1, 2 or 3, got 4"):
        assert_matches_torch(lambda x: x, [1.0], order=4)
    with pytest.raises(TypeError, match=r"order must be an int \(1, 2 or 3\), got float"):
        assert_matches_torch(lambda x: x, [1.0], order=2.0)
    with pytest.raises(TypeError, match="assert_matches_torch: .*got str"):
        assert_matches_torch(lambda x: x, ["1.0"])
    with pytest.raises(TypeError, match="assert_matches_torch: inputs must be a list of numbers"):
        assert_matches_torch(lambda x: x, 1.0)
    with pytest.raises(TypeError, match="assert_matches_torch: fn must return a Value, got str"):
        assert_matches_torch(lambda x: "x", [1.0])
    with pytest.raises(ValueError, match=r"torch_fn must return one number, got a tensor of shape torch.Size\(\[2\]\)"):
        assert_matches_torch(lambda x: x, [1.0], torch_fn=lambda t: torch.stack([t, t]))


def test_the_rule_is_relative_to_torch_even_below_one():
    assert is_close(1.0 + 1e-12, 1.0, rtol=1e-10) and is_close(-3e-20 * (1 + 1e-11), -3e-20, rtol=1e-10)
    # The loss of binary_cross_entropy_with_logits(20, 1) before it kept its digits: 3e-7 apart.
    assert not is_close(2.061153026033935e-09, 2.061153620314381e-09, rtol=1e-10)
    assert not is_close(1e-18, 2e-18, rtol=1e-10) and not is_close(1.0, 1.0 + 1e-9, rtol=1e-10)
    assert not is_close(1.0, 1.0 + 1e-11) and is_close(1.0, 1.0 + 1e-13)  # 1e-12 by default
    assert not is_close(3.0, 1.0, rtol=1.0) and is_close(1.0, 3.0, rtol=1.0)  # torch's number is the scale


def test_the_rule_at_zero_and_the_ends():
    assert is_close(0.0, 0.0) and is_close(-0.0, 0.0)
    assert not is_close(4.248354255291589e-18, 0.0)  # torch's 0 is no licence for ours to be anything small
    assert is_close(5e-324, 0.0) and not is_close(1e-300, 0.0)  # but a subnormal carries no relative digits
    assert is_close(math.inf, math.inf) and not is_close(math.inf, 1e308) and not is_close(-math.inf, math.inf)
    assert is_close(math.nan, math.nan) and not is_close(math.nan, 1.0) and not is_close(1.0, math.nan)
    assert not is_close(math.nan, math.nan, equal_nan=False)
    assert not is_close(1e-13, 1.1e-13, rtol=1e-10) and is_close(1e-13, 1.1e-13, rtol=1e-10, atol=1e-10)


def test_assert_close_flattens_values_tensors_and_arrays_and_reports_a_table():
    t = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    assert_close([[Value(1.0), 2]], t)
    assert_close(np.array([1.0, 2.0]), [1.0, 2.0])
    assert_close(torch.tensor(3.0), 3.0)
    with pytest.raises(AssertionError, match=r"grads: 1 of 2 numbers differ \(rtol=1e-12, atol=0.0\):\n  index"):
        assert_close([1.0, 2.0], t * 1.5 - 0.5, what="grads")
    with pytest.raises(AssertionError, match="assert_close: 3 numbers against 2 expected"):
        assert_close([1.0, 2.0, 3.0], t)
    with pytest.raises(TypeError, match="assert_close: expected numbers, Values, tensors or lists of them, got str"):
        assert_close(["a"], [1.0])


LOSSES = {  # our loss, output size, output activation, targets
    "mse_loss": (nn.mse_loss, 1, "linear", [1.0, -0.5, 2.0]),
    "binary_cross_entropy": (nn.binary_cross_entropy, 1, "sigmoid", [1.0, 0.0, 0.3]),
    "binary_cross_entropy_with_logits": (nn.binary_cross_entropy_with_logits, 1, "linear", [1.0, 0.0, 0.3]),
    "cross_entropy": (nn.cross_entropy, 3, "linear", [2, 0, 1]),
}
INPUTS = [[0.5, -1.0], [2.0, 0.3], [-0.7, -1.4]]


@pytest.mark.parametrize("name", LOSSES)
def test_a_module_matches_its_torch_twin_in_loss_and_every_gradient(name):
    loss_fn, nout, output_activation, targets = LOSSES[name]
    nn.manual_seed(4)
    model = nn.MLP(2, [4, nout], activation="tanh", output_activation=output_activation)
    assert_module_matches_torch(model, loss_fn, (INPUTS, targets))
    assert all(p.grad != 0.0 for p in model.parameters()[:3])  # the step's gradients are left in place


def test_a_loss_without_a_twin_needs_torch_loss_fn():
    model = nn.MLP(2, [3, 1])
    data = (INPUTS, [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="torch.nn.functional has no hinge_loss; pass torch_loss_fn="):
        assert_module_matches_torch(model, nn.hinge_loss, data)
    assert_module_matches_torch(model, nn.hinge_loss, data, torch_loss_fn=lambda out, y: torch.relu(1 - y * out).mean())


def test_a_module_that_differs_from_torch_is_reported_by_parameter():
    # Weights of our choosing, not drawn: with tanh and no weight at 0, every gradient of the mean
    # squared error differs from the L1 loss's, so the report must name every parameter.
    model = nn.MLP(2, [3, 1], activation="tanh")
    for i, p in enumerate(model.parameters()):
        p.data = (-1) ** i * 0.1 * (i + 1)
    with pytest.raises(AssertionError) as caught:
        assert_module_matches_torch(model, nn.mse_loss, (INPUTS, [1.0, 0.0, 2.0]), torch_loss_fn=F.l1_loss)
    names = [line.split()[0] for line in str(caught.value).splitlines()[2:]]
    every = [
        f"layers.{i}.weight[{j}][{k}].grad"
        for i, (nin, nout) in enumerate([(2, 3), (3, 1)])
        for j in range(nout)
        for k in range(nin)
    ]
    every += [f"layers.{i}.bias[{j}].grad" for i, nout in enumerate([3, 1]) for j in range(nout)]
    assert names[0] == "loss" and sorted(names[1:]) == sorted(every)


def test_bad_module_arguments_are_named():
    model = nn.MLP(2, [1])
    with pytest.raises(TypeError, match="data must be a pair"):
        assert_module_matches_torch(model, nn.mse_loss, [[0.0, 1.0]])
    with pytest.raises(ValueError, match="as many targets as inputs.*got 1 inputs and 2 targets"):
        assert_module_matches_torch(model, nn.mse_loss, ([[0.0, 1.0]], [1.0, 2.0]))
    with pytest.raises(TypeError, match=r"model must have a to_torch\(\)"):
        assert_module_matches_torch(nn.Neuron(2), nn.mse_loss, ([[0.0, 1.0]], [1.0]))
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        assert_module_matches_torch(model, "mse_loss", ([[0.0, 1.0]], [1.0]))


@settings(max_examples=30, deadline=None)
@given(expressions(2, max_steps=6), points(2))
def test_programs_share_nodes_and_run_in_both_worlds(program, xs):
    ours = program(*[Value(x) for x in xs])
    theirs = program(*[torch.tensor(x, dtype=torch.float64) for x in xs])
    assert is_close(ours.data, theirs.item(), rtol=1e-9, atol=1e-12)


def test_expressions_draw_shared_nodes_and_every_op():
    # `find` raises where the strategy never draws such a program.
    shared = find(expressions(1, max_steps=3), lambda p: any(len(set(args)) < len(args) for _, args in p.steps))
    assert_matches_torch(shared, [0.3], order=2)
    for name in TABLE:
        find(expressions(2, max_steps=1), lambda p, name=name: p.steps[0][0].name == name)


def test_strategy_and_program_errors_are_named():
    with pytest.raises(ValueError, match="expressions: unknown op 'tangent'; expected an OpTwin or one of"):
        expressions(1, ops=["tangent"])
    with pytest.raises(ValueError, match="expressions: n_inputs must be a positive int, got 0"):
        expressions(0)
    with pytest.raises(ValueError, match="expressions: ops is empty"):
        expressions(1, ops=[])
    with pytest.raises(TypeError, match="Program: takes 2 inputs, got 1"):
        Program(2, ((TABLE["+"], (0, 1)),))(Value(1.0))


def test_without_torch_or_hypothesis_the_helpers_say_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    monkeypatch.setitem(sys.modules, "hypothesis.strategies", None)
    wants = re.escape(
        "autodiff.testing.assert_matches_torch needs PyTorch, which is not installed: `pip install torch`"
    )
    with pytest.raises(ImportError, match=wants):
        assert_matches_torch(lambda x: x, [1.0])
    with pytest.raises(ImportError, match="assert_module_matches_torch needs PyTorch.*pip install torch"):
        assert_module_matches_torch(nn.MLP(2, [1]), nn.mse_loss, ([[0.0, 1.0]], [1.0]))
    with pytest.raises(ImportError, match="strategies.expressions needs hypothesis.*`pip install hypothesis`"):
        expressions(1)
    with pytest.raises(ImportError, match="strategies.points needs hypothesis"):
        points(1)


def test_importing_autodiff_testing_needs_neither_torch_nor_hypothesis():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('torch', 'hypothesis'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import autodiff\n"
        "print('autodiff.testing' in sys.modules)\n"
        "import autodiff.testing, autodiff.testing.strategies, autodiff.testing.programs\n"
        "print(autodiff.testing.is_close(1.0, 1.0))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
