"""Scaling out with torchrun: two CPU processes (gloo) against one process fed the union of their shards."""
import json
import os
import shutil
import subprocess
import sys

import pytest
import torch
from conftest import ROOT
from safetensors.torch import load_file

from ganlab.images.data import load_images
from ganlab.images.config import recommended_image_config
from ganlab.images.experiment import ImageExperiment
from ganlab.training.distributed import RANK_SEED_STRIDE, GlobalBatchNorm2d, World
from ganlab.training.priors import Prior

TORCHRUN = shutil.which("torchrun") or os.path.join(os.path.dirname(sys.executable), "torchrun")
STEPS, BATCH, SEED = 3, 16, 0


def _torchrun(tmp_path, *flags: str) -> tuple[dict, dict]:
    """Run `torchrun --standalone --nproc-per-node=2 -m ganlab images ...`; (its JSON, rank 0's weights)."""
    saved = str(tmp_path / "ddp.safetensors")
    cmd = [TORCHRUN, "--standalone", "--nproc-per-node=2", "-m", "ganlab", "images", "--steps", str(STEPS),
           "--batch", str(BATCH), "--seed", str(SEED), "--precision", "fp32", "--eval-samples", "20",
           "--save", saved, "--json", *flags]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, out.stdout  # rank 0 alone prints
    return json.loads(lines[0]), load_file(saved)


class _UnionPrior:
    """What the two ranks draw, as one batch: rank r's latents from rank r's random stream. With
    k = 1 an iteration draws 2b latents per rank (b for D's step, b for G's); the union puts both
    ranks' first halves first, so that the one-process trainer uses the same z where they do."""

    def __init__(self, latent_dim, rngs):
        self.prior, self.rngs = Prior("gaussian", latent_dim), rngs

    def sample(self, n, generator=None, device="cpu"):
        z0, z1 = (self.prior.sample(n // 2, rng) for rng in self.rngs)
        half = n // 4
        return torch.cat([z0[:half], z1[:half], z0[half:], z1[half:]])


def _union_reference(config):
    """One process with the global batch, fed exactly what rank 0 and rank 1 would draw."""
    rngs = [torch.Generator().manual_seed(config.seed + 1 + rank * RANK_SEED_STRIDE) for rank in range(2)]
    shards = [load_images(config.data).shard(rank, 2) for rank in range(2)]
    exp = ImageExperiment(config, "cpu")
    exp.trainer.prior = _UnionPrior(config.latent, rngs)
    exp.trainer.sample_real = lambda n, gen: torch.cat([shards[r].sample(n // 2, rngs[r])[0] for r in range(2)])
    exp.train(steps=STEPS)
    return exp


def _differences(saved, exp) -> torch.Tensor:
    """|weight of the torchrun job − weight of the one-process run|, every weight of G and D."""
    parts = []
    for prefix, net in (("generator", exp.trainer.generator), ("discriminator", exp.trainer.discriminator)):
        for key, value in net.state_dict().items():
            if value.is_floating_point():
                parts.append((saved[f"{prefix}.{key}"] - value.detach()).abs().flatten())
    return torch.cat(parts)


def _assert_same_weights(saved, exp):
    assert _differences(saved, exp).max().item() < 1e-5


def test_two_processes_take_the_same_steps_as_one_process_fed_both_shards(tmp_path):
    """seed004 (no batch norm): G's and D's weights after 3 steps equal the one-process run's to 1e-5,
    and rank 0 prints one JSON line with the job's size, batches and speed."""
    result, saved = _torchrun(tmp_path, "--arch", "seed004")
    assert result["world_size"] == 2 and result["backend"] == "gloo"
    assert result["batch_per_rank"] == BATCH // 2 and result["global_batch"] == BATCH
    assert result["steps"] == STEPS and result["images_per_second"] > 0
    config = recommended_image_config(arch="seed004", batch=BATCH, seed=SEED, precision="fp32", lr_decay_steps=STEPS)
    _assert_same_weights(saved, _union_reference(config))


def test_batch_norm_over_the_global_batch_keeps_the_two_runs_equal(tmp_path):
    """The DCGAN has batch norm. Without --sync-bn each rank normalises with the mean and variance of
    its own b = B/2 samples, so its gradients are not the one-process run's (which normalises over all
    B): after 3 steps most weights differ. With --sync-bn (GlobalBatchNorm2d: the sums all-reduced,
    differentiably) they agree to 1e-5, but for a handful of the 383,970 (4 here): the statistics
    are summed in another order, and where a gradient entry nearly cancels to 0, Adam, which divides
    it by its own running size, turns that rounding into part of a step (up to 9e-5, lr_G = 3e-3)."""
    config = recommended_image_config(batch=BATCH, seed=SEED, precision="fp32", lr_decay_steps=STEPS)
    reference = _union_reference(config)
    _, synced = _torchrun(tmp_path, "--sync-bn")
    synced_diff = _differences(synced, reference)
    assert (synced_diff > 1e-5).sum().item() <= 20 and synced_diff.max().item() < 0.1 * config.lr_g
    _, local = _torchrun(tmp_path)
    local_diff = _differences(local, reference)
    assert (local_diff > 1e-5).float().mean().item() > 0.5


def test_global_batch_norm_alone_is_batch_norm():
    torch.manual_seed(0)
    plain, synced = torch.nn.BatchNorm2d(4), GlobalBatchNorm2d(4)
    x = torch.randn(8, 4, 5, 5) * 3 + 1
    torch.testing.assert_close(synced(x), plain(x))
    torch.testing.assert_close(synced.running_var, plain.running_var)


def test_a_global_batch_that_does_not_divide_among_the_processes_is_refused():
    from ganlab.errors import GanlabError

    with pytest.raises(GanlabError, match="divide evenly"):
        ImageExperiment(recommended_image_config(batch=15), "cpu", world=World(0, 2))


def test_the_gradient_penalty_and_a_conditional_gan_train_under_torchrun(tmp_path):
    """WGAN-GP with a class-conditional DCGAN critic: the penalty and the labels are per sample, so
    each process's share needs nothing more than the averaged gradients; a short job runs and its
    weights stay finite."""
    result, saved = _torchrun(tmp_path, "--objective", "wgan-gp", "--lipschitz", "gp", "--conditional")
    assert result["world_size"] == 2 and result["steps"] == STEPS and result["lipschitz"] == "gp"
    assert all(torch.isfinite(v).all() for v in saved.values() if v.is_floating_point())
