"""The bridge to PyTorch: an `MLP` to a float64 `torch.nn.Sequential` and back (the GPT's blocks:
`nn.torch_blocks`, which `to_torch` calls for them); torch is imported only when a bridge
function runs."""

from __future__ import annotations

from typing import Any

from autodiff._optional import require_torch

from .layers import MLP
from .module import Module

TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "gelu": "GELU", "silu": "SiLU"}
TORCH_ACTIVATIONS |= {"elu": "ELU", "leaky_relu": "LeakyReLU", "softplus": "Softplus"}
OUR_ACTIVATIONS = {name: ours for ours, name in TORCH_ACTIVATIONS.items()} | {"Identity": "linear"}
# The layers' activations take PyTorch's default parameters: a module with others is refused.
TORCH_DEFAULTS: dict[str, dict[str, Any]] = {
    "GELU": {"approximate": "none"},
    "ELU": {"alpha": 1.0},
    "LeakyReLU": {"negative_slope": 0.01},
}
TORCH_DEFAULTS |= {"Softplus": {"beta": 1.0, "threshold": 20.0}}


def _import_torch() -> Any:
    return require_torch("nn's torch bridge")


def to_torch(mlp: Module) -> Any:
    """A float64 `torch.nn.Sequential` computing the same function, with copies of the weights: a
    `Linear` per layer, followed by its activation's module (`ReLU`, `Tanh`, `GELU`, ...; nothing
    for "linear"), with PyTorch's default parameters as the layers' activations. One of the GPT's
    blocks (`nn.torch_blocks.BLOCKS`) goes to `nn.torch_blocks.to_torch`.

    >>> import nn
    >>> to_torch(nn.MLP(2, [3, 1]))[1], type(to_torch(nn.Embedding(3, 2))).__name__
    (ReLU(), 'Embedding')
    """
    if not isinstance(mlp, MLP):
        from . import torch_blocks

        if isinstance(mlp, torch_blocks.BLOCKS):
            return torch_blocks.to_torch(mlp)
        raise TypeError(f"to_torch: expected an nn.MLP, got {type(mlp).__name__}")
    torch = _import_torch()
    modules = []
    for layer in mlp.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in row] for row in layer.weight], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([b.data for b in layer.bias], dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[layer.activation])())
    return torch.nn.Sequential(*modules)


def from_torch(sequential: Any) -> MLP:
    """An MLP with the weights of a Sequential of `Linear` layers, each followed by at most one
    supported activation (`Identity` is "linear"); the hidden layers must share one. Anything
    else: a ValueError naming it.

    >>> import torch
    >>> from_torch(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1)))
    MLP(3, [2, 1], activation='tanh', output_activation='linear')
    """
    torch = _import_torch()
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(f"from_torch: expected a torch.nn.Sequential, got {type(sequential).__name__}")
    linears: list[Any] = []
    activations: list[str | None] = []  # None: no activation seen yet after that Linear
    for i, module in enumerate(sequential):
        kind = type(module).__name__
        if isinstance(module, torch.nn.Linear):
            if module.bias is None:
                raise ValueError(f"from_torch: layer {i} ({module}) has no bias; our neurons always have one")
            if linears and module.in_features != linears[-1].out_features:
                raise ValueError(
                    f"from_torch: layer {i} ({module}) expects {module.in_features} inputs "
                    f"but the layer before gives {linears[-1].out_features}"
                )
            linears.append(module)
            activations.append(None)
        elif kind not in OUR_ACTIVATIONS or type(module) is not getattr(torch.nn, kind):
            raise ValueError(
                f"from_torch: layer {i} ({module}) is not supported; expected Linear, {', '.join(OUR_ACTIVATIONS)}"
            )
        elif any(getattr(module, k) != v for k, v in TORCH_DEFAULTS.get(kind, {}).items()):
            raise ValueError(
                f"from_torch: layer {i} ({module}) is not supported: the layers' activations take PyTorch's "
                f"default parameters ({TORCH_DEFAULTS[kind]})"
            )
        elif not linears or activations[-1] is not None:
            raise ValueError(f"from_torch: layer {i} ({module}) should follow a Linear layer")
        else:
            activations[-1] = OUR_ACTIVATIONS[kind]
    if not linears:
        raise ValueError("from_torch: the Sequential holds no Linear layer")
    names = [a or "linear" for a in activations]
    if len(set(names[:-1])) > 1:
        raise ValueError(f"from_torch: an MLP's hidden layers share one activation, got {names[:-1]}")
    mlp = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=names[0] if len(names) > 1 else "relu",
        output_activation=names[-1],
    )
    for layer, linear in zip(mlp.layers, linears):
        for neuron, row, bias in zip(layer.neurons, linear.weight.tolist(), linear.bias.tolist()):
            for w, number in zip(neuron.w, row):
                w.data = number
            neuron.b.data = bias
    return mlp
