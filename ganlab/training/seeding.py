"""Reproducible use of PyTorch's global random generator in a multi-threaded server.

Layer constructors (and spectral norm's power-iteration vectors) draw from the *global* torch
RNG. With several sessions building networks at once, seeding that RNG is a race; ``seeded``
serialises those blocks and restores the global state afterwards. Everything else in ganlab
draws from explicit ``torch.Generator`` objects.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

_LOCK = threading.Lock()


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run the block with the global CPU RNG seeded to ``seed``; one thread at a time."""
    with _LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
