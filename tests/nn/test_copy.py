"""Copying and pickling a model: its parameters are leaves, so both work, and the copy is independent."""

from __future__ import annotations

import copy
import pickle

import nn


def test_a_deep_copy_of_a_model_computes_the_same_and_trains_apart():
    nn.manual_seed(0)
    model = nn.MLP(3, [4, 1])
    x = [0.5, -1.0, 2.0]
    for twin in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert twin(x).data == model(x).data
        assert [p.data for p in twin.parameters()] == [p.data for p in model.parameters()]
        assert not {id(p) for p in twin.parameters()} & {id(p) for p in model.parameters()}
        before = [p.data for p in model.parameters()]
        nn.SGD(twin.parameters(), lr=0.1).zero_grad()
        twin(x).backward()
        nn.SGD(twin.parameters(), lr=0.1).step()
        assert [p.data for p in model.parameters()] == before
        assert [p.data for p in twin.parameters()] != before
