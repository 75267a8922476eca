"""The optimizers without torch: each step against the update rule written out (torch.optim's
documented algorithms), the settings and states they refuse, state_dict and load_state_dict, and
parameters without a gradient. test_optim.py compares them with torch.optim itself; these are
quick enough for each mutant of `make mutation`.
"""

import json
import math
import random
import re

import pytest

import nn
from autodiff import Value

STEPS = 25


def objective(ps):
    """A bumpy function, written once for Values and for torch tensors alike."""
    bowl = sum((i + 1) * (p - 0.5 * i) ** 2 for i, p in enumerate(ps))
    return bowl + (ps[0] * ps[1]).tanh() + (ps[2] * 3.0).sin() * ps[3]


STARTS = [[random.Random(seed).uniform(-2, 2) for _ in range(5)] for seed in range(3)]


# The optimizers that test_optim.py also runs against torch.optim's.
OURS = {
    "SGD": lambda ps: nn.SGD(ps, lr=0.03, momentum=0.5, weight_decay=0.1),
    "Adam": lambda ps: nn.Adam(ps, lr=0.05, weight_decay=0.1),
    "AdamW": lambda ps: nn.AdamW(ps, lr=0.05, weight_decay=0.1),
}


def _gradient(ps):
    """The exact gradient of `objective` at the numbers ps."""
    g = [2 * (i + 1) * (p - 0.5 * i) for i, p in enumerate(ps)]
    sech2 = 1 - math.tanh(ps[0] * ps[1]) ** 2
    g[0] += ps[1] * sech2
    g[1] += ps[0] * sech2
    g[2] += 3 * math.cos(3 * ps[2]) * ps[3]
    g[3] += math.sin(3 * ps[2])
    return g


def _sgd(ps, lr, momentum=0.0, weight_decay=0.0):
    """torch.optim.SGD's algorithm (no dampening, no Nesterov), on plain numbers."""
    buffers = [None] * len(ps)
    while True:
        for i, g in enumerate(_gradient(ps)):
            g += weight_decay * ps[i]
            if momentum:
                g = buffers[i] = g if buffers[i] is None else momentum * buffers[i] + g
            ps[i] -= lr * g
        yield ps


def _adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """torch.optim.Adam's algorithm, on plain numbers."""
    (b1, b2), m, v, t = betas, [0.0] * len(ps), [0.0] * len(ps), 0
    while True:
        t += 1
        for i, g in enumerate(_gradient(ps)):
            g += weight_decay * ps[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            ps[i] -= lr / (1 - b1**t) * m[i] / (math.sqrt(v[i]) / math.sqrt(1 - b2**t) + eps)
        yield ps


@pytest.mark.parametrize(
    ("make", "rule", "settings"),
    [
        (nn.SGD, _sgd, {"lr": 0.05}),
        (nn.SGD, _sgd, {"lr": 0.03, "momentum": 0.5, "weight_decay": 0.1}),
        (nn.Adam, _adam, {}),
        (nn.Adam, _adam, {"lr": 0.1, "betas": (0.8, 0.9), "eps": 1e-3, "weight_decay": 0.2}),
        (nn.Adam, _adam, {"lr": 0.05, "betas": (0.3, 0.4)}),
        (nn.Adam, _adam, {"lr": 0.05, "betas": (0.0, 0.0), "eps": 0.0}),
    ],
    ids=str,
)
def test_each_step_is_the_update_rule(make, rule, settings):
    ps = [Value(x) for x in STARTS[1]]
    opt, reference = make(ps, **settings), rule(list(STARTS[1]), **settings)
    for _ in range(6):
        opt.zero_grad()
        objective(ps).backward()
        opt.step()
        want = next(reference)
        assert [p.data for p in ps] == pytest.approx(want, rel=1e-12, abs=1e-14)


def test_the_learning_rate_is_read_at_each_step():
    for make in (lambda ps: nn.SGD(ps, lr=0.5, momentum=0.9), lambda ps: nn.Adam(ps, lr=0.5)):
        x = Value(1.0)
        opt = make([x])
        x.grad = 2.0
        opt.lr = 0.0
        opt.step()
        assert x.data == 1.0 and opt.param_groups[0]["lr"] == 0.0 and opt.lr == 0.0


def test_repr_lists_the_hyper_parameters_sorted():
    assert repr(nn.SGD([Value(1.0)], lr=0.1)).splitlines() == [
        "SGD (",
        "Parameter Group 0",
        "    lr: 0.1",
        "    momentum: 0.0",
        "    weight_decay: 0.0",
        ")",
    ]
    assert repr(nn.Adam([Value(1.0)], betas=(0.5, 0.75))).splitlines()[2] == "    betas: (0.5, 0.75)"


def test_many_parameters_save_and_load():
    # Counts past Python's small ints are compared by value.
    ps = [Value(float(i)) for i in range(300)]
    opt = nn.Adam(ps, lr=0.1)
    for p in ps:
        p.grad = 1.0
    opt.step()
    again = nn.Adam([Value(p.data) for p in ps])
    again.load_state_dict(json.loads(json.dumps(opt.state_dict())))
    assert again.state_dict() == opt.state_dict()
    with pytest.raises(ValueError, match="params lists 300 parameters, this optimizer has 299"):
        nn.Adam(ps[1:]).load_state_dict(opt.state_dict())


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
        (lambda: nn.Adam([Value(1.0)], betas=(0.9, 0.99, 0.5)), ValueError, r"Adam: betas should be two numbers"),
        (
            lambda: nn.Adam([Value(1.0)], betas=(-0.5, 0.9)),
            ValueError,
            r"Adam: betas should be two numbers in \[0, 1\)",
        ),
        (lambda: nn.SGD(Value(1.0), lr=0.1), TypeError, "SGD: expected params as an iterable of Values.*, got Value"),
        (lambda: nn.SGD(nn.MLP(2, [1]), lr=0.1), TypeError, "SGD: expected params as an iterable of Values.*, got MLP"),
    ],
)
def test_bad_settings_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_sgd_step_with_a_value_gradient():
    x = Value(3.0)
    opt = nn.SGD([x], lr=0.1)
    (x * x).backward(create_graph=True)
    opt.step()
    assert x.data == 2.4 and type(x.data) is float


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_a_gradient_of_none_is_skipped_beside_a_value_gradient(name):
    # A Value gradient (after create_graph=True) sends the step through its checks: None stays skipped.
    x, y, z = Value(3.0), Value(1.0), Value(2.0)
    (x * x + z).backward(create_graph=True)
    y.grad = None
    opt = nn.SGD([x, y, z], lr=0.1) if name == "SGD" else nn.Adam([x, y, z], lr=0.1)
    opt.step()
    first = 0.1 * 6.0 / (6.0 + 1e-8) if name == "Adam" else 0.1 * 6.0  # Adam's first: lr * g / (|g| + eps)
    assert math.isclose(x.data, 3.0 - first, rel_tol=1e-12) and type(x.data) is float
    assert y.data == 1.0 and y not in opt.state


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
@pytest.mark.parametrize("bad", ["0.5", True, [1.0]], ids=repr)
def test_a_gradient_that_is_not_a_number_is_a_type_error_naming_the_step_and_the_parameter(name, bad):
    # A str would once have passed through float(); None is no gradient (see the set_to_none tests).
    make_ours = OURS[name]
    ps = [Value(1.0), Value(2.0, label="w"), Value(3.0)]
    opt = make_ours(ps)
    (ps[0] * ps[1] * ps[2]).backward()
    ps[1].grad = bad
    message = rf"{name}.step: the gradient of parameter 1 \(Value\(.*label='w'\)\) should be a number, got"
    with pytest.raises(TypeError, match=message + rf" {type(bad).__name__} \({re.escape(repr(bad))}\)"):
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

    make_ours = OURS[name]
    ours, floats = [Value(1.0), Value(2.0)], [Value(1.0), Value(2.0)]
    opt, reference = make_ours(ours), make_ours(floats)
    ours[0].grad, ours[1].grad = 3, np.float64(-0.5)
    floats[0].grad, floats[1].grad = 3.0, -0.5
    opt.step()
    reference.step()
    assert [p.data for p in ours] == [p.data for p in floats] and all(type(p.data) is float for p in ours)


# --- state_dict and load_state_dict ---


def partial_objective(ps, k):
    """A bumpy function of the parameters, a different two-thirds of them at each step k."""
    used = [p for i, p in enumerate(ps) if (i + k) % 3]
    return sum((j + 1) * (p - 0.3 * j) ** 2 for j, p in enumerate(used)) + (used[0] * used[1]).tanh()


def train(opt, ps, steps, first=0, set_to_none=False):
    for k in range(first, first + steps):
        opt.zero_grad(set_to_none=set_to_none)
        partial_objective(ps, k).backward()
        opt.step()


MAKERS = {
    "SGD": lambda ps: nn.SGD(ps, lr=0.03, momentum=0.8, weight_decay=0.1),
    "SGD without momentum": lambda ps: nn.SGD(ps, lr=0.03, weight_decay=0.1),
    "Adam": lambda ps: nn.Adam(ps, lr=0.05, betas=(0.8, 0.95), weight_decay=0.1),
    "AdamW": lambda ps: nn.AdamW(ps, lr=0.05, betas=(0.8, 0.95), weight_decay=0.1),
}


@pytest.mark.parametrize("set_to_none", [False, True])
@pytest.mark.parametrize("name", MAKERS)
def test_a_saved_and_restored_optimizer_goes_on_as_one_never_stopped(name, set_to_none):
    make = MAKERS[name]
    ps = [Value(x) for x in STARTS[0]]
    opt = make(ps)
    train(opt, ps, 7, set_to_none=set_to_none)
    saved_params, saved_state = [p.data for p in ps], opt.state_dict()
    saved = json.dumps(saved_state)  # and back: keys "0", lists for tuples
    train(opt, ps, 8, first=7, set_to_none=set_to_none)

    again = [Value(x) for x in saved_params]
    other = type(opt)(again, lr=1.0)  # other hyper-parameters: load_state_dict brings the saved ones
    other.load_state_dict(json.loads(saved))
    assert other.state_dict() == saved_state
    train(other, again, 8, first=7, set_to_none=set_to_none)
    assert [p.data for p in again] == [p.data for p in ps]  # exactly, not to a tolerance
    assert other.state_dict() == opt.state_dict()
    # The state is what made it so: a fresh optimizer from the same parameters would differ.
    fresh = [Value(x) for x in saved_params]
    train(MAKERS[name](fresh), fresh, 8, first=7, set_to_none=set_to_none)
    assert [p.data for p in fresh] != [p.data for p in ps] or not saved_state["state"]


def trained(name, steps=3):
    ps = [Value(x) for x in STARTS[1]]
    opt = MAKERS[name](ps)
    train(opt, ps, steps, set_to_none=True)  # step 0 leaves parameter 0 without a gradient
    return opt


def changed(state, change):
    """A deep copy of `state` with `change` applied to it."""
    state = json.loads(json.dumps(state), object_hook=lambda d: {int(k) if k.isdigit() else k: v for k, v in d.items()})
    change(state)
    return state


GROUP = r"param_groups\[0\]: "
BAD_STATES = [
    ("SGD", lambda s: s["param_groups"].clear(), ValueError, "param_groups should hold one group .*, got 0"),
    ("SGD", lambda s: s.pop("state"), ValueError, r"missing keys \['state'\], unexpected keys \[\]"),
    ("Adam", lambda s: s.update(steps=3), ValueError, r"missing keys \[\], unexpected keys \['steps'\]"),
    (
        "SGD",
        lambda s: s.update(param_groups=s["param_groups"][0]),
        TypeError,
        "expected param_groups as a list of one group, got dict",
    ),
    ("Adam", lambda s: s["param_groups"].append({}), ValueError, "param_groups should hold one group .*, got 2"),
    ("SGD", lambda s: s["param_groups"][0].pop("lr"), ValueError, GROUP + r"missing keys \['lr'\]"),
    ("Adam", lambda s: s["param_groups"][0].pop("params"), ValueError, GROUP + r"missing keys \['params'\]"),
    (
        "SGD",
        lambda s: s["param_groups"][0].update(nesterov=True),
        ValueError,
        GROUP + r"missing keys \[\], unexpected keys \['nesterov'\]",
    ),
    ("SGD", lambda s: s["param_groups"][0].update(lr="0.1"), TypeError, GROUP + "lr should be a number, got str"),
    ("SGD", lambda s: s["param_groups"][0].update(momentum=-1), ValueError, GROUP + "momentum should be a number >= 0"),
    ("Adam", lambda s: s["param_groups"][0].update(betas=0.9), TypeError, GROUP + "expected betas as two numbers"),
    ("Adam", lambda s: s["param_groups"][0].update(betas=[0.9, 1.5]), ValueError, GROUP + r"betas should be two"),
    ("Adam", lambda s: s["param_groups"][0].update(eps=None), TypeError, GROUP + "eps should be a number, got None"),
    (
        "SGD",
        lambda s: s["param_groups"][0]["params"].pop(),
        ValueError,
        GROUP + "params lists 4 parameters, this optimizer has 5",
    ),
    (
        "Adam",
        lambda s: s["param_groups"][0]["params"].append(5),
        ValueError,
        GROUP + "params lists 6 parameters, this optimizer has 5",
    ),
    (
        "SGD",
        lambda s: s["param_groups"][0].update(params=[0, 1, 2, 3, 3]),
        ValueError,
        GROUP + r"params lists an index twice: \[0, 1, 2, 3, 3\]",
    ),
    (
        "SGD",
        lambda s: s["param_groups"][0].update(params=[0, 1, 2, 3, "4"]),
        TypeError,
        GROUP + r"params should be ints, got str \('4'\)",
    ),
    ("SGD", lambda s: s.update(state=[]), TypeError, "state should be a dict of parameter index to state, got list"),
    ("SGD", lambda s: s["state"].update({7: s["state"][1]}), ValueError, "state has the key 7, which param_groups"),
    ("SGD", lambda s: s["state"].update({"1": s["state"][1]}), ValueError, "state has two entries for parameter '1'"),
    ("SGD", lambda s: s["state"][1].update(momentum_buffer=None), TypeError, r"state\[1\]: momentum_buffer should"),
    ("Adam", lambda s: s["state"][2].pop("exp_avg"), ValueError, r"state\[2\]: missing keys \['exp_avg'\]"),
    ("Adam", lambda s: s["state"][2].update(step=1.0), TypeError, r"state\[2\]: step should be a positive int"),
    ("Adam", lambda s: s["state"][2].update(exp_avg_sq=-1.0), ValueError, r"state\[2\]: exp_avg_sq should be"),
    ("Adam", lambda s: s["state"].update({1: [0.5]}), TypeError, r"state\[1\]: expected a dict of numbers, got list"),
]


@pytest.mark.parametrize(("name", "change", "error", "message"), BAD_STATES)
def test_a_bad_state_is_refused_naming_the_optimizer_and_the_key_and_changes_nothing(name, change, error, message):
    source, opt = trained(name), trained(name, steps=4)
    before = opt.state_dict()
    with pytest.raises(error, match=f"{name}.load_state_dict: {message}"):
        opt.load_state_dict(changed(source.state_dict(), change))
    assert opt.state_dict() == before


@pytest.mark.parametrize("bad", [[{}], "state", None], ids=repr)
def test_a_state_dict_that_is_not_a_dict_is_a_type_error(bad):
    opt = trained("Adam")
    with pytest.raises(TypeError, match=r"Adam.load_state_dict: expected a dict with 'state' and 'param_groups', as"):
        opt.load_state_dict(bad)


def test_state_is_only_for_parameters_that_had_a_gradient():
    opt = trained("Adam", steps=1)  # parameters 0 and 3 had no gradient at step 0
    assert sorted(opt.state_dict()["state"]) == [1, 2, 4]
    assert trained("SGD without momentum").state_dict()["state"] == {}  # as torch: no buffers to keep


def test_loading_an_empty_state_starts_afresh():
    opt = trained("Adam")
    fresh = MAKERS["Adam"]([Value(1.0) for _ in range(5)]).state_dict()
    opt.load_state_dict(fresh)
    assert opt.state_dict() == fresh and opt.state == {}


# --- zero_grad(set_to_none=True) ---


@pytest.mark.parametrize("name", MAKERS)
def test_a_parameter_without_gradient_is_skipped_as_torch_skips_it(name):
    ps = [Value(x) for x in STARTS[0]]
    opt = MAKERS[name](ps)
    train(opt, ps, 2)
    before, state = [p.data for p in ps], opt.state_dict()
    opt.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in ps)
    opt.step()  # no gradient at all: nothing moves, not even by weight decay or momentum
    assert [p.data for p in ps] == before and opt.state_dict() == state
    (ps[1] * ps[2]).backward()
    opt.step()
    moved = [i for i, (p, x) in enumerate(zip(ps, before)) if p.data != x]
    assert moved == [1, 2] and [p.grad for p in ps[3:]] == [None, None]


@pytest.mark.parametrize(
    "zero_grad",
    [
        lambda: nn.MLP(1, [1]).zero_grad,
        lambda: nn.SGD([Value(1.0)], lr=0.1).zero_grad,
        lambda: nn.Adam([Value(1.0)]).zero_grad,
    ],
)
def test_set_to_none_must_be_a_bool(zero_grad):
    method = zero_grad()
    owner = type(method.__self__).__name__
    with pytest.raises(TypeError, match=rf"{owner}.zero_grad: set_to_none should be a bool, got int \(1\)"):
        method(set_to_none=1)
