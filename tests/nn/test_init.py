import functools
import math
import statistics

import numpy as np
import pytest
import torch

import nn
from autodiff import Value

FAN_IN, FAN_OUT = 120, 80  # 9600 weights: sample statistics within a few percent


def weights(layer: nn.Layer) -> list[float]:
    return [w.data for row in layer.weight for w in row]


def torch_weights(initialiser, **kwargs) -> list[float]:
    torch.manual_seed(0)
    weight = torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64)
    initialiser(weight, **kwargs)
    return weight.reshape(-1).tolist()


def test_same_seed_same_model_other_seed_other_model():
    def model(seed):
        nn.manual_seed(seed)
        return nn.MLP(3, [4, 4, 1], weight_init=nn.init.xavier_uniform_).state_dict()

    assert model(0) == model(0)
    assert model(1) == model(1)
    assert model(0) != model(1)


def test_default_is_nn_linear_default():
    # PyTorch's nn.Linear: weight and bias uniform in +-1/sqrt(fan_in).
    nn.manual_seed(0)
    layer = nn.Layer(FAN_IN, FAN_OUT)
    linear = torch.nn.Linear(FAN_IN, FAN_OUT, dtype=torch.float64)
    bound = 1 / math.sqrt(FAN_IN)
    ours, theirs = weights(layer), linear.weight.reshape(-1).tolist()
    assert max(map(abs, ours)) <= bound and max(map(abs, theirs)) <= bound
    assert statistics.pstdev(ours) == pytest.approx(statistics.pstdev(theirs), rel=0.05)
    biases = [b.data for b in layer.bias]
    assert max(map(abs, biases)) <= bound and statistics.pstdev(biases) == pytest.approx(bound / math.sqrt(3), rel=0.3)


@pytest.mark.parametrize(
    "ours, theirs, kwargs",
    [
        (nn.init.xavier_uniform_, torch.nn.init.xavier_uniform_, {}),
        (nn.init.xavier_uniform_, torch.nn.init.xavier_uniform_, {"gain": 5 / 3}),
        (nn.init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, {"nonlinearity": "relu"}),
        (nn.init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, {"nonlinearity": "tanh"}),
        (nn.init.kaiming_normal_, torch.nn.init.kaiming_normal_, {"nonlinearity": "relu"}),
        (nn.init.kaiming_normal_, torch.nn.init.kaiming_normal_, {"nonlinearity": "linear"}),
    ],
)
def test_initialisers_draw_like_torch(ours, theirs, kwargs):
    nn.manual_seed(0)
    layer = nn.Layer(FAN_IN, FAN_OUT, weight_init=functools.partial(ours, **kwargs))
    mine, reference = weights(layer), torch_weights(theirs, **kwargs)
    assert statistics.fmean(mine) == pytest.approx(0.0, abs=0.05 * statistics.pstdev(reference))
    assert statistics.pstdev(mine) == pytest.approx(statistics.pstdev(reference), rel=0.04)
    if "uniform" in ours.__name__:
        # Both fill the same interval: the largest draw is within 0.5% of its end.
        assert max(map(abs, mine)) == pytest.approx(max(map(abs, reference)), rel=5e-3)
    else:
        assert max(map(abs, mine)) > 3 * statistics.pstdev(reference)  # tails, not a box


@pytest.mark.parametrize("nonlinearity", ["linear", "sigmoid", "tanh", "relu"])
def test_calculate_gain_equals_torch(nonlinearity):
    assert nn.init.calculate_gain(nonlinearity) == torch.nn.init.calculate_gain(nonlinearity)


def test_weight_init_leaves_biases_at_the_default():
    nn.manual_seed(3)
    plain = nn.Layer(4, 3)
    nn.manual_seed(3)
    zeroed = nn.Layer(4, 3, weight_init=nn.init.zeros_)
    assert [b.data for b in zeroed.bias] == [b.data for b in plain.bias]
    assert weights(zeroed) == [0.0] * 12


def test_in_place_helpers():
    values = [Value(5.0) for _ in range(200)]
    nn.init.uniform_(values, -0.5, 0.25)
    assert all(-0.5 <= v.data <= 0.25 for v in values)
    nn.init.normal_(values, mean=10.0, std=0.1)
    assert statistics.fmean(v.data for v in values) == pytest.approx(10.0, abs=0.05)
    nn.init.zeros_(values)
    assert all(v.data == 0.0 for v in values)


def test_bad_arguments():
    with pytest.raises(ValueError, match="calculate_gain: unknown nonlinearity 'gelu'"):
        nn.init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="xavier_uniform_: expected a weight matrix"):
        nn.init.xavier_uniform_([Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="kaiming_normal_: expected a weight matrix"):
        nn.init.kaiming_normal_([[Value(1.0)], [Value(1.0), Value(2.0)]])
    with pytest.raises(ValueError, match="kaiming_uniform_: expected a weight matrix"):
        nn.init.kaiming_uniform_([])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: nn.init.xavier_uniform_([[1.0, 2.0]]),
            TypeError,
            r"xavier_uniform_: can only fill Values, got float \(1.0\)",
        ),
        (lambda: nn.init.kaiming_uniform_(5), TypeError, "kaiming_uniform_: expected a weight matrix .*, got int"),
        (lambda: nn.init.kaiming_normal_([3]), TypeError, "kaiming_normal_: expected a weight matrix .*, got int"),
        (lambda: nn.init.uniform_([1.0]), TypeError, "uniform_: expected a Value or a row of Values, got float"),
        (
            lambda: nn.init.zeros_(Value(1.0)),
            TypeError,
            "zeros_: expected a list of Values, or of rows of Values, got Value",
        ),
        (
            lambda: nn.init.uniform_([Value(0.0)], 1.0, 0.0),
            ValueError,
            "uniform_: a should be at most b, got a=1.0 > b=0.0",
        ),
        (lambda: nn.init.uniform_([Value(0.0)], "0", 1.0), TypeError, "uniform_: a should be a number, got str"),
        (lambda: nn.init.normal_([Value(0.0)], std=-1.0), ValueError, "normal_: std should be a number >= 0, got -1.0"),
        (
            lambda: nn.init.xavier_uniform_([[Value(0.0)]], gain="2"),
            TypeError,
            "xavier_uniform_: gain should be a number",
        ),
        (lambda: nn.init.calculate_gain(["relu"]), TypeError, "calculate_gain: nonlinearity should be a str"),
        (lambda: nn.manual_seed("0"), TypeError, r"manual_seed: seed should be an int, got str \('0'\)"),
        (lambda: nn.manual_seed(1.5), TypeError, "manual_seed: seed should be an int, got float"),
    ],
)
def test_bad_input_names_the_function_and_the_value(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_numpy_seed_is_an_int():
    nn.manual_seed(np.int64(4))
    first = nn.Neuron(3).state_dict()
    nn.manual_seed(4)
    assert nn.Neuron(3).state_dict() == first
