"""The package works as a user installs it: built into an sdist and a wheel (the wheel built from
the sdist, as `make dist` does), installed with its dependencies into a fresh virtual environment
outside the checkout, and run there. A package file left out of the wheel (py.typed, a
subpackage) or a dependency left out of pyproject.toml fails here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from autodiff import Value

ROOT = Path(__file__).resolve().parent.parent.parent
VERSION = re.search(r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(), flags=re.M).group(1)
PACKAGES = ("autodiff", "nn")
# Imported only by the parts that need them, from the extras (`plot`, `test`, ...), not dependencies.
OPTIONAL = {"matplotlib", "torch", "hypothesis", "tqdm"}


def _run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _source_modules() -> list[str]:
    """Every module of the two packages in the checkout, subpackages included."""
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel, built from the checkout (no isolation: the venv has setuptools)."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=ROOT)
    _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(out.iterdir()), cwd=ROOT)
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel and its dependencies, which
    pip resolves from pyproject's list (pip's cache keeps it fast)."""
    home = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", home / "env", cwd=home)
    python = home / "env" / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile", wheel, cwd=home)
    return python


def test_the_sdist_and_the_wheel_carry_every_module_and_the_type_markers(dist):
    (wheel,) = dist.glob(f"autodiff-{VERSION}-py3-none-any.whl")
    (sdist,) = dist.glob(f"autodiff-{VERSION}.tar.gz")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {"autodiff/py.typed", "nn/py.typed", "autodiff/player.js"} | {
        path.relative_to(ROOT).as_posix() for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }
    assert wanted <= names, sorted(wanted - names)
    metadata = zipfile.ZipFile(wheel).read(f"autodiff-{VERSION}.dist-info/METADATA").decode()
    assert "Requires-Dist: numpy" in metadata and "Requires-Dist: graphviz" in metadata
    assert sdist.stat().st_size > 0


INSTALLED = textwrap.dedent(
    """
    import importlib, json, sys
    from pathlib import Path

    import numpy as np

    import autodiff as ad
    import nn
    from autodiff import Value

    # the quick start
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b + b**2).tanh()
    c.backward()

    # a picture, rendered by Graphviz
    svg = ad.draw_dot(c, params=[a, b]).pipe("svg").decode()
    path = ad.save_graph(c, "graph.svg")

    # a compiled training step
    nn.manual_seed(0)
    model = nn.MLP(2, [4, 1])
    params = model.parameters()
    step = ad.compile(lambda x1, x2, t: (model([x1, x2]) - t) ** 2, n_inputs=3)
    opt = nn.SGD(params, lr=0.1)
    batch = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, -1.0]])
    before = step(batch).mean()
    step.backward("mean")
    opt.step()
    after = step(batch).mean()

    skipped = []
    for name in sys.argv[1:]:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if (error.name or "").split(".")[0] not in OPTIONAL:
                raise
            skipped.append(name)
    print(json.dumps({
        "grads": [a.grad, b.grad],
        "svg": svg.lstrip().startswith(("<?xml", "<svg")) and "tanh" in svg,
        "saved": Path(path).read_text().count("<svg"),
        "loss": [float(before), float(after)],
        "version": ad.__version__,
        "files": [ad.__file__, nn.__file__],
        "typed": [(Path(p.__file__).parent / "py.typed").exists() for p in (ad, nn)],
        "skipped": skipped,
    }))
    """
)


def test_the_installed_wheel_runs_the_quick_start_a_picture_and_a_compiled_step(venv, tmp_path):
    script = INSTALLED.replace("OPTIONAL", repr(OPTIONAL))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [str(venv), "-c", script, *_source_modules()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])

    a, b = Value(2.0), Value(-3.0)
    c = (a * b + b**2).tanh()
    c.backward()
    assert report["grads"] == [a.grad, b.grad]
    assert report["svg"] and report["saved"] == 1
    assert report["loss"][1] < report["loss"][0]
    assert report["version"] == VERSION
    assert all(Path(f).is_relative_to(venv.parent.parent) for f in report["files"]), report["files"]
    assert report["typed"] == [True, True]
    # a module may wait for an extra (matplotlib, torch: not installed here), never the core
    assert not {"autodiff", "nn", "autodiff.value", "nn.layers"} & set(report["skipped"]), report["skipped"]
