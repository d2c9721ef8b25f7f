"""The GPU path. Skipped on machines without CUDA (the CI machine has none); run this file on a GPU
machine: `python -m pytest -q tests/training/test_cuda.py` (the README says where it last ran)."""
import json
import os
import shutil
import subprocess
import sys

import pytest
import torch
from conftest import ROOT

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")


def test_an_image_gan_trains_on_the_gpu_in_bf16_where_it_can():
    from ganlab.images.config import recommended_image_config
    from ganlab.images.experiment import ImageExperiment

    exp = ImageExperiment(recommended_image_config(seed=0), "cuda")
    assert exp.device.type == "cuda" and next(exp.trainer.generator.parameters()).is_cuda
    record = exp.train(steps=20)
    assert record is not None and exp.step == 20
    assert (exp.trainer.autocast is torch.bfloat16) == torch.cuda.is_bf16_supported()
    assert exp.samples(8).device.type == "cuda"


def test_one_timed_epoch_of_the_notebook_networks():
    from ganlab.bench import bench_epoch

    row = bench_epoch("seed004", 1024, 60_000, "cuda")
    print(f"\none epoch of 60,000 images, seed004 at batch 1024 on {row['device']}: {row['seconds_per_epoch']} s")
    assert row["steps"] == 59 and row["seconds_per_epoch"] > 0


@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs 2 GPUs for NCCL with one GPU per process")
def test_torchrun_with_nccl_on_two_gpus(tmp_path):
    torchrun = shutil.which("torchrun") or os.path.join(os.path.dirname(sys.executable), "torchrun")
    out = subprocess.run([torchrun, "--standalone", "--nproc-per-node=2", "-m", "ganlab", "images", "--steps", "5",
                          "--batch", "64", "--eval-samples", "20", "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])
    assert result["world_size"] == 2 and result["backend"] == "nccl" and result["batch_per_rank"] == 32
