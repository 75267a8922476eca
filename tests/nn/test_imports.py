"""`import nn` needs only the standard library and autodiff: the parts that need numpy load on use."""

import json
import subprocess
import sys
import textwrap

# Run in a fresh interpreter: every `import numpy` (or matplotlib, torch) that a module of nn runs
# is refused and recorded, whether numpy is loaded already or not (autodiff may load it itself).
SCRIPT = textwrap.dedent(
    """
    import builtins, json, sys

    HEAVY = ("numpy", "matplotlib", "torch")
    refused, allowed = [], []
    plain_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        importer = (globals or {}).get("__name__", "")
        if level == 0 and name.partition(".")[0] in HEAVY:
            if importer == "nn" or importer.startswith("nn."):
                refused.append(importer)
                raise ImportError(f"{name} is blocked for {importer}")
            if importer.partition(".")[0] not in (*HEAVY, "importlib"):  # not numpy's own imports
                allowed.append(importer)
        return plain_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded_import
    import nn
    from autodiff import Value

    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1], activation="tanh")
    opt = nn.SGD(model.parameters(), lr=0.1)
    before = [p.data for p in model.parameters()]
    loss = nn.mse_loss([model([0.5, -1.0]), model([Value(1.0), 2.0])], [1.0, -1.0])
    opt.zero_grad()
    loss.backward()
    opt.step()
    ok = [p.data for p in model.parameters()] == [b - 0.1 * p.grad for b, p in zip(before, model.parameters())]
    loaded = sorted(m for m in sys.modules if m == "nn" or m.startswith("nn."))
    report = {"refused": list(refused), "allowed": allowed, "ok": ok, "loaded": loaded}
    try:
        nn.datasets.make_moons
        lazy = "loaded despite the block"
    except ImportError as error:
        lazy = str(error)
    print(json.dumps({**report, "lazy": lazy}))
    """
)


def test_import_nn_and_a_training_step_run_no_numpy_import_of_nn_s_own():
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    report = json.loads(run.stdout)
    assert report["refused"] == [] and report["ok"]
    assert not {"nn.datasets", "nn.plots", "nn.torch_bridge"} & set(report["loaded"])
    assert {"nn.layers", "nn.losses", "nn.module", "nn.optim"} <= set(report["loaded"])
    # Only autodiff may load numpy (until it too loads it lazily); never a module of nn.
    assert all(importer.partition(".")[0] == "autodiff" for importer in report["allowed"])
    # The guard works: nn.datasets, asked for, runs its `import numpy` and is refused.
    assert report["lazy"] == "numpy is blocked for nn.datasets"


def test_the_numpy_parts_load_on_first_use():
    code = "import sys, nn; a = 'nn.datasets' in sys.modules; X, y = nn.datasets.make_moons(4); print(a, X.shape)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split(maxsplit=1) == ["False", "(4, 2)\n"]
    code = "from nn import datasets, plots; print(datasets.make_moons.__module__, plots.plot_loss.__module__)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["nn.datasets", "nn.plots"]
