"""nn: neural-network building blocks on `autodiff.Value`, in PyTorch's words. `nn.datasets` and
`nn.plots` need numpy and load on first use, so `import nn` needs only the standard library.

>>> import nn
>>> nn.manual_seed(0)
>>> model = nn.MLP(2, [4, 1])
>>> opt = nn.Adam(model.parameters(), lr=0.1)
>>> for _ in range(100):
...     opt.zero_grad()
...     (loss := nn.mse_loss([model([0.0, 1.0]), model([1.0, 0.0])], [1.0, -1.0])).backward()
...     opt.step()
>>> loss.data < 1e-3
True
"""

import importlib
from typing import TYPE_CHECKING, Any

from . import init
from .attention import CausalSelfAttention, KVCache
from .embedding import Embedding
from .gpt import GPT, Block
from .init import manual_seed
from .layers import MLP, Layer, Neuron
from .linear import Linear
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    log_softmax,
    mse_loss,
    softmax,
    softplus,
)
from .module import Module
from .norm import LayerNorm, RMSNorm
from .optim import SGD, Adam, AdamW, Optimizer
from .perceptron import Perceptron
from .schedule import LinearLR

if TYPE_CHECKING:
    from . import datasets, plots  # noqa: F401 - for the type checker; loaded by __getattr__

_LAZY = ("datasets", "plots")  # submodules that need numpy


def __getattr__(name: str) -> Any:  # PEP 562: called for a name the module does not have yet
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "GPT",
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "Block",
    "CausalSelfAttention",
    "Embedding",
    "KVCache",
    "Layer",
    "LayerNorm",
    "Linear",
    "LinearLR",
    "Module",
    "Neuron",
    "Optimizer",
    "Perceptron",
    "RMSNorm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "datasets",
    "hinge_loss",
    "init",
    "log_softmax",
    "manual_seed",
    "mse_loss",
    "softmax",
    "softplus",
]
