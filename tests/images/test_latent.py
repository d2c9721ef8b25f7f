import math

import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.images.latent import arithmetic, class_means, interpolate, nearest_neighbours, principal_directions, walk


@pytest.mark.parametrize("method", ["slerp", "lerp"])
def test_interpolation_endpoints_equal_the_inputs(method):
    g = torch.Generator().manual_seed(0)
    z0, z1 = torch.randn(100, generator=g), torch.randn(100, generator=g)
    path = interpolate(z0, z1, 16, method)
    assert path.shape == (16, 100)
    assert torch.equal(path[0], z0) and torch.equal(path[-1], z1)


def test_slerp_keeps_equal_norms_on_the_sphere():
    g = torch.Generator().manual_seed(1)
    z0, z1 = torch.randn(100, generator=g), torch.randn(100, generator=g)
    z1 = z1 * (z0.norm() / z1.norm())
    norms = interpolate(z0, z1, 17, "slerp").norm(dim=1)
    assert (norms - z0.norm()).abs().max() < 1e-4
    # a straight line cuts inside the sphere: at t = ½ its norm is r·cos(Ω/2) < r
    mid = interpolate(z0, z1, 3, "lerp")[1].norm()
    omega = math.acos(float(z0 @ z1 / z0.norm() ** 2))
    assert abs(float(mid) - float(z0.norm()) * math.cos(omega / 2)) < 1e-3


def test_slerp_norm_moves_linearly_between_different_radii():
    z0, z1 = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 4.0])
    path = interpolate(z0, z1, 5, "slerp")
    assert (path.norm(dim=1) - torch.tensor([2.0, 2.5, 3.0, 3.5, 4.0])).abs().max() < 1e-5
    # the direction moves along the quarter circle at a constant angular speed
    angles = torch.atan2(path[:, 1], path[:, 0])
    assert (angles - torch.linspace(0, math.pi / 2, 5)).abs().max() < 1e-5


def test_bad_interpolations_say_why():
    z = torch.zeros(4)
    for kwargs in (dict(steps=1), dict(steps=10_000), dict(method="cubic")):
        with pytest.raises(GanlabError):
            interpolate(z, z + 1, **{"steps": 8, "method": "lerp", **kwargs})
    with pytest.raises(GanlabError):
        interpolate(torch.zeros(3), torch.zeros(4), 8)


def test_arithmetic_and_walk():
    a, b, c = torch.tensor([1.0, 2]), torch.tensor([0.5, 0.5]), torch.tensor([3.0, -1])
    assert torch.equal(arithmetic(a, b, c), torch.tensor([3.5, 0.5]))
    w = walk(a, torch.tensor([1.0, 0]), torch.tensor([-1.0, 0, 2]))
    assert torch.equal(w, torch.tensor([[0.0, 2], [1, 2], [3, 2]]))


def test_principal_directions_are_the_right_singular_vectors_of_the_z_columns():
    w = torch.zeros(5, 4)  # 3 latent columns + 1 class column (ignored)
    w[0, 0], w[1, 1], w[2, 2], w[:, 3] = 3.0, 2.0, 1.0, 100.0
    dirs, gains = principal_directions(w, latent_dim=3, k=2)
    assert (gains - torch.tensor([3.0, 2.0])).abs().max() < 1e-5
    assert (dirs.abs() - torch.tensor([[1.0, 0, 0], [0, 1, 0]])).abs().max() < 1e-5


def test_nearest_neighbours_in_pixels_and_features():
    pool = torch.stack([torch.full((1, 2, 2), v) for v in (0.0, 0.3, -1.0, 0.9)])
    idx, dist = nearest_neighbours(torch.full((1, 2, 2), 0.25), pool, k=2)
    assert idx.tolist() == [1, 0]
    assert abs(float(dist[0]) - 0.1) < 1e-5  # ‖0.05·1‖ over 4 pixels = 0.05·2
    idx, _ = nearest_neighbours(torch.full((1, 2, 2), 0.25), pool, k=1, embed=lambda x: -x.flatten(1).mean(1, keepdim=True))
    assert idx.tolist() == [1]


def test_class_means_average_z_over_confident_samples():
    # a toy "generator": the class is the sign pattern of z's first coordinate
    gen = lambda z: z  # noqa: E731
    classify = lambda x: torch.stack([(x[:, 0] < 0).float(), (x[:, 0] >= 0).float()], 1)  # noqa: E731
    means = class_means(gen, classify, latent_dim=3, n=4000, seed=0, num_classes=3)
    assert float(means[0, 0]) < -0.7 and float(means[1, 0]) > 0.7  # E[z | z < 0] = −√(2/π) ≈ −0.80
    assert abs(float(means[0, 0]) + math.sqrt(2 / math.pi)) < 0.05
    assert torch.isnan(means[2]).all()
