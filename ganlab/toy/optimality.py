"""Discriminators and critics trained to optimality, and the lectures' 1D line example.

``two_gaussians_profiles`` reproduces the WGAN paper's Figure 2 in the plane: a frozen generator
puts its mass on one Gaussian, the data sit on another; a discriminator (minimax loss) and a
critic (WGAN-GP) are trained to optimality against them and read off along the line through the
two means. The discriminator saturates (D ≈ 0 on the fakes, so ∂D/∂x ≈ 0 there: nothing for the
generator to follow); the critic stays close to linear with slope ≈ 1 everywhere.

``line_example`` evaluates, for real x ~ (0, U[0,1]) and generated (θ, U[0,1]), the divergences the
lecture plots against θ: JS = log 2 and KL = ∞ for every θ ≠ 0, W1 = |θ|.
"""
from __future__ import annotations

import numpy as np
import torch

from ganlab.maths.divergences import js, kl, w1_samples
from ganlab.models.mlp import mlp_discriminator
from ganlab.training.lipschitz import gradient_penalty
from ganlab.training.objectives import bce_d_loss, wgan_d_loss
from ganlab.training.seeding import seeded


def _train(kind: str, real_mean: float, fake_mean: float, std: float, steps: int, seed: int) -> torch.nn.Module:
    with seeded(seed):
        net = mlp_discriminator(hidden=64, depth=3)
    g = torch.Generator().manual_seed(seed + 1)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.5, 0.9))
    shift = torch.tensor([[1.0, 0.0]])
    for _ in range(steps):
        real = real_mean * shift + std * torch.randn(256, 2, generator=g)
        fake = fake_mean * shift + std * torch.randn(256, 2, generator=g)
        out = net(torch.cat([real, fake])).flatten()
        if kind == "discriminator":
            loss = bce_d_loss(out[:256], out[256:])
        else:
            loss = wgan_d_loss(out[:256], out[256:]) + gradient_penalty(net, real, fake, 10.0, g)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


def two_gaussians_profiles(steps: int = 800, seed: int = 0, real_mean: float = 2.0, fake_mean: float = -2.0,
                           std: float = 0.3, points: int = 161) -> dict[str, np.ndarray]:
    """D(x), f(x) and their slopes along y = 0 after training both to optimality (see module doc).

    Keys: ``x``, ``d`` (probability), ``f`` (critic score, shifted so f = 0 at the fake mean),
    ``d_slope`` = |∂D/∂x|, ``f_slope`` = |∂f/∂x|.
    """
    d_net = _train("discriminator", real_mean, fake_mean, std, steps, seed)
    f_net = _train("critic", real_mean, fake_mean, std, steps, seed)
    lo, hi = min(real_mean, fake_mean) - 2.0, max(real_mean, fake_mean) + 2.0
    x = torch.linspace(lo, hi, points)
    pts = torch.stack([x, torch.zeros_like(x)], 1).requires_grad_(True)
    d = torch.sigmoid(d_net(pts)).flatten()
    (d_grad,) = torch.autograd.grad(d.sum(), pts)
    pts2 = pts.detach().clone().requires_grad_(True)
    f = f_net(pts2).flatten()
    (f_grad,) = torch.autograd.grad(f.sum(), pts2)
    with torch.no_grad():
        f0 = f_net(torch.tensor([[fake_mean, 0.0]])).item()
    return {"x": x.numpy(), "d": d.detach().numpy(), "f": (f.detach() - f0).numpy(),
            "d_slope": d_grad[:, 0].abs().numpy(), "f_slope": f_grad[:, 0].abs().numpy(),
            "real_mean": real_mean, "fake_mean": fake_mean}


def line_example(theta: float, n: int = 64) -> dict[str, float]:
    """JS, KL(p‖q) and W1 between (0, U[0,1]) and (θ, U[0,1]), exactly.

    W1: exact optimal transport between the n midpoint quantiles of each (equal here to the
    continuous value, since both share the same y-marginal). JS/KL: both distributions are
    uniform on a vertical segment; on the atoms {x = 0} and {x = θ} they are the histograms
    (1, 0) and (0, 1) when θ ≠ 0, identical when θ = 0.
    """
    y = (np.arange(n) + 0.5) / n
    real = np.stack([np.zeros(n), y], 1)
    fake = np.stack([np.full(n, float(theta)), y], 1)
    p, q = ([1.0, 0.0], [0.0, 1.0]) if theta != 0 else ([1.0], [1.0])
    return {"js": js(p, q), "kl": kl(p, q), "w1": w1_samples(real, fake)}
