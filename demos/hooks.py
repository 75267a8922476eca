"""Inside the backward pass: gradient hooks on an MLP, and checkpointing a long chain.

1. A hook on every output of each layer of an MLP 2-16-16-1 prints the gradient that reaches the
   layer (its norm, on micrograd's moons loss): the layer's share of backward, as it happens.
2. A hook on every parameter clips its gradient to [-0.05, 0.05] before it is accumulated.
3. `autodiff.checkpoint` on x <- tanh(w * x + u), a long chain in segments: the same gradients
   for a fraction of the peak memory (tracemalloc), re-running each segment in backward.
"""

from __future__ import annotations

import math
import sys
import tracemalloc
from typing import Any

import autodiff as ad
import nn
from demos.report import Check, main
from nn.datasets import make_moons

EX = "hooks"
CLIP = 0.05
CHAIN = {False: (100_000, 100), True: (20_000, 100)}  # steps, segments


def moons_loss(model: nn.MLP, layer_outputs: list[list[ad.Value]]) -> ad.Value:
    """micrograd's max-margin loss on 20 moons points, keeping each layer's outputs."""
    X, y = make_moons(20, noise=0.1, seed=1337)
    scores = []
    for point in X:
        h: Any = [float(v) for v in point]
        for i, layer in enumerate(model.layers):
            h = layer(h)
            layer_outputs[i] += h if isinstance(h, list) else [h]
        scores.append(h)
    return ad.sum([(1 - label * s).relu() for label, s in zip(y, scores)]) * (1.0 / len(scores))


def gradient_per_layer() -> list[Check]:
    nn.manual_seed(0)
    model = nn.MLP(2, [16, 16, 1])
    outputs: list[list[ad.Value]] = [[] for _ in model.layers]
    loss = moons_loss(model, outputs)
    expected = [math.sqrt(math.fsum(g * g for g in ad.grad(loss, values))) for values in outputs]  # by grad()
    reached: list[list[float]] = [[] for _ in outputs]  # what the hooks see, layer by layer

    def watch(i: int) -> Any:
        return lambda g: reached[i].append(g)  # returns None: the gradient flows on unchanged

    for i, values in enumerate(outputs):
        for v in values:
            v.register_hook(watch(i))
    loss.backward()
    checks = []
    for i in reversed(range(len(outputs))):
        norm = math.sqrt(math.fsum(g * g for g in reached[i]))
        print(f"gradient reaching layer {i} ({len(reached[i])} outputs over 20 points): norm {norm:.6f}")
        checks.append(Check(EX, f"layer {i} gradient norm (hook vs grad())", expected[i], norm, 1e-12))
    return checks


def clipped() -> list[Check]:
    nn.manual_seed(0)
    model = nn.MLP(2, [16, 16, 1])
    plain = [p.grad for p in _backward(model)]
    for p in model.parameters():
        p.grad = 0.0
        p.register_hook(lambda g: max(-CLIP, min(CLIP, g)))
    hooked = [p.grad for p in _backward(model)]
    biggest = max(abs(g) for g in plain)
    print(f"largest |gradient| of a parameter: {biggest:.4f} unclipped, {max(abs(g) for g in hooked):.4f} clipped")
    gap = max(abs(h - max(-CLIP, min(CLIP, g))) for h, g in zip(hooked, plain))
    return [Check(EX, f"hook clip to {CLIP} vs clipping afterwards", 0.0, gap, 0.0)]


def _backward(model: nn.MLP) -> list[ad.Value]:
    moons_loss(model, [[] for _ in model.layers]).backward()
    return model.parameters()


def chain(steps: int, segments: int, checkpointed: bool) -> tuple[list[float], int]:
    w, u, x0 = ad.Value(0.9), ad.Value(0.1), ad.Value(0.3)

    def segment(x: ad.Value) -> ad.Value:
        for _ in range(steps // segments):
            x = (w * x + u).tanh()
        return x

    tracemalloc.start()
    try:
        x = x0
        for _ in range(segments):
            x = ad.checkpoint(segment, x) if checkpointed else segment(x)
        x.backward()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return [w.grad, u.grad], peak


def checkpointed(fast: bool) -> list[Check]:
    steps, segments = CHAIN[fast]
    plain, plain_peak = chain(steps, segments, False)
    checked, checked_peak = chain(steps, segments, True)
    less = plain_peak / checked_peak
    print(
        f"x <- tanh(w*x + u), {steps:,} steps: peak memory {plain_peak / 1e6:.1f} MB plain, "
        f"{checked_peak / 1e6:.2f} MB in {segments} checkpointed segments ({less:.0f}x less); "
        f"dL/dw {plain[0]:.15f} and {checked[0]:.15f}"
    )
    gap = max(abs(c - p) / abs(p) for c, p in zip(checked, plain))
    return [
        Check(EX, "checkpointed vs plain gradients (relative)", 0.0, gap, 1e-13),
        Check(EX, "peak memory at least 10x less", "yes", "yes" if less >= 10 else f"no: {less:.1f}x"),
    ]


def run(fast: bool = False) -> list[Check]:
    return gradient_per_layer() + clipped() + checkpointed(fast)


if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0], run))
