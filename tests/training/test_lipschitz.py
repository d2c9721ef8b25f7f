import pytest
import torch
from torch import nn

from ganlab.training.lipschitz import (
    apply_spectral_norm,
    clip_weights,
    gradient_penalty,
    has_batch_norm,
    interpolates,
    r1_penalty,
)


class Linear2D(nn.Module):
    """f(x) = <w, x> over all non-batch dims: ‖∇f‖ = ‖w‖ for every sample."""

    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(w)

    def forward(self, x):
        return (x * self.w).flatten(1).sum(1, keepdim=True)


class Quadratic(nn.Module):
    """f(x) = ½‖x‖²: ∇f(x) = x, so per-sample norms differ."""

    def forward(self, x):
        return 0.5 * x.flatten(1).pow(2).sum(1, keepdim=True)


def test_alpha_is_drawn_per_sample():
    real, fake = torch.ones(64, 3, 4, 4), torch.zeros(64, 3, 4, 4)
    x_hat, alpha = interpolates(real, fake, torch.Generator().manual_seed(0))
    assert alpha.shape == (64, 1, 1, 1)
    assert alpha.flatten().unique().numel() == 64
    assert torch.allclose(x_hat, alpha.expand_as(x_hat))


def test_gp_norm_is_per_sample_over_all_non_batch_dims_any_channels():
    # 3 channels of 4×4 "pixels": ‖∇f‖ = ‖w‖ taken over channels and pixels together.
    w = torch.full((3, 4, 4), 0.5)
    critic = Linear2D(w)
    real, fake = torch.randn(8, 3, 4, 4), torch.randn(8, 3, 4, 4)
    gp = gradient_penalty(critic, real, fake, weight=1.0)
    expected = (w.norm() - 1) ** 2  # ‖w‖ = 0.5·√48 ≈ 3.46
    assert abs(gp.item() - expected.item()) < 1e-4
    # a per-pixel norm would give (0.5 − 1)² = 0.25; a whole-batch norm (√8·3.46 − 1)²
    assert abs(gp.item() - 0.25) > 1
    assert abs(gp.item() - (8 ** 0.5 * w.norm() - 1).item() ** 2) > 1


def test_gp_is_averaged_not_summed_over_the_batch():
    critic = Quadratic()
    real, fake = torch.randn(16, 2), torch.randn(16, 2)
    g = torch.Generator().manual_seed(1)
    one = gradient_penalty(critic, real, fake, weight=1.0, generator=g)
    g = torch.Generator().manual_seed(1)
    x_hat, _ = interpolates(real, fake, g)
    expected = ((x_hat.norm(dim=1) - 1) ** 2).mean()
    assert abs(one.item() - expected.item()) < 1e-5
    g = torch.Generator().manual_seed(1)
    doubled = gradient_penalty(critic, torch.cat([real, real]), torch.cat([fake, fake]), 1.0, g)
    assert doubled.item() < 3 * one.item()  # a sum would double; a mean stays comparable


def test_gp_scales_with_lambda_and_trains_the_critic():
    critic = nn.Linear(2, 1)
    real, fake = torch.randn(32, 2), torch.randn(32, 2)
    gp = gradient_penalty(critic, real, fake, weight=10.0)
    assert abs(gp.item() - 10 * (critic.weight.norm() - 1).item() ** 2) < 1e-4
    gp.backward()
    assert critic.weight.grad is not None and critic.weight.grad.abs().sum() > 0


def test_r1_penalty_value():
    critic = Linear2D(torch.tensor([3.0, 4.0]))
    assert abs(r1_penalty(critic, torch.randn(10, 2), gamma=2.0).item() - 25.0) < 1e-5


def test_weight_clipping_bounds_every_parameter():
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(100)
    clip_weights(net, 0.01)
    assert all(p.abs().max() <= 0.01 for p in net.parameters())


def test_spectral_norm_uses_pytorch_parametrization_and_bounds_sigma():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 1))
    apply_spectral_norm(net)
    assert all(nn.utils.parametrize.is_parametrized(m, "weight") for m in net if isinstance(m, nn.Linear))
    for _ in range(30):  # power iterations run in training-mode forward passes
        net(torch.randn(4, 2))
    sigma = torch.linalg.matrix_norm(net[0].weight, ord=2).item()
    assert abs(sigma - 1.0) < 0.02


def test_batch_norm_detection():
    assert has_batch_norm(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    assert not has_batch_norm(nn.Sequential(nn.Linear(2, 2), nn.LayerNorm(2)))


def test_r2_is_r1_at_the_generated_samples():
    """(γ/2) · mean ‖∇D(x̃)‖² at fakes; for D(x) = ½‖Ax‖² (∇D = AᵀAx) it is exact."""
    from ganlab.training.lipschitz import r2_penalty

    a = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    d = lambda x: 0.5 * (x @ a.T).pow(2).sum(1)  # noqa: E731
    fake = torch.tensor([[1.0, 1.0], [0.0, 2.0]])
    grads = fake @ (a.T @ a)  # (4, 1) and (0, 2)
    expected = 0.5 * 3.0 * grads.pow(2).sum(1).mean()  # ½ · 3 · (17 + 4) / 2
    assert r2_penalty(d, fake, 3.0).item() == pytest.approx(expected.item(), rel=1e-6)
    assert expected.item() == pytest.approx(15.75)
