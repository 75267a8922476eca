import random

import numpy as np
import pytest
import torch

import nn
from autodiff import Value, draw_dot, topological_order
from autodiff.testing import assert_close
from tests.nn.torch_models import ACTIVATIONS, TORCH_ACTIVATION, tensor, torch_forward, torch_layers

ARCHITECTURES = [(1, [1]), (3, [4, 4, 1]), (2, [5, 3]), (4, [1, 3, 2]), (5, [6, 6, 6, 1])]


def random_inputs(rng: random.Random, nin: int) -> list[float]:
    return [rng.uniform(-3, 3) for _ in range(nin)]


@pytest.mark.parametrize("output_activation", ACTIVATIONS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("nin, nouts", ARCHITECTURES)
def test_mlp_outputs_and_gradients_equal_torch(nin, nouts, activation, output_activation):
    rng = random.Random(f"{nin} {nouts} {activation} {output_activation}")
    nn.manual_seed(rng.randrange(1000))
    model = nn.MLP(nin, nouts, activation=activation, output_activation=output_activation)
    layers = torch_layers(model)
    for _ in range(4):
        x = [Value(v) for v in random_inputs(rng, nin)]
        tx = tensor(x, requires_grad=True)
        # A random weighted sum of the outputs, so that each output's gradient counts.
        weights = [rng.uniform(-2, 2) for _ in range(nouts[-1])]
        out = model(x)
        outs = out if isinstance(out, list) else [out]
        model.zero_grad()
        sum(w * o for w, o in zip(weights, outs)).backward()
        t_out = torch_forward(layers, tx)
        for weight, bias, _ in layers:
            weight.grad = bias.grad = None
        (t_out * torch.tensor(weights, dtype=torch.float64)).sum().backward()
        assert_close(outs, t_out)
        assert_close(
            [[w.grad for w in n.w] for layer in model.layers for n in layer.neurons], [w.grad for w, _, _ in layers]
        )
        assert_close([b.grad for layer in model.layers for b in layer.bias], [b.grad for _, b, _ in layers])
        assert_close([v.grad for v in x], tx.grad)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_neuron_and_layer_equal_torch(activation):
    rng = random.Random(7)
    neuron = nn.Neuron(3, activation=activation)
    layer = nn.Layer(3, 4, activation=activation)
    for _ in range(5):
        x = random_inputs(rng, 3)
        tx = tensor(x)
        w, b = tensor(neuron.w, True), tensor([neuron.b], True)
        y = neuron(x)
        y.backward()
        t_y = TORCH_ACTIVATION[activation](w @ tx + b)
        t_y.backward()
        assert_close(y, t_y)
        assert_close([p.grad for p in neuron.parameters()], [*w.grad.tolist(), *b.grad.tolist()])
        neuron.zero_grad()
        assert_close(layer(x), TORCH_ACTIVATION[activation](tensor(layer.weight) @ tx + tensor(layer.bias)))


def test_parameter_count_and_order():
    model = nn.MLP(3, [4, 4, 1])
    params = model.parameters()
    assert len(params) == 41
    expected = [p for layer in model.layers for n in layer.neurons for p in [*n.w, n.b]]
    assert all(a is b for a, b in zip(params, expected)) and len(expected) == 41
    assert [p.label for p in params[:5]] == ["L0.N0.w0", "L0.N0.w1", "L0.N0.w2", "L0.N0.b", "L0.N1.w0"]
    assert params[-1].label == "L2.N0.b"
    assert len({id(p) for p in params}) == 41


def test_labels_of_the_values_a_call_makes():
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    out = model([1.0, 2.0])
    assert out.label == "L1.N0.sigmoid" and out.op == "sigmoid"
    z = out.parents[0]
    assert z.label == "L1.N0.z" and z.op == "dot"
    hidden = [p for p in z.parents if p.op == "tanh"]
    assert [h.label for h in hidden] == ["L0.N0.tanh", "L0.N1.tanh", "L0.N2.tanh"]
    assert hidden[0].parents[0].label == "L0.N0.z"
    linear = nn.MLP(2, [1], output_activation="linear")([1.0, 2.0])
    assert linear.label == "L0.N0.z"
    layer = nn.Layer(2, 2, activation="relu")
    assert [p.label for p in layer.parameters()] == ["N0.w0", "N0.w1", "N0.b", "N1.w0", "N1.w1", "N1.b"]
    assert [v.label for v in layer([1.0, 1.0])] == ["N0.relu", "N1.relu"]
    neuron = nn.Neuron(2, activation="relu")
    assert [p.label for p in neuron.parameters()] == ["w0", "w1", "b"]
    assert neuron([1.0, 1.0]).parents[0].label == "z"


def test_inputs_given_as_numbers_and_the_bias_input_are_labelled_constants():
    neuron = nn.Neuron(3, activation="tanh")
    z = neuron([0.3, -0.7, 2]).parents[0]
    inputs = z.parents[4:]  # the dot's operands: w0, w1, w2, b, then x0, x1, x2, the bias input
    assert [(v.label, v.data, v.requires_grad) for v in inputs] == [
        ("x0", 0.3, False),
        ("x1", -0.7, False),
        ("x2", 2.0, False),
        ("1 (bias input)", 1.0, False),
    ]
    assert all(type(v.data) is float and v.parents == () for v in inputs)
    # One shared bias input for every neuron, layer and call: labelling it adds no node.
    model = nn.MLP(2, [3, 1], activation="tanh")
    out = model([1.0, 2.0])
    bias_inputs = {v for v in topological_order(out) if v.label == "1 (bias input)"}
    assert bias_inputs == {inputs[-1]}
    # The inputs, the bias input, layer 0's parameters, dots and tanhs, layer 1's parameters and dot.
    assert len(topological_order(out)) == 2 + 1 + 3 * 3 + 3 * 2 + (3 + 1) + 1


def test_a_user_s_own_values_keep_their_labels():
    height, unnamed = Value(1.8, label="height"), Value(0.5)
    layer = nn.Layer(3, 2)
    z = layer([height, unnamed, 4.0])[0]
    assert [v.label for v in z.parents[4:]] == ["height", "", "x2", "1 (bias input)"]
    assert z.parents[4] is height and z.parents[5] is unnamed
    # Deeper layers take the previous layer's outputs, labelled by the layer that made them.
    out = nn.MLP(2, [2, 1], activation="relu")([1.0, 2.0])
    assert [v.label for v in out.parents[3:]] == ["L0.N0.relu", "L0.N1.relu", "1 (bias input)"]


def test_the_picture_of_one_neuron_names_its_inputs():
    neuron = nn.Neuron(2, activation="tanh")
    y = neuron([0.3, -0.7])
    y.backward()
    source = draw_dot(y, params=neuron.parameters()).source
    assert "{x0 | data 0.3000}" in source and "{x1 | data -0.7000}" in source
    assert "{1 (bias input) | data 1.0000}" in source
    assert "{data " not in source  # every box has a label


def test_weighted_sum_is_one_node():
    neuron = nn.Neuron(4, activation="linear")
    z = neuron([1.0, 2.0, 3.0, 4.0])
    assert z.op == "dot" and len(z.parents) == 10
    assert all(p.op == "" for p in z.parents)


def test_return_types():
    x = [0.5, -0.5]
    assert isinstance(nn.MLP(2, [3, 1])(x), Value)
    assert isinstance(nn.Neuron(2)(x), Value)
    assert isinstance(nn.Layer(2, 1)(x), Value)
    outs = nn.MLP(2, [1, 3])(x)
    assert isinstance(outs, list) and len(outs) == 3 and all(isinstance(o, Value) for o in outs)


def test_inputs_may_be_values_numpy_or_tuples():
    model = nn.MLP(3, [2, 1])
    expected = model([1.0, 2.0, 3.0]).data
    assert model((1, 2, 3)).data == expected
    assert model(np.array([1.0, 2.0, 3.0])).data == expected
    assert model([Value(1.0), 2, np.float32(3.0)]).data == expected


@pytest.mark.parametrize("model", [nn.MLP(3, [2, 1]), nn.Layer(3, 2), nn.Neuron(3)], ids=repr)
def test_wrong_inputs_raise_clear_errors(model):
    who = type(model).__name__
    with pytest.raises(ValueError, match=f"{who}: expected 3 inputs, got 2"):
        model([1.0, 2.0])
    with pytest.raises(TypeError, match=f"{who}: input 1 should be a number or a Value, got str"):
        model([1.0, "2", 3.0])
    with pytest.raises(TypeError, match=f"{who}: expected a list of 3 numbers or Values, got str"):
        model("abc")
    with pytest.raises(TypeError, match="expected a list of 3"):
        model(1.0)
    with pytest.raises(TypeError, match=rf"{who}: expected a list of 3 numbers or Values, got ndarray \(array\(1.\)\)"):
        model(np.array(1.0))  # a 0-d array: a number, not a list
    with pytest.raises(TypeError, match=f"{who}: expected a list of 3 numbers or Values, got Value"):
        model(Value(1.0))


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: nn.MLP(2, [3, 1], activation="mish"),
            "MLP: unknown activation 'mish'; expected one of 'relu', 'tanh'",
        ),
        (lambda: nn.MLP(2, [3, 1], output_activation="softmax"), "MLP: unknown output_activation 'softmax'"),
        (lambda: nn.Layer(2, 3, activation="Relu"), "Layer: unknown activation 'Relu'"),
        (lambda: nn.MLP(2, []), "MLP: nouts should be a non-empty list"),
        (lambda: nn.MLP(0, [1]), "MLP: nin should be a positive int, got 0"),
        (lambda: nn.Layer(2, -1), "Layer: nout should be a positive int, got -1"),
    ],
)
def test_bad_construction_raises_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: nn.MLP(2, [3.0, 1]), r"MLP: nouts should be a positive int, got float \(3.0\)"),
        (lambda: nn.Neuron("3"), "Neuron: nin should be a positive int, got str"),
        (lambda: nn.Layer(2, True), "Layer: nout should be a positive int, got bool"),
        (lambda: nn.MLP(2, 3), r"MLP: expected nouts as a list, got int \(3\)"),
        (lambda: nn.MLP(2, "31"), "MLP: expected nouts as a list, got str"),
        (lambda: nn.Neuron(2, activation=None), "Neuron: activation should be a str, one of 'relu', .*got NoneType"),
        (lambda: nn.Layer(2, 1, weight_init="xavier"), "Layer: weight_init should be a function"),
    ],
)
def test_wrong_types_raise_type_error(make, message):
    with pytest.raises(TypeError, match=message):
        make()


def test_numpy_sizes_are_ints():
    model = nn.MLP(np.int64(2), np.array([3, 1]))
    assert repr(model) == "MLP(2, [3, 1], activation='relu', output_activation='linear')"


def test_reprs():
    assert repr(nn.MLP(3, [4, 1], activation="tanh")) == "MLP(3, [4, 1], activation='tanh', output_activation='linear')"
    assert repr(nn.Layer(3, 4)) == "Layer(3, 4, activation='linear')"
    assert repr(nn.Neuron(3, "relu")) == "Neuron(3, activation='relu')"
