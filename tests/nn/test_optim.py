import random

import pytest
import torch

import nn
from autodiff import Value
from tests.nn.torch_reference import assert_close

STEPS = 25


def objective(ps):
    """A bumpy function, written once for Values and for torch tensors alike."""
    bowl = sum((i + 1) * (p - 0.5 * i) ** 2 for i, p in enumerate(ps))
    return bowl + (ps[0] * ps[1]).tanh() + (ps[2] * 3.0).sin() * ps[3]


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
        assert_close(ours, theirs)
    return ours


STARTS = [[random.Random(seed).uniform(-2, 2) for _ in range(5)] for seed in range(3)]

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


def test_optimizers_bring_the_objective_down():
    for make in [lambda ps: nn.SGD(ps, lr=0.02, momentum=0.9), lambda ps: nn.Adam(ps, lr=0.1)]:
        ps = [Value(x) for x in STARTS[0]]
        before = objective(ps).data
        opt = make(ps)
        for _ in range(STEPS):
            opt.zero_grad()
            objective(ps).backward()
            opt.step()
        assert objective(ps).data < before


def test_zero_grad_resets_every_gradient():
    ps = [Value(1.0), Value(2.0)]
    opt = nn.Adam(ps)
    (ps[0] * ps[1]).backward()
    assert [p.grad for p in ps] == [2.0, 1.0]
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_optimizers_take_a_model_s_parameters():
    model = nn.MLP(2, [3, 1])
    opt = nn.SGD(model.parameters(), lr=0.1)
    assert opt.params == model.parameters()


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.SGD([], lr=0.1), ValueError, "SGD: got an empty parameter list"),
        (lambda: nn.Adam([1.0]), TypeError, "Adam: parameters should be Values, got float"),
        (lambda: nn.SGD([Value(1.0)], lr=-0.1), ValueError, "SGD: lr should be a number >= 0, got -0.1"),
        (lambda: nn.SGD([Value(1.0)], lr=0.1, momentum=-1), ValueError, "SGD: momentum should be a number >= 0"),
        (lambda: nn.Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, r"Adam: betas should be two numbers in \[0, 1\)"),
        (lambda: nn.Adam([Value(1.0)], eps=float("nan")), ValueError, "Adam: eps should be a number >= 0, got nan"),
        (
            lambda: nn.Adam([Value(1.0)], weight_decay="0.1"),
            TypeError,
            "Adam: weight_decay should be a number, got str",
        ),
        (lambda: nn.SGD([Value(1.0)], lr=None), TypeError, r"SGD: lr should be a number, got NoneType \(None\)"),
        (lambda: nn.SGD([Value(1.0)], lr=True), TypeError, "SGD: lr should be a number, got bool"),
        (
            lambda: nn.Adam([Value(1.0)], betas=0.9),
            TypeError,
            r"Adam: expected betas as two numbers, got float \(0.9\)",
        ),
        (lambda: nn.Adam([Value(1.0)], betas=("a", 0.9)), TypeError, "Adam: each of betas should be a number, got str"),
        (lambda: nn.Adam([Value(1.0)], betas=(0.9,)), ValueError, r"Adam: betas should be two numbers in \[0, 1\)"),
        (lambda: nn.SGD(Value(1.0), lr=0.1), TypeError, "SGD: expected params as an iterable of Values.*, got Value"),
        (lambda: nn.SGD(nn.MLP(2, [1]), lr=0.1), TypeError, "SGD: expected params as an iterable of Values.*, got MLP"),
    ],
)
def test_bad_settings_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


OPTIMIZERS = {
    "SGD": (
        lambda ps: nn.SGD(ps, lr=0.03, momentum=0.5, weight_decay=0.1),
        lambda ps: torch.optim.SGD(ps, lr=0.03, momentum=0.5, weight_decay=0.1),
    ),
    "Adam": (
        lambda ps: nn.Adam(ps, lr=0.05, weight_decay=0.1),
        lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1),
    ),
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


def test_sgd_step_with_a_value_gradient():
    x = Value(3.0)
    opt = nn.SGD([x], lr=0.1)
    (x * x).backward(create_graph=True)
    opt.step()
    assert x.data == 2.4 and type(x.data) is float


@pytest.mark.parametrize("make", [lambda ps: nn.SGD(ps, lr=0.1), lambda ps: nn.Adam(ps)])
def test_a_parameter_given_twice_is_refused(make):
    # torch warns that this "will cause an error"; stepping z twice a step would be wrong.
    z, w = Value(1.0, label="z"), Value(2.0)
    with pytest.raises(ValueError, match=r"parameter 2 is parameter 0 again \(Value\(data=1.0000, .*label='z'\)\)"):
        make([z, w, z])
    model = nn.MLP(2, [1])
    with pytest.raises(ValueError, match="parameter 3 is parameter 0 again"):
        make(model.parameters() + model.parameters())


def test_params_may_be_any_iterable():
    model = nn.MLP(2, [2, 1])
    assert nn.SGD(iter(model.parameters()), lr=0.1).params == model.parameters()
    assert nn.Adam(tuple(model.parameters())).params == model.parameters()


@pytest.mark.parametrize("name", ["SGD", "Adam"])
@pytest.mark.parametrize("bad", [None, "0.5", True], ids=repr)
def test_a_gradient_that_is_not_a_number_is_a_type_error_naming_the_step_and_the_parameter(name, bad):
    # None is what PyTorch leaves for "no gradient"; a str would once have passed through float().
    make_ours, _ = OPTIMIZERS[name]
    ps = [Value(1.0), Value(2.0, label="w"), Value(3.0)]
    opt = make_ours(ps)
    (ps[0] * ps[1] * ps[2]).backward()
    ps[1].grad = bad
    message = rf"{name}.step: the gradient of parameter 1 \(Value\(.*label='w'\)\) should be a number, got"
    with pytest.raises(TypeError, match=message + rf" {type(bad).__name__} \({bad!r}\)"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0, 3.0]  # every gradient is read before any parameter moves
    ps[1].grad = 3.0
    opt.step()  # and the optimizer can go on, as if the failed step had not been asked for
    fresh = make_ours([Value(x) for x in (1.0, 2.0, 3.0)])
    for p, g in zip(fresh.params, (6.0, 3.0, 2.0)):
        p.grad = g
    fresh.step()
    assert [p.data for p in ps] == [p.data for p in fresh.params]


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_an_int_or_numpy_gradient_is_a_number(name):
    import numpy as np

    make_ours, _ = OPTIMIZERS[name]
    ours, floats = [Value(1.0), Value(2.0)], [Value(1.0), Value(2.0)]
    opt, reference = make_ours(ours), make_ours(floats)
    ours[0].grad, ours[1].grad = 3, np.float64(-0.5)
    floats[0].grad, floats[1].grad = 3.0, -0.5
    opt.step()
    reference.step()
    assert [p.data for p in ours] == [p.data for p in floats] and all(type(p.data) is float for p in ours)
