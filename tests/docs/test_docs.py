"""Release metadata and docstrings: version, changelog, and for every public function and method
of both packages a runnable example and full type hints. (The examples themselves run under
pytest's --doctest-modules.)

Private names (a leading "_") need no example. The math worlds' functions (`floats.exp`,
`arrays.exp`, ...) are documented once, by one line each in the Protocol `autodiff.worlds.Math`,
whose own example shows a rule calling them: a world's member named in `Math` needs no example
of its own, while each line of `Math` must say what its member means."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import autodiff
import nn
from autodiff.worlds import Math, arrays, floats, values

ROOT = Path(__file__).resolve().parent.parent.parent


def _modules():
    """Each package and every public module in it, subpackages included."""
    for package in (autodiff, nn):
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                yield importlib.import_module(info.name)


MATH_MEMBERS = {name for name in vars(Math) if not name.startswith("_")}


def _is_world(module):
    """A module that provides every member of `Math`: a math world."""
    return all(hasattr(module, name) for name in MATH_MEMBERS)


def _covered_by_math(name):
    """A member of `Math`, or a world's function that `Math` documents."""
    module, _, attr = name.rpartition(".")
    if module == "autodiff.worlds.Math":
        return True
    return attr in MATH_MEMBERS and module in sys.modules and _is_world(sys.modules[module])


def _function(member):
    """The function behind a class member (a method, static or class method, or property), else None."""
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    if isinstance(member, property):
        return member.fget
    return member if inspect.isfunction(member) else None


def _public():
    """Every public function and class defined in the packages, and every public method of those
    classes, with `__init__` (whose example is the class's): (qualified name, object, docstring).
    Names that start with "_" are private; a name imported from elsewhere is checked where it is
    defined."""
    for module in _modules():
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ != module.__name__:
                continue
            yield f"{module.__name__}.{name}", obj, obj.__doc__
            for attr, member in vars(obj).items() if inspect.isclass(obj) else ():
                method = _function(member)
                # A member bound from elsewhere (`tanh = staticmethod(math.tanh)`) is not ours to document.
                public = attr == "__init__" or not attr.startswith("_")
                if public and method is not None and method.__module__ == module.__name__:
                    yield f"{module.__name__}.{name}.{attr}", method, method.__doc__ or _foreign_doc(obj, attr)


def _foreign_doc(cls, attr):
    """The docstring of the method `attr` of a base class from outside the packages, which an
    override (graphviz's `pipe`) leaves documented there; else None."""
    for base in cls.__mro__[1:]:
        if attr in vars(base) and base.__module__.partition(".")[0] not in {"autodiff", "nn"}:
            return inspect.getdoc(getattr(base, attr))
    return None


PUBLIC = {name: (obj, doc) for name, obj, doc in _public()}


def test_version_matches_pyproject_and_changelog():
    pyproject = (ROOT / "pyproject.toml").read_text()
    version = re.search(r'^version = "(.+)"$', pyproject, flags=re.M).group(1)
    assert autodiff.__version__ == version
    assert re.search(r'^license = "MIT"$', pyproject, flags=re.M) and (ROOT / "LICENSE").exists()
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()


def test_packages_are_typed():
    assert (ROOT / "autodiff" / "py.typed").exists() and (ROOT / "nn" / "py.typed").exists()


def test_the_sweep_sees_methods_properties_and_every_module():
    assert {"autodiff.value.Value.backward", "autodiff.worlds.floats.exp", "autodiff.value.Value.op"} <= PUBLIC.keys()
    assert {"autodiff.draw.draw_dot", "nn.torch_bridge.to_torch", "nn.losses.mse_loss"} <= PUBLIC.keys()
    assert {"nn.optim.SGD.step", "nn.optim.SGD.__init__", "nn.layers.Layer.weight", "nn.layers.MLP.from_torch"} <= (
        PUBLIC.keys()
    )
    assert not any(part.startswith("_") and part != "__init__" for name in PUBLIC for part in name.split("."))
    assert len(PUBLIC) > 120  # the sweep finds names at all (private helpers are not counted)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_name_has_an_example_and_type_hints(name):
    obj, doc = PUBLIC[name]
    if not name.endswith(".__init__") and not _covered_by_math(name):  # an __init__'s example is its class's
        assert ">>>" in (doc or ""), f"{name} has no example in its docstring"
    if inspect.isfunction(obj):
        parameters = set(inspect.signature(obj).parameters) - {"self", "cls"}
        missing = (parameters | {"return"}) - obj.__annotations__.keys()
        assert not missing, f"{name} lacks type hints for {sorted(missing)}"


def test_the_worlds_are_seen_and_math_says_what_each_member_means():
    assert {floats, values, arrays} <= {module for module in _modules() if _is_world(module)}
    assert {"exp", "log", "div", "pow_number", "pow_value", "where", "logsumexp"} <= MATH_MEMBERS
    for name in MATH_MEMBERS:
        doc = getattr(Math, name).__doc__
        assert doc and doc.strip(), f"Math.{name} does not say what it means"
        assert f"autodiff.worlds.Math.{name}" in PUBLIC
