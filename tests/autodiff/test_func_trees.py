"""autodiff.func on trees (dicts, nested lists and tuples, keyword arguments), vmap and linearize
against torch.func, and the transforms' results and errors at the edges."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.func as tf

import nn
from autodiff import Value, func


def t64(x):
    return torch.tensor(x, dtype=torch.float64)


def _close(ours, theirs):
    """A tree of floats against the same tree of tensors (or of floats), at 1e-12."""
    if isinstance(ours, dict):
        assert ours.keys() == theirs.keys()
        return all(_close(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, (list, tuple)):
        theirs = list(theirs) if isinstance(theirs, (list, tuple)) else list(theirs.unbind(0))
        assert len(ours) == len(theirs)
        return all(_close(a, b) for a, b in zip(ours, theirs))
    assert type(ours) is float, ours
    want = theirs.item() if isinstance(theirs, torch.Tensor) else theirs
    assert math.isclose(ours, want, rel_tol=1e-12, abs_tol=1e-14), (ours, want)
    return True


def loss(params, x, scale=1.0):
    """A function of a dict of parameters (one a list) and an input, with a keyword argument."""
    w, b = params["w"], params["b"]
    return scale * ((w[0] * x + w[1] * x * x + b).tanh() - 0.5) ** 2


PARAMS = {"w": [0.3, -0.8], "b": 0.1}


def _torch_params():
    return {"w": t64(PARAMS["w"]), "b": t64(PARAMS["b"])}


def test_grad_and_value_and_grad_of_a_dict_with_keyword_arguments_as_torch_func():
    mine = func.grad(loss)(PARAMS, 1.5, scale=2.0)
    theirs = tf.grad(loss)(_torch_params(), t64(1.5), scale=2.0)
    assert _close(mine, theirs) and list(mine) == ["w", "b"] and isinstance(mine["w"], list)
    value, gradient = func.value_and_grad(loss, argnums=(0, 1))(PARAMS, 1.5, scale=2.0)
    t_gradient, t_value = tf.grad_and_value(loss, argnums=(0, 1))(_torch_params(), t64(1.5), scale=2.0)
    assert _close(value, t_value) and _close(gradient, t_gradient)


def test_has_aux_jacobians_and_hessians_of_trees_as_torch_func():
    f = lambda p, x: ({"out": loss(p, x), "twice": [loss(p, x) * 2.0]}, {"seen": x})
    mine, aux = func.jacrev(f, has_aux=True)(PARAMS, 1.5)
    theirs, t_aux = tf.jacrev(f, has_aux=True)(_torch_params(), t64(1.5))
    assert _close(mine, theirs) and _close(aux, t_aux) and aux == {"seen": 1.5}
    assert _close(func.jacfwd(f, has_aux=True)(PARAMS, 1.5)[0], theirs)
    # A list of numbers is a container here (JAX's pytrees), not a tensor: scalar entries compare with torch.
    g = lambda p: (p["a"] * p["b"]).sin() + p["a"] ** 3
    assert _close(func.hessian(g)({"a": 0.3, "b": 0.1}), tf.hessian(g)({"a": t64(0.3), "b": t64(0.1)}))
    nested = func.hessian(loss)(PARAMS, 1.5)
    assert math.isclose(nested["w"][1]["b"], nested["b"]["w"][1], rel_tol=1e-14) and set(nested) == {"w", "b"}


def test_jvp_vjp_and_linearize_of_trees_as_torch_func():
    tangent = {"w": [1.0, -0.5], "b": 2.0}
    t_tangent = {"w": t64(tangent["w"]), "b": t64(2.0)}
    f = lambda p: (loss(p, 1.5), {"b": p["b"] * p["w"][0]})
    mine = func.jvp(f, (PARAMS,), (tangent,))
    assert _close(mine, tf.jvp(f, (_torch_params(),), (t_tangent,)))
    out, vjp_fn = func.vjp(f, PARAMS)
    _, t_vjp_fn = tf.vjp(f, _torch_params())
    assert _close(vjp_fn((1.0, {"b": -2.0})), t_vjp_fn((t64(1.0), {"b": t64(-2.0)})))
    out, jvp_fn = func.linearize(f, PARAMS)
    assert _close(out, f(_torch_params())) and _close(jvp_fn(tangent), mine[1])
    # keys in another order still pair up by name
    assert _close(func.jvp(f, (PARAMS,), ({"b": 2.0, "w": [1.0, -0.5]},)), mine)


def test_linearize_matches_torch_func_and_runs_f_once():
    calls = []

    def f(x, y):
        calls.append(1)
        return [x.sin() * y, (x * y).exp()]

    out, jvp_fn = func.linearize(f, 0.4, -1.3)
    t_out, t_jvp_fn = tf.linearize(lambda x, y: torch.stack([x.sin() * y, (x * y).exp()]), t64(0.4), t64(-1.3))
    for tangents in [(1.0, 0.0), (0.0, 1.0), (0.3, -2.0)]:
        assert _close(jvp_fn(*tangents), t_jvp_fn(*map(t64, tangents)))
    assert _close(out, t_out) and len(calls) == 1


def test_grad_of_a_plain_number_is_zero_and_a_non_scalar_output_is_a_type_error():
    assert func.grad(lambda x: 3.0)(1.0) == 0.0 and func.grad(lambda p: 1)({"a": 1.0, "b": [2.0]}) == {
        "a": 0.0,
        "b": [0.0],
    }
    assert func.jacfwd(lambda x: 2.0)(1.0) == 0.0 and func.jacrev(lambda x: [x, 2.0])(1.0) == [1.0, 0.0]
    assert func.jvp(lambda x: 5, (1.0,), (1.0,)) == (5, 0.0)
    for transform in (func.grad, func.value_and_grad):
        name = transform.__name__
        with pytest.raises(TypeError, match=rf"^{name}: f must return a scalar \(a Value or a number\), got list"):
            transform(lambda x: [x, x])(1.0)


def test_hessian_names_itself_in_its_errors():
    with pytest.raises(ValueError, match=r"^hessian: argnums 3 is out of range"):
        func.hessian(lambda x: x * x, argnums=3)(1.0)
    with pytest.raises(TypeError, match=r"^hessian: argument 0 must be a number"):
        func.hessian(lambda x: x * x)("a")


def test_results_are_floats_when_f_uses_constants():
    for result in [
        func.jvp(lambda p: nn.mse_loss(p, 1.0), (3.0,), (1.0,)),
        func.jacfwd(lambda p: nn.mse_loss(p, 1.0))(3.0),
        func.jacfwd(func.jacfwd(lambda p: nn.mse_loss(p, 1.0)))(3.0),
        func.hessian(lambda p: nn.mse_loss(p, 1.0))(3.0),
    ]:
        assert all(type(x) is float for x in np.ravel(result).tolist()), result


@pytest.mark.parametrize("transform", ["grad", "jacfwd", "jacrev", "hessian", "jacfwd(jacfwd)"])
def test_nn_losses_work_under_every_transform(transform):
    outer = {
        "grad": func.grad,
        "jacfwd": func.jacfwd,
        "jacrev": func.jacrev,
        "hessian": func.hessian,
        "jacfwd(jacfwd)": lambda f: func.jacfwd(func.jacfwd(f)),
    }[transform]
    reference = {
        "grad": tf.grad,
        "jacfwd": tf.jacfwd,
        "jacrev": tf.jacrev,
        "hessian": tf.hessian,
        "jacfwd(jacfwd)": tf.hessian,  # torch's jacfwd(jacfwd) fails on its own losses
    }[transform]
    # (binary_cross_entropy's second derivative is checked against its closed form: torch's is
    # 1e-11 off, t/p^2 + (1-t)/(1-p)^2 at p = 0.3, t = 0.25 being 4.308390022675737.)
    bce = outer(lambda p: nn.binary_cross_entropy(p, 0.25))(0.3)
    exact = {"grad": (0.3 - 0.25) / (0.3 * 0.7), "hessian": 0.25 / 0.09 + 0.75 / 0.49}
    assert math.isclose(bce, exact.get(transform, exact["grad" if "(" not in transform else "hessian"]), rel_tol=1e-14)
    torch_losses = {
        nn.binary_cross_entropy_with_logits: torch.nn.functional.binary_cross_entropy_with_logits,
        nn.mse_loss: torch.nn.functional.mse_loss,
    }
    for ours, theirs in torch_losses.items():
        mine = outer(lambda p: ours(p, 0.25))(0.3)
        want = reference(lambda p: theirs(p, t64(0.25)))(t64(0.3))
        assert _close(mine, want), ours
    assert math.isclose(
        outer(lambda s: nn.hinge_loss(s, -1))(0.5), 1.0 if transform in ("grad", "jacfwd", "jacrev") else 0.0
    )


def test_forward_mode_division_keeps_a_tangent_its_partial_would_underflow():
    out, tangent = func.jvp(lambda a, b: a / b, (-1.0, 4.55e213), (0.0, 1e215))
    assert out == -1.0 / 4.55e213
    # 1e215 / 4.55e213**2 = 4.83e-213 is representable; the partial alone, 4.8e-428, is not
    assert math.isclose(tangent, 1e215 / 4.55e213 / 4.55e213, rel_tol=1e-15) and tangent > 4.8e-213
    assert math.isclose(
        tangent, tf.jvp(lambda a, b: a / b, (t64(-1.0), t64(4.55e213)), (t64(0.0), t64(1e215)))[1].item(), rel_tol=1e-15
    )


# vmap, against torch.func.vmap on the same batches (tensors there, lists and arrays here).
def test_vmap_over_lists_and_arrays_with_in_axes_and_out_axes_as_torch_func():
    f = lambda x, y: [x * y, (x.sin() if hasattr(x, "sin") else math.sin(x)) + y]  # vmap passes the numbers
    xs, ys = [0.1, 0.2, 0.3], [1.0, -2.0, 0.5]
    assert _close(func.vmap(f)(xs, ys), tf.vmap(lambda x, y: torch.stack(f(x, y)))(t64(xs), t64(ys)))
    assert _close(
        func.vmap(f, out_axes=1)(np.array(xs), ys),
        tf.vmap(lambda x, y: torch.stack(f(x, y)), out_dims=1)(t64(xs), t64(ys)),
    )
    assert _close(
        func.vmap(f, in_axes=(0, None))(xs, 2.0),
        tf.vmap(lambda x, y: torch.stack(f(x, y)), in_dims=(0, None))(t64(xs), t64(2.0)),
    )
    rows = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    dot = lambda v: v[0] * v[1] if len(v) == 2 else v[0] * v[1] * v[2]
    assert func.vmap(dot)(rows) == [6.0, 120.0] and func.vmap(dot, in_axes=1)(rows) == [4.0, 10.0, 18.0]
    assert func.vmap(dot, in_dims=1)(np.array(rows)) == [4.0, 10.0, 18.0]
    pair = func.vmap(lambda p: (p["a"] * 2.0, {"s": p["a"] + p["b"]}), in_axes=({"a": 0, "b": None},))
    assert pair({"a": [1.0, 2.0], "b": 10.0}) == ([2.0, 4.0], {"s": [11.0, 12.0]})
    assert func.vmap(lambda x, scale: x * scale)([1.0, 2.0], scale=3.0) == [3.0, 6.0]


def test_vmap_composes_with_the_other_transforms_as_torch_func():
    f = lambda x: (x * x).sin()
    xs = [0.1, -0.7, 1.2]
    assert _close(func.vmap(func.grad(f))(xs), tf.vmap(tf.grad(f))(t64(xs)))
    assert _close(func.jacrev(func.vmap(f))(xs), tf.jacrev(tf.vmap(f))(t64(xs)))
    assert _close(func.jacfwd(func.vmap(f))(xs), tf.jacfwd(tf.vmap(f))(t64(xs)))
    assert _close(func.vmap(func.hessian(f))(xs), tf.vmap(tf.hessian(f))(t64(xs)))
    assert _close(
        func.vmap(func.vmap(lambda a, b: a * b, in_axes=(None, 0)), in_axes=(0, None))(xs, xs),
        torch.outer(t64(xs), t64(xs)),
    )


def test_vmap_errors_name_vmap():
    with pytest.raises(ValueError, match=r"^vmap: expected one batch size .*sizes \[2, 3\]"):
        func.vmap(lambda x, y: x * y)([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^vmap: expected one batch size .*no argument is batched"):
        func.vmap(lambda x: x, in_axes=None)(1.0)
    with pytest.raises(ValueError, match=r"^vmap: axis 0 is out of range for an argument of 0 dimension"):
        func.vmap(lambda x: x)(1.0)
    with pytest.raises(ValueError, match=r"^vmap: in_axes \(0,\) has 1 entries for 2"):
        func.vmap(lambda x, y: x, in_axes=(0,))([1.0], [2.0])
    with pytest.raises(TypeError, match=r"^vmap: an axis must be an int, None"):
        func.vmap(lambda x: x, in_axes="0")([1.0])
    with pytest.raises(ValueError, match=r"^vmap: out_axes None for an output that differs"):
        func.vmap(lambda x: x * 2.0, out_axes=None)([1.0, 2.0])
    assert func.vmap(lambda x: Value(5.0), out_axes=None)([1.0, 2.0]).data == 5.0
    with pytest.raises(TypeError, match=r"^vmap: f must be a function"):
        func.vmap(3)
