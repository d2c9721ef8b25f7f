"""Multilayer perceptrons for toy GANs.

``MLP(in, out, hidden=H, depth=L)`` is L × (Linear(·, H) + activation) followed by
Linear(H, out): the generator maps z ∈ R^d to R², the discriminator/critic maps R² to one
real number (a logit for a discriminator, a score for a critic — never a sigmoid here).
"""
from __future__ import annotations

import torch
from torch import nn

from ganlab.errors import GanlabError

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
}


class MLP(nn.Module):
    """x ↦ Linear_out(σ(… σ(Linear_1(x)))) with ``depth`` hidden layers of width ``hidden``.

    ``hidden_dtype=torch.bfloat16`` runs the hidden-to-hidden layers (where nearly all the
    arithmetic is) under bfloat16 autocast, while the first layer (which sees the raw
    coordinates) and the output layer stay in float32, so positions keep full precision.
    """

    def __init__(self, in_features: int, out_features: int, hidden: int = 128, depth: int = 3,
                 activation: str = "relu", hidden_dtype: torch.dtype | None = None):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise GanlabError(f"unknown activation '{activation}'; choose one of: {', '.join(ACTIVATIONS)}")
        if not (isinstance(hidden, int) and 1 <= hidden <= 4096):
            raise GanlabError(f"hidden width must be an integer between 1 and 4096, got {hidden}")
        if not (isinstance(depth, int) and 1 <= depth <= 16):
            raise GanlabError(f"depth must be an integer between 1 and 16, got {depth}")
        act = ACTIVATIONS[activation]
        self.first = nn.Sequential(nn.Linear(in_features, hidden), act())
        body: list[nn.Module] = []
        for _ in range(depth - 1):
            body += [nn.Linear(hidden, hidden), act()]
        self.body = nn.Sequential(*body)
        self.out = nn.Linear(hidden, out_features)
        self.hidden_dtype = hidden_dtype

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.first(x)
        if self.hidden_dtype is not None and len(self.body):
            with torch.autocast(device_type=h.device.type, dtype=self.hidden_dtype):
                h = self.body(h)
            h = h.float()
        else:
            h = self.body(h)
        return self.out(h)

    def linear_layers(self) -> list[nn.Linear]:
        """Every Linear layer, input to output (for spectral norm, clipping, drawing)."""
        return [m for m in self.modules() if isinstance(m, nn.Linear)]


def mlp_generator(latent_dim: int, hidden: int = 128, depth: int = 3, activation: str = "relu",
                  out_features: int = 2, hidden_dtype: torch.dtype | None = None) -> MLP:
    """G: R^latent_dim → R² (no output activation: samples may land anywhere in the plane)."""
    return MLP(latent_dim, out_features, hidden, depth, activation, hidden_dtype)


def mlp_discriminator(hidden: int = 128, depth: int = 3, activation: str = "relu",
                      in_features: int = 2, hidden_dtype: torch.dtype | None = None) -> MLP:
    """D: R² → R, one raw output per point (logit or critic score)."""
    return MLP(in_features, 1, hidden, depth, activation, hidden_dtype)
