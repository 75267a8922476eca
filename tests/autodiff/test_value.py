"""The Value node: attributes, repr, as a number (float, format, item), identity, numpy interop."""

from __future__ import annotations

import copy
import math
import operator
import pickle

import numpy as np
import pytest
import torch

from autodiff import Value, constant


def test_attributes_of_a_leaf_and_a_node():
    a = Value(2, label="a")
    assert (a.data, a.grad, a.label, a.op, a.parents) == (2.0, 0.0, "a", "", ())
    b = Value(-3.0)
    c = a * b
    assert c.op == "*" and c.parents == (a, b) and c.data == -6.0
    assert (a**2).op == "**2" and (a**0.5).op == "**0.5" and (a**b).op == "**"
    assert a.tanh().op == "tanh" and (-a).op == "neg"


def test_repr():
    assert repr(Value(2.0)) == "Value(data=2.0000, grad=0.0000)"
    assert repr(Value(-1.23456, label="w")) == "Value(data=-1.2346, grad=0.0000, label='w')"


@pytest.mark.parametrize(
    "x, shown",
    [
        (0.0, "0.0000"),
        (-0.0, "-0.0000"),
        (1e-4, "0.0001"),  # the smallest size that 4 decimals show
        (9.99e-5, "9.9900e-05"),
        (-6.1442e-06, "-6.1442e-06"),
        (5e-324, "4.9407e-324"),
        (999999.0, "999999.0000"),
        (1e6, "1.0000e+06"),  # from here 4 decimals would be too long
        (-2.5e300, "-2.5000e+300"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (math.nan, "nan"),
    ],
)
def test_repr_shows_tiny_and_huge_numbers_in_scientific_notation(x, shown):
    v = Value(1.0)
    v.grad = x
    assert repr(Value(x)) == f"Value(data={shown}, grad=0.0000)"
    assert repr(v) == f"Value(data=1.0000, grad={shown})"


def test_a_tiny_gradient_is_not_shown_as_zero():
    x = Value(12.0)
    x.sigmoid().backward()
    t = torch.tensor(12.0, dtype=torch.float64, requires_grad=True)
    t.sigmoid().backward()
    assert repr(x) == f"Value(data=12.0000, grad={t.grad.item():.4e})"
    assert 0 < x.grad < 1e-4 and "grad=0.0000" not in repr(x)


def _values_and_tensors():
    """The same numbers as Values made by an op and as 0-d float64 tensors needing grad."""
    for data in (0.1, -2.5, 6.1442e-06, -0.0, 1e300, 5e-324, math.inf, math.nan):
        yield Value(data) * 1.0, torch.tensor(data, dtype=torch.float64, requires_grad=True) * 1.0


def _same(a, b):
    """Equal floats, nan equal to nan, and -0.0 told from 0.0."""
    equal = a == b or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) is float and equal and math.copysign(1, a) == math.copysign(1, b)


def test_float_and_item_give_the_data_as_torch_does():
    for v, t in _values_and_tensors():
        assert _same(float(v), t.detach().item()) and _same(v.item(), t.item()) and _same(v.item(), v.data)
        assert _same(math.fsum([v]), math.fsum([t.detach()]))  # math takes a Value as its number, as a tensor
    x = Value(1.0)
    x.data = 3  # set by hand: still a float out
    assert _same(float(x), 3.0) and _same(x.item(), 3.0)


@pytest.mark.parametrize("spec", [".4f", ".3e", "g", ".10g", ">12.2f", "+.1%", "e", ",.2f"])
def test_a_format_spec_formats_the_data_as_a_0d_tensor_does(spec):
    for v, t in _values_and_tensors():
        assert format(v, spec) == format(t, spec)
    loss = Value(0.123456) * 2
    assert f"{loss:{spec}}" == format(loss.data, spec)


def test_an_empty_format_spec_gives_str_and_a_bad_one_the_error_of_a_float():
    v = Value(2.0, label="v")
    assert f"{v}" == format(v, "") == str(v) == repr(v)
    for bad in ("d", "x", "q"):
        with pytest.raises(ValueError, match="Unknown format code") as ours:
            format(v, bad)
        with pytest.raises(ValueError) as theirs:
            format(torch.tensor(2.0, dtype=torch.float64), bad)
        assert str(ours.value) == str(theirs.value)


def test_a_value_is_still_no_number_to_the_engine():
    # float(v) works now; where a number is wanted, a Value is still refused or kept as a node.
    with pytest.raises(TypeError, match="Value: expected an int, a float or a numpy scalar, got Value"):
        Value(Value(1.0))
    with pytest.raises(TypeError, match="constant: expected a Value or a number, got Value"):
        constant(Value(1.0))
    x = Value(2.0)
    assert (x * Value(3.0)).parents[1].requires_grad and (x ** Value(2.0)).op == "**"


def test_identity_hashing_like_micrograd():
    a, b = Value(1.0), Value(1.0)
    assert a is not b and len({a, b, a}) == 2
    assert a != b


def test_comparisons_read_the_data_so_python_s_if_max_min_and_sorted_work():
    a, b, c = Value(2.0), Value(-1.0), Value(5.0)
    assert (a < 3, a <= 2, a > 2, a >= 2.5, a < c, c >= a) == (True, True, False, False, True, True)
    assert (operator.gt(3, a), operator.le(1, b), operator.lt(2.0, a)) == (True, False, False)  # number on the left
    assert all(type(r) is bool for r in (a < 3, a <= b, a > np.float64(1.0), a >= c))
    assert max([a, b, c]) is c and min([a, b, c]) is b and sorted([a, b, c]) == [b, a, c]
    assert max(a, 4.0) == 4.0 and sorted([c, 1.0, a], reverse=True) == [c, a, 1.0]

    def learner(x):  # a function that branches on its input, as a learner writes it
        return x * x if x < 3 else x * 3.0

    for x, want in [(Value(2.0), 4.0), (Value(4.0), 3.0)]:
        learner(x).backward()
        assert x.grad == want
    nan = Value(math.nan)
    assert not (nan < 1 or nan <= 1 or nan > 1 or nan >= 1)  # as nan's, and as bool(tensor(nan) < 1)


def test_equality_stays_identity_for_nodes_hashed_by_identity():
    # == is not the data's: a graph's nodes go into sets and dicts (parents, gradients), where two
    # nodes with equal data are still two nodes.
    a, b = Value(2.0), Value(2.0)
    assert a == a and a != b and a != 2.0 and len({a, b}) == 2 and a <= b and a >= b
    assert {a: 1, b: 2}[b] == 2


def test_numpy_scalars_on_either_side_give_values():
    a = Value(3.0)
    for result in (np.float64(2.0) * a, a * np.float64(2.0), np.float32(2.0) + a, a - np.int64(1)):
        assert isinstance(result, Value)
    assert (np.float64(2.0) * a).data == 6.0


def test_batch_form_with_object_arrays_matches_torch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3))
    W0, b0 = rng.normal(size=(3, 2)), 0.7
    W = np.array([[Value(w) for w in row] for row in W0], dtype=object)
    b = Value(b0)
    Z = X @ W + b
    assert Z.shape == (5, 2) and all(isinstance(z, Value) for z in Z.flat)
    loss = sum(z.tanh() for z in Z.flat)
    loss.backward()

    tW = torch.tensor(W0, requires_grad=True)
    tb = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    tloss = (torch.tensor(X) @ tW + tb).tanh().sum()
    tloss.backward()
    assert np.allclose([[w.grad for w in row] for row in W], tW.grad.numpy(), rtol=1e-12, atol=0)
    assert np.isclose(b.grad, tb.grad.item(), rtol=1e-12)
    assert np.isclose(loss.data, tloss.item(), rtol=1e-12)


def test_a_leaf_copies_and_pickles_with_its_data_grad_label_and_flag():
    w = Value(0.25, label="w")
    (w * 3.0).backward()
    frozen = Value(1.5, requires_grad=False)
    for copy_of in (copy.copy, copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))):
        for leaf in (w, frozen):
            c = copy_of(leaf)
            assert c is not leaf and type(c) is Value
            assert (c.data, c.grad, c.label, c.requires_grad) == (leaf.data, leaf.grad, leaf.label, leaf.requires_grad)
    c = copy.deepcopy(w)
    c.data, c.grad = 9.0, 0.0  # the copy is independent
    assert (w.data, w.grad) == (0.25, 3.0)


def test_a_leaf_with_a_value_grad_copies_its_float():
    x = Value(2.0)
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert copy.deepcopy(x).grad == 4.0


def test_a_node_made_by_an_op_refuses_to_copy_at_once_however_deep():
    x = Value(0.5)
    for _ in range(100_000):  # far deeper than Python's recursion limit
        x = x * 1.0
    for copy_of in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(RuntimeError, match=r"only leaves can be copied or pickled, not a node made by '\*'"):
            copy_of(x)
    assert copy.deepcopy(x.detach()).data == 0.5
