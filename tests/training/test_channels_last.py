"""``training.layout.keep_channels_last``: the same numbers, channels-last images on both sides of
(un)flattening."""
import copy

import torch

from ganlab.models import dcgan_discriminator, dcgan_generator
from ganlab.models.conditional import ProjectionDiscriminator
from ganlab.training.fast.flat import flatten_parameters
from ganlab.training.fast.memory_format import keep_channels_last
from ganlab.training.lipschitz import gradient_penalty


def _pair(critic: bool):
    torch.manual_seed(0)
    g, d = dcgan_generator(8, 8), dcgan_discriminator(8, critic=critic)
    g2, d2 = copy.deepcopy(g), copy.deepcopy(d)
    for net in (g2, d2):
        flatten_parameters(net, channels_last=True)
        keep_channels_last(net)
    return (g, d), (g2, d2)


def test_outputs_and_gradients_are_unchanged_and_images_stay_channels_last():
    (g, d), (g2, d2) = _pair(critic=False)
    z = torch.randn(6, 8)
    seen = []
    d2[1].register_forward_hook(lambda m, i, o: seen.append(o.is_contiguous(memory_format=torch.channels_last)))
    grads_in = []
    d2[4].register_full_backward_hook(lambda m, gi, go: grads_in.append(go[0].is_contiguous(memory_format=torch.channels_last)))
    out, out2 = d(g(z)), d2(g2(z))
    assert torch.allclose(out, out2, atol=1e-5)
    out.sum().backward()
    out2.sum().backward()
    for p, p2 in zip(list(g.parameters()) + list(d.parameters()), list(g2.parameters()) + list(d2.parameters())):
        assert torch.allclose(p.grad, p2.grad, atol=1e-4), p.shape
    assert seen == [True] and grads_in == [True]  # D's feature maps and the gradient into its last activation
    assert type(g2[1]).__name__ == "UnflattenChannelsLast"
    assert type(d2[5]).__name__ == "KeepImage" and type(d2[6]).__name__ == "LinearOverImage"  # vec in H, W, C order
    assert d2.state_dict().keys() == d.state_dict().keys()
    d.load_state_dict(d2.state_dict())  # the same weights, in the same (C, H, W) order
    assert torch.allclose(d(g(z)), out, atol=1e-6)


def test_a_flatten_that_feeds_no_linear_layer_keeps_its_copying_twin():
    """The projection discriminator flattens in its feature extractor and applies the head elsewhere."""
    torch.manual_seed(0)
    d = ProjectionDiscriminator(dcgan_discriminator(8), 10)
    d2 = copy.deepcopy(d)
    flatten_parameters(d2, channels_last=True)
    keep_channels_last(d2)
    assert type(d2.features[5]).__name__ == "FlattenChannelsLast" and type(d2.head) is torch.nn.Linear
    x, y = torch.randn(5, 1, 28, 28), torch.arange(5)
    assert torch.allclose(d(x, y), d2(x, y), atol=1e-5)


def test_the_gradient_penalty_differentiates_through_the_flatten_twice():
    """WGAN-GP needs ∂/∂θ of ‖∂D/∂x̂‖: the flatten's backward is itself differentiable."""
    (_, d), (_, d2) = _pair(critic=True)
    real, fake = torch.randn(4, 1, 28, 28), torch.randn(4, 1, 28, 28)
    gp = gradient_penalty(d, real, fake, 10.0, torch.Generator().manual_seed(1))
    gp2 = gradient_penalty(d2, real, fake, 10.0, torch.Generator().manual_seed(1))
    assert torch.allclose(gp, gp2, rtol=1e-4)
    gp.backward()
    gp2.backward()
    for p, p2 in zip(d.parameters(), d2.parameters()):  # a bias the penalty does not reach has no gradient
        grad = torch.zeros_like(p) if p.grad is None else p.grad
        assert torch.allclose(grad, p2.grad, rtol=1e-3, atol=1e-5), p.shape
