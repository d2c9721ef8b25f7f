"""Batches keyed by their place in the loop: runs that share a seed see the same data, step by step.

A trainer normally draws every batch from one random stream, in the order its loop asks. Two runs
with the same seed then see the same batches only while they ask for the same things: a critic
with k = 5 draws five real batches per iteration where a discriminator with k = 1 draws one, and
after the first iteration their streams part. To compare training *methods* fairly (the loss lanes)
every draw is keyed instead by where it falls:

    z for D's i-th step of iteration t     ←  stream (seed, t, "z", i)
    x for D's i-th step of iteration t     ←  stream (seed, t, "x", i)
    z for G's step of iteration t          ←  stream (seed, t, "z", G)

so iteration t's i-th real batch is the same in every run, whatever its k, its loss or its penalty
(the penalty's own draws, GP's α, stay on the trainer's stream: they are part of the method).
"""
from __future__ import annotations

from collections.abc import Callable

import torch

from ganlab.training.priors import Prior

_G = 255  # the generator's slot (k is at most 100)


class LockstepDraws:
    """One trainer's keyed draws (make one per trainer, each from the same seed, to share batches)."""

    def __init__(self, seed: int, device: torch.device | str = "cpu"):
        self.seed = int(seed)
        self.gen = torch.Generator(device=device)
        self._iteration, self._real_drawn = -1, 0

    def stream(self, t: int, kind: int, i: int) -> torch.Generator:
        """The generator for draw ``kind`` (0: z, 1: x) of slot ``i`` in iteration ``t``, freshly seeded."""
        return self.gen.manual_seed(((self.seed * 1_000_003 + t) * 2 + kind) * 256 + i)

    def latents(self, prior: Prior, t: int, n: int, batch: int) -> torch.Tensor:
        """Iteration t's latents: n = (k + 1)·B gives z_1 … z_k for D's steps then z_{k+1} for G's,
        n = B gives G's alone."""
        blocks = max(1, n // batch)
        slots = [*range(blocks - 1), _G]
        return torch.cat([prior.sample(batch, self.stream(t, 0, i)) for i in slots])

    def real(self, sample_real: Callable, t: int, n: int):
        """Iteration t's next real batch (the i-th asked for in this iteration comes from slot i)."""
        if t != self._iteration:
            self._iteration, self._real_drawn = t, 0
        i, self._real_drawn = self._real_drawn, self._real_drawn + 1
        return sample_real(n, self.stream(t, 1, i))
