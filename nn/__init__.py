"""nn: neural-network building blocks on `autodiff.Value`, in PyTorch's words.

>>> import nn
>>> nn.manual_seed(0)
>>> model = nn.MLP(2, [4, 1])
>>> opt = nn.Adam(model.parameters(), lr=0.1)
>>> X, y = [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0]
>>> for _ in range(100):
...     opt.zero_grad()
...     loss = nn.mse_loss([model(x) for x in X], y)
...     loss.backward()
...     opt.step()
>>> loss.data < 1e-3
True
"""

from . import datasets, init
from .init import manual_seed
from .layers import MLP, Layer, Neuron
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
from .optim import SGD, Adam, Optimizer
from .perceptron import Perceptron

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Layer",
    "Module",
    "Neuron",
    "Optimizer",
    "Perceptron",
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
