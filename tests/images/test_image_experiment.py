import json

import pytest
import torch
from PIL import Image

from ganlab.cli import main
from ganlab.errors import GanlabError
from ganlab.images.config import ImageConfig
from ganlab.images.experiment import ImageExperiment, build_image_networks, image_grid
from ganlab.training.lipschitz import has_batch_norm


@pytest.mark.parametrize("arch,latent", [("dcgan", 16), ("seed004", 128), ("mlp", 8)])
def test_each_architecture_generates_28x28_images(arch, latent):
    g, d = build_image_networks(ImageConfig(arch=arch, width=8, latent_dim=latent))
    x = g(torch.randn(3, latent))
    assert x.shape == (3, 1, 28, 28) and x.abs().max() <= 1 and d(x).shape == (3, 1)


def test_gradient_penalty_gets_a_critic_without_batch_norm():
    _, d = build_image_networks(ImageConfig(objective="wgan-gp", width=8))
    assert not has_batch_norm(d)
    _, d = build_image_networks(ImageConfig(width=8))
    assert has_batch_norm(d)


def test_a_short_run_trains_and_evaluates():
    exp = ImageExperiment(ImageConfig(width=8, batch=16, seed=1), "cpu", full_data=False)
    rec = exp.train(steps=5)
    assert rec.step == 5 and 0 < rec.d_real < 1
    m = exp.evaluate(200)
    assert set(m) >= {"classes_covered", "class_kl", "mean_confidence", "fid", "fid_real"}
    assert m["fid"] > m["fid_real"]  # five steps in, nothing looks like a digit yet
    grid = image_grid(exp.samples(10), columns=5)
    assert grid.shape == (2 * 30 + 2, 5 * 30 + 2) and grid.dtype.name == "uint8"


@pytest.mark.parametrize("arch", ["dcgan", "seed004"])
def test_ema_copy_of_a_channels_last_generator_is_the_polyak_average_of_each_weight(arch):
    """The live G's kernels sit channels-last in its flat buffer; the EMA copy's buffer must match, or
    θ_ema ← β θ_ema + (1 − β) θ mixes different weights (samples turned to noise when it did not)."""
    exp = ImageExperiment(ImageConfig(arch=arch, width=8, batch=8, seed=0, ema=0.9,
                                      latent_dim=128 if arch == "seed004" else 100), "cpu", full_data=False)
    t = exp.trainer
    assert any(p.dim() == 4 and not p.is_contiguous() for p in t.generator.parameters())  # channels-last kernels
    before = [p.clone() for p in t.generator_ema.parameters()]
    t.step()
    for old, ema, new in zip(before, t.generator_ema.parameters(), t.generator.parameters()):
        assert torch.allclose(ema, 0.9 * old + 0.1 * new, atol=1e-6)
        assert not torch.allclose(new, old)


def test_bad_image_configs():
    for bad in (dict(arch="resnet"), dict(width=2), dict(data="cifar"), dict(lr_g=0.0)):
        with pytest.raises(GanlabError):
            ImageConfig(**bad)


def test_cli_images_json_samples_and_save(tmp_path, capsys):
    code = main(["images", "--steps", "3", "--width", "8", "--batch", "16", "--eval-samples", "100", "--json",
                 "--samples", str(tmp_path / "grid.png"), "--save", str(tmp_path / "g.safetensors"), "--threads", "1"])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("data", "arch", "objective", "steps", "seconds", "images_per_second", "classes_covered",
                "class_kl", "mean_confidence", "fid", "fid_real", "precision", "recall", "density", "coverage", "device"):
        assert key in result
    assert result["steps"] == 3 and result["arch"] == "dcgan"
    assert Image.open(tmp_path / "grid.png").size == (8 * 30 + 2, 8 * 30 + 2)
    assert (tmp_path / "g.safetensors").stat().st_size > 0
    assert main(["images", "--seconds", "-1"]) == 2
    assert "seconds" in capsys.readouterr().err


def test_sharing_the_fakes_is_the_textbook_iteration_with_z_g_equal_to_z_d():
    """The image trainer's generator step reuses the discriminator step's G(z) (one forward pass of G
    fewer). That is the same iteration as recomputing G(z) afresh for the same z (and labels): the
    parameters after three steps agree with a trainer that recomputes, fed z_G = z_D."""
    config = ImageConfig(arch="dcgan", width=8, batch=16, latent_dim=8, precision="fp32")
    shared, fresh = ImageExperiment(config, "cpu", full_data=False), ImageExperiment(config, "cpu", full_data=False)
    assert shared.trainer.share_fakes
    fresh.trainer.share_fakes = False
    draw = fresh.trainer.prior.sample
    fresh.trainer.prior.sample = lambda n, gen, *a: (lambda z: torch.cat([z[:n // 2], z[:n // 2]]))(draw(n, gen, *a))
    for _ in range(3):
        shared.trainer.step()
        fresh.trainer.step()
    for a, b in ((shared.trainer.g_flat, fresh.trainer.g_flat), (shared.trainer.d_flat, fresh.trainer.d_flat)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("options", [
    dict(), dict(arch="seed004", latent_dim=128), dict(objective="wgan-gp", n_critic=2),
    dict(objective="hinge", lipschitz="sn"), dict(objective="r3gan"), dict(pack=2), dict(conditional=True),
    dict(ema=0.9), dict(augment="translation,cutout"),
], ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_an_image_trainer_computes_the_same_with_either_layout(options):
    """Every image option, trained channels-last and in PyTorch's default layout from the same seed:
    the same losses and the same samples (a path that mixed the two layouts, as the EMA copy once
    did, would not be: its samples were noise). The layouts sum in different orders, and batch norm's
    cancellations leave gradients equal to about 1e-4, which three steps of a GAN amplify: hence the
    tolerances, and SGD, because Adam's first steps are lr·sign(g) and a gradient that batch norm
    makes zero up to rounding could flip sign between the layouts and move its weight by 2·lr."""
    config = ImageConfig(**{"width": 8, "batch": 8, "seed": 3, "optimizer": "sgd", "lr_g": 0.02, "lr_d": 0.02, **options})
    runs = [ImageExperiment(config, "cpu", full_data=False, channels_last=layout) for layout in (True, False)]
    assert any(not p.is_contiguous() for p in runs[0].trainer.generator.parameters() if p.dim() == 4)
    records = [[run.trainer.step() for _ in range(3)] for run in runs]
    for a, b in zip(*records):
        assert a.d_loss == pytest.approx(b.d_loss, rel=1e-2, abs=1e-2)
        assert a.g_loss == pytest.approx(b.g_loss, rel=1e-2, abs=1e-2)
    x, y = (run.samples(16) for run in runs)
    assert (x - y).abs().max() < 0.02
