"""backward() and grad() on their own, without torch: seeds, leaves, hooks where the sweep starts,
nodes that ask for no gradient, the order of the walk, and what a failed sweep leaves behind.
Quick enough for each mutant of `make mutation`.
"""

from __future__ import annotations

import math

import pytest

from autodiff import Op, Value, backward, constant, grad, no_grad, topological_order


def test_the_function_backward_seeds_with_one_and_builds_no_graph():
    x = Value(1.5)
    backward(x * x)
    assert type(x.grad) is float and x.grad == 3.0
    backward(x * x, 2.0, create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 3.0 + 6.0


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_hook_on_the_root_or_on_a_leaf_root_runs_once(create_graph):
    x = Value(2.0)
    y = x * 3.0
    seen = []
    y.register_hook(lambda g: seen.append(float(g)) or g * 10)
    y.backward(create_graph=create_graph)
    assert seen == [1.0] and float(x.grad) == 30.0
    leaf, calls = Value(1.0), []
    leaf.register_hook(lambda g: calls.append(float(g)) or g * 4)
    leaf.backward(2.0, create_graph=create_graph)
    assert calls == [2.0] and float(leaf.grad) == 8.0
    (dleaf,) = grad(leaf, [leaf])
    assert calls == [2.0, 1.0] and dleaf == 4.0


def test_a_hook_on_an_interior_node_changes_what_reaches_its_parents():
    x = Value(2.0)
    y = x * 3.0
    y.register_hook(lambda g: g * 10)
    (y * y).backward()
    assert x.grad == 10 * (2 * 6.0) * 3.0
    assert grad(y * y, [x]) == [360.0]


def test_grad_runs_the_hooks_of_a_leaf_output_too():
    x = Value(1.0)
    x.register_hook(lambda g: g * 5)
    assert grad(x, [x]) == [5.0]
    (d,) = grad(x, [x], create_graph=True)
    assert isinstance(d, Value) and d.data == 5.0


def test_only_what_requires_grad_gets_a_gradient():
    x, c = Value(2.0), Value(3.0, requires_grad=False)
    y = x * c + c * c
    y.backward()
    assert (x.grad, c.grad) == (3.0, 0.0)
    with no_grad():
        frozen = x * 4.0
    z = frozen * x
    z.backward()
    assert x.grad == 3.0 + 8.0 and frozen.grad == 0.0


def test_grad_gives_zero_for_an_input_the_output_does_not_depend_on_and_leaves_grads_alone():
    x, y, unused = Value(2.0), Value(-1.0), Value(5.0)
    x.grad, unused.grad = 0.25, 7.0
    out = x * y + x
    assert grad(out, [x, unused, y]) == [y.data + 1.0, 0.0, x.data]
    (dx, du) = grad(out, [x, unused], create_graph=True)
    assert isinstance(dx, Value) and isinstance(du, Value) and (dx.data, du.data) == (0.0, 0.0)
    assert (x.grad, unused.grad, out.grad) == (0.25, 7.0, 0.0)
    assert grad(out, x) == [0.0]


def test_grad_of_a_value_seeded_through_a_constant_number():
    x = Value(0.5)
    (dx,) = grad((x * x).tanh(), [x], create_graph=True)
    (d2x,) = grad(dx, [x])
    t = math.tanh(0.25)
    assert math.isclose(dx.data, 2 * 0.5 * (1 - t * t), rel_tol=1e-14)
    assert math.isclose(d2x, 2 * (1 - t * t) - 2 * t * (1 - t * t) * (2 * 0.5) ** 2, rel_tol=1e-13)


def test_topological_order_puts_every_node_after_its_parents_and_each_once():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    e = (d * c).exp() + b
    order = topological_order(e)
    assert len(order) == len(set(order)) == 7
    place = {v: i for i, v in enumerate(order)}
    assert all(place[p] < place[v] for v in order for p in v.parents)
    assert order[-1] is e and topological_order(a) == [a]


def test_a_deep_chain_and_a_wide_fan_in():
    x = Value(1.0)
    y = x
    for _ in range(3000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    xs = [Value(float(i)) for i in range(300)]
    total = xs[0]
    for v in xs[1:]:
        total = total + v * v
    total.backward()
    assert [v.grad for v in xs] == [1.0] + [2.0 * i for i in range(1, 300)]


def test_a_sweep_that_fails_leaves_zero_not_none_and_the_next_one_works():
    def derivative(m, g, out, x):
        raise ArithmeticError("no derivative here")

    broken = Op("broken", lambda m, x: x, derivative)
    x = Value(2.0)
    inner = x * x
    out = broken(inner) * 3.0
    with pytest.raises(ArithmeticError):
        out.backward()
    assert (out.grad, inner.grad, x.grad) == (1.0, 0.0, 0.0)
    good = inner * 2.0
    good.backward()
    assert (good.grad, inner.grad, x.grad) == (1.0, 2.0, 8.0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: backward(3.0), TypeError, "backward: expected a Value to differentiate, got float (3.0)"),
        (lambda: grad("y", [Value(1.0)]), TypeError, "grad: expected a Value to differentiate, got str ('y')"),
        (lambda: Value(1.0).backward("1"), TypeError, "backward: gradient must be a Value or a number, got str ('1')"),
        (lambda: grad(Value(1.0) * 2, [Value(1.0), 2.0]), TypeError, "grad: input 1 must be a Value, got float (2.0)"),
        (lambda: grad(Value(1.0) * 2, 3.0), TypeError, "grad: expected an iterable (a list, say), got float (3.0)"),
    ],
)
def test_wrong_arguments_are_clear_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_create_graph_records_the_derivative_even_under_no_grad():
    x = Value(1.5)
    y = x * x * x
    with no_grad():
        y.backward(create_graph=True)
        (dx,) = grad(y, [x], create_graph=True)
        (dx_float,) = grad(y, [x])
    assert x.grad.requires_grad and grad(x.grad, [x]) == [9.0]
    assert dx.requires_grad and grad(dx, [x]) == [9.0] and dx_float == 6.75


def test_a_value_seed_without_create_graph_is_its_number():
    x, seed = Value(1.5), Value(2.0)
    (x * x).backward(seed)
    assert type(x.grad) is float and x.grad == 6.0
    y = Value(1.0)
    y.backward(constant(3.0), create_graph=True)
    assert isinstance(y.grad, Value) and y.grad.data == 3.0
