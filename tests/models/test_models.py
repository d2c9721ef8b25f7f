import pytest
import torch
from torch import nn

from ganlab.errors import GanlabError
from ganlab.models import MLP, mlp_discriminator, mlp_generator


def test_mlp_is_depth_times_linear_relu_then_linear():
    net = MLP(2, 1, hidden=16, depth=3)
    layers = [m for m in net.modules() if isinstance(m, (nn.Linear, nn.ReLU))]
    kinds = [type(m).__name__ for m in layers]
    assert kinds == ["Linear", "ReLU"] * 3 + ["Linear"]
    shapes = [(m.in_features, m.out_features) for m in net.linear_layers()]
    assert shapes == [(2, 16), (16, 16), (16, 16), (16, 1)]
    assert not any(isinstance(m, nn.Sigmoid) for m in net.modules())


def test_generator_and_discriminator_shapes():
    g = mlp_generator(5, hidden=8, depth=2)
    d = mlp_discriminator(hidden=8, depth=2)
    z = torch.randn(7, 5)
    assert g(z).shape == (7, 2)
    assert d(g(z)).shape == (7, 1)


def test_bf16_hidden_layers_keep_float32_ends():
    torch.manual_seed(0)
    net = MLP(2, 1, hidden=32, depth=3, hidden_dtype=torch.bfloat16)
    ref = MLP(2, 1, hidden=32, depth=3)
    ref.load_state_dict(net.state_dict())
    x = torch.randn(64, 2)
    out = net(x)
    assert out.dtype == torch.float32
    assert torch.allclose(out, ref(x), atol=0.05)


@pytest.mark.parametrize("kw", [dict(activation="swish"), dict(hidden=0), dict(depth=0)])
def test_bad_shapes_are_refused(kw):
    with pytest.raises(GanlabError):
        MLP(2, 1, **kw)
