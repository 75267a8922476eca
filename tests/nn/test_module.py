import copy
import json

import pytest
import torch

import nn
from autodiff import Value, constant
from autodiff.testing import assert_close


def make_model(seed=0):
    nn.manual_seed(seed)
    return nn.MLP(3, [4, 4, 1], activation="tanh")


def test_state_dict_has_readable_keys_and_plain_floats():
    model = make_model()
    state = model.state_dict()
    assert list(state)[:4] == [
        "layers.0.neurons.0.w",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w",
        "layers.0.neurons.1.b",
    ]
    assert list(state)[-1] == "layers.2.neurons.0.b"
    assert len(state) == 2 * (4 + 4 + 1)
    assert state["layers.1.neurons.2.w"] == [w.data for w in model.layers[1].neurons[2].w]
    assert state["layers.2.neurons.0.b"] == model.layers[2].neurons[0].b.data
    assert json.loads(json.dumps(state)) == state
    flat = [x for v in state.values() for x in (v if isinstance(v, list) else [v])]
    assert flat == [p.data for p in model.parameters()]


def test_state_dict_matches_torch_s_layout():
    # Row j of a torch Linear's weight is our neuron j's w, in the same order.
    model = make_model()
    torch_state = model.to_torch().state_dict()
    for i, layer in enumerate(model.layers):
        weight = [model.state_dict()[f"layers.{i}.neurons.{j}.w"] for j in range(layer.nout)]
        bias = [model.state_dict()[f"layers.{i}.neurons.{j}.b"] for j in range(layer.nout)]
        assert_close(weight, torch_state[f"{2 * i}.weight"])
        assert_close(bias, torch_state[f"{2 * i}.bias"])


def test_load_state_dict_reproduces_the_model():
    model, other = make_model(0), make_model(1)
    x = [0.3, -1.2, 2.0]
    assert model(x).data != other(x).data
    other.load_state_dict(model.state_dict())
    assert other(x).data == model(x).data
    assert other.state_dict() == model.state_dict()


def test_save_and_load_round_trip(tmp_path):
    model, other = make_model(0), make_model(1)
    path = tmp_path / "model.json"
    model.save(path)
    assert json.loads(path.read_text()) == model.state_dict()
    other.load(str(path))
    assert other.state_dict() == model.state_dict()


def bad_states(state):
    """Each a copy of `state` with one thing wrong: (state, error, message)."""
    last = list(state)[-1]
    cases = []
    for key, change, error, message in [
        ("layers.0.neurons.0.w", lambda v: v[:-1], ValueError, "should be a list of 3 numbers, got a list of 2"),
        ("layers.1.neurons.3.w", lambda v: v + [0.0], ValueError, "should be a list of 4 numbers, got a list of 5"),
        ("layers.1.neurons.3.w", lambda v: 1.0, ValueError, "should be a list of 4 numbers, got 1.0"),
        (last, lambda v: [v], ValueError, "should be one number, got a list of 1"),
        (last, lambda v: "0.5", TypeError, "should hold numbers, got str"),
        ("layers.2.neurons.0.w", lambda v: [None] * 4, TypeError, "should hold numbers, got NoneType"),
    ]:
        bad = copy.deepcopy(state)
        bad[key] = change(bad[key])
        cases.append((bad, error, f"'{key}' {message}"))
    missing = copy.deepcopy(state)
    del missing[last]
    cases.append((missing, ValueError, rf"missing keys \['{last}'\], unexpected keys \[\]"))
    extra = copy.deepcopy(state)
    extra["layers.3.neurons.0.b"] = 0.0
    cases.append((extra, ValueError, r"missing keys \[\], unexpected keys \['layers.3.neurons.0.b'\]"))
    return cases


def test_a_bad_state_raises_and_leaves_the_model_as_it_was(tmp_path):
    source, model = make_model(1), make_model(0)
    before = model.state_dict()
    for bad, error, message in bad_states(source.state_dict()):
        with pytest.raises(error, match="MLP.load_state_dict: " + message):
            model.load_state_dict(bad)
        assert model.state_dict() == before
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(bad))
        with pytest.raises(error):
            model.load(path)
        assert model.state_dict() == before
    with pytest.raises(ValueError, match="missing keys"):
        model.load_state_dict(nn.MLP(3, [4, 1]).state_dict())
    with pytest.raises(TypeError, match="MLP.load_state_dict: expected a dict"):
        model.load_state_dict([1.0, 2.0])
    assert model.state_dict() == before


def test_zero_grad():
    model = make_model()
    model([1.0, 2.0, 3.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_module_zero_grad_to_none_then_backward_counts_none_as_zero():
    model = make_model()
    model([0.5, -1.0, 2.0]).backward()
    expected = [p.grad for p in model.parameters()]
    model([0.5, -1.0, 2.0]).backward()
    model.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in model.parameters())
    model([0.5, -1.0, 2.0]).backward()
    assert [p.grad for p in model.parameters()] == expected
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_load_returns_the_module_so_that_it_chains(tmp_path):
    model, path = make_model(0), tmp_path / "model.json"
    model.save(path)
    other = make_model(1)
    assert other.load(path) is other and other.state_dict() == model.state_dict()
    loaded = nn.MLP(3, [4, 4, 1], activation="tanh").load(path).eval()
    assert loaded.state_dict() == model.state_dict() and not loaded.training


def test_parameters_match_torch_parameters():
    model = make_model()
    theirs = torch.cat([p.detach().reshape(-1) for p in model.to_torch().parameters()]).tolist()
    # torch lists all weights of a layer, then all its biases; we go neuron by neuron.
    ours = [
        x
        for layer in model.layers
        for x in [*(w.data for row in layer.weight for w in row), *(b.data for b in layer.bias)]
    ]
    assert ours == theirs


class Affine(nn.Module):
    """A user's own module, written as in PyTorch: forward and its parameters."""

    def __init__(self):
        self.scale, self.shift = Value(2.0), Value(-1.0)

    def named_parameters(self):
        return [("scale", self.scale), ("shift", self.shift)]

    def forward(self, x):
        return self.scale * x + self.shift


def test_a_user_module_gets_everything_from_named_parameters(tmp_path):
    m = Affine()
    assert m(3.0).data == 5.0
    assert m.parameters() == [m.scale, m.shift]
    assert m.state_dict() == {"scale": 2.0, "shift": -1.0}
    m.save(tmp_path / "affine.json")
    m.load_state_dict({"scale": 1, "shift": 0})
    assert m(3.0).data == 3.0
    m.load(tmp_path / "affine.json")
    assert m(3.0).data == 5.0
    assert nn.Module().parameters() == []


class Stack(nn.Module):
    """A user's module holding others: one as an attribute, two in a list."""

    def __init__(self):
        self.head = Affine()
        self.blocks = [nn.MLP(1, [2, 1]), nn.Perceptron(1)]

    def forward(self, x):
        return self.head(x)


def training_flags(module):
    return [module.training] + [flag for child in module.children() for flag in training_flags(child)]


def test_train_and_eval_set_the_flag_everywhere_as_torch_does():
    model, seq = make_model(), make_model().to_torch()
    assert model.training is seq.training is True
    assert model.eval() is model and seq.eval() is seq  # both return the module itself
    assert set(training_flags(model)) == {False} and not any(m.training for m in seq.modules())
    assert model.train() is model and seq.train() is seq
    assert set(training_flags(model)) == {True} and all(m.training for m in seq.modules())
    model.train(False)
    seq.train(False)
    assert set(training_flags(model)) == {False} and not any(m.training for m in seq.modules())
    # 1 + 3 layers + 9 neurons, as torch's 1 + 5 modules: every one of them is reached.
    assert len(training_flags(model)) == 1 + 3 + 9


def test_train_reaches_modules_held_in_attributes_and_lists():
    stack = Stack()
    assert [type(child).__name__ for child in stack.children()] == ["Affine", "MLP", "Perceptron"]
    stack.eval()
    assert not stack.head.training and not stack.blocks[0].layers[1].neurons[0].training
    assert not stack.blocks[1].training
    assert all(training_flags(stack.train())) and nn.Module().training


def test_train_wants_a_bool():
    with pytest.raises(TypeError, match="MLP.train: mode should be a bool, got str"):
        make_model().train("False")  # a non-empty string is true: taking it would be wrong


def test_save_and_load_name_a_bad_path_or_file(tmp_path):
    model = make_model()
    with pytest.raises(TypeError, match=r"MLP.save: the path should be a str or a pathlib.Path, got int \(3\)"):
        model.save(3)  # open(3) would write to file descriptor 3
    with pytest.raises(TypeError, match="MLP.load: the path should be a str or a pathlib.Path, got NoneType"):
        model.load(None)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    before = model.state_dict()
    with pytest.raises(ValueError, match="MLP.load: '.*bad.json' is not a JSON state"):
        model.load(bad)
    assert model.state_dict() == before


class Found(nn.Module):
    """A user's module that lists nothing itself: its attributes are its parameters and submodules."""

    def __init__(self):
        self.scale = Value(2.0)
        self.offset = constant(5.0)  # requires no grad: not a parameter
        self.rows = (Value(1.0), Value(-1.0))
        self.name, self.sizes, self.empty = "found", [1, 2], []
        self.head = Affine()
        self.blocks = [nn.Perceptron(1), "not a module", nn.Perceptron(2)]


def test_parameters_and_submodules_are_found_from_the_attributes_in_order(tmp_path):
    m = Found()
    names = [name for name, _ in m.named_parameters()]
    assert names == [
        "scale",
        "rows",
        "head.scale",
        "head.shift",
        "blocks.0.w",
        "blocks.0.b",
        "blocks.2.w",
        "blocks.2.b",
    ]
    blocks = [*m.blocks[0].w, m.blocks[0].b, *m.blocks[2].w, m.blocks[2].b]
    assert m.parameters() == [m.scale, *m.rows, m.head.scale, m.head.shift, *blocks]
    assert [type(child).__name__ for child in m.children()] == ["Affine", "Perceptron", "Perceptron"]
    assert m.state_dict() == {
        **{"scale": 2.0, "rows": [1.0, -1.0], "head.scale": 2.0, "head.shift": -1.0},
        **{"blocks.0.w": [0.0], "blocks.0.b": 0.0, "blocks.2.w": [0.0, 0.0], "blocks.2.b": 0.0},
    }
    m.save(tmp_path / "found.json")
    m.load_state_dict({**m.state_dict(), "rows": [3, 4]})
    assert [v.data for v in m.rows] == [3.0, 4.0]
    m.load(tmp_path / "found.json")
    assert [v.data for v in m.rows] == [1.0, -1.0]


class OwnParameters(nn.Neuron):
    """A subclass with its own parameters(), as micrograd's Neuron has: the rest still follows the attributes."""

    def parameters(self):
        return self.w + [self.b]


def test_a_subclass_may_override_parameters_alone():
    nn.manual_seed(0)
    m = OwnParameters(2)
    assert m.parameters() == [*m.w, m.b] and list(m.state_dict()) == ["w", "b"]
    m([1.0, 2.0]).backward()
    m.zero_grad()
    assert [p.grad for p in m.parameters()] == [0.0, 0.0, 0.0]
