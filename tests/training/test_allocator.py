"""keep_freed_memory: a loop that allocates and frees the same large blocks stops page-faulting.

Each case runs in a fresh interpreter, because glibc's malloc settings belong to the process."""
import json
import os
import subprocess
import sys

import pytest

from ganlab.training.fast.allocator import MMAP_THRESHOLD

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LOOP = """
import json, resource, sys
import torch
from ganlab.training.fast.allocator import keep_freed_memory, return_freed_memory
took = keep_freed_memory() if sys.argv[1] == "keep" else None
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
x = torch.ones(1024, 1024)
def step():  # 16 + 32 + 32 MiB of activations, written and freed
    a = torch.mul(x, 2).repeat(4, 1)
    b = torch.mul(a, 3).repeat(2, 1)
    c = b + 1
    del a, b, c
step()  # the first steps touch their pages once either way (the heap's layout settles in two)
step()
counts = []
for _ in range(11):
    before = faults()
    step()
    counts.append(faults() - before)
median = sorted(counts)[5]  # the kernel adds a few faults of its own now and then
print(json.dumps({"took": took, "faults_per_step": median, "trimmed": return_freed_memory()}))
"""


def _run(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", LOOP, mode], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=ROOT))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_freed_memory_is_reused_instead_of_faulted_in_again():
    default, kept = _run("default"), _run("keep")
    assert kept["took"] is True
    # 80 MiB of blocks a step: by default (above glibc's largest dynamic mmap threshold, 32 MiB, or
    # trimmed from the heap's top) most of their 4 KiB pages fault in again every step
    assert default["faults_per_step"] > 4000, default
    # kept on the heap: the same pages serve every step
    assert kept["faults_per_step"] < 200, kept
    assert kept["trimmed"] is True  # and malloc_trim can still hand them back at the end


def test_the_threshold_covers_a_training_steps_largest_tensor():
    """seed004's largest activation at batch 256 (G's 128 × 28 × 28 maps, 103 MB) stays below it."""
    assert MMAP_THRESHOLD > 256 * 128 * 28 * 28 * 4
