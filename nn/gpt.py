"""A GPT on Values (microgpt's shape, in PyTorch's words): token and position embeddings, an
`RMSNorm`, then `n_layer` pre-norm transformer `Block`s with residuals (causal self-attention,
then a ReLU MLP four times as wide), and a linear head to the next token's logits. No biases,
norms without learned weights, every weight drawn from N(0, 0.08**2), as microgpt.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Sequence
from typing import Any

from autodiff import Value, no_grad

from . import _checks as checks
from . import init
from .attention import CausalSelfAttention, KVCache
from .embedding import Embedding
from .linear import Linear, _vector
from .losses import cross_entropy
from .module import Module
from .norm import RMSNorm

EPS = 1e-5  # the norms' epsilon
INIT_STD = 0.08


class Block(Module):
    """x + attn(norm1(x)), then x + mlp(norm2(x)): pre-norm, with residuals; `mlp` is
    Linear(n, 4n), ReLU, Linear(4n, n), without biases.

    >>> block, cache = Block(8, 2), KVCache()
    >>> len(block.step([0.5] * 8, cache)), len(cache)
    (8, 1)
    """

    def __init__(self, n_embd: int, n_head: int, label: str = "h0") -> None:
        self.n_embd = checks.positive_int("Block", "n_embd", n_embd)
        self.norm1 = RMSNorm(n_embd, eps=EPS, elementwise_affine=False)
        self.attn = CausalSelfAttention(n_embd, n_head, label=f"{label}.attn")
        self.norm2 = RMSNorm(n_embd, eps=EPS, elementwise_affine=False)
        self.fc = Linear(n_embd, 4 * n_embd, bias=False, label=f"{label}.fc")
        self.proj = Linear(4 * n_embd, n_embd, bias=False, label=f"{label}.proj")

    def __repr__(self) -> str:
        return f"Block({self.n_embd}, {self.attn.num_heads})"

    def forward(self, xs: Sequence[Sequence[Any]]) -> list[list[Value]]:
        """A sequence of vectors in, one vector per position out.

        >>> len(Block(4, 1)([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]]))
        2
        """
        cache = KVCache()
        return [self.step(x, cache) for x in checks.items("Block", "a list of vectors", xs)]

    def step(self, x: Sequence[Any], cache: KVCache) -> list[Value]:
        """The block at the next position; `cache` is its attention's `KVCache`.

        >>> Block(4, 2).step([1.0], KVCache())
        Traceback (most recent call last):
        ValueError: Block: expected 4 inputs, got 1
        """
        x = _vector("Block", x, self.n_embd)
        x = [a + b for a, b in zip(x, self.attn.step(self.norm1(x), cache))]
        hidden = [h.relu() for h in self.fc._apply(self.norm2(x))]
        return [a + b for a, b in zip(x, self.proj._apply(hidden))]


class GPT(Module):
    """A character-level GPT: tokens are ints in [0, vocab_size), at most `block_size` a sequence.

    >>> model = GPT(vocab_size=27, block_size=16, n_layer=1, n_embd=16, n_head=4)
    >>> len(model.parameters()), len(model([26, 0, 1]))   # 3 positions: 3 rows of 27 logits
    (4192, 3)
    """

    def __init__(
        self, vocab_size: int, block_size: int = 16, n_layer: int = 1, n_embd: int = 16, n_head: int = 4
    ) -> None:
        self.vocab_size = checks.positive_int("GPT", "vocab_size", vocab_size)
        self.block_size = checks.positive_int("GPT", "block_size", block_size)
        self.n_layer = checks.positive_int("GPT", "n_layer", n_layer)
        self.n_embd = checks.positive_int("GPT", "n_embd", n_embd)
        self.n_head = checks.positive_int("GPT", "n_head", n_head)
        if n_embd % n_head:
            raise ValueError(f"GPT: n_embd {n_embd} should be a multiple of n_head {n_head}")
        self.wte = Embedding(vocab_size, n_embd, label="wte")
        self.wpe = Embedding(block_size, n_embd, label="wpe")
        self.norm = RMSNorm(n_embd, eps=EPS, elementwise_affine=False)
        self.blocks = [Block(n_embd, n_head, label=f"h{i}") for i in range(n_layer)]
        self.lm_head = Linear(n_embd, vocab_size, bias=False, label="lm_head")
        init.normal_(self.parameters(), 0.0, INIT_STD)

    def __repr__(self) -> str:
        return (
            f"GPT(vocab_size={self.vocab_size}, block_size={self.block_size}, n_layer={self.n_layer}, "
            f"n_embd={self.n_embd}, n_head={self.n_head})"
        )

    def new_cache(self) -> list[KVCache]:
        """An empty `KVCache` per block, for `step`.

        >>> GPT(3, n_embd=4, n_head=2, n_layer=2).new_cache()
        [KVCache(0 positions), KVCache(0 positions)]
        """
        return [KVCache() for _ in self.blocks]

    def step(self, token: int, cache: list[KVCache]) -> list[Value]:
        """The next token's logits after `token`, at the position `len(cache[0])`.

        >>> model = GPT(3, block_size=1, n_embd=4, n_head=2)
        >>> cache = model.new_cache()
        >>> len(model.step(0, cache)), model.step(0, cache)
        Traceback (most recent call last):
        ValueError: GPT: position 1 is past the block size 1
        """
        if not isinstance(cache, list) or len(cache) != len(self.blocks):
            raise TypeError(f"GPT.step: cache should be {len(self.blocks)} KVCaches, from new_cache()")
        position = len(cache[0])
        if position >= self.block_size:
            raise ValueError(f"GPT: position {position} is past the block size {self.block_size}")
        x = self.norm([t + p for t, p in zip(self.wte(token), self.wpe(position))])
        for block, block_cache in zip(self.blocks, cache):
            x = block.step(x, block_cache)
        return self.lm_head._apply(x)

    def forward(self, tokens: Sequence[int]) -> list[list[Value]]:
        """The logits after each token of `tokens` (at most `block_size` of them).

        >>> len(GPT(5, n_embd=4, n_head=1)([1, 2])[1])
        5
        """
        tokens = checks.items("GPT", "a list of token ints", tokens)
        if len(tokens) > self.block_size:
            raise ValueError(f"GPT: {len(tokens)} tokens are more than the block size {self.block_size}")
        cache = self.new_cache()
        return [self.step(token, cache) for token in tokens]

    def loss(self, tokens: Sequence[int]) -> Value:
        """The mean cross-entropy of predicting each token of `tokens` from the ones before it.

        >>> abs(GPT(27, n_embd=4, n_head=1).loss([26, 0, 26]).data - math.log(27)) < 0.5   # untrained: near uniform
        True
        """
        tokens = checks.items("GPT.loss", "a list of token ints", tokens)
        if len(tokens) < 2:
            raise ValueError(f"GPT.loss: needs at least 2 tokens (an input and its next), got {len(tokens)}")
        return cross_entropy(self(tokens[:-1]), tokens[1:])

    def generate(
        self,
        start: int,
        temperature: float = 1.0,
        generator: random.Random | None = None,
        stop: int | None = None,
    ) -> list[int]:
        """Sample tokens one at a time after `start` (without recording a graph), each from
        softmax(logits / temperature), until `stop` (not included) or the block is full.

        >>> name = GPT(27, n_embd=4, n_head=1).generate(26, generator=random.Random(0), stop=26)
        >>> len(name) <= 16 and all(0 <= t < 26 for t in name)
        True
        """
        temperature = checks.positive("GPT.generate", "temperature", temperature)
        draw = generator if generator is not None else random.Random()
        if stop is not None and not isinstance(stop, numbers.Integral):
            raise TypeError(f"GPT.generate: stop should be a token int or None, got {type(stop).__name__}")
        cache, token, out = self.new_cache(), start, []
        with no_grad():
            while len(cache[0]) < self.block_size:
                logits = [v.data / temperature for v in self.step(token, cache)]
                top = max(logits)
                token = draw.choices(range(self.vocab_size), weights=[math.exp(x - top) for x in logits])[0]
                if token == stop:
                    break
                out.append(token)
        return out
