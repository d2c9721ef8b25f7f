"""Speed without changing the numbers: the faster engines of ``Trainer`` and the CPU tuning under them.

``Trainer.step`` is the lectures' loop; ``training.updates.AutogradUpdates`` makes its two updates
with autograd, for any network. ``pick_engine`` swaps in a faster engine where one applies:

| engine | used when | what it buys |
|---|---|---|
| ``mlp_updates.HandWrittenMLPUpdates`` | both networks are ``MLP``s with ReLU, leaky ReLU or tanh in float32 (the toy GANs), unconditional; every objective and Lipschitz method | 2–4× the steps/s of the plain PyTorch loop on one thread (``python -m ganlab bench toy``; the figures per objective and CPU are in docs/benchmarks.md) |
| ``shared_fakes.SharedFakeUpdates`` | image GANs (``share_fakes``) with k = 1 | one of G's three forward passes per iteration |
| ``training.updates.AutogradUpdates`` | everything else | the reference |

Under every engine, each documented in its own module:

- ``flat``: one contiguous parameter (and gradient) buffer per network, so an optimiser steps one
  tensor (``training.optim.FlatAdam``) and a norm or a clip is one operation;
- ``memory_format``: convolution kernels and activations channels-last on a CPU (oneDNN's layout);
- ``allocator``: glibc's malloc keeps a step's freed memory for the next step (no page faults);
- ``denormals``: float32 denormals flushed to zero while a toy trains (Adam's v of dead units).

Tests run every engine against the autograd one on the same seeds and hold their records to 1e-5.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ganlab.training.fast.mlp_updates import HandWrittenMLPUpdates
from ganlab.training.fast.shared_fakes import SharedFakeUpdates
from ganlab.training.updates import AutogradUpdates

if TYPE_CHECKING:
    from ganlab.training.trainer import Trainer


def pick_engine(trainer: Trainer) -> AutogradUpdates | HandWrittenMLPUpdates:
    """The fastest engine that computes ``trainer``'s updates (see the table above)."""
    if trainer.fast and HandWrittenMLPUpdates.applies(trainer):
        return HandWrittenMLPUpdates(trainer)
    if trainer.fast and trainer.share_fakes and trainer.settings.n_critic == 1:
        return SharedFakeUpdates(trainer)
    return AutogradUpdates(trainer)
