"""The benchmark's baseline is a separate statement of each loss: it must agree with ``training.objectives``."""
import pytest
import torch

from ganlab.bench import notebook_losses
from ganlab.training.objectives import get_objective


@pytest.mark.parametrize("name", ["minimax", "nonsaturating", "wgan", "wgan-gp", "hinge", "lsgan"])
def test_the_notebook_losses_are_the_objectives(name):
    gen = torch.Generator().manual_seed(0)
    real, fake = torch.randn(64, 1, generator=gen) * 3, torch.randn(64, 1, generator=gen) * 3
    real_loss, fake_loss, g_loss = notebook_losses(name, 64)
    objective = get_objective(name)
    assert torch.allclose(real_loss(real) + fake_loss(fake), objective.d_loss(real.flatten(), fake.flatten()), atol=1e-6)
    assert torch.allclose(g_loss(fake), objective.g_loss(fake.flatten()), atol=1e-6)
