"""`Neuron`, `Layer` and `MLP`: fully connected networks, in PyTorch's words (the guide "The nn
library"). Activations: "relu", "tanh", "sigmoid", "gelu", "silu", "elu", "leaky_relu", "softplus"
(each with PyTorch's default parameters) and "linear" (none).

Labels, for pictures (which cluster by the part before the last dot): inside an MLP a neuron's
Values are "L{layer}.N{neuron}." followed by "w{i}", "b", "z" (the weighted sum plus bias) and
its activation's name; a Layer alone drops "L{layer}.", a Neuron alone keeps the last part.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import autodiff
from autodiff import Value

from . import _checks as checks
from . import init
from .module import Module

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "silu", "elu", "leaky_relu", "softplus", "linear")

Output = Value | list[Value]
WeightInit = Callable[[list[list[Value]]], None]


class Neuron(Module):
    """activation(w . x + b) for `nin` inputs; `label` prefixes its Values' labels. Initialised as
    `nn.Linear`: uniform in +-1/sqrt(nin), from the generator that `nn.manual_seed` seeds.

    >>> n = Neuron(2, activation="tanh")
    >>> n([1.0, 2.0]).label, [p.label for p in n.parameters()]
    ('tanh', ['w0', 'w1', 'b'])
    """

    def __init__(self, nin: int, activation: str = "linear", label: str = "") -> None:
        who = type(self).__name__  # Perceptron's errors name it
        self.nin = checks.positive_int(who, "nin", nin, most=checks.MAX_PARAMETERS - 1)
        self.activation = checks.choice(who, "activation", activation, ACTIVATIONS)
        self.label = label
        self.w = [Value(0.0, self._label(f"w{i}")) for i in range(nin)]
        self.b = Value(0.0, self._label("b"))
        bound = 1.0 / math.sqrt(nin)
        init.uniform_([*self.w, self.b], -bound, bound)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"

    def forward(self, x: Sequence[Any]) -> Value:
        """activation(w . x + b) for `nin` numbers or Values.

        >>> (n := Neuron(2)).load_state_dict({"w": [1.0, -1.0], "b": 0.5})
        >>> n([3.0, 1.0]).data
        2.5
        """
        return self._fire(_with_bias_input(_check_inputs(self, x)))

    def _fire(self, x: list[Value]) -> Value:
        # One node for the weighted sum: the bias rides on the constant input 1.
        z = autodiff.dot([*self.w, self.b], x)
        z.label = self._label("z")
        if self.activation == "linear":
            return z
        out: Value = getattr(z, self.activation)()
        out.label = self._label(self.activation)
        return out

    def _label(self, name: str) -> str:
        return f"{self.label}.{name}" if self.label else name


class Layer(Module):
    """`nout` neurons on the same `nin` inputs: PyTorch's `nn.Linear` plus an activation.
    `weight_init` (e.g. `nn.init.xavier_uniform_`) redraws `weight`, as on `linear.weight`.

    >>> len(Layer(3, 2, activation="relu")([1.0, 2.0, 3.0]))
    2
    """

    def __init__(
        self, nin: int, nout: int, activation: str = "linear", weight_init: WeightInit | None = None, label: str = ""
    ) -> None:
        self.nin = checks.positive_int("Layer", "nin", nin)
        self.nout = checks.positive_int("Layer", "nout", nout)
        checks.parameter_count("Layer", (self.nin + 1) * self.nout)
        self.activation = checks.choice("Layer", "activation", activation, ACTIVATIONS)
        if weight_init is not None and not callable(weight_init):
            raise TypeError(
                f"Layer: weight_init should be a function such as nn.init.xavier_uniform_, got {weight_init!r}"
            )
        prefix = f"{label}." if label else ""
        self.neurons = [Neuron(nin, activation, f"{prefix}N{j}") for j in range(nout)]
        if weight_init is not None:
            weight_init(self.weight)

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"

    @property
    def weight(self) -> list[list[Value]]:
        """The neurons' weight rows: `nout` rows of `nin` Values (PyTorch's `Linear.weight` layout).

        >>> [len(row) for row in Layer(3, 2).weight]
        [3, 3]
        """
        return [n.w for n in self.neurons]

    @property
    def bias(self) -> list[Value]:
        """The neurons' biases, one Value per neuron.

        >>> len(Layer(3, 2).bias)
        2
        """
        return [n.b for n in self.neurons]

    def forward(self, x: Sequence[Any]) -> Output:
        """Each neuron on `x`: a list of `nout` Values, or one Value when `nout` is 1.

        >>> Layer(2, 1)([3.0, 4.0]).label
        'N0.z'
        """
        return _unwrap(self._fire(_check_inputs(self, x)))

    def _fire(self, x: list[Any]) -> list[Value]:
        inputs = _with_bias_input(x)  # made once for all the layer's neurons
        return [n._fire(inputs) for n in self.neurons]


class MLP(Module):
    """A multilayer perceptron: `nin` inputs, then one Layer per entry of `nouts`, the hidden ones
    with `activation`, the last with `output_activation`.

    >>> model = MLP(3, [4, 4, 1])   # 4*(3+1) + 4*(4+1) + 1*(4+1) parameters
    >>> len(model.parameters()), model([1.0, -2.0, 0.5]).label
    (41, 'L2.N0.z')
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        weight_init: WeightInit | None = None,
    ) -> None:
        self.nin = checks.positive_int("MLP", "nin", nin)
        nouts = [checks.positive_int("MLP", "nouts", n) for n in checks.items("MLP", "nouts as a list", nouts)]
        if not nouts:
            raise ValueError("MLP: nouts should be a non-empty list of layer sizes, got an empty one")
        sizes = [self.nin, *nouts]
        checks.parameter_count("MLP", sum([(a + 1) * b for a, b in zip(sizes, nouts)]))
        self.activation = checks.choice("MLP", "activation", activation, ACTIVATIONS)
        self.output_activation = checks.choice("MLP", "output_activation", output_activation, ACTIVATIONS)
        activations = [activation] * (len(nouts) - 1) + [output_activation]
        self.layers = [Layer(sizes[i], sizes[i + 1], activations[i], weight_init, f"L{i}") for i in range(len(nouts))]

    def __repr__(self) -> str:
        nouts = [layer.nout for layer in self.layers]
        return f"MLP({self.nin}, {nouts}, activation={self.activation!r}, output_activation={self.output_activation!r})"

    def forward(self, x: Sequence[Any]) -> Output:
        """The layers in turn on `x`: one Value when the last layer has one neuron, else a list.

        >>> len(MLP(2, [3, 2], activation="tanh")([0.5, -1.0]))
        2
        """
        x = _check_inputs(self, x)
        for layer in self.layers:
            x = layer._fire(x)
        return _unwrap(x)

    def to_torch(self) -> Any:
        """A float64 `torch.nn.Sequential` with the same weights (see `nn.torch_bridge`).

        >>> [type(m).__name__ for m in MLP(2, [3, 1], activation="tanh").to_torch()]
        ['Linear', 'Tanh', 'Linear']
        """
        from .torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, sequential: Any) -> MLP:
        """An MLP with the weights of a Sequential of Linear layers and activations (see `nn.torch_bridge`).

        >>> import torch
        >>> MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 4))).layers[0].nout
        4
        """
        from .torch_bridge import from_torch

        return from_torch(sequential)


_ONE = autodiff.constant(1.0)  # the bias's input: one shared constant, as it never changes
_ONE.label = "1 (bias input)"  # what the picture shows for it


def _with_bias_input(x: list[Any]) -> list[Value]:
    # Value(..., requires_grad=False) is autodiff.constant with its label, made in the same one step.
    return [xi if isinstance(xi, Value) else Value(xi, f"x{i}", False) for i, xi in enumerate(x)] + [_ONE]


def _check_inputs(module: Any, x: Any) -> list[Any]:
    who = type(module).__name__
    inputs = checks.items(who, f"a list of {module.nin} numbers or Values", x)
    if len(inputs) != module.nin:
        raise ValueError(f"{who}: expected {module.nin} inputs, got {len(inputs)}")
    for i, xi in enumerate(inputs):
        if not isinstance(xi, (Value, numbers.Real)):
            raise TypeError(f"{who}: input {i} should be a number or a Value, got {type(xi).__name__} ({xi!r})")
    return inputs


def _unwrap(outputs: list[Value]) -> Output:
    return outputs[0] if len(outputs) == 1 else outputs
