import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.images.config import ImageConfig
from ganlab.images.experiment import ImageExperiment
from ganlab.toy.config import ToyConfig
from ganlab.training.augment import AUGMENT_POLICIES, augment, cutout, translate


def _shifted(x: torch.Tensor, dy: int, dx: int, fill: float = -1.0) -> torch.Tensor:
    """x (C, H, W) moved down by dy and right by dx, ``fill`` where nothing came from."""
    out = torch.full_like(x, fill)
    h, w = x.shape[-2:]
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def test_translation_moves_each_image_by_its_own_shift_within_range():
    x = torch.rand(16, 1, 10, 12) * 2 - 1
    y = translate(x, 2, torch.Generator().manual_seed(0))
    shifts = []
    for n in range(len(x)):
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if torch.equal(y[n], _shifted(x[n], dy, dx))]
        assert len(found) == 1
        shifts.append(found[0])
    assert len(set(shifts)) > 3  # per-image shifts, not one for the batch
    assert translate(x, 0, torch.Generator()) is x


def test_cutout_blanks_one_square_per_image_and_nothing_else():
    x = torch.ones(32, 1, 8, 8)
    y = cutout(x, 4, torch.Generator().manual_seed(0))
    blank = (y == -1).float().sum(dim=(1, 2, 3))
    assert ((y == 1) | (y == -1)).all()
    assert blank.max().item() == 16 and blank.min().item() >= 4  # at least half of each side inside


def test_augmentation_is_differentiable_and_seeded():
    x = torch.randn(4, 1, 28, 28, requires_grad=True)
    y = augment(x, "translation,cutout", torch.Generator().manual_seed(3))
    y.sum().backward()
    kept = (x.grad != 0).float().mean().item()
    assert 0.5 < kept < 1.0  # gradient reaches every pixel still visible, none of the blanked ones
    again = augment(x.detach(), "translation,cutout", torch.Generator().manual_seed(3))
    assert torch.equal(y.detach(), again)
    assert augment(x, "none", torch.Generator()) is x


def test_policies_are_validated_and_images_only():
    assert "translation" in AUGMENT_POLICIES
    with pytest.raises(GanlabError, match="augmentation"):
        ImageConfig(augment="rotation")
    with pytest.raises(GanlabError, match="image"):
        ToyConfig(augment="translation")


def test_an_image_gan_trains_with_augmentation():
    exp = ImageExperiment(ImageConfig(width=8, batch=16, seed=1, augment="translation,cutout"), "cpu",
                          full_data=False)
    rec = exp.train(steps=3)
    assert rec.step == 3 and 0 < rec.d_real < 1 and rec.g_grad_norm > 0
