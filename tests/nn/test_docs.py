"""The examples in nn's docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = ["nn", "nn.module", "nn.init", "nn.layers", "nn.perceptron", "nn.losses", "nn.optim", "nn.torch_bridge"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(module)
    assert attempted > 0 and failed == 0
