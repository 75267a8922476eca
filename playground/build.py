"""`python playground/build.py [OUT]` (what `make playground` runs): the playground as static files.

OUT (default site/playground) gets the page, Pyodide's runtime and Graphviz's WebAssembly build
from playground/node_modules (`npm ci`), our wheel and graphviz's pure-Python wheel (the version
installed here), and wheels.json naming the wheels, so that the page loads nothing from any
other host.
"""

from __future__ import annotations

import importlib.metadata
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
PAGE = ["index.html", "playground.css", "playground.js", "format.js", "train.js"]
PYTHON = ["session.py", "formulas.py", "training.py"]  # written into Pyodide's files by the page
PYODIDE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
VIZ = "@viz-js/viz/dist/viz.js"
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "autodiff", "nn"]  # what the wheel is built from
CACHES = shutil.ignore_patterns("__pycache__", "*.pyc")


def build(out: pathlib.Path) -> pathlib.Path:
    modules = HERE / "node_modules"
    if not (modules / "pyodide").is_dir():
        sys.exit(f"build: {modules} has no pyodide: run `make playground` (npm ci) first")
    if out.exists():
        shutil.rmtree(out)
    (out / "pyodide").mkdir(parents=True)
    (out / "viz").mkdir()
    for name in PAGE + PYTHON:
        shutil.copy2(HERE / name, out / name)
    shutil.copy2(ROOT / "autodiff" / "player.js", out / "player.js")  # the step panel's player
    for name in PYODIDE:
        shutil.copy2(modules / "pyodide" / name, out / "pyodide" / name)
    shutil.copy2(modules / VIZ, out / "viz" / "viz.js")
    wheels = out / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    with tempfile.TemporaryDirectory() as source:  # a clean copy: no stale build/ in the wheel
        _copy_sources(pathlib.Path(source))
        subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), source], check=True)
    graphviz = f"graphviz=={importlib.metadata.version('graphviz')}"
    subprocess.run([*pip, "download", "--no-deps", "--only-binary=:all:", "-d", str(wheels), graphviz], check=True)
    names = sorted(p.name for p in wheels.glob("*.whl"))
    (wheels / "wheels.json").write_text(json.dumps(names) + "\n", encoding="utf-8")
    return out


def _copy_sources(dest: pathlib.Path) -> None:
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=CACHES)
        else:
            shutil.copy2(ROOT / name, dest / name)


if __name__ == "__main__":
    out = build(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site" / "playground"))
    print(f"playground built in {out}: serve it with `make playground-serve`")
