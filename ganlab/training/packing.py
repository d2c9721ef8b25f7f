"""Packing (PacGAN, Lin et al. 2018): the discriminator judges m samples at once.

    D_m(x_1, …, x_m) sees m samples concatenated: along the features for points in the plane
    (a pack of m points is one vector in R^{2m}), along the channels for images (m × C channels).
    Real packs hold m real samples, fake packs m generated ones; the losses are the usual ones,
    over packs instead of samples.

Why it fights mode collapse: a collapsed generator makes packs whose members look alike, while m
real samples are spread over the modes. A single sample from a collapsed G can look perfectly real,
but a pack of m of them is easy to tell apart from m real samples, so D_m punishes the lack of
diversity itself. In PacGAN's analysis D_m sees the m-fold product distributions P^m and Q^m, whose
total-variation distance grows with m far faster where Q misses mass that P has (mode collapse) than
where Q merely spreads it a little. PacGAN's Table 1 (2,500 samples, 10 trials): on 25 Gaussians in a
grid a GAN covers 17.3 modes, PacGAN4 24.8.
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def pack(x: Tensor, m: int) -> Tensor:
    """Consecutive groups of m samples as one: (B, C, …) → (B/m, m·C, …). m = 1 returns x itself.

    Differentiable (a reshape), so each sample's gradient comes back to its own row."""
    if m == 1:
        return x
    if len(x) % m:
        raise ValueError(f"a batch of {len(x)} does not split into packs of {m}")
    return x.reshape(len(x) // m, m * x.shape[1], *x.shape[2:])


def unpack(x: Tensor, m: int, like: Tensor) -> Tensor:
    """The inverse of ``pack`` for a tensor shaped like a packed ``like`` (e.g. a gradient)."""
    return x if m == 1 else x.reshape(like.shape)
