"""no_grad() and enable_grad() decorating a generator function cover its body, as PyTorch's."""

from __future__ import annotations

import pytest
import torch

from autodiff import Value, enable_grad, no_grad
from autodiff.grad_mode import grad_mode


def _recording_steps(decorator, enabled):
    @decorator
    def steps(x):
        received = yield enabled()
        assert received == "sent"
        try:
            yield enabled()
        except KeyError:
            yield ("thrown", enabled())
        return "done"

    return steps


@pytest.mark.parametrize("mode", ["no_grad", "enable_grad"])
def test_each_step_of_a_decorated_generator_runs_in_the_mode_as_torch(mode):
    ours = _recording_steps({"no_grad": no_grad(), "enable_grad": enable_grad()}[mode], lambda: grad_mode.enabled)
    theirs = _recording_steps(
        {"no_grad": torch.no_grad(), "enable_grad": torch.enable_grad()}[mode], torch.is_grad_enabled
    )
    outside = mode == "no_grad"  # the mode the caller runs in: the other one
    for steps, switch in [(ours(1.0), _ours_switch), (theirs(1.0), torch.set_grad_enabled)]:
        with switch(outside):
            seen = [next(steps), steps.send("sent"), steps.throw(KeyError("k"))]
            with pytest.raises(StopIteration) as stop:
                next(steps)
        assert seen == [not outside, not outside, ("thrown", not outside)] and stop.value.value == "done"


def _ours_switch(mode):
    from autodiff import set_grad_enabled

    return set_grad_enabled(mode)


def test_a_decorated_generator_records_nothing_and_restores_the_mode_when_closed():
    x = Value(2.0)

    @no_grad()
    def multiples():
        k = 1.0
        while True:
            yield x * k
            k += 1.0

    steps = multiples()
    first = next(steps)
    assert first.parents == () and grad_mode.enabled and (x * 2.0).parents[0] is x  # recording outside
    assert next(steps).data == 4.0
    steps.close()
    assert grad_mode.enabled


def test_a_decorated_function_and_the_with_form_still_work():
    x = Value(2.0)
    assert no_grad()(lambda: x * 3.0)().parents == ()
    with no_grad():
        assert (x * 3.0).parents == ()
    assert len((x * 3.0).parents) == 2
