import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.training.priors import Prior


@pytest.mark.parametrize("dim", [1, 2, 64])
def test_priors_shapes_and_ranges(dim):
    g = torch.Generator().manual_seed(0)
    z = Prior("uniform", dim).sample(2000, g)
    assert z.shape == (2000, dim) and z.min() >= -1 and z.max() <= 1
    z = Prior("gaussian", dim).sample(20000, g)
    assert abs(z.mean().item()) < 0.03 and abs(z.std().item() - 1) < 0.03


def test_grid_axis_splits_mass_equally():
    axis = Prior("gaussian", 2).grid_axis(4)
    cdf = torch.special.ndtr(axis)
    assert torch.allclose(cdf, torch.tensor([0.125, 0.375, 0.625, 0.875]), atol=1e-6)
    assert torch.allclose(Prior("uniform", 2).grid_axis(2), torch.tensor([-0.5, 0.5]))


@pytest.mark.parametrize("name,dim", [("cauchy", 2), ("gaussian", 0), ("gaussian", -3)])
def test_bad_priors(name, dim):
    with pytest.raises(GanlabError):
        Prior(name, dim)
