"""`Module`: the base of every model, holding its parameters, their gradients, and saving them.

A module lists its parameters with `named_parameters()`: (name, tensor) pairs in a fixed order,
where a tensor is one Value or a list of Values, e.g. ("layers.0.neurons.3.w", [w0, w1, w2]).
`parameters()` is the same Values, flattened, in the same order. `state_dict()` maps the same
names to plain floats (a float or a list of floats), so `json.dumps` takes it as it is;
`save(path)` and `load(path)` write and read it as JSON.

>>> from nn import Neuron
>>> neuron = Neuron(2)
>>> list(neuron.state_dict()), len(neuron.parameters())
(['w', 'b'], 3)
"""

from __future__ import annotations

import json
import numbers
import os
from collections.abc import Sequence
from typing import Any

from autodiff import Value

Tensor = Value | list[Value]
State = dict[str, float | list[float]]


class Module:
    """Subclasses define `forward` and `named_parameters`; calling a module runs `forward`.

    >>> class Scale(Module):
    ...     def __init__(self):
    ...         self.w = Value(2.0)
    ...     def forward(self, x):
    ...         return self.w * x
    ...     def named_parameters(self):
    ...         return [("w", self.w)]
    >>> model = Scale()
    >>> model(3.0).data, model.parameters() == [model.w], model.state_dict()
    (6.0, True, {'w': 2.0})
    """

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    def forward(self, *args: Any) -> Any:
        """What calling the module computes (defined by each subclass)."""
        raise NotImplementedError(f"{type(self).__name__} defines no forward()")

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        """(name, Value or list of Values) pairs, in the order `parameters()` follows."""
        return []

    def parameters(self) -> list[Value]:
        """Every parameter as one flat list of Values, in the documented order."""
        return [value for _, tensor in self.named_parameters() for value in _as_list(tensor)]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward adds into it)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> State:
        """The parameters' data by name, as floats and lists of floats (JSON-serialisable)."""
        return {
            name: [v.data for v in tensor] if isinstance(tensor, list) else tensor.data
            for name, tensor in self.named_parameters()
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy `state` into the parameters; check every name and shape first, so that a bad
        state raises (ValueError for a shape, TypeError for a non-number) and changes nothing."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict):
            raise TypeError(f"{where}: expected a dict of parameter names to numbers, got {type(state).__name__}")
        tensors = dict(self.named_parameters())
        missing, unexpected = sorted(tensors.keys() - state.keys()), sorted(state.keys() - tensors.keys())
        if missing or unexpected:
            raise ValueError(f"{where}: missing keys {missing}, unexpected keys {unexpected}")
        checked = {name: _checked_numbers(where, name, tensor, state[name]) for name, tensor in tensors.items()}
        for name, tensor in tensors.items():
            for value, number in zip(_as_list(tensor), checked[name]):
                value.data = number

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write `state_dict()` to `path` as JSON."""
        with open(path, "w", encoding="utf-8") as file:
            json.dump(self.state_dict(), file, indent=1)

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read a JSON state written by `save` into this model (see `load_state_dict`)."""
        with open(path, encoding="utf-8") as file:
            self.load_state_dict(json.load(file))


def named_parameters_of(name: str, children: Sequence[Module]) -> list[tuple[str, Tensor]]:
    """The children's named parameters, in order, under "name.index." (as "layers.0.")."""
    return [
        (f"{name}.{i}.{key}", tensor) for i, child in enumerate(children) for key, tensor in child.named_parameters()
    ]


def _as_list(tensor: Tensor) -> list[Value]:
    return tensor if isinstance(tensor, list) else [tensor]


def _checked_numbers(where: str, name: str, tensor: Tensor, saved: Any) -> list[float]:
    """`saved` as a list of floats, after checking that it has the shape of `tensor`."""
    if isinstance(tensor, list):
        if not isinstance(saved, (list, tuple)) or len(saved) != len(tensor):
            got = f"a list of {len(saved)}" if isinstance(saved, (list, tuple)) else repr(saved)
            raise ValueError(f"{where}: {name!r} should be a list of {len(tensor)} numbers, got {got}")
        items = list(saved)
    else:
        if isinstance(saved, (list, tuple)):
            raise ValueError(f"{where}: {name!r} should be one number, got a list of {len(saved)}")
        items = [saved]
    for item in items:
        if not isinstance(item, numbers.Real):
            raise TypeError(f"{where}: {name!r} should hold numbers, got {type(item).__name__} ({item!r})")
    return [float(item) for item in items]
