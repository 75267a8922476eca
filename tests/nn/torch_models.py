"""The torch side of nn's tests: tensors of our numbers, and an MLP's layers as torch tensors.
(The comparison itself is `autodiff.testing.assert_close`.)"""

import torch

from autodiff import Value

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "silu", "elu", "leaky_relu", "softplus", "linear")
F = torch.nn.functional
TORCH_ACTIVATION = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda z: z}
TORCH_ACTIVATION |= {"gelu": F.gelu, "silu": F.silu, "elu": F.elu, "leaky_relu": F.leaky_relu, "softplus": F.softplus}


def tensor(x, requires_grad: bool = False) -> torch.Tensor:
    """A float64 tensor of plain numbers or Values' data."""
    data = (
        [[v.data if isinstance(v, Value) else v for v in row] for row in x]
        if isinstance(x[0], list)
        else [v.data if isinstance(v, Value) else v for v in x]
    )
    return torch.tensor(data, dtype=torch.float64, requires_grad=requires_grad)


def torch_layers(model) -> list[tuple[torch.Tensor, torch.Tensor, str]]:
    """Each of an MLP's layers as (weight, bias, activation), leaf tensors asking for gradients."""
    return [(tensor(layer.weight, True), tensor(layer.bias, True), layer.activation) for layer in model.layers]


def torch_forward(layers, x: torch.Tensor) -> torch.Tensor:
    for weight, bias, activation in layers:
        x = TORCH_ACTIVATION[activation](torch.nn.functional.linear(x, weight, bias))
    return x
