"""Latent priors p(z): the noise the generator turns into samples."""
from __future__ import annotations

import torch

from ganlab.errors import GanlabError

PRIOR_NAMES = ("gaussian", "uniform")


class Prior:
    """p(z) = N(0, I_d) (``gaussian``) or U[-1, 1]^d (``uniform``), for any dimension d ≥ 1."""

    def __init__(self, name: str, dim: int):
        if name not in PRIOR_NAMES:
            raise GanlabError(f"unknown prior '{name}'; choose one of: {', '.join(PRIOR_NAMES)}")
        if not isinstance(dim, int) or dim < 1 or dim > 4096:
            raise GanlabError(f"latent dimension must be an integer between 1 and 4096, got {dim}")
        self.name, self.dim = name, dim

    def sample(self, n: int, generator: torch.Generator | None = None, device: str | torch.device = "cpu") -> torch.Tensor:
        """Draw n latent vectors, shape (n, dim)."""
        if generator is not None:
            device = generator.device
        if self.name == "gaussian":
            return torch.randn(n, self.dim, generator=generator, device=device)
        return torch.rand(n, self.dim, generator=generator, device=device) * 2 - 1

    def grid_axis(self, steps: int) -> torch.Tensor:
        """``steps`` values along one latent axis that split the prior's mass into equal parts.

        Gaussian: Φ⁻¹ of the quantiles (i + ½)/steps; uniform: the matching points of [-1, 1].
        Used to draw the generator manifold (the image of a z-grid).
        """
        q = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
        if self.name == "gaussian":
            return torch.special.ndtri(q)
        return q * 2 - 1
