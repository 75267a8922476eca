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
from tests.browser import serve

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
    assert 'class="ad-player"' in tour and "AutodiffPlayer.mount" in tour  # this checkout's player


def test_the_pictures_are_the_demos_rendered(site):
    pictures = _page(site, "pictures")
    for name in ("expression", "neuron", "model"):
        assert f"img/{name}.svg" in pictures
        assert "<svg" in (site / "img" / f"{name}.svg").read_text()[:2000]
    gpt = _page(site, "gpt")
    assert "img/attention_score.svg" in gpt and "img/gpt_attention.png" in gpt
    assert "score" in _texts((site / "img" / "attention_score.svg").read_text())
    assert (site / "img" / "gpt_attention.png").read_bytes()[:4] == b"\x89PNG"


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


@pytest.fixture(scope="module")
def served(site):
    """The built site on a local server (127.0.0.1, a free port), stopped after the module."""
    with serve(site) as url:
        yield url


def test_no_page_asks_an_outside_host_for_anything(site, served, page):
    from urllib.parse import urlparse

    outside = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in (None, "127.0.0.1") else None)
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) >= 15
    for name in pages:
        page.goto(served + ("" if name == "." else name + "/"))
        page.wait_for_load_state("networkidle")
    assert outside == []
    assert page.errors == []
    assert "fonts.googleapis" not in _page(site, "stepping")


READABLE = """() => [...document.querySelectorAll('.md-typeset img[src$=".svg"], .ad-picture svg')].map(e => {
  const shown = e.getBoundingClientRect().width;
  const drawn = e.tagName === 'IMG' ? e.naturalWidth : e.viewBox.baseVal.width * 4 / 3;  // pt to px
  return shown / drawn * 10 * 4 / 3;  // Graphviz's 10 pt node text, in px on the screen
})"""


@pytest.mark.parametrize("name", ["pictures", "stepping"])
def test_graphs_keep_a_readable_size_and_scroll(served, page, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served + name + "/")
    sizes = page.evaluate(READABLE)
    assert len(sizes) >= 3
    assert min(sizes) >= 12.0, sizes
    wide = page.evaluate("""() => [...document.querySelectorAll('.md-typeset p:has(> img[src$=".svg"]), .ad-picture')]
        .filter(e => e.scrollWidth > e.clientWidth).map(e => getComputedStyle(e).overflowX)""")
    assert wide and set(wide) <= {"auto", "scroll"}  # a graph wider than the column scrolls


def test_long_comments_in_code_wrap(served, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served + "stepping/")
    blocks = page.locator(".md-typeset pre > code")
    assert blocks.count() >= 5
    assert page.evaluate(
        "() => [...document.querySelectorAll('.md-typeset pre > code')].every(c => c.scrollWidth <= c.clientWidth + 1)"
    )
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.md-typeset pre > code')).whiteSpace")
        == "pre-wrap"
    )


def test_the_stepping_guide_plays_backward_and_the_naive_order(served, page):
    page.goto(served + "stepping/")
    players = page.locator(".ad-player")
    assert players.count() == 2
    right, naive = players.nth(0), players.nth(1)
    right.locator('button[data-action="last"]').click()
    assert right.locator(".ad-counter").text_content() == "step 3 of 3"
    right.locator(".ad-picture g.node", has_text="data 2.0000").first.click()
    assert right.locator(".ad-explain").text_content() == "a.grad = b.data * e.grad = (-3) * (-15) = 45"
    naive.locator('button[data-action="last"]').click()
    assert "Wrong: " in naive.locator(".ad-caption").text_content()
    assert naive.locator("text.ad-wrong").count() == 2  # a and b
    assert right.locator("text.ad-wrong").count() == 0
    assert page.errors == []


def test_the_api_reference_opens_with_value_and_nests_submodules(site):
    reference = _page(site, "reference/autodiff")
    headings = re.findall(r'<h([1-4])[^>]*id="([^"]*)"', reference)
    assert [h for h in headings if h[0] in "23"][:2] == [("2", "autodiffvalue"), ("3", "autodiff.value.Value")]
    levels = {name: level for level, name in headings}
    assert levels["autodiff.func.grad"] == levels["autodiff.testing.assert_close"] == "3"
    assert levels["autodifffunc"] == levels["autodifftesting"] == "2"
    assert "autodiff.worlds.floats.max" not in reference  # a helper of the float world, not a public name
    first = [name for level, name in headings if level == "3"][:6]
    assert first[:4] == [
        "autodiff.value.Value",
        "autodiff.value.constant",
        "autodiff.value.apply",
        "autodiff.backward.backward",
    ]
    nn_reference = _page(site, "reference/nn")
    for name in ("nn.plots.plot_loss", "nn.datasets.make_moons", "nn.init.xavier_uniform_"):
        assert f'<h3 id="{name}"' in nn_reference, name  # a submodule's own functions, one level down


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
