"""The examples in nn's docstrings run and print what they say; every public function and method
has one, and full type hints."""

import doctest
import importlib
import inspect

import pytest

MODULES = [
    "nn",
    "nn.checks",
    "nn.datasets",
    "nn.init",
    "nn.layers",
    "nn.losses",
    "nn.module",
    "nn.optim",
    "nn.perceptron",
    "nn.plots",
    "nn.torch_bridge",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(module)
    assert attempted > 0 and failed == 0


def public_functions():
    """(name, function) for each public function, class (its __init__) and method of nn, where
    it is defined; properties by their getter."""
    for module_name in MODULES[1:]:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
                continue
            if inspect.isfunction(obj):
                yield f"{module_name}.{name}", obj
            elif inspect.isclass(obj):
                yield f"{module_name}.{name}", obj
                for member_name, member in vars(obj).items():
                    member = getattr(member, "fget", None) or getattr(member, "__func__", member)
                    if inspect.isfunction(member) and (member_name == "__init__" or not member_name.startswith("_")):
                        yield f"{module_name}.{name}.{member_name}", member


PUBLIC = dict(public_functions())


def test_the_sweep_sees_what_it_should():
    for name in [
        "nn.module.Module.parameters",
        "nn.optim.SGD.step",
        "nn.layers.Layer.weight",
        "nn.layers.MLP.from_torch",
    ]:
        assert name in PUBLIC
    assert len(PUBLIC) > 60


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_function_has_an_example_and_type_hints(name):
    obj = PUBLIC[name]
    if name.endswith(".__init__"):
        assert obj.__annotations__.keys() >= set(inspect.signature(obj).parameters) - {"self"}, name
        return
    assert ">>>" in (obj.__doc__ or ""), f"{name} has no example in its own docstring"
    if inspect.isfunction(obj):
        parameters = set(inspect.signature(obj).parameters) - {"self", "cls"}
        assert obj.__annotations__.keys() >= parameters | {"return"}, f"{name} lacks type hints"
