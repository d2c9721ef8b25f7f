"""Differentiable augmentation of the discriminator's inputs (DiffAugment, Zhao et al. 2020).

With few training images a discriminator memorises them: D(real) → 1 on the training set, its
gradients stop describing the data, and G's samples degrade. DiffAugment applies the *same* random
transform T to real and fake images before D, in D's step and in G's step:

    L_D = E[f(D(T(x)))] + E[g(D(T(G(z))))],      L_G = E[h(D(T(G(z))))]

T is differentiable in its input, so G's gradient flows through it. Because T is applied to both
sides, G is pushed towards the data distribution itself, not towards its augmented version.

Policies: ``translation`` shifts each image by up to ⌊size/8⌉ pixels in each direction;
``cutout`` blanks a square of side ⌊size/4⌉ at a random place in each image. Both fill with −1,
the black background of images scaled to [−1, 1].
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

AUGMENT_POLICIES = ("none", "translation", "cutout", "translation,cutout")
TRANSLATION_RATIO = 1 / 8
CUTOUT_RATIO = 1 / 4


def translate(x: Tensor, max_shift: int, rng: torch.Generator, fill: float = -1.0) -> Tensor:
    """Each image of x (N, C, H, W) shifted by its own (dy, dx) ∈ [−max_shift, max_shift]², ``fill``
    coming in from outside: out[n, :, i, j] = x[n, :, i − dy, j − dx]."""
    n, _, h, w = x.shape
    if max_shift == 0:
        return x
    shift = torch.randint(-max_shift, max_shift + 1, (2, n, 1), generator=rng, device=rng.device).to(x.device)
    # index into x padded by one row/column of ``fill`` on each side: position p of x is p + 1
    # there, and anything shifted in from outside points at the border
    rows = (torch.arange(h, device=x.device) - shift[0]).clamp(-1, h) + 1  # (N, H)
    cols = (torch.arange(w, device=x.device) - shift[1]).clamp(-1, w) + 1  # (N, W)
    padded = F.pad(x, (1, 1, 1, 1), value=fill)
    batch = torch.arange(n, device=x.device)[:, None, None]
    return padded[batch, :, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def cutout(x: Tensor, size: int, rng: torch.Generator, fill: float = -1.0) -> Tensor:
    """x (N, C, H, W) with a size × size square set to ``fill`` per image, its top-left corner
    uniform over the positions that keep at least half of each side inside the image."""
    n, _, h, w = x.shape
    half = size // 2
    top = torch.randint(-half, h - half + 1, (n, 1), generator=rng, device=rng.device).to(x.device)
    left = torch.randint(-half, w - half + 1, (n, 1), generator=rng, device=rng.device).to(x.device)
    i = torch.arange(h, device=x.device)
    j = torch.arange(w, device=x.device)
    inside_rows = (i >= top) & (i < top + size)  # (N, H)
    inside_cols = (j >= left) & (j < left + size)  # (N, W)
    hole = (inside_rows[:, :, None] & inside_cols[:, None, :])[:, None]
    return x.masked_fill(hole, fill)


def augment(x: Tensor, policy: str, rng: torch.Generator) -> Tensor:
    """T(x) for a policy of ``AUGMENT_POLICIES`` (``none``: x itself), drawing from ``rng``."""
    if policy == "none" or x.dim() != 4:
        return x
    size = x.shape[-1]
    for part in policy.split(","):
        if part == "translation":
            x = translate(x, round(size * TRANSLATION_RATIO), rng)
        elif part == "cutout":
            x = cutout(x, round(size * CUTOUT_RATIO), rng)
    return x
