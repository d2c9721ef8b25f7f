import math

import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.toy.data import TOY_NAMES, PointCloud, get_toy


def test_ring8_has_eight_distinct_modes_on_radius_2():
    ring = get_toy("ring8")
    c = ring.centers
    assert c.shape == (8, 2)
    assert abs(ring.std - 0.02) < 1e-12
    assert torch.allclose(c.norm(dim=1), torch.full((8,), 2.0), atol=1e-6)
    gaps = torch.cdist(c, c) + torch.eye(8) * 100
    # the linspace(0, 2π, 8) bug would put two modes on top of each other (gap 0)
    assert abs(gaps.min().item() - 2 * 2 * math.sin(math.pi / 8)) < 1e-5


def test_grid25_centres_and_std():
    grid = get_toy("grid25")
    assert grid.centers.shape == (25, 2)
    assert set(grid.centers[:, 0].tolist()) == {-4.0, -2.0, 0.0, 2.0, 4.0}
    assert abs(grid.std - 0.05) < 1e-12


@pytest.mark.parametrize("name", TOY_NAMES)
def test_every_distribution_samples_reproducibly(name):
    dist = get_toy(name)
    a = dist.sample(500, torch.Generator().manual_seed(3))
    b = dist.sample(500, torch.Generator().manual_seed(3))
    assert a.shape == (500, 2) and a.dtype == torch.float32
    assert torch.equal(a, b)
    assert torch.isfinite(a).all()
    x0, x1, y0, y1 = dist.window
    inside = ((a[:, 0] >= x0) & (a[:, 0] <= x1) & (a[:, 1] >= y0) & (a[:, 1] <= y1)).float().mean()
    assert inside > 0.99


def test_mixture_samples_sit_at_their_modes():
    ring = get_toy("ring8")
    x = ring.sample(4000, torch.Generator().manual_seed(0))
    d = torch.cdist(x, ring.centers).min(dim=1).values
    # |N(0, σ²I)| in 2D is Rayleigh: P(r ≤ 3σ) = 1 − exp(−9/2) ≈ 0.9889
    frac = (d <= 3 * ring.std).float().mean().item()
    assert abs(frac - (1 - math.exp(-4.5))) < 0.01


@pytest.mark.parametrize("name", ["ring8", "grid25", "two_gaussians", "checkerboard"])
def test_log_density_integrates_to_one(name):
    dist = get_toy(name)
    n = 1200
    x0, x1, y0, y1 = dist.window
    xs = torch.linspace(x0, x1, n, dtype=torch.float64)
    ys = torch.linspace(y0, y1, n, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, ys, indexing="ij")
    pts = torch.stack([gx.reshape(-1), gy.reshape(-1)], 1)
    if dist.centers is not None:
        dist.centers = dist.centers.double()
    mass = dist.log_density(pts).exp().sum().item() * (xs[1] - xs[0]).item() * (ys[1] - ys[0]).item()
    assert abs(mass - 1.0) < 0.02


def test_checkerboard_density_values():
    board = get_toy("checkerboard")
    lp = board.log_density(torch.tensor([[-3.0, -3.0], [-1.0, -3.0], [10.0, 0.0]]))
    assert abs(lp[0].item() + math.log(32)) < 1e-6
    assert lp[1].item() == -math.inf and lp[2].item() == -math.inf


def test_line_is_x0_y_uniform_and_has_no_density():
    line = get_toy("line")
    x = line.sample(1000, torch.Generator().manual_seed(0))
    assert torch.all(x[:, 0] == 0) and x[:, 1].min() >= 0 and x[:, 1].max() <= 1
    assert line.log_density(x) is None and not line.has_modes


def test_point_cloud_resamples_given_points():
    cloud = get_toy("custom", points=[(0, 0), (1, 1), (2, 0)])
    assert isinstance(cloud, PointCloud)
    x = cloud.sample(300, torch.Generator().manual_seed(0))
    d = torch.cdist(x, cloud.points).min(dim=1).values
    assert d.max() < 0.05 * 6


@pytest.mark.parametrize("points", [[(0, 0)], [(0, 0, 1), (1, 1, 1)], [(float("nan"), 0), (1, 1)]])
def test_bad_point_clouds_are_refused(points):
    with pytest.raises(GanlabError):
        PointCloud(points)


def test_unknown_name_lists_the_options():
    with pytest.raises(GanlabError, match="ring8"):
        get_toy("rings")
    with pytest.raises(GanlabError, match="points"):
        get_toy("custom")
