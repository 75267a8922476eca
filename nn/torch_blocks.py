"""The torch bridge for the GPT's blocks: `Linear`, `Embedding`, `RMSNorm`, `LayerNorm`,
`CausalSelfAttention` (as a `torch.nn.MultiheadAttention`) and the whole `GPT`, to float64
`torch.nn` modules with copies of the weights (`to_torch`) and back (`load_from_torch`).
`nn.torch_bridge.to_torch` sends these modules here; torch is imported only when one runs.
"""

from __future__ import annotations

from typing import Any

from autodiff import Value
from autodiff._optional import require_torch

from .attention import CausalSelfAttention
from .embedding import Embedding
from .gpt import EPS, GPT, Block
from .linear import Linear
from .module import Module
from .norm import LayerNorm, RMSNorm

BLOCKS = (Linear, Embedding, RMSNorm, LayerNorm, CausalSelfAttention, GPT)  # the modules with a counterpart
Pairs = list[tuple[list[Value], Any]]  # our Values (flat, row by row) and the torch tensor they fill


def to_torch(module: Module) -> Any:
    """A float64 torch module computing what `module` computes, with copies of its weights.
    Attention becomes `torch.nn.MultiheadAttention(batch_first=True)`: call it with a causal
    `attn_mask`; a GPT becomes a module whose forward takes a 1-d tensor of tokens.

    >>> import nn
    >>> to_torch(nn.RMSNorm(4, eps=1e-5))
    RMSNorm((4,), eps=1e-05, elementwise_affine=True)
    """
    torch = require_torch("nn's torch bridge")
    theirs = _empty_torch(torch, module)
    with torch.no_grad():
        for values, tensor in _pairs(module, theirs):
            tensor.copy_(torch.tensor([v.data for v in values], dtype=torch.float64).view_as(tensor))
    return theirs


def load_from_torch(module: Module, theirs: Any) -> None:
    """Copy the weights of the torch module `theirs` (as `to_torch(module)` makes) into `module`.

    >>> import nn
    >>> mine, theirs = nn.Linear(2, 1), to_torch(nn.Linear(2, 1))
    >>> load_from_torch(mine, theirs)
    >>> mine.weight[0][0].data == theirs.weight[0, 0].item()
    True
    """
    pairs = _pairs(module, theirs)
    for values, tensor in pairs:  # every shape checked before anything changes
        if tensor.numel() != len(values):
            raise ValueError(f"load_from_torch: {tuple(tensor.shape)} does not fit {type(module).__name__}")
    for values, tensor in pairs:
        for v, number in zip(values, tensor.detach().reshape(-1).tolist()):
            v.data = float(number)


def _empty_torch(torch: Any, module: Module) -> Any:
    kw = {"dtype": torch.float64}
    if isinstance(module, Linear):
        return torch.nn.Linear(module.in_features, module.out_features, bias=module.bias is not None, **kw)
    if isinstance(module, Embedding):
        return torch.nn.Embedding(module.num_embeddings, module.embedding_dim, **kw)
    if isinstance(module, RMSNorm):
        return torch.nn.RMSNorm(module.normalized_shape, module.eps, module.weight is not None, **kw)
    if isinstance(module, LayerNorm):
        affine = module.weight is not None
        return torch.nn.LayerNorm(module.normalized_shape, module.eps, affine, module.bias is not None, **kw)
    if isinstance(module, CausalSelfAttention):
        bias = module.query.bias is not None
        return torch.nn.MultiheadAttention(module.embed_dim, module.num_heads, bias=bias, batch_first=True, **kw)
    if isinstance(module, GPT):
        return _torch_gpt(torch)(module)
    raise TypeError(f"to_torch: no torch counterpart for {type(module).__name__}")


def _pairs(module: Module, theirs: Any) -> Pairs:
    if isinstance(module, Linear):
        pairs = [(_flat(module.weight), theirs.weight)]
        return pairs + ([(module.bias, theirs.bias)] if module.bias is not None else [])
    if isinstance(module, Embedding):
        return [(_flat(module.weight), theirs.weight)]
    if isinstance(module, (RMSNorm, LayerNorm)):
        pairs = [(module.weight, theirs.weight)] if module.weight is not None else []
        bias = getattr(module, "bias", None)
        return pairs + ([(bias, theirs.bias)] if bias is not None else [])
    if isinstance(module, CausalSelfAttention):
        projections = (module.query, module.key, module.value)
        pairs = [([w for p in projections for w in _flat(p.weight)], theirs.in_proj_weight)]
        if module.query.bias is not None:
            pairs.append(([b for p in projections for b in p.bias or []], theirs.in_proj_bias))
        return pairs + _pairs(module.out_proj, theirs.out_proj)
    if isinstance(module, GPT):
        pairs = _pairs(module.wte, theirs.wte) + _pairs(module.wpe, theirs.wpe)
        for ours, block in zip(module.blocks, theirs.blocks):
            pairs += _pairs(ours.attn, block.attn) + _pairs(ours.fc, block.fc) + _pairs(ours.proj, block.proj)
        return pairs + _pairs(module.lm_head, theirs.lm_head)
    raise TypeError(f"load_from_torch: no torch counterpart for {type(module).__name__}")


def _flat(rows: list[list[Value]]) -> list[Value]:
    return [v for row in rows for v in row]


def _torch_gpt(torch: Any) -> Any:
    """The GPT of `nn.gpt` from torch.nn's modules (made on first use: torch is optional)."""

    class TorchBlock(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, ours: Block) -> None:
            super().__init__()
            n, kw = ours.n_embd, {"dtype": torch.float64}
            self.norm1 = torch.nn.RMSNorm(n, EPS, elementwise_affine=False, **kw)
            self.attn = _empty_torch(torch, ours.attn)
            self.norm2 = torch.nn.RMSNorm(n, EPS, elementwise_affine=False, **kw)
            self.fc = torch.nn.Linear(n, 4 * n, bias=False, **kw)
            self.proj = torch.nn.Linear(4 * n, n, bias=False, **kw)

        def forward(self, x: Any) -> Any:
            t = x.shape[1]
            mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)  # True: may not attend
            y = self.norm1(x)
            x = x + self.attn(y, y, y, attn_mask=mask, need_weights=False)[0]
            return x + self.proj(torch.relu(self.fc(self.norm2(x))))

    class TorchGPT(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, ours: GPT) -> None:
            super().__init__()
            kw = {"dtype": torch.float64}
            self.wte = torch.nn.Embedding(ours.vocab_size, ours.n_embd, **kw)
            self.wpe = torch.nn.Embedding(ours.block_size, ours.n_embd, **kw)
            self.norm = torch.nn.RMSNorm(ours.n_embd, EPS, elementwise_affine=False, **kw)
            self.blocks = torch.nn.ModuleList([TorchBlock(block) for block in ours.blocks])
            self.lm_head = torch.nn.Linear(ours.n_embd, ours.vocab_size, bias=False, **kw)

        def forward(self, tokens: Any) -> Any:  # a 1-d tensor of tokens -> (len, vocab) logits
            positions = torch.arange(len(tokens))
            x = self.norm(self.wte(tokens) + self.wpe(positions)).unsqueeze(0)
            for block in self.blocks:
                x = block(x)
            return self.lm_head(x)[0]

    return TorchGPT
