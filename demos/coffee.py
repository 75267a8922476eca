"""The "coffee" sigmoid neuron in batch form: Z = X.W + b, A = sigmoid(Z), squared error.

Three mornings, features (caffeine, price), label buy = 1 / skip = 0. The tutorial works the
chain rule by hand; here the engine computes every piece, and PyTorch checks it. The tutorial
also claims that PyTorch's `MSELoss` gives the summed gradient divided by 3: it gives twice that.
"""

from __future__ import annotations

import sys

import numpy as np

import autodiff as ad
from autodiff import Value
from demos.report import Check, check, main

X = np.array([[1.0, 2.0], [0.2, 2.0], [1.0, 0.5]])
Y = [1.0, 0.0, 1.0]
W0, B0, LR = [0.5, -0.5], 0.0, 0.1
EX = "coffee"


def engine_pass():
    """Forward and backward with loss 1/2 sum (A - Y)^2; returns every intermediate Value."""
    W = np.array([Value(W0[0], label="w_caffeine"), Value(W0[1], label="w_price")], dtype=object)
    b = Value(B0, label="b")
    Z = X @ W + b  # the batch form: one Value per morning
    A = [z.sigmoid() for z in Z]
    loss = 0.5 * ad.sum([(a - y) ** 2 for a, y in zip(A, Y)])
    loss.backward()
    return W, b, Z, A, loss


def torch_pass(reduction: str):
    """The same neuron in PyTorch float64: the 1/2-sum loss, or `nn.MSELoss()` (a mean)."""
    import torch

    W = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(B0, dtype=torch.float64, requires_grad=True)
    A = torch.sigmoid(torch.tensor(X) @ W + b)
    target = torch.tensor(Y, dtype=torch.float64)
    loss = 0.5 * ((A - target) ** 2).sum() if reduction == "half-sum" else torch.nn.MSELoss()(A, target)
    loss.backward()
    return W.grad.tolist(), b.grad.item(), loss.item()


def run(fast: bool = False) -> list[Check]:
    W, b, Z, A, loss = engine_pass()
    n = len(Y)
    print("Forward, row by row (engine):")
    for i, (z, a, y) in enumerate(zip(Z, A, Y)):
        print(
            f"  morning {i + 1}: z = {z.data:+.4f}  a = sigmoid(z) = {a.data:.4f}  (a - y)^2 = {(a.data - y) ** 2:.4f}"
        )
    print("Backward, the chain-rule pieces (read off the engine's interior .grad):")
    for i, (z, a) in enumerate(zip(Z, A)):
        sigmoid_prime = a.data * (1 - a.data)
        print(f"  morning {i + 1}: dL/da = {a.grad:+.4f}  sigmoid'(z) = {sigmoid_prime:.4f}  dL/dz = {z.grad:+.4f}")
    summed = [w.grad for w in W]
    print(f"dL/dW summed over the batch = [{summed[0]:+.4f}, {summed[1]:+.4f}], dL/db = {b.grad:+.4f}")
    print(f"  as a mean over the batch:   [{summed[0] / n:+.4f}, {summed[1] / n:+.4f}], dL/db = {b.grad / n:+.4f}")
    updated = [w - LR * g for w, g in zip(W0, summed)]
    print(f"after one step with lr = {LR}: w = [{updated[0]:.4f}, {updated[1]:.4f}]")

    t_w, t_b, _ = torch_pass("half-sum")
    mse_w, _, mse_loss = torch_pass("mse")
    print(f"PyTorch, same loss: dL/dW = [{t_w[0]:+.4f}, {t_w[1]:+.4f}], dL/db = {t_b:+.4f}")
    print(f"PyTorch nn.MSELoss: loss = {mse_loss:.4f}, dL/dw1 = {mse_w[0]:+.4f}")
    print(
        "  MSELoss is the mean of (A - Y)^2, whose derivative is (2/N) sum (A - Y) ...: twice the\n"
        f"  summed gradient of the 1/2-sum loss divided by N, so {2 * summed[0] / n:+.4f}, not {summed[0] / n:+.4f}."
    )

    checks = []
    for i, q in enumerate(["-0.5", "-0.9", "0.25"]):
        checks.append(check(EX, f"Z[{i}]", q, Z[i].data))
    for i, q in enumerate(["0.3775", "0.2890", "0.5621"]):
        checks.append(check(EX, f"A[{i}]", q, A[i].data))
    for i, q in enumerate(["0.387", "0.083", "0.191"]):
        checks.append(check(EX, f"(A-Y)^2[{i}]", q, (A[i].data - Y[i]) ** 2))
    for i, q in enumerate(["-0.6225", "0.2890", "-0.4379"]):
        checks.append(check(EX, f"dL/dA[{i}]", q, A[i].grad))
    for i, q in enumerate(["0.235", "0.205", "0.246"]):
        checks.append(check(EX, f"sigmoid'(Z)[{i}]", q, A[i].data * (1 - A[i].data)))
    for i, q in enumerate(["-0.146", "0.059", "-0.108"]):
        checks.append(check(EX, f"dL/dZ[{i}]", q, Z[i].grad))
    checks += [
        check(EX, "dL/dw1 (sum)", "-0.242", summed[0]),
        check(EX, "dL/dw2 (sum)", "-0.228", summed[1]),
        check(EX, "dL/db (sum)", "-0.195", b.grad),
        check(EX, "w1 after step", "0.5242", updated[0]),
        check(EX, "w2 after step", "-0.4772", updated[1]),
        Check(EX, "dL/dw1: engine vs torch", summed[0], t_w[0], tolerance=1e-12),
        Check(EX, "dL/dw2: engine vs torch", summed[1], t_w[1], tolerance=1e-12),
        Check(EX, "dL/db: engine vs torch", b.grad, t_b, tolerance=1e-12),
        check(
            EX,
            "MSELoss dL/dw1",
            "-0.0806",
            mse_w[0],
            expect_match=False,
            note="the mean of squares has derivative (2/N) sum: twice summed/N",
        ),
        Check(EX, "MSELoss loss: engine vs torch", 2 * loss.data / n, mse_loss, tolerance=1e-12),
    ]
    return checks


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
