"""Optional dependencies, imported when a function that needs one runs."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, needed_by: str, package: str, install: str, more: str = "") -> ModuleType:
    """`module` imported, or an ImportError saying that `needed_by` needs `package`, and the
    command that installs it (`pip install <install>`), followed by `more`."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{needed_by} needs {package}, which is not installed: `pip install {install}`{more}"
        ) from error


def require_torch(needed_by: str) -> ModuleType:
    """torch, or an ImportError saying that `needed_by` needs it and how to install it."""
    return require("torch", needed_by, "PyTorch", "torch", " (https://pytorch.org/get-started/locally/)")
