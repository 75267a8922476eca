"""A scalar GPT's training step (microgpt's model), written once for any engine: `gpt_step`.

One layer, 16-dim embeddings, 4 heads: token and position embeddings, rmsnorm, causal
multi-head attention over the positions so far, a relu MLP, the logits, softmax cross-entropy
over one name of a few characters (a step trains on one name), backward, and an Adam update.
The model is written with `+`, `*`, `**` by a number, `log`, `exp`, `relu` and the n-ary `sum`
and `dot` of the engine, so that our engine (`autodiff`) and the minimal one
(`benchmarks.minimal`) build the same graph, node for node, and compute the same numbers.
Subtraction and division are written as `+ x * -1` and `* x ** -1`, as the minimal engine
defines them, for the same reason.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

NAMES = [
    "emma",
    "olivia",
    "ava",
    "isabella",
    "sophia",
    "charlotte",
    "mia",
    "amelia",
    "harper",
    "evelyn",
    "abigail",
    "emily",
    "liam",
    "noah",
    "oliver",
    "elijah",
    "james",
    "william",
    "benjamin",
    "lucas",
    "henry",
    "alexander",
    "mason",
    "michael",
    "ethan",
    "daniel",
    "jacob",
    "logan",
    "jackson",
    "levi",
    "sebastian",
    "mateo",
    "jack",
    "owen",
    "theodore",
    "aiden",
    "samuel",
    "joseph",
    "john",
    "david",
    "wyatt",
]
CHARS = sorted(set("".join(NAMES)))
BOS = len(CHARS)  # the token that begins and ends a name
SEED = 42
ENGINES = ("minimal", "ours")


@dataclass(frozen=True)
class Config:
    n_embd: int = 16
    n_head: int = 4
    n_layer: int = 1
    block_size: int = 16
    vocab_size: int = len(CHARS) + 1


@dataclass
class Engine:
    """What the model needs from an engine: its Value class and its n-ary sum and dot."""

    Value: Callable[[float], Any]
    sum: Callable[[Sequence[Any]], Any]
    dot: Callable[[Sequence[Any], Sequence[Any]], Any]


def engine(name: str) -> Engine:
    if name == "ours":
        import autodiff

        return Engine(autodiff.Value, autodiff.sum, autodiff.dot)
    if name == "minimal":
        from . import minimal

        return Engine(minimal.Value, minimal.sum, minimal.dot)
    raise ValueError(f"unknown engine {name!r}; expected 'ours' or 'minimal'")


def initial_weights(config: Config) -> dict[str, list[list[float]]]:
    """Every matrix of the model, Gaussian (std 0.08) from one seed, as microgpt."""
    rng = random.Random(SEED)
    e, v = config.n_embd, config.vocab_size

    def matrix(rows: int, cols: int) -> list[list[float]]:
        return [[rng.gauss(0, 0.08) for _ in range(cols)] for _ in range(rows)]

    shapes = {"wte": (v, e), "wpe": (config.block_size, e), "lm_head": (v, e)}
    for i in range(config.n_layer):
        shapes |= {f"layer{i}.{w}": (e, e) for w in ("attn_wq", "attn_wk", "attn_wv", "attn_wo")}
        shapes |= {f"layer{i}.mlp_fc1": (4 * e, e), f"layer{i}.mlp_fc2": (e, 4 * e)}
    return {name: matrix(*shape) for name, shape in shapes.items()}


def tokens(k: int) -> list[int]:
    """Step k's name as tokens, between two BOS."""
    return [BOS, *(CHARS.index(c) for c in NAMES[k % len(NAMES)]), BOS]


class GPT:
    """The model's Values in one engine, its forward for one position, and its loss on a name."""

    def __init__(self, e: Engine, config: Config) -> None:
        self.e, self.config = e, config
        self.state = {name: [[e.Value(x) for x in row] for row in m] for name, m in initial_weights(config).items()}
        self.params = [p for m in self.state.values() for row in m for p in row]

    def linear(self, x: list[Any], w: list[list[Any]]) -> list[Any]:
        return [self.e.dot(row, x) for row in w]

    def softmax(self, logits: list[Any]) -> list[Any]:
        top = max(v.data for v in logits)  # a number: no gradient flows through it
        exps = [(v + -top).exp() for v in logits]
        inverse = self.e.sum(exps) ** -1
        return [x * inverse for x in exps]

    def rmsnorm(self, x: list[Any]) -> list[Any]:
        scale = (self.e.dot(x, x) * (1 / len(x)) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    def forward(self, token: int, pos: int, keys: list[list[Any]], values: list[list[Any]]) -> list[Any]:
        s, c = self.state, self.config
        head_dim = c.n_embd // c.n_head
        x = self.rmsnorm([t + p for t, p in zip(s["wte"][token], s["wpe"][pos])])
        for i in range(c.n_layer):
            residual = x
            x = self.rmsnorm(x)
            q, k, v = (self.linear(x, s[f"layer{i}.attn_w{w}"]) for w in "qkv")
            keys[i].append(k)
            values[i].append(v)
            attended = []
            for h in range(0, c.n_embd, head_dim):
                weights = self.softmax(
                    [self.e.dot(q[h : h + head_dim], kt[h : h + head_dim]) * head_dim**-0.5 for kt in keys[i]]
                )
                attended += [self.e.dot(weights, [vt[j] for vt in values[i]]) for j in range(h, h + head_dim)]
            x = [a + b for a, b in zip(self.linear(attended, s[f"layer{i}.attn_wo"]), residual)]
            residual = x
            hidden = [h.relu() for h in self.linear(self.rmsnorm(x), s[f"layer{i}.mlp_fc1"])]
            x = [a + b for a, b in zip(self.linear(hidden, s[f"layer{i}.mlp_fc2"]), residual)]
        return self.linear(x, s["lm_head"])

    def loss(self, name: list[int]) -> Any:
        """The mean cross-entropy of predicting each next token of `name`."""
        n = min(self.config.block_size, len(name) - 1)
        keys: list[list[Any]] = [[] for _ in range(self.config.n_layer)]
        values: list[list[Any]] = [[] for _ in range(self.config.n_layer)]
        losses = []
        for pos in range(n):
            probs = self.softmax(self.forward(name[pos], pos, keys, values))
            losses.append(probs[name[pos + 1]].log() * -1.0)
        return self.e.sum(losses) * (1 / n)


class Adam:
    """Adam on the parameters' `.data` and `.grad` (numbers), as microgpt; it zeroes `.grad`."""

    def __init__(self, params: list[Any], lr: float = 0.01, betas: tuple[float, float] = (0.85, 0.99)) -> None:
        self.params, self.lr, self.betas, self.t = params, lr, betas, 0
        self.m = [0.0] * len(params)
        self.v = [0.0] * len(params)

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            p.data -= self.lr * (m[i] / (1 - b1**self.t)) / (math.sqrt(v[i] / (1 - b2**self.t)) + 1e-8)
            p.grad = 0.0


def trainer(name: str, config: Config | None = None) -> Callable[[int], float]:
    """`step(k)`: one training step on name k in engine `name` (forward, backward, Adam); its loss."""
    model = GPT(engine(name), config or Config())
    optimizer = Adam(model.params)

    def step(k: int) -> float:
        loss = model.loss(tokens(k))
        loss.backward()
        optimizer.step()
        return float(loss.data)

    return step


def graph_of_a_step(name: str, k: int = 0, config: Config | None = None) -> tuple[Any, list[Any]]:
    """Step k's loss (not yet differentiated) and the parameters, in engine `name`."""
    model = GPT(engine(name), config or Config())
    return model.loss(tokens(k)), model.params


def graph_size(root: Any) -> tuple[int, int]:
    """Nodes and edges of the graph under `root`, in either engine (iteratively)."""

    def children(v: Any) -> Sequence[Any]:
        return v.parents if hasattr(v, "parents") else v._children

    seen, stack, edges = {id(root)}, [root], 0
    while stack:
        for child in children(stack.pop()):
            edges += 1
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen), edges
