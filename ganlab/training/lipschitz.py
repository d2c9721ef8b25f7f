"""Ways to keep a critic (roughly) 1-Lipschitz, and the R1 regulariser.

- ``clip_weights``: WGAN's weight clipping, every parameter forced into [−c, c] after each step.
- ``gradient_penalty``: WGAN-GP, λ · E_x̂[(‖∇_x̂ f(x̂)‖₂ − 1)²] on x̂ = α x + (1 − α) G(z).
- ``apply_spectral_norm``: W ↦ W / σ(W) on every Linear/Conv layer, σ estimated by one power
  iteration per forward pass (PyTorch's ``parametrizations.spectral_norm``).
- ``r1_penalty``: (γ/2) · E_x[‖∇_x D(x)‖²] on real data only.
- ``r2_penalty``: (γ/2) · E_z[‖∇_x D(G(z))‖²], the same at generated samples; ``r1r2`` uses both
  (R3GAN). Both are zero-centred: they pull D's slope towards 0 at the data (R1) and at the fakes
  (R2), so near equilibrium D is flat and G is not pushed past the data.
"""
from __future__ import annotations

import torch
from torch import nn

Tensor = torch.Tensor
LIPSCHITZ_METHODS: tuple[str, ...] = ("none", "clip", "gp", "sn", "r1", "r1r2")
PENALTIES: tuple[str, ...] = ("gp", "r1", "r1r2")  # the methods that add a gradient penalty to D's loss


@torch.no_grad()
def clip_weights(params: nn.Module | Tensor, c: float) -> None:
    """Clamp every parameter into [−c, c] in place (WGAN, Arjovsky et al. 2017).

    ``params`` is a module, or one tensor holding all of them (a flat parameter buffer).
    """
    for p in ([params] if isinstance(params, Tensor) else params.parameters()):
        p.clamp_(-c, c)


def interpolates(real: Tensor, fake: Tensor, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
    """x̂ = α x + (1 − α) x̃ with one α ~ U[0, 1] *per sample* (shape (B, 1, …)); returns (x̂, α)."""
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    alpha = torch.rand(shape, generator=generator, device=real.device, dtype=real.dtype)
    return alpha * real + (1 - alpha) * fake, alpha


def gradient_penalty(critic: nn.Module, real: Tensor, fake: Tensor, weight: float = 10.0,
                     generator: torch.Generator | None = None) -> Tensor:
    """λ · mean_i (‖∇_x̂ f(x̂_i)‖₂ − 1)², the WGAN-GP penalty (Gulrajani et al. 2017).

    Done right: α drawn per sample; the norm taken per sample over all non-batch dimensions
    (pixels and channels alike, any channel count); averaged, not summed, over the batch; the
    graph kept (``create_graph``) so the penalty trains the critic in the same backward pass.
    """
    x_hat, _ = interpolates(real.detach(), fake.detach(), generator)
    x_hat.requires_grad_(True)
    scores = critic(x_hat)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    norms = grad.flatten(1).norm(2, dim=1)
    return weight * (norms - 1).pow(2).mean()


def r1_penalty(discriminator: nn.Module, real: Tensor, gamma: float = 10.0) -> Tensor:
    """(γ/2) · mean_i ‖∇_x D(x_i)‖₂² on real samples (Mescheder et al. 2018)."""
    x = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(x).sum(), x, create_graph=True)
    return 0.5 * gamma * grad.flatten(1).pow(2).sum(dim=1).mean()


def r2_penalty(discriminator: nn.Module, fake: Tensor, gamma: float = 10.0) -> Tensor:
    """(γ/2) · mean_i ‖∇_x D(x̃_i)‖₂² on generated samples x̃ (detached from G), R3GAN's R2."""
    return r1_penalty(discriminator, fake, gamma)


def discriminator_penalty(method: str, judge_real, judge_fake, real: Tensor, fake: Tensor, gp_weight: float,
                          r1_weight: float, generator: torch.Generator | None = None) -> Tensor | None:
    """The penalty term of D's loss for Lipschitz ``method``, or None when the method has none.

    'gp': λ · GP at x̂ between ``real`` and ``fake`` (judged by ``judge_real``); 'r1': (γ/2) · R1 at
    ``real``; 'r1r2': R1 + R2, R2 at ``fake`` judged by ``judge_fake`` (a conditional D judges each
    with its own labels)."""
    if method == "gp":
        return gradient_penalty(judge_real, real, fake, gp_weight, generator)
    if method in ("r1", "r1r2"):
        penalty = r1_penalty(judge_real, real, r1_weight)
        return penalty + r2_penalty(judge_fake, fake, r1_weight) if method == "r1r2" else penalty
    return None


def apply_spectral_norm(module: nn.Module) -> nn.Module:
    """Spectrally normalise every Linear and Conv layer of ``module`` in place; returns it.

    Uses ``torch.nn.utils.parametrizations.spectral_norm`` with one power iteration per
    forward pass, so W_SN = W / σ̂(W) and each layer is (approximately) 1-Lipschitz.
    """
    targets = [m for m in module.modules() if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d))]
    for layer in targets:
        nn.utils.parametrizations.spectral_norm(layer, n_power_iterations=1)
    return module


def has_batch_norm(module: nn.Module) -> bool:
    """True if ``module`` contains batch norm, which breaks the per-sample gradient penalty."""
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules())
