"""The notebook tour runs end to end on a real Jupyter kernel, and shows what it says."""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TOUR = Path(__file__).resolve().parent.parent / "demos" / "tour.ipynb"


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _kinds(cell) -> set[str]:
    return {kind for o in cell.get("outputs", []) for kind in o.get("data", {})}


def test_tour_executes_and_shows_its_results(tmp_path):
    notebook = nbformat.read(TOUR, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not any(o.output_type == "error" for o in c.outputs) for c in code)

    assert "c = 0.9951, dc/da = -0.0296, dc/db = -0.0395" in _text(code[0])
    assert "image/svg+xml" in _kinds(code[1])
    assert "<svg" in code[1].outputs[0]["data"]["image/svg+xml"]

    first, last = map(float, re.search(r"loss ([\d.]+) -> ([\d.]+)", _text(code[2])).groups())
    assert last < first / 4
    predictions = eval(_text(code[2]).split("predictions:")[1])
    assert [round(p) for p in predictions] == [0, 0, 0, 1]
    assert "image/png" in _kinds(code[3])

    d1, d2 = map(float, re.search(r"dy/dx = ([-\d.]+), d2y/dx2 = ([-\d.]+)", _text(code[4])).groups())
    x = 0.5
    assert math.isclose(d1, math.cos(x) * x**2 + 2 * x * math.sin(x), abs_tol=1e-6)
    assert math.isclose(d2, -math.sin(x) * x**2 + 4 * x * math.cos(x) + 2 * math.sin(x), abs_tol=1e-6)

    hvp = eval(_text(code[5]).split("H v =")[1])
    # f = p^2 q + e^q p at (1, 2): H = [[2q, 2p + e^q], [2p + e^q, e^q p]]
    e2 = math.exp(2.0)
    assert hvp == [round(4 - (2 + e2), 6), round((2 + e2) - e2, 6)]
