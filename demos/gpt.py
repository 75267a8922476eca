"""A character-level GPT trained on 32,033 names with eager Values, then 20 new names sampled.

microgpt's model in nn's blocks: 1 layer, 16-dim embeddings, 4 heads, block size 16, one name a
step, AdamW (lr 0.01, betas 0.85 and 0.99) with the lr decaying linearly to 0. Writes
out/gpt_loss.png, out/gpt_attention.png (the attention weights of a sampled name) and
out/gpt_score.html (the graph of one attention score, stepped through in the player).
`python -m demos.gpt --steps 1000` is the full run; `make demo` trains for a few seconds.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import random
import sys

import autodiff as ad
import nn
from demos.progress import steps as progress
from demos.report import Check, out_path, table

EX = "gpt"
DATA = pathlib.Path(__file__).resolve().parent / "data" / "names.txt"  # MIT: names.LICENSE beside it
LETTERS = "abcdefghijklmnopqrstuvwxyz"
BOS = len(LETTERS)  # the token that starts and ends every name
VOCAB = len(LETTERS) + 1
SEED = 42
STEPS, FAST_STEPS = 300, 60
SAMPLES, TEMPERATURE = 20, 0.5


def load_names(path: pathlib.Path = DATA) -> list[str]:
    """The names, one a line, lower case."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def encode(name: str) -> list[int]:
    """BOS, the name's letters, BOS."""
    return [BOS, *(LETTERS.index(c) for c in name), BOS]


def decode(tokens: list[int]) -> str:
    return "".join("." if t == BOS else LETTERS[t] for t in tokens)


def make_model(seed: int = SEED) -> nn.GPT:
    nn.manual_seed(seed)
    return nn.GPT(VOCAB, block_size=16, n_layer=1, n_embd=16, n_head=4)


def make_optimizer(model: nn.GPT, steps: int) -> tuple[nn.AdamW, nn.LinearLR]:
    opt = nn.AdamW(model.parameters(), lr=0.01, betas=(0.85, 0.99), eps=1e-8, weight_decay=0.01)
    return opt, nn.LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=steps)


def batches(names: list[str], steps: int, block_size: int, seed: int = SEED) -> list[list[int]]:
    """One name a step, shuffled, each as at most block_size + 1 tokens."""
    order = names[:]
    random.Random(seed).shuffle(order)
    return [encode(order[k % len(order)])[: block_size + 1] for k in range(steps)]


def train(model: nn.GPT, names: list[str], steps: int) -> list[float]:
    """`steps` steps of AdamW on one name each; the loss of each step."""
    opt, schedule = make_optimizer(model, steps)
    losses = []
    for k, tokens in zip(progress(steps, "gpt"), batches(names, steps, model.block_size)):
        loss = model.loss(tokens)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        losses.append(loss.data)
        if k % 100 == 0 or k == steps - 1:
            recent = losses[-100:]
            print(f"step {k + 1:4d}/{steps}: loss {loss.data:.4f} (mean of the last {len(recent)}: {mean(recent):.4f})")
    return losses


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def attention_picture(model: nn.GPT, tokens: list[int]) -> pathlib.Path:
    """The attention weights of each head over `tokens` (BOS, a name), as heatmaps."""
    from nn.plots import plot_attention

    cache = model.new_cache()
    with ad.no_grad():
        for token in tokens:
            model.step(token, cache)
    weights = [[row[h] for row in cache[0].weights] for h in range(model.n_head)]
    path = out_path("gpt_attention.png")
    return plot_attention(weights, list(decode(tokens)), path, title=f"Attention over {decode(tokens)!r}")


def score_graph(model: nn.GPT, tokens: list[int], query: int, key: int) -> ad.Value:
    """The graph of one attention score of head 0: position `query` against position `key`
    of `tokens`, from the inputs of the first block's attention (as constants)."""
    cache, inputs = model.new_cache(), []
    block = model.blocks[0]
    with ad.no_grad():
        for token in tokens[: query + 1]:
            x = model.norm([t + p for t, p in zip(model.wte(token), model.wpe(len(cache[0])))])
            inputs.append([v.data for v in block.norm1(x)])
            block.step(x, cache[0])
    x_q = [ad.Value(v, f"x{query}[{i}]", requires_grad=False) for i, v in enumerate(inputs[query])]
    x_k = [ad.Value(v, f"x{key}[{i}]", requires_grad=False) for i, v in enumerate(inputs[key])]
    return block.attn.score(x_q, x_k, head=0)


def run(fast: bool = False, steps: int | None = None) -> list[Check]:
    steps = steps or (FAST_STEPS if fast else STEPS)
    names = load_names()
    print(f"{len(names)} names, e.g. {', '.join(names[:5])}; {VOCAB} tokens (26 letters and BOS)")
    model = make_model()
    print(f"{model}: {len(model.parameters())} parameters")
    losses = train(model, names, steps)
    generator = random.Random(SEED)
    samples = [decode(model.generate(BOS, TEMPERATURE, generator, stop=BOS)) for _ in range(SAMPLES)]
    print(f"\n{SAMPLES} new names (temperature {TEMPERATURE}):\n  " + "\n  ".join(samples))
    from nn.plots import plot_loss

    curve = plot_loss(losses, out_path("gpt_loss.png"), title="GPT on names: loss per step")
    shown = next((s for s in samples if len(s) >= 3), samples[0])
    tokens = encode(shown)[:-1]
    heatmap = attention_picture(model, tokens)
    score = score_graph(model, tokens, query=len(tokens) - 1, key=1)
    player = ad.draw_backward(score, params=model.parameters(), legend=False)
    page = player.save(out_path("gpt_score.html"))
    print(f"pictures: {curve}, {heatmap}, {page} ({len(player.frames)} frames)")
    uniform, last = math.log(VOCAB), mean(losses[-min(50, steps) :])
    print(f"loss: {mean(losses[:10]):.4f} over the first 10 steps, {last:.4f} over the last 50; log 27 = {uniform:.4f}")
    return [
        Check(EX, "first loss near log 27 (uniform)", "yes", "yes" if abs(losses[0] - uniform) < 0.3 else "no"),
        Check(EX, "mean loss of the last 50 < 0.85 log 27", "yes", "yes" if last < 0.85 * uniform else "no"),
        Check(EX, "names sampled", SAMPLES, len(samples)),
        Check(EX, "player frames = steps + the seed", len(ad.trace_backward(score)) + 1, len(player.frames)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help=f"{FAST_STEPS} steps (used by the tests)")
    parser.add_argument("--steps", type=int, default=None, help=f"training steps (default {STEPS}; 1000 in full)")
    args = parser.parse_args()
    if args.steps is not None and args.steps < 1:
        parser.error(f"--steps should be a positive int, got {args.steps}")
    checks = run(args.fast, args.steps)
    print()
    print(table(checks))
    return 0 if all(c.as_expected for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
