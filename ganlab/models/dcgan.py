"""DCGAN networks for 28 × 28 images, following the lectures' guidelines.

Guidelines (Radford et al. 2016): strided convolutions instead of pooling in D, transposed
convolutions to upsample in G; batch norm in both, except G's output layer and D's input layer;
ReLU in G (tanh at its output, images in [−1, 1]); LeakyReLU(0.2) in D; no fully connected hidden
layers beyond the projection of z. ``critic=True`` drops D's batch norm (a WGAN-GP critic must
not mix samples). ``seed004_*`` is the lecture notebook's architecture, kept as given.
"""
from __future__ import annotations

from torch import nn


def dcgan_generator(latent_dim: int = 100, width: int = 64, channels: int = 1) -> nn.Sequential:
    """z → Linear → 2w×7×7 → BN, ReLU → ConvT(4, 2, 1) → w×14×14 → BN, ReLU → ConvT(4, 2, 1) → c×28×28 → tanh."""
    return nn.Sequential(
        nn.Linear(latent_dim, 2 * width * 7 * 7, bias=False),
        nn.Unflatten(1, (2 * width, 7, 7)),
        nn.BatchNorm2d(2 * width),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(),
        nn.ConvTranspose2d(width, channels, 4, 2, 1),
        nn.Tanh(),
    )


def dcgan_discriminator(width: int = 64, channels: int = 1, critic: bool = False) -> nn.Sequential:
    """x → Conv(4, 2, 1) → w×14×14 → LReLU → Conv(4, 2, 1) → 2w×7×7 → [BN] → LReLU → Linear → one logit/score."""
    return nn.Sequential(
        nn.Conv2d(channels, width, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, 2, 1, bias=critic),
        *([] if critic else [nn.BatchNorm2d(2 * width)]),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(2 * width * 7 * 7, 1),
    )


def seed004_generator(latent_dim: int = 128, channels: int = 1) -> nn.Sequential:
    """The lecture notebook's G: Linear(128 → 128·7·7) + LReLU, 2 × [ConvT(128, 128, 4, 2, 1) + LReLU], Conv(128, c, 3, p=1) + tanh."""
    return nn.Sequential(
        nn.Linear(latent_dim, 128 * 7 * 7),
        nn.LeakyReLU(0.2),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 128, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(128, 128, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(128, channels, 3, padding=1),
        nn.Tanh(),
    )


def seed004_discriminator(channels: int = 1) -> nn.Sequential:
    """The lecture notebook's D: 2 × [Conv(·, 64, 4, 2, 1) + LReLU(0.2)], Linear(3136 → 1)."""
    return nn.Sequential(
        nn.Conv2d(channels, 64, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 64, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(3136, 1),
    )
