"""`Module`: the base of every model, holding its parameters, their gradients, and saving them."""

from __future__ import annotations

import json
import numbers
import os
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from autodiff import Value

from . import _checks as checks

Tensor = Value | list[Value]
M = TypeVar("M", bound="Module")


class Module:
    """Subclasses define `forward` and assign their parameters and submodules as attributes, found
    in the order of assignment, as in PyTorch: a Value that requires grad is a parameter, a
    non-empty list or tuple of them one parameter tensor, a Module (or a list or tuple of them) a
    submodule. `training` is True until `eval()`; no layer of nn acts on it, yours may.

    >>> class Scale(Module):
    ...     def __init__(self):
    ...         self.w = Value(2.0)
    ...     def forward(self, x):
    ...         return self.w * x
    >>> Scale()(3.0).data, Scale().state_dict()
    (6.0, {'w': 2.0})
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
        """(name, Value or list of Values) pairs, which `parameters()`, `state_dict()`, `save` and
        `load` follow; a subclass may override it.

        >>> from nn import Layer
        >>> [name for name, _ in Layer(1, 2).named_parameters()]
        ['neurons.0.w', 'neurons.0.b', 'neurons.1.w', 'neurons.1.b']
        """
        found: list[tuple[str, Tensor]] = []
        for name, held in _held(self):
            if isinstance(held, Module):
                found.extend((f"{name}.{key}", tensor) for key, tensor in held.named_parameters())
            else:
                found.append((name, held))
        return found

    def parameters(self) -> list[Value]:
        """Every parameter as one flat list of Values.

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
        return [held for _, held in _held(self) if isinstance(held, Module)]

    def train(self: M, mode: bool = True) -> M:
        """Set `training` to `mode` here and in every submodule; return the module, as PyTorch.

        >>> from nn import MLP
        >>> MLP(2, [3, 1]).train(False).layers[1].neurons[0].training
        False
        """
        self.training = checks.flag(f"{type(self).__name__}.train", "mode", mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self: M) -> M:
        """`train(False)`.

        >>> from nn import MLP
        >>> MLP(2, [1]).eval().training
        False
        """
        return self.train(False)

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Reset every parameter's gradient before the next backward (which adds into it): to 0.0, as
        micrograd, or to None with `set_to_none=True` (PyTorch's default), which backward counts as
        zero and an optimizer's step skips.

        >>> from nn import Neuron
        >>> (neuron := Neuron(1)).zero_grad(set_to_none=True)
        >>> [p.grad for p in neuron.parameters()]
        [None, None]
        """
        _zero_grads(f"{type(self).__name__}.zero_grad", self.parameters(), set_to_none)

    def state_dict(self) -> dict[str, float | list[float]]:
        """The parameters' data by name, as floats and lists of floats.

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
        >>> (p := Perceptron(2)).load_state_dict({"w": [1, 2], "b": 0.5})
        >>> p.state_dict()
        {'w': [1.0, 2.0], 'b': 0.5}
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

        >>> import pathlib, tempfile
        >>> from nn import Perceptron
        >>> Perceptron(1).save(pathlib.Path(tempfile.mkdtemp()) / "p.json")
        """
        with open(checks.path(f"{type(self).__name__}.save", path), "w", encoding="utf-8") as file:
            json.dump(self.state_dict(), file, indent=1)

    def load(self: M, path: str | os.PathLike[str]) -> M:
        """Read a JSON state written by `save` into this model, and return the model.

        >>> import pathlib, tempfile
        >>> from nn import Perceptron
        >>> (path := pathlib.Path(tempfile.mkdtemp()) / "p.json").write_text('{"w": [2.5], "b": -1}')
        21
        >>> Perceptron(1).load(path).state_dict()
        {'w': [2.5], 'b': -1.0}
        """
        where = f"{type(self).__name__}.load"
        with open(checks.path(where, path), encoding="utf-8") as file:
            try:
                state = json.load(file)
            except (json.JSONDecodeError, RecursionError) as error:  # RecursionError: nested too deep
                raise ValueError(f"{where}: {os.fspath(path)!r} is not a JSON state ({error})") from None
        self.load_state_dict(state)
        return self


def _held(module: Module) -> Iterator[tuple[str, Module | Tensor]]:
    for name, attribute in vars(module).items():
        if isinstance(attribute, Module) or (isinstance(attribute, Value) and attribute.requires_grad):
            yield name, attribute
        elif isinstance(attribute, (list, tuple)):
            if attribute and all(isinstance(v, Value) and v.requires_grad for v in attribute):
                yield name, list(attribute)
            else:
                yield from ((f"{name}.{i}", item) for i, item in enumerate(attribute) if isinstance(item, Module))


def _zero_grads(where: str, params: Iterable[Value], set_to_none: bool) -> None:
    zero = None if checks.flag(where, "set_to_none", set_to_none) else 0.0
    for p in params:
        p.grad = zero


def _as_list(tensor: Tensor) -> list[Value]:
    return tensor if isinstance(tensor, list) else [tensor]


def _checked_numbers(where: str, name: str, tensor: Tensor, saved: Any) -> list[float]:
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
    return [checks.number(where, repr(name), item) for item in items]
