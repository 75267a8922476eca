"""The Value node: attributes, repr, identity, numpy interop."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

from autodiff import Value


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


def test_identity_hashing_like_micrograd():
    a, b = Value(1.0), Value(1.0)
    assert a is not b and len({a, b, a}) == 2
    assert a != b


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
