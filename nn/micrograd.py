"""micrograd's package on our engine: change the import lines of a micrograd program, keep the
rest; seeded as micrograd's, it gives micrograd's numbers (the guide "Coming from micrograd").

>>> import random
>>> from nn.micrograd import MLP, Value
>>> random.seed(1337)
>>> model = MLP(2, [3, 1])
>>> model
MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]
>>> score = model([Value(1.0), Value(-2.0)])
>>> score.backward()
>>> len(model.parameters()), model.parameters()[-1].grad
(13, 1.0)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autodiff import Value

from . import module

__all__ = ["MLP", "Layer", "Module", "Neuron", "Value"]


class Module(module.Module):
    """micrograd's base: `parameters()` (a flat list of Values) and `zero_grad()` (each grad to 0),
    on our `nn.Module` (so `state_dict`, `save` and `load` work too).

    >>> Neuron(2).parameters()[-1].data
    0.0
    """

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    def parameters(self) -> list[Value]:
        """Every parameter, in micrograd's order (per neuron: its weights, then its bias).

        >>> len(Layer(3, 2).parameters())
        8
        """
        return []

    def named_parameters(self) -> list[tuple[str, module.Tensor]]:
        """The parameters with their position as the name (`nn.Module`'s state_dict uses them).

        >>> [name for name, _ in Neuron(2).named_parameters()]
        ['0', '1', '2']
        """
        return [(str(i), p) for i, p in enumerate(self.parameters())]

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Each parameter's grad to 0 (to None with `set_to_none=True`), as micrograd's.

        >>> (n := Neuron(1)).zero_grad(set_to_none=True)
        >>> [p.grad for p in n.parameters()]
        [None, None]
        """
        for p in self.parameters():
            p.grad = None if set_to_none else 0.0


class Neuron(Module):
    """relu(b + w . x) (`nonlin=False`: without the relu), weights from `random.uniform(-1, 1)`.

    >>> random.seed(0)
    >>> n = Neuron(2, nonlin=False)
    >>> n, [round(p.data, 4) for p in n.parameters()]
    (LinearNeuron(2), [0.6888, 0.5159, 0.0])
    """

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def forward(self, x: Sequence[Any]) -> Value:
        """relu(b + w0*x0 + w1*x1 + ...), added left to right as micrograd's expression adds it.

        >>> n = Neuron(2)
        >>> n([1.0, 2.0]).data == max(0.0, 0.0 + n.w[0].data * 1.0 + n.w[1].data * 2.0)
        True
        """
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        """The weights, then the bias.

        >>> len(Neuron(4).parameters())
        5
        """
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons on the same inputs; one output is returned alone, as micrograd's.

    >>> Layer(2, 2, nonlin=False)
    Layer of [LinearNeuron(2), LinearNeuron(2)]
    """

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def forward(self, x: Sequence[Any]) -> Value | list[Value]:
        """Each neuron on `x`: a list, or the one Value of a one-neuron layer.

        >>> len(Layer(2, 3)([1.0, 2.0])), type(Layer(2, 1)([1.0, 2.0])).__name__
        (3, 'Value')
        """
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Each neuron's parameters, neuron after neuron.

        >>> len(Layer(2, 3).parameters())
        9
        """
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of the sizes `nouts`, relu in each but the last, as micrograd's.

    >>> MLP(3, [2, 1])
    MLP of [Layer of [ReLUNeuron(3), ReLUNeuron(3)], Layer of [LinearNeuron(2)]]
    """

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sz = [nin, *nouts]
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def forward(self, x: Sequence[Any]) -> Any:
        """The layers one after another.

        >>> type(MLP(2, [3, 1])([1.0, 2.0])).__name__
        'Value'
        """
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        """Each layer's parameters, layer after layer.

        >>> len(MLP(2, [3, 1]).parameters())
        13
        """
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
