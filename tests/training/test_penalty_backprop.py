"""The hand-written gradient penalty, R1 and spectral norm against autograd, on random networks."""
import pytest
import torch
from test_trainer import _step_together, _twin_trainers

from ganlab.models.mlp import MLP
from ganlab.toy.config import ToyConfig
from ganlab.training.fast.backprop import ManualMLP, supports
from ganlab.training.fast.flat import flatten_parameters
from ganlab.training.lipschitz import apply_spectral_norm, gradient_penalty, r1_penalty
from ganlab.training.fast.penalty_backprop import input_gradient_penalty

ACTIVATIONS = ["relu", "leaky_relu", "tanh"]

HAND = "hand-written MLP backprop"


def _critic(activation, seed, hidden=16, depth=3, in_features=2):
    torch.manual_seed(seed)
    net = MLP(in_features, 1, hidden, depth, activation)
    flat = flatten_parameters(net)
    return net, flat


def _autograd_grads(net, flat, penalty):
    flat.grad.zero_()
    penalty.backward()
    return flat.grad.clone()


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_penalty_by_hand_matches_autograd(activation, seed):
    net, flat = _critic(activation, seed)
    gen = torch.Generator().manual_seed(seed)
    real, fake = torch.randn(64, 2, generator=gen) * 2, torch.randn(64, 2, generator=gen)
    expected = gradient_penalty(net, real, fake, 10.0, torch.Generator().manual_seed(7))
    want = _autograd_grads(net, flat, expected)
    from ganlab.training.lipschitz import interpolates

    x_hat = interpolates(real, fake, torch.Generator().manual_seed(7))[0]  # the same α
    flat.grad.zero_()
    got = input_gradient_penalty(ManualMLP(net), x_hat, "gp", 10.0)
    assert got.item() == pytest.approx(expected.item(), rel=1e-5)
    torch.testing.assert_close(flat.grad, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_r1_by_hand_matches_autograd_with_wide_inputs(activation):
    """R1 = (γ/2) · mean ‖∇_x D‖², here with 5 input features (the norm is over all of them)."""
    net, flat = _critic(activation, 3, hidden=8, depth=2, in_features=5)
    real = torch.randn(40, 5)
    want = _autograd_grads(net, flat, expected := r1_penalty(net, real, 4.0))
    flat.grad.zero_()
    got = input_gradient_penalty(ManualMLP(net), real, "r1", 4.0)
    assert got.item() == pytest.approx(expected.item(), rel=1e-5)
    torch.testing.assert_close(flat.grad, want, rtol=1e-5, atol=1e-5)


def test_gradient_penalty_by_hand_keeps_the_pitfalls_pinned():
    """Per sample, averaged over the batch, and a sample whose gradient is exactly 0 (every ReLU dead)
    counts (‖0‖ − 1)² = 1 with a zero gradient, not NaN."""
    net, flat = _critic("relu", 0, hidden=4, depth=1)
    with torch.no_grad():
        net.first[0].weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.0]]))
        net.first[0].bias.zero_()
        net.out.weight.copy_(torch.tensor([[1.0, 2.0, 0.0, 0.0]]))
    x = torch.tensor([[-1.0, -1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # sample 0: all units dead
    grads = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 2.0]])  # ∇_x f per sample
    expected = 3.0 * ((grads.norm(dim=1) - 1) ** 2).mean()
    flat.grad.zero_()
    got = input_gradient_penalty(ManualMLP(net), x, "gp", 3.0)
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)
    assert torch.isfinite(flat.grad).all()
    want = _autograd_grads(net, flat, 3.0 * ((torch.func.vmap(torch.func.grad(lambda p: net(p[None]).sum()))(x)
                                               .norm(dim=1) - 1) ** 2).mean())
    flat.grad.zero_()
    input_gradient_penalty(ManualMLP(net), x, "gp", 3.0)
    torch.testing.assert_close(flat.grad, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_spectral_norm_by_hand_matches_pytorch_parametrization(activation):
    """Forward (one power iteration per pass, on the layer's own u, v) and ∂L/∂W through W / σ."""
    nets = []
    for _ in range(2):
        torch.manual_seed(5)
        net = apply_spectral_norm(MLP(2, 1, 16, 3, activation))
        nets.append((net, flatten_parameters(net)))
    (auto, auto_flat), (hand, hand_flat) = nets
    assert supports(hand)
    manual = ManualMLP(hand)
    x = torch.randn(32, 2)
    for _ in range(3):  # three passes: the power iterations must stay in step
        auto_flat.grad.zero_()
        out = auto(x)
        (out ** 2).mean().backward()
        mine, cache = manual.forward(x)
        manual.backward(cache, 2 * mine / len(mine))
        torch.testing.assert_close(mine, out.detach(), rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(hand_flat.grad, auto_flat.grad, rtol=1e-5, atol=1e-6)
    for a, b in zip(auto.linear_layers(), hand.linear_layers()):
        torch.testing.assert_close(a.parametrizations.weight[0]._u, b.parametrizations.weight[0]._u)


@pytest.mark.parametrize("objective,lipschitz,activation,optimizer", [
    ("wgan-gp", "gp", "relu", "adam"), ("wgan-gp", "gp", "tanh", "adam"), ("nonsaturating", "r1", "leaky_relu", "adam"),
    ("hinge", "sn", "tanh", "adam"), ("hinge", "sn", "leaky_relu", "sgd"), ("wgan", "sn", "relu", "sgd"),
    ("r3gan", "r1r2", "leaky_relu", "sgd"), ("r3gan", "r1r2", "tanh", "sgd")])
def test_trainer_by_hand_and_by_autograd_take_the_same_steps(objective, lipschitz, activation, optimizer):
    """Ten steps of both training paths agree. Spectral norm with (leaky) ReLU, and R3GAN's R1 + R2,
    are checked with SGD: their gradients agree to 6e-8 (largest entries 0.2–1.2) after one update of
    D, but a few entries are near 0 (spectral norm: 25 of 1,185 below 1e-6), and Adam, which divides
    each entry by its own running size, turns a rounding-level difference there into a difference
    of a whole step (1e-3 after ten steps)."""
    cfg = ToyConfig(objective=objective, lipschitz=lipschitz, activation=activation, precision="fp32",
                    hidden=32, depth=2, batch=64, n_critic=2, optimizer=optimizer)
    manual, autograd = _twin_trainers(cfg)
    assert manual.engine.name == HAND and autograd.engine.name == "autograd"
    _step_together(manual, autograd, 10, 1e-4)
    for net_a, net_b in ((manual.generator, autograd.generator), (manual.discriminator, autograd.discriminator)):
        for x, y in zip(net_a.parameters(), net_b.parameters()):
            torch.testing.assert_close(x, y, rtol=1e-4, atol=1e-5)
