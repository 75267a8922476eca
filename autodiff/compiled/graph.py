"""`CompiledGraph`: a traced graph, called on batches and differentiated, as a function is."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value
from . import replay
from .plan import Plan


class CompiledGraph:
    """A traced graph, evaluated on numpy batches: one row of inputs per example.

    Call it on an array of shape (batch, n_inputs) for the outputs: shape (batch,) when `fn`
    returned one Value, (batch, n_outputs) when it returned a list. Then `backward()`
    adds the gradient of the summed or mean output (over the batch, and over the outputs
    of a list) into each parameter's `.grad`, as eager `backward()` does, and returns the
    gradient with respect to the inputs. The Values of the traced graph itself are left as
    the trace made them.

    >>> import numpy as np
    >>> from autodiff import Value, compile
    >>> w = Value(3.0)
    >>> f = compile(lambda x: [w * x, x + 1.0], n_inputs=1)
    >>> f(np.array([[1.0], [2.0]]))
    array([[3., 2.],
           [6., 3.]])
    >>> f.backward(reduction="mean"), w.grad   # d/dx (3x + x + 1) = 4, over 2 examples
    (array([[2.],
           [2.]]), 1.5)
    """

    def __init__(self, plan: Plan, single_output: bool) -> None:
        self.n_inputs = plan.n_inputs
        self._plan = plan
        self._single_output = single_output
        self._workspace: replay.Workspace | None = None
        self._ready = False  # a batch has gone forward: backward() may run

    def parameters(self) -> list[Value]:
        """The leaves with `requires_grad=True` that `fn` captured, in the order the graph uses them.

        >>> from autodiff import Value, compile
        >>> w, b = Value(2.0, label="w"), Value(0.5, label="b")
        >>> f = compile(lambda x: w * x + b, n_inputs=1)
        >>> [p.label for p in f.parameters()]
        ['w', 'b']
        """
        return list(self._plan.parameters)

    def __repr__(self) -> str:
        return (
            f"CompiledGraph({_count(self.n_inputs, 'input')}, {_count(len(self._plan.output_rows), 'output')}, "
            f"{_count(len(self._plan.parameters), 'parameter')}, {_count(self._nodes(), 'node')} "
            f"in {_count(len(self._plan.groups), 'group')})"
        )

    def _nodes(self) -> int:
        return self._plan.n_rows - sum(len(data) for _, data in self._plan.tails)

    def __call__(self, inputs: Any) -> np.ndarray:
        """The outputs for `inputs` of shape (batch, n_inputs): shape (batch,) or (batch, n_outputs).

        >>> import numpy as np
        >>> from autodiff import compile
        >>> f = compile(lambda x, y: x * y, n_inputs=2)
        >>> f(np.array([[2.0, 3.0], [4.0, 0.5]]))
        array([6., 2.])
        """
        x = self._checked(inputs)
        self._ready = False  # a failed call leaves nothing for backward()
        work = self._workspace_for(x.shape[0])
        replay.forward(self._plan, work, x)
        self._ready = True
        out = work.values[self._plan.output_rows]  # a copy: the workspace is used again by the next call
        return np.asarray(out[0] if self._single_output else out.T)

    def backward(self, reduction: str = "mean") -> np.ndarray:
        """Backpropagate the summed or mean output of the last call; return d/d(inputs).

        Adds the gradient into each parameter's `.grad` (accumulating, as eager backward);
        returns an array of the inputs' shape, (batch, n_inputs).

        >>> import numpy as np
        >>> from autodiff import Value, compile
        >>> w = Value(2.0)
        >>> f = compile(lambda x: w * x * x, n_inputs=1)
        >>> f(np.array([[1.0], [3.0]]))
        array([ 2., 18.])
        >>> f.backward(reduction="sum"), w.grad   # d/dx = 2 w x; d/dw = x^2, summed: 1 + 9
        (array([[ 4.],
               [12.]]), 10.0)
        """
        if reduction not in ("sum", "mean"):
            raise ValueError(f"backward: reduction must be 'sum' or 'mean', got {reduction!r}")
        work = self._workspace
        if not self._ready or work is None:
            raise RuntimeError("backward: call the compiled graph on a batch before backward()")
        replay.backward(self._plan, work, 1.0 if reduction == "sum" else 1.0 / work.values.shape[1])
        for p, total in zip(self._plan.parameters, replay.parameter_gradients(self._plan, work)):
            grad = p.grad
            p.grad = total if grad is None else grad + total
        return np.array(work.grads[: self.n_inputs].T)

    def _workspace_for(self, batch: int) -> replay.Workspace:
        if self._workspace is None or self._workspace.values.shape[1] != batch:
            self._workspace = replay.workspace(self._plan, batch)
        return self._workspace

    def _checked(self, inputs: Any) -> np.ndarray:
        try:
            x = np.asarray(inputs)
            # float() takes a Value: refuse one rather than drop the graph it may belong to.
            value = next((v for v in x.flat if isinstance(v, Value)), None) if x.dtype == object else None
            if value is not None:
                raise TypeError(f"got a Value, {value!r}: its .data is the number; backward() returns d/d(inputs)")
            x = x.astype(float, copy=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"compiled graph: inputs must be an array of numbers ({error})") from None
        except OverflowError as error:  # an int past 1.8e308
            raise ValueError(f"compiled graph: inputs must be numbers that a float can hold ({error})") from None
        if x.ndim != 2 or x.shape[1] != self.n_inputs or x.shape[0] == 0:
            raise ValueError(
                f"compiled graph: expected inputs of shape (batch, {self.n_inputs}) with batch >= 1, got {x.shape}"
            )
        return x


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
