"""Toy 2D distributions: samplers, mode centres, and exact log-densities where they exist.

Every distribution samples with an explicit ``torch.Generator`` so runs are reproducible,
and carries a plotting ``window`` (x_min, x_max, y_min, y_max) that the views, the grid
KL/JS and the heat maps share.

Mixtures follow the published protocol: ``ring8`` has 8 Gaussians at angles 2πk/8,
k = 0..7 (not ``linspace(0, 2π, 8)``, which stacks two modes), radius 2, std 0.02;
``grid25`` has 25 Gaussians at {-4,-2,0,2,4}², std 0.05.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from ganlab.errors import GanlabError

Window = tuple[float, float, float, float]
_LOG_2PI = math.log(2 * math.pi)


class ToyDistribution:
    """A 2D distribution. Subclasses implement ``_sample``; mixtures also set ``centers``/``std``."""

    name: str = "toy"
    description: str = ""
    window: Window = (-3.0, 3.0, -3.0, 3.0)
    centers: torch.Tensor | None = None  # (K, 2) mode centres, for the mode-coverage metric
    std: float | None = None  # per-mode standard deviation

    def sample(self, n: int, generator: torch.Generator | None = None, device: str | torch.device = "cpu") -> torch.Tensor:
        """Draw ``n`` points as a float32 tensor of shape (n, 2) on ``device``."""
        if n < 0:
            raise GanlabError(f"cannot draw a negative number of samples ({n})")
        device = torch.device(device) if generator is None else generator.device
        return self._sample(n, generator, device)

    def _sample(self, n: int, gen: torch.Generator | None, device: torch.device) -> torch.Tensor:
        raise NotImplementedError

    def log_density(self, x: torch.Tensor) -> torch.Tensor | None:
        """Exact log p(x) for points (n, 2), or None when the distribution has no 2D density."""
        return None

    @property
    def has_modes(self) -> bool:
        return self.centers is not None and self.std is not None


def _randn(n: int, d: int, gen, device) -> torch.Tensor:
    return torch.randn(n, d, generator=gen, device=device)


def _rand(n: int, gen, device) -> torch.Tensor:
    return torch.rand(n, generator=gen, device=device)


class GaussianMixture(ToyDistribution):
    """Equal-weight isotropic Gaussians: p(x) = (1/K) Σ_k N(x; μ_k, σ² I)."""

    def __init__(self, name: str, centers: Sequence[Sequence[float]], std: float, window: Window, description: str = ""):
        self.name, self.description, self.window, self.std = name, description, window, float(std)
        self.centers = torch.tensor(centers, dtype=torch.float32)

    def _sample(self, n, gen, device):
        centers = self.centers if self.centers.device == device else self.centers.to(device)
        k = torch.randint(len(centers), (n,), generator=gen, device=device)
        return _randn(n, 2, gen, device).mul_(self.std).add_(centers.index_select(0, k))

    def log_density(self, x: torch.Tensor) -> torch.Tensor:
        """log p(x) = logsumexp_k(−|x − μ_k|²/2σ²) − log K − log(2πσ²)."""
        c = self.centers.to(x.device, x.dtype)
        sq = torch.cdist(x, c).pow(2)
        return (torch.logsumexp(-sq / (2 * self.std**2), dim=1) - math.log(len(c))
                - _LOG_2PI - 2 * math.log(self.std))


class Checkerboard(ToyDistribution):
    """Uniform on the 8 dark squares (side 2) of a 4×4 board over [-4, 4]²: p = 1/32 there, 0 elsewhere."""

    name = "checkerboard"
    description = "uniform on the dark squares of a 4×4 board"
    window = (-5.0, 5.0, -5.0, 5.0)

    def _sample(self, n, gen, device):
        cells = torch.tensor([(i, j) for i in range(4) for j in range(4) if (i + j) % 2 == 0],
                             dtype=torch.float32, device=device)
        k = torch.randint(len(cells), (n,), generator=gen, device=device)
        offset = torch.rand(n, 2, generator=gen, device=device)
        return (cells[k] + offset) * 2 - 4

    def log_density(self, x):
        ij = torch.floor((x + 4) / 2)
        inside = ((ij >= 0) & (ij <= 3)).all(dim=1) & ((ij.sum(dim=1) % 2) == 0)
        return torch.where(inside, torch.full_like(x[:, 0], -math.log(32.0)),
                           torch.full_like(x[:, 0], -math.inf))


class Line(ToyDistribution):
    """The lectures' degenerate example: x = 0, y ~ U[0, 1]. It has no density in 2D."""

    name = "line"
    description = "x = 0, y ~ U[0,1]: supported on a line, so it has no 2D density"
    window = (-1.5, 1.5, -1.0, 2.0)

    def __init__(self, theta: float = 0.0):
        self.theta = float(theta)

    def _sample(self, n, gen, device):
        y = _rand(n, gen, device)
        return torch.stack([torch.full_like(y, self.theta), y], dim=1)


class NoisyCurve(ToyDistribution):
    """Points on a parametric curve plus isotropic Gaussian noise; no closed-form density."""

    def __init__(self, name: str, curve: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                 noise: float, window: Window, description: str):
        self.name, self._curve, self.noise, self.window, self.description = name, curve, noise, window, description

    def _sample(self, n, gen, device):
        t = _rand(n, gen, device)
        branch = torch.randint(2, (n,), generator=gen, device=device)
        return self._curve(t, branch) + self.noise * _randn(n, 2, gen, device)


def _moons(t, branch):
    a = math.pi * t
    upper = torch.stack([torch.cos(a), torch.sin(a)], 1)
    lower = torch.stack([1 - torch.cos(a), 0.5 - torch.sin(a)], 1)
    pts = torch.where(branch[:, None] == 0, upper, lower)
    return 2 * (pts - torch.tensor([0.5, 0.25], device=t.device))


def _circles(t, branch):
    a = 2 * math.pi * t
    r = torch.where(branch == 0, 1.0, 2.5).to(t.dtype)
    return r[:, None] * torch.stack([torch.cos(a), torch.sin(a)], 1)


def _spiral(t, branch):
    # Two interleaved Archimedean arms r = θ/π over θ ∈ [π/2, 3.5π].
    a = math.pi * (0.5 + 3.0 * t)
    sign = torch.where(branch == 0, 1.0, -1.0).to(t.dtype)[:, None]
    return sign * (a / math.pi)[:, None] * torch.stack([torch.cos(a), torch.sin(a)], 1)


def _swissroll(t, branch):
    a = 1.5 * math.pi * (1 + 2 * t)
    return torch.stack([a * torch.cos(a), a * torch.sin(a)], 1) / 3.5


class PointCloud(ToyDistribution):
    """A user-given point cloud, resampled with replacement plus Gaussian jitter of std ``jitter``."""

    name = "custom"
    description = "your own points"

    def __init__(self, points: Sequence[Sequence[float]] | torch.Tensor, jitter: float = 0.05):
        pts = torch.as_tensor(points, dtype=torch.float32)
        if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 2:
            raise GanlabError("a point cloud needs at least 2 points, each with 2 coordinates (x, y)")
        if not torch.isfinite(pts).all():
            raise GanlabError("a point cloud may only hold finite numbers")
        if not (math.isfinite(jitter) and jitter >= 0):
            raise GanlabError(f"jitter must be a finite number ≥ 0, got {jitter}")
        self.points, self.jitter = pts, float(jitter)
        lo, hi = pts.min(0).values, pts.max(0).values
        pad = torch.clamp((hi - lo).max() * 0.15, min=0.5)
        self.window = (float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad))

    def _sample(self, n, gen, device):
        pts = self.points.to(device)
        k = torch.randint(len(pts), (n,), generator=gen, device=device)
        return pts[k] + self.jitter * _randn(n, 2, gen, device)


def _ring8() -> GaussianMixture:
    angles = [2 * math.pi * k / 8 for k in range(8)]
    return GaussianMixture("ring8", [(2 * math.cos(a), 2 * math.sin(a)) for a in angles], 0.02,
                           (-3.0, 3.0, -3.0, 3.0), "8 Gaussians on a circle of radius 2, std 0.02")


def _grid25() -> GaussianMixture:
    ticks = [-4.0, -2.0, 0.0, 2.0, 4.0]
    return GaussianMixture("grid25", [(x, y) for x in ticks for y in ticks], 0.05,
                           (-6.0, 6.0, -6.0, 6.0), "25 Gaussians on {-4,-2,0,2,4}², std 0.05")


def _two_gaussians() -> GaussianMixture:
    return GaussianMixture("two_gaussians", [(-1.5, 0.0), (1.5, 0.0)], 0.3,
                           (-3.0, 3.0, -3.0, 3.0), "2 Gaussians at (±1.5, 0), std 0.3")


_FACTORIES: dict[str, Callable[[], ToyDistribution]] = {
    "ring8": _ring8,
    "grid25": _grid25,
    "two_gaussians": _two_gaussians,
    "spiral": lambda: NoisyCurve("spiral", _spiral, 0.05, (-4.5, 4.5, -4.5, 4.5), "two spiral arms"),
    "swissroll": lambda: NoisyCurve("swissroll", _swissroll, 0.05, (-4.5, 4.5, -4.5, 4.5), "a 2D swiss roll"),
    "moons": lambda: NoisyCurve("moons", _moons, 0.05, (-3.5, 3.5, -3.0, 3.0), "two interleaving half circles"),
    "circles": lambda: NoisyCurve("circles", _circles, 0.03, (-3.5, 3.5, -3.5, 3.5), "two concentric circles, r = 1 and 2.5"),
    "checkerboard": Checkerboard,
    "line": Line,
}
TOY_NAMES: tuple[str, ...] = tuple(_FACTORIES)


def get_toy(name: str, points: Sequence[Sequence[float]] | None = None) -> ToyDistribution:
    """The toy distribution called ``name``; ``custom`` needs ``points``."""
    if name == "custom":
        if points is None:
            raise GanlabError("the 'custom' distribution needs points (draw some, or pass a list of (x, y))")
        return PointCloud(points)
    if not isinstance(name, str) or name not in _FACTORIES:
        raise GanlabError(f"unknown data '{name}'; choose one of: {', '.join(TOY_NAMES)}, custom")
    return _FACTORIES[name]()
