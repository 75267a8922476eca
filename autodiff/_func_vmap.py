"""`autodiff.func.vmap`: a function of one example mapped over a batch, as `torch.func.vmap`.

A batched argument is an array: a list (nested lists for more axes) or a numpy array, with the
batch along `in_axes`; tuples and dicts are containers, whose entries take the axes given for
them (an int or None for all, or a tuple or dict of them, as torch.func's `in_dims`). The outputs
are stacked the same way along `out_axes`: a list from `f` is an array (a vector per example
gives a list of rows), a tuple or a dict a container of outputs, each stacked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._func_args import check_callable, leaves

Axes = Any  # an int or None, or a tuple or dict of Axes for a container


def vmap(
    f: Callable[..., Any], in_axes: Axes = 0, out_axes: Axes = 0, *, in_dims: Axes = None, out_dims: Axes = None
) -> Callable[..., Any]:
    """The function that runs `f` on each example of its batched arguments and stacks the
    outputs, as `torch.func.vmap` (`in_dims` and `out_dims`, torch's names, are also taken);
    keyword arguments go to every call unbatched. It composes with the other transforms:
    `vmap(grad(f))`, `jacrev(vmap(f))`. Here it is a loop over the examples in Python; for
    speed over a large batch, `autodiff.compile` replays one traced graph over numpy arrays.

    >>> from autodiff.func import grad
    >>> vmap(grad(lambda x: x**3))([1.0, 2.0, 3.0])
    [3.0, 12.0, 27.0]
    >>> vmap(lambda x, y: x * y, in_axes=(0, None))([1.0, 2.0], 10.0)
    [10.0, 20.0]
    """
    check_callable("vmap", f)
    in_axes = in_axes if in_dims is None else in_dims
    out_axes = out_axes if out_dims is None else out_dims

    def vmapped(*args: Any, **kwargs: Any) -> Any:
        axes = in_axes if type(in_axes) is tuple else (in_axes,) * len(args)
        if len(axes) != len(args):
            raise ValueError(
                f"vmap: in_axes {in_axes!r} has {len(axes)} entries for {len(args)} positional argument(s)"
            )
        sizes: set[int] = set()
        for x, axis in zip(args, axes):
            _sizes(x, axis, sizes)
        if len(sizes) != 1:
            what = "no argument is batched" if not sizes else f"the batched arguments have sizes {sorted(sizes)}"
            raise ValueError(f"vmap: expected one batch size along in_axes {in_axes!r}; {what}")
        outs = [f(*[_take(x, axis, i) for x, axis in zip(args, axes)], **kwargs) for i in range(sizes.pop())]
        return _stack(outs, out_axes)

    return vmapped


def _sizes(x: Any, axis: Axes, sizes: set[int]) -> None:
    # The batch size of each array under an int axis, into `sizes`.
    if type(axis) is tuple or type(axis) is dict:
        keys = range(len(axis)) if type(axis) is tuple else list(axis)
        if type(x) is not type(axis) or len(x) != len(axis) or any(k not in x for k in axis if type(x) is dict):
            raise ValueError(f"vmap: in_axes {axis!r} does not match the structure of the argument {x!r}")
        for k in keys:
            _sizes(x[k], axis[k], sizes)
    elif axis is None:
        return
    elif type(axis) is not int:
        raise TypeError(f"vmap: an axis must be an int, None, or a tuple or dict of them, got {axis!r}")
    elif type(x) is dict or type(x) is tuple:
        for entry in x.values() if type(x) is dict else x:
            _sizes(entry, axis, sizes)
    else:
        shape = _shape(x)
        if not -len(shape) <= axis < len(shape):
            raise ValueError(f"vmap: axis {axis} is out of range for an argument of {len(shape)} dimension(s): {x!r}")
        sizes.add(shape[axis])


def _shape(x: Any) -> tuple[int, ...]:
    if hasattr(x, "shape") and hasattr(x, "tolist"):  # a numpy array
        return tuple(x.shape)
    shape: list[int] = []
    while type(x) is list:
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    return tuple(shape)


def _take(x: Any, axis: Axes, i: int) -> Any:
    # Example i of `x` along `axis` (x itself where the axis is None).
    if axis is None:
        return x
    if type(x) is dict:
        return {k: _take(v, axis[k] if type(axis) is dict else axis, i) for k, v in x.items()}
    if type(x) is tuple:
        return tuple([_take(v, axis[k] if type(axis) is tuple else axis, i) for k, v in enumerate(x)])
    axis %= len(_shape(x))
    if hasattr(x, "tolist"):  # a numpy array: lists and floats, as the engine takes them
        taken = x.take(i, axis=axis)
        return taken.tolist() if taken.ndim else float(taken)
    return x[i] if axis == 0 else [_take(row, axis - 1, i) for row in x]


def _stack(outs: list[Any], axis: Axes) -> Any:
    first = outs[0]
    if type(first) is tuple or type(first) is dict:
        keys = range(len(first)) if type(first) is tuple else list(first)
        parts = {k: _stack([out[k] for out in outs], axis[k] if type(axis) is type(first) else axis) for k in keys}
        return tuple(parts.values()) if type(first) is tuple else parts
    if axis is None:
        if any(_numbers(out) != _numbers(first) for out in outs[1:]):
            raise ValueError(f"vmap: out_axes None for an output that differs between examples: {outs!r}")
        return first
    if type(axis) is not int:
        raise TypeError(f"vmap: out_axes must be an int, None, or a tuple or dict of them, got {axis!r}")
    ndim = len(_shape(first)) + 1
    if not -ndim <= axis < ndim:
        raise ValueError(f"vmap: out_axes {axis} is out of range for an output of {ndim - 1} dimension(s)")
    return _stacked(outs, axis % ndim)


def _stacked(outs: list[Any], axis: int) -> Any:
    if axis == 0:
        return list(outs)
    return [_stacked([out[j] for out in outs], axis - 1) for j in range(len(outs[0]))]


def _numbers(out: Any) -> list[Any]:
    return [getattr(y, "data", y) for y in leaves(out)]
