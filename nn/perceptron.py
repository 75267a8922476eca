"""`Perceptron`: Rosenblatt's unit (1958), a neuron with a hard threshold, taught by its mistakes."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

from autodiff import Value, no_grad

from . import _checks as checks
from . import init
from .layers import Neuron, _check_inputs


class Perceptron(Neuron):
    """`nin` weights and a bias, all starting at 0; calling it gives the score w . x + b.

    >>> (p := Perceptron(2)).fit([[0, 0], [0, 1], [1, 0], [1, 1]], [-1, 1, 1, 1])   # OR: mistakes per epoch
    [2, 2, 1, 0]
    >>> p.state_dict(), p([0.5, 0.5]).data
    ({'w': [1.0, 1.0], 'b': -1.0}, 0.0)
    """

    def __init__(self, nin: int) -> None:
        super().__init__(nin, activation="linear")
        init.zeros_([*self.w, self.b])

    def __repr__(self) -> str:
        return f"Perceptron({self.nin})"

    def predict(self, x: Sequence[Any]) -> int:
        """+1 if w . x + b >= 0, else -1: the hard threshold (a point on the boundary counts as +1).

        >>> Perceptron(2).predict([1.0, 2.0])
        1
        """
        with no_grad():
            return 1 if self(x).data >= 0 else -1

    def fit(self, X: Sequence[Sequence[Any]], y: Sequence[int], lr: float = 1.0, epochs: int = 100) -> list[int]:
        """Sweep the examples in order, and on each mistake (x, y), y in {-1, +1}, move the boundary
        towards it: w <- w + lr*y*x, b <- b + lr*y (no gradients). Return the mistakes per epoch;
        stop after the first epoch without one, or warn if none came (XOR) within `epochs`.

        >>> p = Perceptron(1)
        >>> p.fit([[-2.0], [1.0], [3.0]], [-1, 1, 1], lr=0.5), p.state_dict()
        ([1, 0], {'w': [1.0], 'b': -0.5})
        """
        who = "Perceptron.fit"
        X, y = checks.items(who, "X as a list of examples", X), checks.items(who, "y as a list of labels", y)
        if len(X) != len(y) or len(X) == 0:
            raise ValueError(f"{who}: X and y should be non-empty, of one length, got {len(X)} and {len(y)}")
        labels = [_label(label) for label in y]
        lr, epochs = checks.positive(who, "lr", lr), checks.positive_int(who, "epochs", epochs)
        rows = [
            [xi.data if isinstance(xi, Value) else checks.number(who, "X", xi) for xi in _check_inputs(self, x)]
            for x in X
        ]
        mistakes: list[int] = []
        for _ in range(epochs):
            mistakes.append(0)
            for x, label in zip(rows, labels):
                if self.predict(x) != label:
                    mistakes[-1] += 1
                    for w, xi in zip(self.w, x):
                        w.data += lr * label * xi
                    self.b.data += lr * label
            if mistakes[-1] == 0:
                return mistakes
        warnings.warn(
            f"Perceptron.fit: still {mistakes[-1]} mistakes after {epochs} epochs; "
            "the data may not be linearly separable (XOR is not)",
            RuntimeWarning,
            stacklevel=2,
        )
        return mistakes


def _label(y: Any) -> int:
    if not isinstance(y, numbers.Real) or isinstance(y, bool):
        raise TypeError(f"Perceptron.fit: labels should be -1 or +1, got {type(y).__name__} ({y!r})")
    if y not in (-1, 1):
        raise ValueError(f"Perceptron.fit: labels should be -1 or +1, got {y!r}")
    return 1 if y == 1 else -1
