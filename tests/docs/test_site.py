"""The documentation site builds with warnings as errors (as `make docs`), and shows what it should:
every page of the nav, every public name in the API reference, the tour executed with its
pictures, the demos' pictures, the benchmark tables, and the package's version."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import subprocess
import sys
import textwrap
import types
import zlib
from pathlib import Path

import pytest

import autodiff

ROOT = Path(__file__).resolve().parent.parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        str(config),
        "--site-dir",
        str(site),
    ]
    return subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)


def _hooks() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOKS = _hooks()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = _build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    return site


def _page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text() if name else (site / "index.html").read_text()


def _inventory(site: Path) -> set[str]:
    """The names in the site's objects.inv (Sphinx's format: four header lines, then zlib)."""
    header, _, body = (site / "objects.inv").read_bytes().partition(b"zlib.\n")
    assert header.startswith(b"# Sphinx inventory version 2")
    return {line.split(" ")[0] for line in zlib.decompress(body).decode().splitlines()}


def test_every_page_of_the_nav_is_built(site):
    nav = re.findall(r":\s*([\w/.-]+)\.(?:md|ipynb)\s*$", (ROOT / "mkdocs.yml").read_text(), flags=re.M)
    assert len(nav) >= 15
    for page in nav:
        assert (site / ("" if page == "index" else page) / "index.html").exists(), page


def test_every_public_name_is_in_the_api_reference(site):
    inventory = _inventory(site)
    assert len(inventory) > 100
    for package in HOOKS.REFERENCE:
        for name, obj in HOOKS.public_objects(package).items():
            assert {f"{package}.{name}", HOOKS.canonical_path(obj)} & inventory, f"{package}.{name}"
    assert {"autodiff.Value", "autodiff.compile", "autodiff.sum", "nn.MLP", "nn.init", "nn.plots"} <= inventory
    reference = _page(site, "reference/autodiff")
    assert reference.count('class="gp">&gt;&gt;&gt;') > 100  # the docstrings' examples, as highlighted code


def test_the_tour_is_executed_with_its_pictures(site):
    tour = _page(site, "tour")
    assert "dc/da = " in tour  # the first cell's printed output
    assert "<svg" in tour and "data:image/png;base64," in tour  # the graph, and the loss plot


def test_the_pictures_are_the_demos_rendered(site):
    pictures = _page(site, "pictures")
    for name in ("expression", "neuron", "model"):
        assert f"img/{name}.svg" in pictures
        assert "<svg" in (site / "img" / f"{name}.svg").read_text()[:2000]


def _texts(svg: str) -> list[str]:
    return sorted(re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def test_the_committed_picture_is_what_the_code_draws_now():
    committed = (ROOT / "docs" / "img" / "expression.svg").read_text()
    fresh = HOOKS._pictures()["expression"].decode()
    assert len(_texts(fresh)) > 10
    assert _texts(committed) == _texts(fresh), "redraw it: make demo writes out/expression.svg; copy it to docs/img/"


def test_the_speed_page_has_the_benchmark_tables(site):
    speed = _page(site, "speed")
    first_table = (ROOT / "benchmarks" / "results.md").read_text().split("| micrograd ")[1].split("|")[1].strip()
    assert first_table in speed and speed.count("<table>") >= 3
    assert ("img/results.png" in speed) == (ROOT / "benchmarks" / "results.png").exists()


def test_pyproject_the_package_and_the_site_show_one_version(site):
    version = re.search(r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(), flags=re.M).group(1)
    assert autodiff.__version__ == version
    for page in ("", "values", "reference/nn"):
        assert f"autodiff {version} · MIT licence" in _page(site, page)  # the footer of every page


def test_a_broken_cross_reference_fails_the_build(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# A page\n\nSee [a name][autodiff.NoSuchName].\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        textwrap.dedent(
            f"""\
            site_name: broken
            docs_dir: {tmp_path / "docs"}
            plugins:
              - mkdocstrings:
                  handlers:
                    python:
                      paths: [{ROOT}]
            """
        )
    )
    result = _build(config, tmp_path / "site")
    assert result.returncode != 0 and "autodiff.NoSuchName" in result.stderr


def _documented() -> None:
    """Has a docstring."""


def _bare() -> None:
    pass


def test_a_public_name_without_a_docstring_is_a_build_warning(monkeypatch, caplog):
    package = types.ModuleType("fake", "A package.")
    package.__all__ = ["documented", "bare"]
    package.documented, package.bare = _documented, _bare
    monkeypatch.setitem(HOOKS.REFERENCE, "fake", (package, []))
    with caplog.at_level(logging.WARNING):
        page = HOOKS._reference_page("fake")
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "fake.bare has no docstring" in warnings[0]
    assert f"::: {__name__}._documented" in page and f"::: {__name__}._bare" in page


def test_the_op_table_page_has_a_row_per_op_of_the_table_with_its_own_source():
    # Generated from autodiff/ops.py at build time: an op added to the table is a row at once.
    from autodiff import ops

    page = HOOKS.op_table_page()
    rows = {row.split("`")[1]: row for row in page.splitlines() if row.startswith("| `")}
    table = [v for v in vars(ops).values() if isinstance(v, ops.Op)]
    families = [v for v in vars(ops).values() if isinstance(v, ops.Family)]
    assert len(rows) == len(table) + len(families) + 1 and "**p" in rows  # power(p)'s, made per exponent
    assert all(op.name in rows for op in table) and len(table) > 40
    assert all(any(name.startswith(f"{family.name}(") for name in rows) for family in families)
    assert rows["tan"] == "| `tan` | `x` | `m.tan(x)` | `(g * (1.0 + out * out),)` |"
    assert "clamp(min=-inf, max=inf)" in rows and "`x; numbers low, high`" in rows["clamp(min=-inf, max=inf)"]
    assert "def _won(m: Any, g: Any, a: Any, b: Any) -> Any:" in page and "_LN2, _LN10 = " in page
