"""Class-conditional networks: G(z, y) and a projection discriminator D(x, y).

Any of ganlab's image generators becomes conditional by widening its first (linear) layer by one
input per class and feeding it [z, onehot(y)]. Any discriminator that ends in a linear score
becomes a *projection discriminator* (Miyato & Koyama 2018):

    D(x, y) = ψ(φ(x)) + ⟨V onehot(y), φ(x)⟩

φ is everything before the last linear layer ψ, and V (classes × features) is learned. A label may
be a class index or a row of class weights (a one-hot, or a mixture such as ½·"3" + ½·"8"), which
is what the latent explorer uses to change the digit while keeping the style z.
"""
from __future__ import annotations

import torch
from torch import nn

Tensor = torch.Tensor


def as_class_weights(y: Tensor, num_classes: int) -> Tensor:
    """Labels as (n, num_classes) float rows: one-hot for integer labels, unchanged for float rows."""
    if y.dtype in (torch.int64, torch.int32, torch.int16, torch.uint8):
        return nn.functional.one_hot(y.long(), num_classes).float()
    if y.dim() != 2 or y.shape[1] != num_classes:
        raise ValueError(f"labels must be class indices or rows of {num_classes} class weights, got shape {tuple(y.shape)}")
    return y.float()


class ConditionalGenerator(nn.Module):
    """G(z, y) = body([z, onehot(y)]); ``body`` takes latent_dim + num_classes inputs."""

    def __init__(self, body: nn.Module, latent_dim: int, num_classes: int):
        super().__init__()
        self.body, self.latent_dim, self.num_classes = body, latent_dim, num_classes

    def forward(self, z: Tensor, y: Tensor) -> Tensor:
        c = as_class_weights(y, self.num_classes).to(device=z.device, dtype=z.dtype)
        return self.body(torch.cat([z, c], dim=1))


class ProjectionDiscriminator(nn.Module):
    """D(x, y) = ψ(φ(x)) + ⟨V onehot(y), φ(x)⟩, built from an unconditional D = ψ ∘ φ (ψ linear)."""

    def __init__(self, unconditional: nn.Sequential, num_classes: int):
        super().__init__()
        head = unconditional[-1]
        if not isinstance(head, nn.Linear) or head.out_features != 1:
            raise ValueError("a projection discriminator needs a network that ends in Linear(·, 1)")
        self.features = unconditional[:-1]
        self.head = head
        self.embed = nn.Linear(num_classes, head.in_features, bias=False)
        nn.init.normal_(self.embed.weight, std=0.02)
        self.num_classes = num_classes

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        h = self.features(x)
        c = as_class_weights(y, self.num_classes).to(device=h.device, dtype=h.dtype)
        return self.head(h) + (self.embed(c) * h).sum(dim=1, keepdim=True)
