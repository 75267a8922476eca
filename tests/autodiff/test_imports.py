"""`import autodiff` needs only the standard library: numpy and graphviz come on first use."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import pytest

import autodiff

LAZY = ["CompiledGraph", "compile", "DotNotFoundError", "draw_dot", "save_graph"]


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_autodiff_loads_neither_numpy_nor_graphviz_until_a_lazy_name_is_used():
    out = run(
        """
        import sys
        import autodiff
        print(sorted(m for m in ("numpy", "graphviz") if m in sys.modules))
        autodiff.draw_dot
        print(sorted(m for m in ("numpy", "graphviz") if m in sys.modules))
        autodiff.compile
        print(sorted(m for m in ("numpy", "graphviz") if m in sys.modules))
        """
    )
    assert out.splitlines() == ["[]", "['graphviz']", "['graphviz', 'numpy']"]


def test_the_lazy_names_resolve_to_their_definitions():
    from autodiff import compiled, draw

    assert autodiff.compile is compiled.compile and autodiff.CompiledGraph is compiled.CompiledGraph
    assert autodiff.draw_dot is draw.draw_dot and autodiff.save_graph is draw.save_graph
    assert autodiff.DotNotFoundError is draw.DotNotFoundError
    assert autodiff.draw is draw and autodiff.compiled is compiled


def test_dir_and_star_import_see_every_name():
    assert set(LAZY) | {"Value", "set_grad_enabled", "compiled", "draw"} <= set(dir(autodiff))
    namespace: dict[str, object] = {}
    exec("from autodiff import *", namespace)
    assert set(autodiff.__all__) <= namespace.keys()
    assert namespace["CompiledGraph"] is autodiff.CompiledGraph and "compile" not in namespace
    assert not {"sum", "abs", "round"} & namespace.keys()  # the builtins stay: autodiff.round is torch.round's


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        autodiff.no_such_name  # noqa: B018


def test_the_core_runs_without_numpy_and_graphviz():
    out = run(
        """
        import sys

        class Blocker:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] in ("numpy", "graphviz"):
                    raise ImportError(f"{name} is blocked")

        sys.meta_path.insert(0, Blocker())
        import autodiff
        from autodiff import Value, grad, gradcheck, no_grad

        x, y = Value(0.5), Value(-1.5)
        z = (x * y + x.exp() / (1 + y**2)).tanh() + autodiff.logsumexp([x, y]) + autodiff.dot([x, y], [2.0, 3.0])
        z.backward()
        (dx,) = grad(x.sin() * x, [x], create_graph=True)
        with no_grad():
            w = x * 2
        print(repr(z.data), repr(x.grad), repr(y.grad), repr(grad(dx, [x])[0]))
        print(gradcheck(lambda a, b: (a * b).sigmoid(), [0.3, 0.7]), w.parents)
        try:
            autodiff.compile
        except ImportError as error:
            print("compile:", error)
        """
    )
    x, y = 0.5, -1.5
    inner = x * y + math.exp(x) / (1 + y**2)
    t = math.tanh(inner)
    lse = math.log(math.exp(x) + math.exp(y))
    z = t + lse + 2 * x + 3 * y
    d_inner_dx = y + math.exp(x) / (1 + y**2)
    d_inner_dy = x - math.exp(x) * 2 * y / (1 + y**2) ** 2
    softmax_x, softmax_y = math.exp(x - lse), math.exp(y - lse)
    dzdx = (1 - t * t) * d_inner_dx + softmax_x + 2
    dzdy = (1 - t * t) * d_inner_dy + softmax_y + 3
    second = 2 * math.cos(x) - x * math.sin(x)  # d2/dx2 of x sin x
    first, second_line, third = out.splitlines()
    want = [z, dzdx, dzdy, second]
    got = [float(v) for v in first.split()]
    assert len(got) == 4 and all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(got, want)), (got, want)
    assert second_line == "True ()"
    assert third.startswith("compile:") and "numpy is blocked" in third
