"""Value.register_hook against torch.Tensor.register_hook: when hooks run, in what order, with
what gradient, and what their replacements do, in backward(), grad() and create_graph=True."""

from __future__ import annotations

import gc
import math

import pytest
import torch

from autodiff import Value, checkpoint, constant, grad, hooks
from autodiff.testing import is_close

POINTS = [(0.7, -1.3), (2.0, 0.5), (-0.4, -0.9), (0.0, 1.1), (1e-8, 3.0)]


def leaf(engine: str, x: float):
    return Value(x) if engine == "ours" else torch.tensor(x, dtype=torch.float64, requires_grad=True)


def number(g) -> float:
    return float(g.item()) if isinstance(g, torch.Tensor) else float(g.data if isinstance(g, Value) else g)


def clip(g, c: float = 0.25):
    return g.clamp(-c, c) if isinstance(g, torch.Tensor) else max(-c, min(c, g))


def build(engine: str, x0: float, y0: float, calls: list):
    """x and y leaves (x used three times), h used twice, k with two hooks: every kind of place."""
    x, y = leaf(engine, x0), leaf(engine, y0)

    def record(name, replace=None):
        def hook(g):
            calls.append((name, number(g)))
            return replace(g) if replace else None

        return hook

    x.register_hook(record("x", lambda g: g * 10))
    y.register_hook(record("y", clip))
    h = x * y
    h.register_hook(record("h", lambda g: g * 3))
    k = h.tanh()
    k.register_hook(record("k1", lambda g: g - 0.5))
    k.register_hook(record("k2"))
    k.register_hook(record("k3", lambda g: g * 2))
    if engine == "torch":
        h.retain_grad()
        k.retain_grad()
    out = k * x + h * h + k + x
    return x, y, h, k, out


@pytest.mark.parametrize(("x0", "y0"), POINTS)
def test_backward_runs_each_hook_once_with_the_complete_gradient_as_torch(x0, y0):
    results = {}
    for engine in ("ours", "torch"):
        calls = []
        x, y, h, k, out = build(engine, x0, y0, calls)
        out.backward()
        results[engine] = calls, [number(v.grad) for v in (x, y, h, k)]
    (calls, grads), (t_calls, t_grads) = results["ours"], results["torch"]
    assert [name for name, _ in calls] == [name for name, _ in t_calls]  # k's three hooks in order
    for (name, g), (_, t) in zip(calls, t_calls):
        assert is_close(g, t, 1e-14), (name, g, t)
    for g, t in zip(grads, t_grads):  # interior .grad as torch's retain_grad: after the hooks
        assert is_close(g, t, 1e-14), (grads, t_grads)


@pytest.mark.parametrize(("x0", "y0"), POINTS)
def test_a_leaf_hook_sees_this_pass_alone_and_its_result_is_accumulated(x0, y0):
    grads = {}
    for engine in ("ours", "torch"):
        x = leaf(engine, x0)
        seen = []
        x.register_hook(lambda g, seen=seen: seen.append(number(g)) or g * 2)
        for _ in range(3):
            (x * x * x + x).backward()
        grads[engine] = number(x.grad), seen
    assert is_close(grads["ours"][0], grads["torch"][0], 1e-14)
    assert grads["ours"][1] == pytest.approx(grads["torch"][1], rel=1e-14)


@pytest.mark.parametrize(("x0", "y0"), POINTS)
def test_grad_runs_the_hooks_on_the_way_to_its_inputs_only_as_torch(x0, y0):
    for inputs in (lambda x, y, h, k: [x, y], lambda x, y, h, k: [h], lambda x, y, h, k: [k], lambda x, y, h, k: [y]):
        results = {}
        for engine in ("ours", "torch"):
            calls = []
            x, y, h, k, out = build(engine, x0, y0, calls)
            wanted = inputs(x, y, h, k)
            got = grad(out, wanted) if engine == "ours" else torch.autograd.grad(out, wanted)
            results[engine] = calls, [number(g) for g in got], [number(v.grad) for v in (x, y) if v.grad is not None]
        (calls, got, leaf_grads), (t_calls, t_got, _) = results["ours"], results["torch"]
        assert [name for name, _ in calls] == [name for name, _ in t_calls]
        assert all(is_close(g, t, 1e-14) for (_, g), (_, t) in zip(calls, t_calls))
        assert all(is_close(g, t, 1e-14) for g, t in zip(got, t_got)), (got, t_got)
        assert leaf_grads == [0.0, 0.0]  # grad() leaves every .grad as it was


def test_grad_gives_an_interior_input_its_gradient_after_its_hooks_also_beside_other_inputs():
    # torch.autograd.grad(out, [k, y]) returns k's gradient before k's hooks (while the hooked one flows
    # on to y), and after them for grad(out, [k]); here both give the hooked one.
    _, y, _, k, out = build("ours", 0.7, -1.3, [])
    (alone,) = grad(out, [k])
    both = grad(out, [k, y])
    _, t_y, _, t_k, t_out = build("torch", 0.7, -1.3, [])
    t_both = torch.autograd.grad(t_out, [t_k, t_y])
    assert both[0] == alone == 2.4 and t_both[0].item() == 1.7
    assert is_close(both[1], t_both[1].item(), 1e-14)


@pytest.mark.parametrize(("x0", "y0"), POINTS)
def test_with_create_graph_a_hook_gets_a_value_and_its_replacement_is_differentiated(x0, y0):
    second = {}
    for engine in ("ours", "torch"):
        x, y = leaf(engine, x0), leaf(engine, y0)
        kinds = []
        h = (x * y).sin()
        handle = h.register_hook(lambda g, kinds=kinds: kinds.append(type(g).__name__) or g * g * y)  # y's too
        out = h * x + y * y
        if engine == "ours":
            dx, dy = grad(out, [x, y], create_graph=True)
            handle.remove()
            second[engine] = [dx.data, dy.data, *grad(dx + dy, [x, y])], kinds
        else:
            dx, dy = torch.autograd.grad(out, [x, y], create_graph=True)
            handle.remove()
            second[engine] = [dx.item(), dy.item(), *(g.item() for g in torch.autograd.grad(dx + dy, [x, y]))], kinds
    assert second["ours"][1] == ["Value"] and second["torch"][1] == ["Tensor"]
    for g, t in zip(second["ours"][0], second["torch"][0]):
        assert is_close(g, t, 1e-13), (second["ours"][0], second["torch"][0])


def test_backward_with_create_graph_hands_a_value_to_a_leaf_hook():
    x = Value(1.5)
    with x.register_hook(lambda g: g * x):  # a Value that depends on x: d(x.grad)/dx changes
        (x * x).backward(create_graph=True)
    t = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    handle = t.register_hook(lambda g: g * t)
    (dt,) = torch.autograd.grad(t * t, [t], create_graph=True)
    handle.remove()
    assert isinstance(x.grad, Value) and is_close(x.grad.data, dt.item(), 1e-15)
    assert is_close(grad(x.grad, [x])[0], torch.autograd.grad(dt, [t])[0].item(), 1e-15)


def test_a_hook_on_a_leaf_root_runs_as_in_torch():
    x = Value(2.0)
    x.register_hook(lambda g: g * 3)
    x.backward()
    assert x.grad == 3.0 and grad(x, [x]) == [3.0]


def test_remove_takes_the_hook_away():
    x = Value(1.0)
    y = x * 4
    handle = y.register_hook(lambda g: g * 0)
    assert len(y._hooks) == 1 and hooks.active()
    y.backward()
    assert x.grad == 0.0
    handle.remove()
    handle.remove()
    assert y._hooks == ()
    y.backward()
    assert x.grad == 4.0
    with x.register_hook(lambda g: g * 10):
        y.backward()
    y.backward()
    assert x.grad == 4.0 + 40.0 + 4.0


def test_a_hook_may_remove_itself_and_the_count_of_hooked_values_follows_them():
    x = Value(1.0)
    calls = []
    handles = []
    handles.append(x.register_hook(lambda g: calls.append(g) or handles[0].remove()))
    (x * 2).backward()
    (x * 2).backward()
    assert calls == [2.0] and x._hooks == ()
    gc.collect()
    gc.disable()  # no other Value freed meanwhile
    try:
        before = hooks._hooked.values
        z = Value(3.0)
        z.register_hook(print)
        z.register_hook(print)
        assert hooks._hooked.values == before + 1
        del z
        assert hooks._hooked.values == before  # no record outlives its Value
    finally:
        gc.enable()


def test_a_value_keeps_its_slots_for_the_feature():
    assert Value.__slots__ == ("__weakref__", "_grad_fn", "_hooks", "data", "grad", "label", "parents", "requires_grad")


def test_hooks_on_the_inputs_of_a_checkpoint_run_once_with_the_total_as_torch():
    import torch.utils.checkpoint as tc

    results = {}
    for engine in ("ours", "torch"):
        w, x = leaf(engine, 0.8), leaf(engine, 0.3)
        seen, seen_w = [], []
        w.register_hook(lambda g, seen=seen_w: seen.append(number(g)) or g * 2)

        def segment(v, w=w):
            for _ in range(5):
                v = (w * v + 0.1).tanh()
            return v

        for _ in range(3):
            x_in = x * 1.0
            x_in.register_hook(lambda g, seen=seen: seen.append(number(g)))
            if engine == "ours":
                x_in = checkpoint(segment, x_in)
            else:
                x_in = tc.checkpoint(segment, x_in, use_reentrant=False)
            x = x_in
        x.backward()
        results[engine] = seen, seen_w, number(w.grad)
    assert results["ours"][0] == pytest.approx(results["torch"][0], rel=1e-13)
    assert len(results["ours"][1]) == 1 and results["ours"][1] == pytest.approx(results["torch"][1], rel=1e-13)
    assert is_close(results["ours"][2], results["torch"][2], 1e-13)


def test_a_hook_that_is_not_callable_is_a_type_error():
    with pytest.raises(TypeError, match=r"register_hook: the hook must be callable, got float \(2.0\)"):
        Value(1.0).register_hook(2.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        constant(1.0).register_hook(print)


@pytest.mark.parametrize(
    ("returned", "create_graph", "shown"),
    [("2.0", False, r"str \('2.0'\)"), (True, False, "bool"), (Value(1.0), False, "Value"), ([1.0], True, "list")],
)
def test_a_hook_returning_no_gradient_is_a_type_error_naming_it(returned, create_graph, shown):
    x = Value(0.5)
    y = x * x

    def bad_hook(g):
        return returned

    y.register_hook(bad_hook)
    with pytest.raises(TypeError, match=rf"register_hook: the hook .*bad_hook returned {shown}"):
        y.backward(create_graph=create_graph)
    assert x.grad == 0.0 and y.grad is not None  # no None left behind


@pytest.mark.parametrize("where", ["leaf", "interior"])
def test_a_hook_that_raises_leaves_no_none_in_any_grad(where):
    x, w = Value(0.5), Value(2.0)
    x.grad = 7.0
    h = w * x
    out = (h * h).tanh() * x

    def fail(g):
        raise ArithmeticError("no")

    (x if where == "leaf" else h).register_hook(fail)
    with pytest.raises(ArithmeticError):
        out.backward()
    assert all(v.grad is not None for v in (x, w, h, out))
    after = x.grad
    assert after == 7.0 if where == "leaf" else math.isfinite(after)  # a hooked leaf gets nothing from a failed pass
    with pytest.raises(ArithmeticError):
        grad(out, [x, w])
    assert x.grad == after and all(v.grad is not None for v in (w, h, out))
