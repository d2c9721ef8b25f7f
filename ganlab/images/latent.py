"""Walking the latent space of a trained generator: interpolation, arithmetic, directions,
projection of an image into z, and nearest training neighbours.

All functions take latent vectors as tensors of shape (d,) or (n, d) and a ``GeneratorModel``
(``ganlab.images.pretrained.load_generator``) or any callable z ↦ images where a generator is needed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from ganlab.errors import GanlabError

Tensor = torch.Tensor
METHODS = ("slerp", "lerp")


def lerp(z0: Tensor, z1: Tensor, t: Tensor) -> Tensor:
    """z(t) = (1 − t) z0 + t z1 for each t (a straight line through the prior's low-density centre)."""
    t = t.reshape(-1, 1).to(z0)
    return (1 - t) * z0 + t * z1


def slerp(z0: Tensor, z1: Tensor, t: Tensor) -> Tensor:
    """Spherical interpolation: the direction moves along the great circle, the norm linearly.

    ẑ(t) = [sin((1 − t)Ω) ẑ0 + sin(tΩ) ẑ1] / sin Ω with cos Ω = ⟨ẑ0, ẑ1⟩, and
    z(t) = ((1 − t)‖z0‖ + t‖z1‖) ẑ(t). For z0, z1 of equal norm r every z(t) stays on the sphere of
    radius r, where a Gaussian prior in many dimensions puts nearly all its mass (a straight line
    cuts through the low-density interior). Falls back to lerp of directions when Ω ≈ 0.
    """
    t = t.reshape(-1, 1).to(z0)
    r0, r1 = z0.norm(), z1.norm()
    if r0 == 0 or r1 == 0:
        return lerp(z0, z1, t)
    u0, u1 = z0 / r0, z1 / r1
    omega = torch.arccos((u0 @ u1).clamp(-1.0, 1.0))
    if omega.abs() < 1e-4:
        direction = lerp(u0, u1, t)
        direction = direction / direction.norm(dim=1, keepdim=True)
    else:
        direction = (torch.sin((1 - t) * omega) * u0 + torch.sin(t * omega) * u1) / torch.sin(omega)
    return ((1 - t) * r0 + t * r1) * direction


def interpolate(z0: Tensor, z1: Tensor, steps: int, method: str = "slerp") -> Tensor:
    """``steps`` latent vectors from z0 to z1 (shape (steps, d)); the first is z0 and the last z1 exactly."""
    if method not in METHODS:
        raise GanlabError(f"unknown interpolation '{method}'; choose slerp or lerp")
    if not isinstance(steps, int) or not 2 <= steps <= 256:
        raise GanlabError(f"steps must be a whole number between 2 and 256, got {steps!r}")
    z0, z1 = z0.reshape(-1).float(), z1.reshape(-1).float()
    if z0.shape != z1.shape:
        raise GanlabError(f"cannot interpolate between latent vectors of sizes {z0.numel()} and {z1.numel()}")
    t = torch.linspace(0, 1, steps)
    path = (slerp if method == "slerp" else lerp)(z0, z1, t)
    path[0], path[-1] = z0, z1
    return path


def arithmetic(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    """a − b + c, the lectures' vector arithmetic in Z-space (e.g. smiling woman − woman + man)."""
    return a - b + c


def principal_directions(first_layer: Tensor, latent_dim: int, k: int = 8) -> tuple[Tensor, Tensor]:
    """The k unit directions in z that G's first linear layer W amplifies most, and their gains.

    W has shape (out, inputs) with inputs ⊇ the latent_dim columns of z; with the SVD
    W_z = U S Vᵀ, the rows of Vᵀ are orthonormal directions and S their gains ‖W_z v‖.
    """
    w = first_layer.detach().float().cpu()[:, :latent_dim]
    _, s, vh = torch.linalg.svd(w, full_matrices=False)
    k = max(1, min(k, vh.shape[0]))
    return vh[:k].clone(), s[:k].clone()


def walk(z: Tensor, direction: Tensor, amounts: Tensor) -> Tensor:
    """z + a·direction for each amount a (shape (len(amounts), d))."""
    return z.reshape(1, -1) + amounts.reshape(-1, 1).to(z) * direction.reshape(1, -1).to(z)


@torch.no_grad()
def class_means(generate: Callable[[Tensor], Tensor], classify: Callable[[Tensor], Tensor], latent_dim: int,
                n: int = 2000, seed: int = 0, num_classes: int = 10, min_confidence: float = 0.9) -> Tensor:
    """Mean latent vector of each class: draw z, keep samples the classifier is sure of, average z per class.

    ``generate`` maps z (n, d) to images, ``classify`` images to class probabilities. The difference
    of two class means is a direction that changes the class and little else (the DCGAN paper
    averages three exemplars per concept for the same reason). A class never seen gets NaN.
    """
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(n, latent_dim, generator=gen)
    probs = torch.cat([classify(generate(z[i:i + 500])) for i in range(0, n, 500)]).cpu()
    conf, label = probs.max(dim=1)
    means = torch.full((num_classes, latent_dim), float("nan"))
    for k in range(num_classes):
        keep = (label == k) & (conf >= min_confidence)
        if keep.any():
            means[k] = z[keep].mean(0)
    return means


@dataclass
class Projection:
    """The result of ``project``: the latent vector found, its image and the error along the way."""

    z: Tensor
    labels: Tensor | None
    image: Tensor
    errors: list[float] = field(default_factory=list)

    @property
    def initial_error(self) -> float:
        return self.errors[0]

    @property
    def final_error(self) -> float:
        return self.errors[-1]


def project(generator, image: Tensor, steps: int = 200, lr: float = 0.05, seed: int = 0, starts: int = 16,
            prior_weight: float = 1e-3, progress: Callable[[int, float], None] | None = None) -> Projection:
    """Find z with G(z) ≈ image by gradient descent ("GAN inversion").

    Minimises  L(z) = mean_pixels (G(z) − x)² + λ ‖z‖² / d  with Adam, starting from the best of
    ``starts`` random z. The λ term keeps z where the prior has mass (a plausible code, not an
    adversarial one). For a conditional generator the class weights are optimised too, as
    softmax(logits). ``image`` is (28, 28) or (1, 1, 28, 28) in [−1, 1]; ``progress(step, error)``
    is called along the way. Errors are pixel mean-squared errors in [−1, 1] units.
    """
    if not isinstance(steps, int) or not 1 <= steps <= 5000:
        raise GanlabError(f"steps must be a whole number between 1 and 5000, got {steps!r}")
    d, k = generator.latent_dim, generator.num_classes
    target = image.reshape(1, 1, 28, 28).float()
    gen = torch.Generator().manual_seed(seed)
    candidates = torch.randn(starts, d, generator=gen)
    with torch.no_grad():
        probe = generator(candidates, torch.zeros(starts, k) + 1.0 / k if k else None)
        first = ((probe - target) ** 2).flatten(1).mean(1)
    z = candidates[int(first.argmin())].clone()[None].requires_grad_(True)
    logits = torch.zeros(1, k, requires_grad=True) if k else None
    params = [z] + ([logits] if k else [])
    opt = torch.optim.Adam(params, lr=lr)
    errors = [float(first.min())]
    for step in range(steps):
        labels = torch.softmax(logits, dim=1) if k else None
        x = generator.decode(z, labels)
        mse = ((x - target) ** 2).mean()
        loss = mse + prior_weight * (z ** 2).sum() / d
        opt.zero_grad()
        loss.backward()
        opt.step()
        errors.append(float(mse.detach()))
        if progress is not None:
            progress(step + 1, float(mse))
    with torch.no_grad():
        labels = torch.softmax(logits, dim=1).detach() if k else None
        final = generator(z.detach(), labels)
        errors[-1] = float(((final - target) ** 2).mean())
    return Projection(z.detach()[0], None if labels is None else labels[0], final[0], errors)


@torch.no_grad()
def nearest_neighbours(query: Tensor, pool: Tensor, k: int = 5,
                       embed: Callable[[Tensor], Tensor] | None = None) -> tuple[Tensor, Tensor]:
    """Indices and Euclidean distances of the k rows of ``pool`` closest to ``query``.

    Pixel space when ``embed`` is None (images in [−1, 1], flattened); otherwise in the space of
    ``embed`` (e.g. the metric classifier's penultimate features). A generated sample whose
    nearest training image is a near-copy in pixel space hints at memorisation.
    """
    q = query.reshape(1, *pool.shape[1:]).float()
    if embed is not None:
        q = embed(q)
        feats = torch.cat([embed(pool[i:i + 1000].float()) for i in range(0, len(pool), 1000)])
    else:
        feats = pool.float()
    dist = torch.cdist(q.flatten(1), feats.flatten(1))[0]
    k = min(k, len(pool))
    values, idx = torch.topk(dist, k, largest=False)
    return idx, values
