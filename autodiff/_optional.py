"""Optional dependencies, imported when a function that needs one runs."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, needed_by: str, package: str, install: str, more: str = "") -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{needed_by} needs {package}, which is not installed: `pip install {install}`{more}"
        ) from error


def require_torch(needed_by: str) -> ModuleType:
    return require("torch", needed_by, "PyTorch", "torch", " (https://pytorch.org/get-started/locally/)")
