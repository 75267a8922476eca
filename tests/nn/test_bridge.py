import random
import subprocess
import sys

import pytest
import torch

import nn
from autodiff import Value
from autodiff.testing import assert_close
from tests.nn.torch_models import ACTIVATIONS, tensor

ARCHITECTURES = [(1, [1]), (3, [4, 4, 1]), (2, [5, 3]), (4, [3, 2, 2])]


def check_same_function(model, seq, seed):
    """Same outputs and same gradients (for the parameters and the inputs) on random inputs."""
    rng = random.Random(seed)
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    for _ in range(3):
        x = [Value(rng.uniform(-3, 3)) for _ in range(model.nin)]
        tx = tensor(x, requires_grad=True)
        out = model(x)
        outs = out if isinstance(out, list) else [out]
        model.zero_grad()
        seq.zero_grad()
        sum(outs).backward()
        t_out = seq(tx)
        t_out.sum().backward()
        # A gradient may be a sum that cancels to a tiny number (a saturated sigmoid's, 1e-8 say):
        # the terms' last bits, summed in another order, then count for more than 1e-12 of it.
        assert_close(outs, t_out)
        assert_close([v.grad for v in x], tx.grad, atol=1e-15)
        for layer, linear in zip(model.layers, linears, strict=True):
            assert_close([[w.data for w in row] for row in layer.weight], linear.weight)
            assert_close([[w.grad for w in row] for row in layer.weight], linear.weight.grad, atol=1e-15)
            assert_close([b.grad for b in layer.bias], linear.bias.grad, atol=1e-15)


MODULES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "gelu": "GELU", "silu": "SiLU", "elu": "ELU"}
MODULES |= {"leaky_relu": "LeakyReLU", "softplus": "Softplus"}


@pytest.mark.parametrize("output_activation", ACTIVATIONS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("nin, nouts", ARCHITECTURES)
def test_to_torch_gives_the_same_function(nin, nouts, activation, output_activation):
    model = nn.MLP(nin, nouts, activation=activation, output_activation=output_activation)
    seq = model.to_torch()
    assert isinstance(seq, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in seq.parameters())
    kinds = [type(m).__name__ for m in seq]
    expected = []
    for layer in model.layers:
        expected.append("Linear")
        if layer.activation != "linear":
            expected.append(MODULES[layer.activation])
    assert kinds == expected
    check_same_function(model, seq, seed=nin)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_from_torch_round_trip(activation):
    model = nn.MLP(3, [5, 4, 2], activation=activation, output_activation="sigmoid")
    back = nn.MLP.from_torch(model.to_torch())
    assert isinstance(back, nn.MLP)
    assert back.state_dict() == model.state_dict()
    assert [layer.activation for layer in back.layers] == [layer.activation for layer in model.layers]
    assert repr(back) == repr(model)


@pytest.mark.parametrize(
    "module",
    [
        torch.nn.GELU("tanh"),
        torch.nn.ELU(0.5),
        torch.nn.LeakyReLU(0.2),
        torch.nn.Softplus(2.0),
        torch.nn.Softplus(1, 5),
    ],
)
def test_from_torch_refuses_an_activation_with_other_parameters_than_the_defaults(module):
    # The layers' activations take PyTorch's defaults: another slope would be read wrong.
    with pytest.raises(ValueError, match=r"^from_torch: layer 1 \(.*\) is not supported: the layers' activations take"):
        nn.MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), module, torch.nn.Linear(3, 1)))


def test_from_torch_of_a_float32_model_and_identity():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(
        torch.nn.Linear(2, 6),
        torch.nn.Tanh(),
        torch.nn.Linear(6, 6),
        torch.nn.Tanh(),
        torch.nn.Linear(6, 1),
        torch.nn.Identity(),
    )
    model = nn.MLP.from_torch(seq)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    check_same_function(model, seq.double(), seed=1)


def test_from_torch_single_linear_layer():
    seq = torch.nn.Sequential(torch.nn.Linear(3, 2, dtype=torch.float64), torch.nn.ReLU())
    model = nn.MLP.from_torch(seq)
    assert len(model.layers) == 1 and model.layers[0].activation == "relu"
    check_same_function(model, seq, seed=2)


@pytest.mark.parametrize(
    "modules, message",
    [
        (
            [torch.nn.Linear(2, 3), torch.nn.Dropout(0.5), torch.nn.Linear(3, 1)],
            r"layer 1 \(Dropout\(p=0.5, inplace=False\)\) is not supported",
        ),
        (
            [torch.nn.Linear(2, 3), torch.nn.Mish()],
            r"layer 1 \(Mish\(\)\) is not supported; expected Linear, ReLU, Tanh, Sigmoid, GELU, SiLU, ELU, LeakyReLU, "
            "Softplus, Identity",
        ),
        ([torch.nn.Linear(2, 3), torch.nn.Hardtanh()], r"layer 1 \(Hardtanh"),
        ([torch.nn.ReLU(), torch.nn.Linear(2, 3)], r"layer 0 \(ReLU\(\)\) should follow a Linear layer"),
        (
            [torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Tanh()],
            r"layer 2 \(Tanh\(\)\) should follow a Linear layer",
        ),
        (
            [torch.nn.Linear(2, 3, bias=False)],
            r"layer 0 \(Linear\(in_features=2, out_features=3, bias=False\)\) has no bias",
        ),
        (
            [torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)],
            r"layer 1 \(Linear\(in_features=4.*expects 4 inputs but the layer before gives 3",
        ),
        (
            [torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)],
            r"hidden layers share one activation, got \['relu', 'tanh'\]",
        ),
        (
            [torch.nn.Linear(2, 3), torch.nn.Linear(3, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)],
            r"got \['linear', 'tanh'\]",
        ),
        ([], "holds no Linear layer"),
    ],
)
def test_from_torch_rejects_what_an_mlp_cannot_be(modules, message):
    with pytest.raises(ValueError, match="from_torch: .*" + message):
        nn.MLP.from_torch(torch.nn.Sequential(*modules))


def test_from_torch_wants_a_sequential():
    with pytest.raises(TypeError, match="from_torch: expected a torch.nn.Sequential, got Linear"):
        nn.MLP.from_torch(torch.nn.Linear(2, 1))


def test_without_torch_the_bridge_says_how_to_install_it(monkeypatch):
    model = nn.MLP(2, [1])
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(ImportError, match="torch bridge needs PyTorch.*pip install torch"):
        model.to_torch()
    with pytest.raises(ImportError, match="pip install torch"):
        nn.MLP.from_torch(object())
    assert model([1.0, 2.0]).op == "dot"  # everything else works without torch


def test_nn_does_not_import_torch():
    code = (
        "import sys, nn; m = nn.MLP(2, [3, 1]); opt = nn.Adam(m.parameters());"
        "nn.mse_loss(m([1, 2]), 0.0).backward(); opt.step(); print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_to_torch_wants_an_mlp():
    from nn.torch_bridge import to_torch

    with pytest.raises(TypeError, match="to_torch: expected an nn.MLP, got Layer"):
        to_torch(nn.Layer(2, 1))
