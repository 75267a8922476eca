"""The notebook tour runs end to end on a real Jupyter kernel, and shows what it says."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient

TOUR = Path(__file__).resolve().parent.parent.parent / "demos" / "tour.ipynb"


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _kinds(cell) -> set[str]:
    return {kind for o in cell.get("outputs", []) for kind in o.get("data", {})}


def _first_cell_as_torch_computes_it() -> str:
    a = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-3.0, dtype=torch.float64, requires_grad=True)
    c = (a * b + b**2).tanh()
    c.backward()
    return f"c = {c.item():.4f}, dc/da = {a.grad.item():.4f}, dc/db = {b.grad.item():.4f}"


def test_tour_executes_and_shows_its_results(tmp_path):
    notebook = nbformat.read(TOUR, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not any(o.output_type == "error" for o in c.outputs) for c in code)

    assert _first_cell_as_torch_computes_it() in _text(code[0])
    assert "image/svg+xml" in _kinds(code[1])
    assert "<svg" in code[1].outputs[0]["data"]["image/svg+xml"]

    first, last = map(float, re.search(r"loss ([\d.]+) -> ([\d.]+)", _text(code[2])).groups())
    assert last < first / 4
    predictions = eval(_text(code[2]).split("predictions:")[1])
    assert [round(p) for p in predictions] == [0, 0, 0, 1]
    assert "image/png" in _kinds(code[3])

    # The lecture's neuron, step by step: w1.grad = x1 * (1 - o^2) = 2 * 0.5, and the player.
    assert re.search(r"w1\.grad \+= x1\.data \* (n\d+)\.grad = 2\.0000 \* 0\.5000 = 1\.0000", _text(code[4]))
    name = re.search(r"w1\.grad \+= x1\.data \* (n\d+)\.grad", _text(code[4])).group(1)
    assert f"w1.grad = x1.data * {name}.grad = 2 * 0.5 = 1" in _text(code[4])
    player = code[5].outputs[0]["data"]["text/html"]
    frames = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', player, re.S).group(1))
    assert len(frames["frames"]) == 6 and "<svg" in player and "<script>" in player

    x = 0.5  # y = sin(x) x^2
    d1 = math.cos(x) * x**2 + 2 * x * math.sin(x)
    d2 = -math.sin(x) * x**2 + 4 * x * math.cos(x) + 2 * math.sin(x)
    assert f"dy/dx = {d1:.6f}, d2y/dx2 = {d2:.6f}" in _text(code[6])

    hvp = eval(_text(code[7]).split("H v =")[1])
    # f = p^2 q + e^q p at (1, 2): H = [[2q, 2p + e^q], [2p + e^q, e^q p]]
    e2 = math.exp(2.0)
    assert hvp == [round(4 - (2 + e2), 6), round((2 + e2) - e2, 6)]

    # The function transforms' section (found by its code: other sections may follow or precede it).
    (transforms,) = [c for c in code if "func.jacfwd(func.jacrev(f))" in c.source]
    f = lambda v: v[0] ** 2 * v[1] + v[1].exp() * v[0]  # the cell's f, on a tensor
    point = torch.tensor([1.0, 2.0], dtype=torch.float64)
    gradient = [round(g, 6) for g in torch.func.grad(f)(point).tolist()]
    hessian = [[round(h, 6) for h in row] for row in torch.func.hessian(f)(point).tolist()]
    assert f"gradient: {gradient}\nHessian: {hessian}" in _text(transforms)
