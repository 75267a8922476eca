"""The optimizers against torch.optim, step for step (test_optim_steps.py: the rest, without torch)."""

import json

import pytest
import torch

import nn
from autodiff import Value
from autodiff.testing import assert_close
from tests.nn.test_optim_steps import MAKERS, OURS, STARTS, STEPS, objective, partial_objective


def run_both(make_ours, make_theirs, start):
    """Our optimizer and torch's from the same start; the parameters after every step agree."""
    ours = [Value(x) for x in start]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    opt, t_opt = make_ours(ours), make_theirs(theirs)
    for _ in range(STEPS):
        opt.zero_grad()
        objective(ours).backward()
        opt.step()
        t_opt.zero_grad()
        objective(theirs).backward()
        t_opt.step()
        assert_close(ours, theirs, rtol=1e-10)
    return ours


SGD_SETTINGS = [
    {"lr": 0.05},
    {"lr": 0.02, "momentum": 0.9},
    {"lr": 0.05, "weight_decay": 0.01},
    {"lr": 0.03, "momentum": 0.5, "weight_decay": 0.1},
]

ADAM_SETTINGS = [
    {},
    {"lr": 0.05},
    {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6},
    {"lr": 0.05, "weight_decay": 0.1},
    {"lr": 0.2, "betas": (0.0, 0.5), "eps": 0.0},
]


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("settings", SGD_SETTINGS, ids=str)
def test_sgd_matches_torch_step_for_step(settings, start):
    run_both(lambda ps: nn.SGD(ps, **settings), lambda ps: torch.optim.SGD(ps, **settings), start)


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("settings", ADAM_SETTINGS, ids=str)
def test_adam_matches_torch_step_for_step(settings, start):
    run_both(lambda ps: nn.Adam(ps, **settings), lambda ps: torch.optim.Adam(ps, **settings), start)


ADAMW_SETTINGS = [
    {},
    {"lr": 0.05, "weight_decay": 0.1},
    {"lr": 0.1, "betas": (0.85, 0.99), "eps": 1e-6, "weight_decay": 0.0},
    {"lr": 0.2, "betas": (0.0, 0.5), "eps": 0.0, "weight_decay": 1.0},
]


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("settings", ADAMW_SETTINGS, ids=str)
def test_adamw_matches_torch_step_for_step(settings, start):
    run_both(lambda ps: nn.AdamW(ps, **settings), lambda ps: torch.optim.AdamW(ps, **settings), start)


OPTIMIZERS = {
    "SGD": (OURS["SGD"], lambda ps: torch.optim.SGD(ps, lr=0.03, momentum=0.5, weight_decay=0.1)),
    "Adam": (OURS["Adam"], lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1)),
    "AdamW": (OURS["AdamW"], lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1)),
}


@pytest.mark.filterwarnings(
    "ignore:Using backward\\(\\) with create_graph=True:UserWarning"
)  # torch's, about its own leaks
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_a_step_after_create_graph_uses_the_gradient_s_number(name):
    # backward(create_graph=True) leaves Values in .grad; torch steps with their values (under
    # no_grad), so must we: plain floats in .data, the same path as torch's.
    make_ours, make_theirs = OPTIMIZERS[name]
    ours = [Value(x) for x in STARTS[1]]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in STARTS[1]]
    opt, t_opt = make_ours(ours), make_theirs(theirs)
    for _ in range(5):
        opt.zero_grad()
        objective(ours).backward(create_graph=True)
        assert all(isinstance(p.grad, Value) for p in ours)
        opt.step()
        t_opt.zero_grad()
        objective(theirs).backward(create_graph=True)
        t_opt.step()
        assert all(type(p.data) is float for p in ours)
        assert_close(ours, theirs)


# --- repr, as torch prints an optimizer ---

REPR_SETTINGS = {
    "SGD": {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01},
    "Adam": {"lr": 0.002, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.0},
    "AdamW": {"lr": 0.002, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.01},
}


@pytest.mark.parametrize("name", REPR_SETTINGS)
def test_repr_lists_the_hyper_parameters_as_torch_prints_them(name):
    settings = REPR_SETTINGS[name]
    ours = repr(getattr(nn, name)([Value(1.0)], **settings)).splitlines()
    theirs = repr(getattr(torch.optim, name)([torch.zeros((), dtype=torch.float64)], **settings)).splitlines()
    assert ours[:2] == theirs[:2] == [f"{name} (", "Parameter Group 0"] and ours[-1] == theirs[-1] == ")"
    shown = ours[2:-1]
    assert shown == sorted(shown) and set(shown) <= set(theirs)  # torch's lines, for the settings we have
    assert [line.split(":")[0].strip() for line in shown] == sorted(settings)


TORCH_MAKERS = {
    "SGD": lambda ps: torch.optim.SGD(ps, lr=0.03, momentum=0.8, weight_decay=0.1),
    "SGD without momentum": lambda ps: torch.optim.SGD(ps, lr=0.03, weight_decay=0.1),
    "Adam": lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.95), weight_decay=0.1),
    "AdamW": lambda ps: torch.optim.AdamW(ps, lr=0.05, betas=(0.8, 0.95), weight_decay=0.1),
}


@pytest.mark.parametrize("name", MAKERS)
def test_state_dict_is_torch_s_state_after_the_same_steps(name):
    # One 0-d tensor per Value, so that torch's parameter indices are ours. Some parameters have
    # no gradient at some steps (set_to_none): torch keeps no state for them until they have one.
    ours = [Value(x) for x in STARTS[2]]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in STARTS[2]]
    opt, t_opt = MAKERS[name](ours), TORCH_MAKERS[name](theirs)
    for k in range(6):
        for o, ps in ((opt, ours), (t_opt, theirs)):
            o.zero_grad(set_to_none=True)
            partial_objective(ps, k).backward()
            o.step()
        assert_close(ours, theirs)
        state, t_state = opt.state_dict(), t_opt.state_dict()
        json.dumps(state, allow_nan=False)  # plain numbers throughout
        assert state["state"].keys() == t_state["state"].keys()
        for i, entry in state["state"].items():
            assert entry.keys() == t_state["state"][i].keys()
            assert_close(list(entry.values()), [float(t) for t in t_state["state"][i].values()])
            assert all(type(x) is (int if key == "step" else float) for key, x in entry.items())
        (group,) = state["param_groups"]
        (t_group,) = t_state["param_groups"]
        assert group == {key: t_group[key] for key in group}
        assert list(group)[-1] == "params" and group["params"] == list(range(len(ours)))
