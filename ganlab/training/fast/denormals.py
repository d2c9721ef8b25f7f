"""Denormal floats: why a toy GAN trains slower after ten seconds, and the switch that prevents it.

A float32 below 2⁻¹²⁶ ≈ 1.2·10⁻³⁸ is *denormal* (subnormal). x86 cores compute with such numbers
through a slow path, many times slower per operation. Adam keeps v ← β₂·v + (1 − β₂)·g² per
parameter; for a unit whose gradient has died (a ReLU that never fires), v decays geometrically
and spends thousands of steps in the denormal range. Measured on the 2-core Intel Xeon VM with the
``nonsaturating`` preset: no denormal v after 3 s (3,000 steps), 46 + 66 after 6 s, 4,626 of G's
8,642 and 3,327 of D's 8,577 after 15 s, and the trainer fell from about 1,020 to 900 steps/s.
With denormals flushed to zero it stays at 1,060–1,110.

Flushing changes nothing that matters to training: Adam divides by √v + ε with ε = 10⁻⁸, and
√(10⁻³⁸) = 10⁻¹⁹ is already far below ε. TensorFlow flushes denormals in its own threads by
default; PyTorch leaves it to the caller (``torch.set_flush_denormal``).

The x86 switch (the FTZ and DAZ bits of MXCSR) belongs to one thread, and a thread starts with
its creator's: ``flush_denormals`` sets it for the thread that trains and puts it back afterwards.
Intra-op worker threads started earlier keep their own setting, so this covers single-threaded
training: the toy trainers, which run on one thread.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

_DENORMAL = 1e-39  # between float32's smallest denormal (1.4e-45) and smallest normal (1.2e-38)


def denormals_flushed() -> bool:
    """Whether this thread computes with denormals as zero: ``1e-39 · 1 == 0`` on it."""
    return bool(torch.tensor(_DENORMAL, dtype=torch.float32).mul(1.0).item() == 0.0)


@contextmanager
def flush_denormals() -> Iterator[bool]:
    """Within the block, this thread flushes denormal floats to zero (yields False where the CPU
    cannot); afterwards it computes as it did before."""
    before = denormals_flushed()
    supported = torch.set_flush_denormal(True)
    try:
        yield supported
    finally:
        if not before:
            torch.set_flush_denormal(False)
