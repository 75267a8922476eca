"""MkDocs hooks: what the site shows that is computed at build time, never kept in the repository.

- the version (from `autodiff.__version__`), in the footer of every page;
- the tour notebook, executed on a real kernel into a temporary copy (mkdocs-jupyter renders it);
- the pictures of the demos, drawn by `autodiff.draw_dot` (but for the one the README shows, which
  is committed in docs/img/, and which the tests compare with a fresh drawing);
- the benchmark chart, where `make bench` has drawn one;
- the backward players of the stepping guide (`<!-- player: topological -->`, `naive`);
- the op table (ops.md): every op of autodiff/ops.py with its forward and derivative, read from
  that file's source, so that the page cannot drift from the table;
- the API reference: one page per package, one entry per public name, found at run time (so a
  name added to `__all__` is documented with no edit here), and a warning (an error under
  `--strict`) for a public name without a docstring.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the demos package, for its pictures

import autodiff  # noqa: E402
import nn  # noqa: E402

log = get_plugin_logger("autodiff-docs")

# Each package of the reference: the names it documents beyond `__all__` (public, but kept out of
# `__all__` so that `from autodiff import *` leaves the builtins alone; or imported on their own).
REFERENCE: dict[str, tuple[ModuleType, list[str]]] = {
    "autodiff": (autodiff, ["compile", "sum", "abs", "round", "func", "testing"]),
    "nn": (nn, ["plots"]),
}
# The reference opens with what users call most, in this order; then the rest, module by module.
FIRST = [
    "Value", "backward", "grad", "no_grad", "draw_dot", "draw_backward", "explain", "trace_backward",
    "topological_order", "constant", "enable_grad", "set_grad_enabled", "save_graph",
    "MLP", "Linear", "Module", "SGD", "Adam", "mse_loss", "manual_seed",
]  # fmt: skip
CHART = ROOT / "benchmarks" / "results.png"
_TEMPORARY: dict[str, tempfile.TemporaryDirectory[str]] = {}  # the executed notebook, until the build ends


def public_objects(package: str) -> dict[str, Any]:
    """Every public name of `package` and its object (a submodule such as `nn.plots` imported)."""
    module, extra = REFERENCE[package]
    names = [*module.__all__, *extra]
    for name in extra:
        if not hasattr(module, name):
            __import__(f"{package}.{name}")
    return {name: getattr(module, name) for name in names}


def canonical_path(obj: Any) -> str:
    """Where `obj` is defined (`autodiff.value.Value`): the path the reference documents it under."""
    if isinstance(obj, ModuleType):
        return obj.__name__
    return f"{obj.__module__}.{obj.__qualname__}"


def on_config(config: Any) -> Any:
    config.copyright = f"autodiff {autodiff.__version__} · MIT licence"
    config.extra["version"] = autodiff.__version__
    return config


@event_priority(50)  # before mkdocs-jupyter's on_files, which takes the notebook over
def on_files(files: Files, config: Any) -> Files:
    build = Path(_TEMPORARY.setdefault("dir", tempfile.TemporaryDirectory(prefix="autodiff-docs-")).name)
    # A file of the temporary folder rather than a generated one: mkdocs-jupyter reads it from disk.
    _executed_tour(build)
    files.append(File("tour.ipynb", str(build), config.site_dir, config.use_directory_urls))
    for name, svg in _pictures().items():
        if files.get_file_from_path(f"img/{name}.svg") is None:  # the README's picture is committed
            files.append(File.generated(config, f"img/{name}.svg", content=svg))
    if CHART.exists():
        files.append(File.generated(config, "img/results.png", abs_src_path=str(CHART)))
    for package in REFERENCE:
        files.append(File.generated(config, f"reference/{package}.md", content=_reference_page(package)))
    files.append(File.generated(config, "ops.md", content=op_table_page()))
    return files


def on_post_build(config: Any) -> None:
    if "dir" in _TEMPORARY:
        _TEMPORARY.pop("dir").cleanup()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri == "speed.md" and CHART.exists():
        markdown += "\n\n![The benchmark chart, from `make bench`](img/results.png)\n"
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    # `<!-- player: ORDER -->` in a guide: the backward player of the guide's expression, inline.
    for order in ("topological", "naive"):
        marker = f"<!-- player: {order} -->"
        if marker in html:
            html = html.replace(marker, _player(order))
    return html


def _player(order: str) -> str:
    """The backward player of the stepping guide's expression (a shared node, `e`), in `order`."""
    from autodiff import Value, draw_backward

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    d = e + b
    d.label = "d"
    f = e * d
    f.label = "f"
    return draw_backward(f, order=order, legend=False).html()


def _executed_tour(build: Path) -> Path:
    """demos/tour.ipynb run top to bottom in `build` (what it writes stays there)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "demos" / "tour.ipynb", as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(build)}})
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), saved]))  # this checkout's packages
    try:
        client.execute()
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    path = build / "tour.ipynb"
    nbformat.write(notebook, path)
    return path


def _pictures() -> dict[str, bytes]:
    """The demos' pictures (demos/graph.py), a model's graph in clusters, shaded by |grad|, and
    the graph of one attention score (the guide "From micrograd to a GPT")."""
    from demos.graph import expression, neuron

    a, b, c = expression()
    w, bias, o = neuron()
    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1])
    out = model([0.5, -1.0])
    out.backward()
    nn.manual_seed(0)
    attn = nn.CausalSelfAttention(4, 2)
    x_query = [autodiff.Value(v, f"xq[{i}]", requires_grad=False) for i, v in enumerate([0.5, -1.0, 0.2, 0.8])]
    x_key = [autodiff.Value(v, f"xk[{i}]", requires_grad=False) for i, v in enumerate([1.0, 0.3, -0.4, 0.1])]
    score = attn.score(x_query, x_key, head=0)
    score.backward()
    return {
        "expression": autodiff.draw_dot(c, params=[a, b]).pipe("svg"),
        "neuron": autodiff.draw_dot(o, params=[*w, bias]).pipe("svg"),
        "model": autodiff.draw_dot(out, params=model.parameters(), clusters=True, color_by_grad=True).pipe("svg"),
        "attention_score": autodiff.draw_dot(score, params=attn.parameters()).pipe("svg"),
    }


def _members(sub: ModuleType, package: ModuleType) -> str:
    """The members the reference shows of a submodule: its `__all__`, or its own public functions
    and classes; none for an internal module that the package exports under another name
    (`autodiff.scalar` is `autodiff.worlds.floats`, the math world that rules receive as `m`):
    its helpers are not the package's names."""
    if not any(
        getattr(package, name, None) is sub and sub.__name__ == f"{package.__name__}.{name}" for name in dir(package)
    ):
        return "false"
    names = getattr(sub, "__all__", None) or [
        name
        for name, obj in vars(sub).items()
        if not name.startswith("_") and getattr(obj, "__module__", None) == sub.__name__ and callable(obj)
    ]
    return json.dumps(sorted(names))


def _reference_page(package: str) -> str:
    """The reference page of `package`: its docstring, then each public name grouped by the module
    that defines it, the most used first (`FIRST`); a submodule at the level of a module, its own
    public names (its `__all__`, or none) one level below."""
    module = REFERENCE[package][0]
    groups: dict[str, list[str]] = {}
    objects = public_objects(package)
    rank = {name: i for i, name in enumerate(FIRST)}
    for name, obj in sorted(objects.items(), key=lambda item: rank.get(item[0], len(FIRST))):
        if not inspect.getdoc(obj):
            log.warning(f"{package}.{name} has no docstring")
        path = canonical_path(obj)
        groups.setdefault(path if isinstance(obj, ModuleType) else obj.__module__, []).append(path)
    summary = (inspect.getdoc(module) or "").split("\n\n")[0]  # its examples are in the guides
    lines = [f"# `{package}`", "", summary, ""]
    for where, paths in groups.items():
        lines += [f"## `{where}`", ""]
        for path in paths:
            if path != where:
                lines += [f"::: {path}", "    options:", "      heading_level: 3", ""]
                continue
            lines += [f"::: {path}", "    options:", "      show_root_heading: false", "      heading_level: 3"]
            lines += [f"      members: {_members(sys.modules[path], module)}", ""]
    return "\n".join(lines)


OPS = ROOT / "autodiff" / "ops.py"
OP_TABLE_HEAD = """# The op table

Every primitive op of `autodiff/ops.py`, as its source writes it: the name a picture shows, the
forward and the derivative. The derivative gets the math world `m` (floats, Values, numpy arrays:
`autodiff/worlds/`), the upstream gradient `g`, the op's output `out` and the inputs, and returns
one gradient per input. An op with parameters (a slope, a bound) is a family: one op per set of
numbers, named with those that differ from PyTorch's defaults (`leaky_relu(negative_slope=0.2)`).
This page is generated from the table itself when the site is built.

| Op | Inputs | Forward | Derivative (one per input) |
|----|--------|---------|----------------------------|
"""


def op_table_page() -> str:
    """The op table page: a row per `Op(...)` or `Family(...)` of autodiff/ops.py, then the source
    of the helpers and constants that the rules use."""
    source = OPS.read_text()
    tree = ast.parse(source)
    helpers = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name.startswith("_")}
    rows, used = [], []
    for assign in ast.walk(tree):
        call = assign.value if isinstance(assign, ast.Assign) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in ("Op", "Family")):
            continue
        if isinstance(call.args[0], ast.Name):  # the Op that a Family makes from its own rule
            continue
        rows.append(_op_row(source, assign, call))
        rules = call.args[-2:]
        used += [n.id for f in rules for n in ast.walk(f) if isinstance(n, ast.Name) and n.id in helpers]
    constants = [ast.get_source_segment(source, a) or "" for a in tree.body if _assigns_a_constant(a)]
    lines = [OP_TABLE_HEAD + "\n".join(rows), "", "## The helpers and constants the rules use", ""]
    for name in dict.fromkeys(used):
        lines += ["```python", ast.get_source_segment(source, helpers[name]) or "", "```", ""]
    return "\n".join([*lines, "```python", *constants, "```", ""])


def _op_row(source: str, assign: ast.Assign, call: ast.Call) -> str:
    """The table's row of one op: its name, inputs, forward and derivative as the source has them."""
    forward, derivative = call.args[-2], call.args[-1]
    assert isinstance(forward, ast.Lambda), ast.unparse(call)
    assert isinstance(derivative, ast.Lambda), ast.unparse(call)
    name = call.args[0].value if isinstance(call.args[0], ast.Constant) else "**p"  # power(p): an f-string
    inputs = [a.arg for a in forward.args.args[1:]]
    inputs += [f"*{forward.args.vararg.arg}"] if forward.args.vararg else []
    shown = ", ".join(inputs)
    if call.func.id == "Family":  # its numbers' names and defaults, from the family itself
        defaults = getattr(autodiff.ops, assign.targets[0].id).defaults  # type: ignore[attr-defined]
        n = len(inputs) - len(defaults)
        shown = ", ".join(inputs[:n]) + "; numbers " + ", ".join(inputs[n:])
        name += "(" + ", ".join(f"{k}={v:g}" for k, v in defaults.items()) + ")"
    elif name == "**p":
        shown = "x; number p"
    cells = [name, shown] + [ast.get_source_segment(source, f.body) or "" for f in (forward, derivative)]
    return "| " + " | ".join(f"`{_cell(c)}`" for c in cells) + " |"


def _cell(text: str) -> str:
    # One line, and no `|` that would end the table's cell.
    return " ".join(text.split()).replace("|", "\\|")


def _assigns_a_constant(node: ast.stmt) -> bool:
    """`_LN2, _LN10 = ...`: a module-level assignment of private upper-case names."""
    targets = node.targets if isinstance(node, ast.Assign) else []
    names = [n for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return bool(names) and all(n.id.startswith("_") and n.id[1:].isupper() for n in names)


def _cell(text: str) -> str:
    # One line, and no `|` that would end the table's cell.
    return " ".join(text.split()).replace("|", "\\|")
