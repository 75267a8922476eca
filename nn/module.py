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
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from autodiff import Value

from . import _checks as checks

Tensor = Value | list[Value]
State = dict[str, float | list[float]]
M = TypeVar("M", bound="Module")


class Module:
    """Subclasses define `forward` and `named_parameters`; calling a module runs `forward`.

    `training` is True until `eval()` (or `train(False)`) switches it off, here and in every
    submodule. No layer of nn acts on it (none has dropout or batch statistics); a module of
    your own may, as in PyTorch.

    >>> class Scale(Module):
    ...     def __init__(self):
    ...         self.w = Value(2.0)
    ...     def forward(self, x):
    ...         return self.w * x
    ...     def named_parameters(self):
    ...         return [("w", self.w)]
    >>> model = Scale()
    >>> model(3.0).data, model.parameters() == [model.w], model.state_dict(), model.training
    (6.0, True, {'w': 2.0}, True)
    """

    training: bool = True  # the class's default, so that a subclass needs no __init__ of ours

    def __call__(self, *args: Any) -> Any:
        return self.forward(*args)

    def forward(self, *args: Any) -> Any:
        """What calling the module computes (defined by each subclass).

        >>> Module()(1.0)
        Traceback (most recent call last):
        NotImplementedError: Module defines no forward()
        """
        raise NotImplementedError(f"{type(self).__name__} defines no forward()")

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        """(name, Value or list of Values) pairs, in the order `parameters()` follows.

        >>> from nn import Neuron
        >>> [(name, len(tensor) if isinstance(tensor, list) else 1) for name, tensor in Neuron(3).named_parameters()]
        [('w', 3), ('b', 1)]
        """
        return []

    def parameters(self) -> list[Value]:
        """Every parameter as one flat list of Values, in the documented order.

        >>> from nn import Neuron
        >>> [p.label for p in Neuron(2).parameters()]
        ['w0', 'w1', 'b']
        """
        return [value for _, tensor in self.named_parameters() for value in _as_list(tensor)]

    def children(self) -> list[Module]:
        """The modules this one holds in its attributes (directly or in a list or tuple), in order.

        >>> from nn import MLP
        >>> [type(child).__name__ for child in MLP(2, [3, 1]).children()]
        ['Layer', 'Layer']
        """
        found: list[Module] = []
        for attribute in vars(self).values():
            held = attribute if isinstance(attribute, (list, tuple)) else [attribute]
            found.extend(item for item in held if isinstance(item, Module))
        return found

    def train(self: M, mode: bool = True) -> M:
        """Set `training` to `mode` here and in every submodule; return the module, as PyTorch.

        >>> from nn import MLP
        >>> model = MLP(2, [3, 1]).train(False)
        >>> model.training, model.layers[1].neurons[0].training, model.train().training
        (False, False, True)
        """
        self.training = checks.flag(f"{type(self).__name__}.train", "mode", mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self: M) -> M:
        """`train(False)`: evaluation mode, here and in every submodule; return the module.

        >>> from nn import MLP
        >>> MLP(2, [1]).eval().training
        False
        """
        return self.train(False)

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Reset every parameter's gradient before the next backward (which adds into it): to 0.0,
        or to None with `set_to_none=True` (see `zero_grads`; PyTorch's default is True, ours
        keeps micrograd's 0.0, so that `.grad` is always a number).

        >>> from nn import Neuron
        >>> neuron = Neuron(2)
        >>> neuron([1.0, 2.0]).backward()
        >>> neuron.zero_grad()
        >>> [p.grad for p in neuron.parameters()]
        [0.0, 0.0, 0.0]
        >>> neuron.zero_grad(set_to_none=True)
        >>> [p.grad for p in neuron.parameters()]
        [None, None, None]
        """
        zero_grads(f"{type(self).__name__}.zero_grad", self.parameters(), set_to_none)

    def state_dict(self) -> State:
        """The parameters' data by name, as floats and lists of floats (JSON-serialisable).

        >>> from nn import Perceptron
        >>> Perceptron(2).state_dict()
        {'w': [0.0, 0.0], 'b': 0.0}
        """
        return {
            name: [v.data for v in tensor] if isinstance(tensor, list) else tensor.data
            for name, tensor in self.named_parameters()
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy `state` into the parameters; check every name and shape first, so that a bad
        state raises (ValueError for a shape, TypeError for a non-number) and changes nothing.

        >>> from nn import Perceptron
        >>> p = Perceptron(2)
        >>> p.load_state_dict({"w": [1, 2], "b": 0.5})
        >>> p.state_dict()
        {'w': [1.0, 2.0], 'b': 0.5}
        >>> p.load_state_dict({"w": [1, 2, 3], "b": 0.5})
        Traceback (most recent call last):
        ValueError: Perceptron.load_state_dict: 'w' should be a list of 2 numbers, got a list of 3
        """
        where = f"{type(self).__name__}.load_state_dict"
        tensors = dict(self.named_parameters())
        checks.keys(where, "a dict of parameter names to numbers", state, tensors)
        checked = {name: _checked_numbers(where, name, tensor, state[name]) for name, tensor in tensors.items()}
        for name, tensor in tensors.items():
            for value, number in zip(_as_list(tensor), checked[name]):
                value.data = number

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write `state_dict()` to `path` as JSON.

        >>> import json, pathlib, tempfile
        >>> from nn import Perceptron
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.json"
        >>> Perceptron(1).save(path)
        >>> json.loads(path.read_text())
        {'w': [0.0], 'b': 0.0}
        """
        with open(checks.path(f"{type(self).__name__}.save", path), "w", encoding="utf-8") as file:
            json.dump(self.state_dict(), file, indent=1)

    def load(self: M, path: str | os.PathLike[str]) -> M:
        """Read a JSON state written by `save` into this model (see `load_state_dict`) and return
        the model, so that `model = MLP(2, [4, 1]).load(path)` makes and loads it in one line.

        >>> import pathlib, tempfile
        >>> from nn import Perceptron
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.json"
        >>> _ = path.write_text('{"w": [2.5], "b": -1}')
        >>> p = Perceptron(1).load(path)
        >>> p.state_dict()
        {'w': [2.5], 'b': -1.0}
        """
        where = f"{type(self).__name__}.load"
        with open(checks.path(where, path), encoding="utf-8") as file:
            try:
                state = json.load(file)
            except json.JSONDecodeError as error:
                raise ValueError(f"{where}: {os.fspath(path)!r} is not a JSON state ({error})") from None
        self.load_state_dict(state)
        return self


def zero_grads(where: str, params: Iterable[Value], set_to_none: bool) -> None:
    """Set each parameter's `.grad` to 0.0, or to None if `set_to_none` (a bool, else a
    TypeError naming `where`). Backward counts None as zero, and an optimizer's step skips a
    parameter whose gradient is None, as PyTorch's do: so after `set_to_none=True`, a parameter
    that the next backward does not reach is not moved (weight decay and momentum included).

    >>> from autodiff import Value
    >>> w, unused = Value(2.0), Value(5.0)
    >>> zero_grads("example", [w, unused], set_to_none=True)
    >>> (w * 3).backward()
    >>> w.grad, unused.grad
    (3.0, None)
    """
    zero = None if checks.flag(where, "set_to_none", set_to_none) else 0.0
    for p in params:
        p.grad = zero


def named_parameters_of(name: str, children: Sequence[Module]) -> list[tuple[str, Tensor]]:
    """The children's named parameters, in order, under "name.index." (as "layers.0.").

    >>> from nn import Perceptron
    >>> [key for key, _ in named_parameters_of("units", [Perceptron(1), Perceptron(1)])]
    ['units.0.w', 'units.0.b', 'units.1.w', 'units.1.b']
    """
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
