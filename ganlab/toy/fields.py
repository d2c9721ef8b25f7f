"""What the views draw, computed by the core (cheap enough for every frame).

- ``discriminator_surface``: D(x) = σ(logit) (a discriminator) or f(x) (a critic / score) on a grid.
- ``generator_gradient_field``: −∂ℓ_G/∂x at generated points x = G(z), the direction in which each
  fake sample is pushed by the generator's loss ℓ_G (per sample, not divided by the batch size).
- ``generator_manifold``: the image under G of a regular grid in the first two latent coordinates
  (the rest held at 0), i.e. how G folds and stretches the latent plane.
"""
from __future__ import annotations

import torch
from torch import nn

from ganlab.training import packing
from ganlab.training.objectives import Objective
from ganlab.training.priors import Prior

Window = tuple[float, float, float, float]


def grid_points(window: Window, n: int, device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(xs, ys, points): n × n cell centres over ``window``; points[i·n + j] = (xs[j], ys[i])."""
    x0, x1, y0, y1 = window
    xs = torch.linspace(x0, x1, n, device=device)
    ys = torch.linspace(y0, y1, n, device=device)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return xs, ys, torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)


@torch.no_grad()
def discriminator_surface(discriminator: nn.Module, objective: Objective, window: Window, n: int = 64,
                          device: torch.device | str = "cpu", pack: int = 1) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(xs, ys, values) with values[i, j] = D((xs[j], ys[i])): a probability for a discriminator,
    the raw score for a critic. The network is evaluated in eval mode and not changed. A packing D
    (``pack`` = m) is shown on packs of m copies of the point, D(x, x, …, x)."""
    xs, ys, pts = grid_points(window, n, device)
    was_training = discriminator.training
    discriminator.eval()
    out = discriminator(pts.repeat(1, pack)).float().reshape(n, n)
    discriminator.train(was_training)
    if objective.outputs_probability:
        out = torch.sigmoid(out)
    return xs.cpu(), ys.cpu(), out.cpu()


def generator_gradient_field(discriminator: nn.Module, objective: Objective, fake: torch.Tensor,
                             real: torch.Tensor | None = None, pack: int = 1) -> torch.Tensor:
    """−∂ℓ_G(x_i)/∂x_i for each generated point x_i (shape like ``fake``), D held fixed.

    ℓ_G is the objective's generator loss of one sample, e.g. −log D(x) for nonsaturating,
    log(1 − D(x)) for minimax, −f(x) for a critic, softplus(D(x_r,i) − D(x_i)) for the relativistic
    loss, whose fake i is judged against its real partner ``real[i]``. Parameters of D get no gradient.
    A packing D (``pack`` = m) judges consecutive fakes in packs of m, as in training: ℓ_G is then the
    loss of the pack, and each fake's arrow is the pack's loss differentiated by that fake (a
    remainder that fills no pack gets no arrow).
    """
    fake = fake[: len(fake) // pack * pack]
    x = fake.detach().clone().requires_grad_(True)
    was_training = discriminator.training
    discriminator.eval()
    pair = ()
    if objective.relativistic:
        if real is None or len(real) < len(x):
            raise ValueError("a relativistic generator loss needs a real partner for every fake")
        with torch.no_grad():
            pair = (discriminator(packing.pack(real[:len(x)], pack)).flatten().float(),)
    with torch.enable_grad():
        per_pack_sum = objective.g_loss(discriminator(packing.pack(x, pack)).flatten(), *pair) * (len(x) // pack)
        (grad,) = torch.autograd.grad(per_pack_sum, x)
    discriminator.train(was_training)
    return -grad.detach()


@torch.no_grad()
def generator_manifold(generator: nn.Module, prior: Prior, steps: int = 21,
                       device: torch.device | str = "cpu") -> torch.Tensor:
    """G(z) for z on a steps × steps grid of the first two latent axes (equal prior mass per cell).

    Returns (steps, steps, 2): row i holds the images of z = (a_j, a_i, 0, …), j = 0..steps−1,
    so rows and columns are the warped grid lines. A 1D latent gives a single row.
    """
    axis = prior.grid_axis(steps).to(device)
    if prior.dim == 1:
        z = axis[:, None]
        rows = 1
    else:
        a2, a1 = torch.meshgrid(axis, axis, indexing="ij")
        z = torch.zeros(steps * steps, prior.dim, device=device)
        z[:, 0], z[:, 1] = a1.reshape(-1), a2.reshape(-1)
        rows = steps
    was_training = generator.training
    generator.eval()
    out = generator(z).float()
    generator.train(was_training)
    return out.reshape(rows, steps, -1).cpu()
