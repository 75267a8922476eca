"""Release metadata and docstrings: version, changelog, and a runnable example per public name."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import autodiff
import nn
import nn.datasets
import nn.plots

ROOT = Path(__file__).resolve().parent.parent


def _public():
    yield from ((f"autodiff.{n}", getattr(autodiff, n)) for n in [*autodiff.__all__, "compile", "sum"])
    yield from ((f"nn.{n}", getattr(nn, n)) for n in nn.__all__ if n != "init")
    for module in (nn.init, nn.datasets, nn.plots):
        for name, obj in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


def test_version_matches_pyproject_and_changelog():
    pyproject = (ROOT / "pyproject.toml").read_text()
    version = re.search(r'^version = "(.+)"$', pyproject, flags=re.M).group(1)
    assert autodiff.__version__ == version
    assert re.search(r"^license = ", pyproject, flags=re.M) and "License :: OSI Approved" in pyproject
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()


def test_packages_are_typed():
    assert (ROOT / "autodiff" / "py.typed").exists() and (ROOT / "nn" / "py.typed").exists()


@pytest.mark.parametrize("name, obj", list(_public()))
def test_every_public_name_has_a_runnable_example(name, obj):
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return  # data such as the `scalar` namespace's functions are covered by their op's example
    doc = inspect.getdoc(obj) or ""
    assert ">>>" in doc, f"{name} has no example in its docstring"
