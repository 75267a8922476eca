"""Release metadata and docstrings: version, changelog, and a runnable example per public name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import autodiff
import nn

ROOT = Path(__file__).resolve().parent.parent


def _modules():
    """Each package and every public module in it."""
    for package in (autodiff, nn):
        yield package
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            if not info.name.rpartition(".")[2].startswith("_"):
                yield importlib.import_module(info.name)


def _function(member):
    """The function behind a class member (a method, static or class method, or property), else None."""
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    if isinstance(member, property):
        return member.fget
    return member if inspect.isfunction(member) else None


def _public():
    """Every public function and class defined in the packages, and every public method of those
    classes: (qualified name, object). Names that start with "_" are private; a method that
    overrides a documented one of a base class (graphviz's `pipe`) inherits its docstring."""
    for module in _modules():
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ != module.__name__:
                continue  # imported from elsewhere: checked where it is defined
            yield f"{module.__name__}.{name}", obj
            for attr, member in vars(obj).items() if inspect.isclass(obj) else ():
                method = _function(member)
                # A member bound from elsewhere (`tanh = staticmethod(math.tanh)`) is not ours to document.
                if not attr.startswith("_") and method is not None and method.__module__ == module.__name__:
                    yield f"{module.__name__}.{name}.{attr}", method


def test_version_matches_pyproject_and_changelog():
    pyproject = (ROOT / "pyproject.toml").read_text()
    version = re.search(r'^version = "(.+)"$', pyproject, flags=re.M).group(1)
    assert autodiff.__version__ == version
    assert re.search(r"^license = ", pyproject, flags=re.M) and "License :: OSI Approved" in pyproject
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()


def test_packages_are_typed():
    assert (ROOT / "autodiff" / "py.typed").exists() and (ROOT / "nn" / "py.typed").exists()


def test_the_public_names_include_methods_and_every_module():
    names = {name for name, _ in _public()}
    assert {"autodiff.value.Value.backward", "autodiff.ops.scalar.exp", "nn.optim.SGD.step"} <= names
    assert {"autodiff.draw.draw_dot", "nn.torch_bridge.to_torch", "nn.losses.mse_loss"} <= names
    assert not any(part.startswith("_") for name in names for part in name.split("."))


@pytest.mark.parametrize("name, obj", list(_public()))
def test_every_public_name_has_a_runnable_example(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert ">>>" in doc, f"{name} has no example in its docstring"
