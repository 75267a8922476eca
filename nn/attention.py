"""Causal multi-head self-attention, one position at a time with a key/value cache, as a GPT
samples; a whole sequence is the same calls in turn (a position sees only itself and the ones
before it: the causal mask by construction). The math is PyTorch's
`scaled_dot_product_attention(q, k, v, is_causal=True)` per head, after the projections of
`torch.nn.MultiheadAttention` (`query`, `key`, `value`: its `in_proj_weight` in three;
`out_proj` the same).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import autodiff
from autodiff import Value

from . import _checks as checks
from .linear import Linear, _vector
from .module import Module


class KVCache:
    """What one attention layer keeps of the positions seen so far: each one's key and value
    vectors, and (for pictures) each one's attention weights as floats, `weights[t][head]`.

    >>> cache = KVCache()
    >>> _ = CausalSelfAttention(4, 2).step([1.0, 0.0, 0.0, 0.0], cache)
    >>> len(cache), cache.weights[0]   # position 0 attends only to itself
    (1, [[1.0], [1.0]])
    """

    def __init__(self) -> None:
        self.keys: list[list[Value]] = []
        self.values: list[list[Value]] = []
        self.weights: list[list[list[float]]] = []

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return f"KVCache({len(self)} positions)"


class CausalSelfAttention(Module):
    """`num_heads` heads of size embed_dim / num_heads: softmax(q . k / sqrt(head size)) over the
    positions so far, times their values, heads side by side, then `out_proj`. Projections
    without bias unless `bias=True` (PyTorch's `MultiheadAttention` has one by default).

    >>> attn = CausalSelfAttention(8, 2)
    >>> out = attn([[0.1] * 8, [0.2] * 8, [0.3] * 8])   # three positions
    >>> len(out), len(out[0])
    (3, 8)
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = False, label: str = "attn") -> None:
        self.embed_dim = checks.positive_int("CausalSelfAttention", "embed_dim", embed_dim)
        self.num_heads = checks.positive_int("CausalSelfAttention", "num_heads", num_heads)
        if embed_dim % num_heads:
            raise ValueError(
                f"CausalSelfAttention: embed_dim {embed_dim} should be a multiple of num_heads {num_heads}"
            )
        checks.flag("CausalSelfAttention", "bias", bias)
        self.head_dim = embed_dim // num_heads
        self.query = Linear(embed_dim, embed_dim, bias, f"{label}.Wq")
        self.key = Linear(embed_dim, embed_dim, bias, f"{label}.Wk")
        self.value = Linear(embed_dim, embed_dim, bias, f"{label}.Wv")
        self.out_proj = Linear(embed_dim, embed_dim, bias, f"{label}.Wo")

    def __repr__(self) -> str:
        return f"CausalSelfAttention({self.embed_dim}, {self.num_heads}, bias={self.query.bias is not None})"

    def forward(self, xs: Sequence[Sequence[Any]]) -> list[list[Value]]:
        """A sequence of vectors in, one output vector per position, each attending to the
        positions up to its own.

        >>> CausalSelfAttention(4, 3)
        Traceback (most recent call last):
        ValueError: CausalSelfAttention: embed_dim 4 should be a multiple of num_heads 3
        """
        cache = KVCache()
        return [self.step(x, cache) for x in checks.items("CausalSelfAttention", "a list of vectors", xs)]

    def step(self, x: Sequence[Any], cache: KVCache) -> list[Value]:
        """The output at the next position for its input vector `x`; `cache` (a `KVCache`) gets
        this position's key and value, and its attention weights.

        >>> attn, cache = CausalSelfAttention(2, 1), KVCache()
        >>> attn.step([1.0, 2.0], cache) and attn.step([0.5, 0.5], cache) and len(cache.weights[1][0])
        2
        """
        if not isinstance(cache, KVCache):
            raise TypeError(f"CausalSelfAttention.step: cache should be a KVCache, got {type(cache).__name__}")
        x = _vector("CausalSelfAttention", x, self.embed_dim)
        q = self.query._apply(x)
        cache.keys.append(self.key._apply(x))
        cache.values.append(self.value._apply(x))
        heads: list[Value] = []
        weights: list[list[float]] = []
        for h in range(self.num_heads):
            part = slice(h * self.head_dim, (h + 1) * self.head_dim)
            scores = [self._score(q[part], k[part]) for k in cache.keys]
            total = autodiff.logsumexp(scores)
            attention = [(s - total).exp() for s in scores]  # softmax: one log-sum-exp node
            weights.append([a.data for a in attention])
            heads += [autodiff.dot(attention, [v[j] for v in cache.values]) for j in range(part.start, part.stop)]
        cache.weights.append(weights)
        return self.out_proj._apply(heads)

    def score(self, x_query: Sequence[Any], x_key: Sequence[Any], head: int = 0) -> Value:
        """One attention score before the softmax: head `head`'s query of `x_query` against its
        key of `x_key`, q . k / sqrt(head size) (for pictures of the graph).

        >>> attn = CausalSelfAttention(2, 1)
        >>> attn.load_state_dict({**attn.state_dict(), "query.weight": [1.0, 0.0, 0.0, 1.0],
        ...                       "key.weight": [1.0, 0.0, 0.0, 1.0]})
        >>> round(attn.score([1.0, 2.0], [3.0, 4.0]).data, 6)   # (3 + 8) / sqrt(2)
        7.778175
        """
        if not isinstance(head, int) or isinstance(head, bool) or not 0 <= head < self.num_heads:
            raise ValueError(f"CausalSelfAttention.score: head should be an int in [0, {self.num_heads}), got {head!r}")
        x_query = _vector("CausalSelfAttention.score", x_query, self.embed_dim)
        x_key = _vector("CausalSelfAttention.score", x_key, self.embed_dim)
        rows = slice(head * self.head_dim, (head + 1) * self.head_dim)
        q, k = self.query._apply(x_query)[rows], self.key._apply(x_key)[rows]  # the other heads' stay unused
        for i, (qi, ki) in enumerate(zip(q, k)):
            qi.label, ki.label = f"q[{i}]", f"k[{i}]"
        out = self._score(q, k)
        out.label = "score"
        return out

    def _score(self, q: list[Value], k: list[Value]) -> Value:
        return autodiff.dot(q, k) * (1.0 / math.sqrt(self.head_dim))
