"""Modes are per thread, as PyTorch's grad mode: each interleaving is forced with barriers, and
every gradient checked. Hooks live on their Value: registering during another thread's backward
is safe, and a hook that refers to its own graph is freed with it."""

from __future__ import annotations

import gc
import threading
import tracemalloc
import weakref

import pytest

from autodiff import (
    Value,
    checkpoint,
    detect_anomaly,
    enable_grad,
    func,
    grad,
    hooks,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)


def _in_thread(target, *args):
    """Run `target(*args)` in a new thread; what it raises is raised again by `join()`."""
    errors = []

    def run():
        try:
            target(*args)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()

    def join():
        thread.join(timeout=30)
        assert not thread.is_alive()
        if errors:
            raise errors[0]

    return join


def test_the_main_thread_records_while_another_sits_in_no_grad():
    inside, leave = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)

    def sit():
        with no_grad():
            assert not is_grad_enabled()
            inside.wait()
            leave.wait()
            assert not is_grad_enabled()

    join = _in_thread(sit)
    inside.wait()
    xs = [Value(float(i)) for i in range(3000)]
    products = [x * x for x in xs]
    leave.wait()
    join()
    assert all(p.requires_grad and p.op == "*" for p in products)
    products[7].backward()
    assert xs[7].grad == 14.0


def test_two_threads_leave_overlapping_no_grad_blocks_out_of_order():
    a_in, b_in, a_out = (threading.Barrier(2, timeout=10) for _ in range(3))
    seen = {}

    def a():
        with no_grad():
            a_in.wait()
            b_in.wait()
        a_out.wait()
        seen["a"] = is_grad_enabled(), (Value(1.0) * 2).requires_grad

    def b():
        a_in.wait()
        with no_grad():
            b_in.wait()
            a_out.wait()  # A has left its block first
            seen["b inside"] = is_grad_enabled()
        seen["b"] = is_grad_enabled(), (Value(1.0) * 2).requires_grad

    join_a, join_b = _in_thread(a), _in_thread(b)
    join_a()
    join_b()
    assert seen == {"a": (True, True), "b inside": False, "b": (True, True)}
    assert is_grad_enabled()


def test_a_new_thread_starts_with_grad_on():
    seen = []
    with no_grad():
        _in_thread(lambda: seen.append(is_grad_enabled()))()
        assert not is_grad_enabled()
    assert seen == [True]


def test_a_checkpoint_re_running_in_one_thread_pauses_hooks_in_that_thread_only():
    inside, leave = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)
    runs = []

    def wait_inside(v):
        runs.append(v)
        if len(runs) == 2:  # the re-run, in backward: its hooks paused
            inside.wait()
            leave.wait()
        return v * v

    def other():
        w = Value(3.0)
        checkpoint(wait_inside, w).backward()
        assert w.grad == 6.0

    join = _in_thread(other)
    inside.wait()
    x = Value(2.0)
    x.register_hook(lambda g: g * 10)
    (x * x).backward()
    leave.wait()
    join()
    assert x.grad == 40.0 and len(runs) == 2


def test_detect_anomaly_in_one_thread_checks_that_thread_only():
    inside, leave = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)

    def checked():
        with detect_anomaly():
            inside.wait()
            with pytest.raises(FloatingPointError, match="exp forward gave inf"):
                Value(1000.0).exp()
            leave.wait()

    join = _in_thread(checked)
    inside.wait()
    x = Value(0.0)
    y = Value(1000.0).exp() + x.sqrt()
    y.backward()  # an infinite gradient, unchecked here
    leave.wait()
    join()
    assert y.data == float("inf") and x.grad == float("inf")


def test_func_grad_gives_floats_while_another_thread_runs_it():
    start = threading.Barrier(2, timeout=10)
    results = {0: [], 1: []}
    df = func.grad(lambda x: (x * x).tanh() * x)

    def run(k):
        start.wait()
        for i in range(200):
            results[k].append(df(0.01 * i))

    joins = [_in_thread(run, 0), _in_thread(run, 1)]
    for join in joins:
        join()
    assert all(type(r) is float for r in results[0] + results[1])
    assert results[0] == results[1]


def test_func_grad_gives_floats_while_another_thread_is_inside_it():
    inside, leave = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)

    def waiting(x):
        inside.wait()
        leave.wait()
        return x * x

    def run():
        assert func.grad(waiting)(3.0) == 6.0

    join = _in_thread(run)
    inside.wait()  # the other thread is inside func.grad
    results = [func.grad(lambda x: x * x * x)(2.0) for _ in range(5)]
    leave.wait()
    join()
    assert all(type(r) is float for r in results) and results == [12.0] * 5


def test_hooks_registered_during_another_threads_backward_are_safe():
    inside, leave = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)
    x = Value(1.5)
    xs = [x * float(i) for i in range(1, 200)]
    mid = xs[100]

    def pause(g):
        inside.wait()
        leave.wait()
        return g * 2

    mid.register_hook(pause)
    total = sum(xs[1:], xs[0])

    def run():
        total.backward()

    join = _in_thread(run)
    inside.wait()  # the other thread is in its backward, at `mid`
    fresh = [Value(float(i)) for i in range(500)]
    handles = [v.register_hook(lambda g: g) for v in fresh + xs]
    handles[0].remove()
    leave.wait()
    join()
    assert x.grad == sum(range(1, 200)) + 101  # mid's share counted twice
    for h in handles:
        h.remove()


def test_no_grad_objects_nest_and_are_entered_again():
    blocks = no_grad()
    with blocks:
        with blocks:
            assert not is_grad_enabled()
            with enable_grad():
                assert is_grad_enabled()
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with blocks:
        assert not (Value(1.0) * 2).requires_grad
    assert is_grad_enabled()


def test_set_grad_enabled_as_a_function_and_as_a_context_manager_as_torch():
    try:
        set_grad_enabled(False)
        assert not is_grad_enabled() and not (Value(1.0) * 2).requires_grad
        with set_grad_enabled(True):
            assert is_grad_enabled()
        assert not is_grad_enabled()
    finally:
        set_grad_enabled(True)
    assert is_grad_enabled()
    with pytest.raises(TypeError, match=r"set_grad_enabled: mode must be a bool, got str \('False'\)"):
        set_grad_enabled("False")  # type: ignore[arg-type]
    assert is_grad_enabled()


def test_no_grad_decorates_functions_and_each_step_of_a_generator():
    @no_grad()
    def plain(x):
        return (x * 2).requires_grad, is_grad_enabled()

    @no_grad()
    def steps(n):
        for _ in range(n):
            got = yield is_grad_enabled()
            assert got == "sent"
        return "done"

    assert plain(Value(1.0)) == (False, False) and is_grad_enabled()
    generator = steps(2)
    assert next(generator) is False and is_grad_enabled()
    assert generator.send("sent") is False and is_grad_enabled()
    with pytest.raises(StopIteration) as stop:
        generator.send("sent")
    assert stop.value.value == "done" and is_grad_enabled()


def test_a_hook_that_refers_to_its_own_graph_is_freed_with_it():
    def one_round():
        x = Value(0.5)
        y = x
        for _ in range(1000):
            y = (y * 1.0001).tanh()
        y.register_hook(lambda g: g * y.data)  # the closure holds y, and so the whole graph
        x.register_hook(lambda g: g + x.data)
        y.backward()
        return weakref.ref(y), weakref.ref(x)

    gc.collect()
    hooked = hooks._hooked.values
    tracemalloc.start()
    try:
        sizes = []
        for _ in range(20):
            refs = one_round()
            gc.collect()
            assert all(r() is None for r in refs)
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert hooks._hooked.values == hooked
    assert sizes[-1] - sizes[1] < 20_000  # no growth: a round's graph is some 400 KB


def test_grad_mode_switches_in_create_graph_stay_in_their_thread():
    inside, leave = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)

    def hook(g):
        inside.wait()
        leave.wait()
        return g

    def run():
        x = Value(2.0)
        y = x * x
        y.register_hook(hook)
        with no_grad():
            (d,) = grad(y, [x], create_graph=True)  # enable_grad inside, in this thread
        assert d.data == 4.0

    with no_grad():
        join = _in_thread(run)
        inside.wait()
        assert not (Value(1.0) * 2).requires_grad
        leave.wait()
        join()


def test_a_hooked_value_freed_while_hooks_are_being_registered_does_not_deadlock():
    def hooked_cycle():
        v = Value(1.0)
        v.register_hook(lambda g: g * v.data)  # freed by the collector only
        return weakref.ref(v)

    gc.collect()
    gc.disable()  # only this test's Value is collected below
    try:
        ref = hooked_cycle()
        before = hooks._hooked.values
        with hooks._lock:  # as register_hook holds it when the collector runs inside it
            gc.collect()  # the Value's finalizer takes the lock again, in this thread
    finally:
        gc.enable()
    assert ref() is None and hooks._hooked.values == before - 1
