"""An exponential moving average (Polyak/EMA) copy of the generator, used for sampling.

After every generator step the averaged weights follow the live ones,

    θ_ema ← β θ_ema + (1 − β) θ,

which smooths out the oscillation of the last few hundred steps. Batch-norm running statistics
are not weights: the copy takes G's, and before it samples they are recomputed from the copy's own
forward passes (``recalibrate_batch_norm``), since the averaged weights never produced G's.
"""
from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from torch import nn

from ganlab.training.fast.flat import flatten_parameters


@torch.no_grad()
def recalibrate_batch_norm(net: nn.Module, make_inputs: Callable[[], tuple], batches: int = 50) -> None:
    """Replace ``net``'s batch-norm running statistics by their exact averages over ``batches`` forward
    passes in training mode (momentum None = cumulative mean); ``net`` is left in eval mode."""
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    saved = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    net.train()
    for _ in range(batches):
        net(*make_inputs())
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
    net.eval()


class AveragedGenerator:
    """The EMA copy ``net`` of a generator whose parameters live in the flat buffer ``source_flat``."""

    def __init__(self, generator: nn.Module, channels_last: bool = False):
        """``channels_last`` must match how G's own flat buffer was laid out (``flat.flatten_parameters``):
        the update mixes the two buffers element by element."""
        self.net = copy.deepcopy(generator).requires_grad_(False)
        self.flat = flatten_parameters(self.net, channels_last)
        self.calibrated_at = -1  # the step at which ``net`` last got batch-norm statistics of its own

    @torch.no_grad()
    def update(self, source_flat: torch.Tensor, source: nn.Module, beta: float) -> None:
        """θ_ema ← β θ_ema + (1 − β) θ; buffers (batch-norm statistics) are copied."""
        self.flat.lerp_(source_flat, 1.0 - beta)
        for b_ema, b in zip(self.net.buffers(), source.buffers()):
            b_ema.copy_(b)

    def recalibrate(self, step: int, make_inputs: Callable[[], tuple], batches: int = 50) -> None:
        """Batch-norm statistics of the copy's own, recomputed at most once per training ``step``."""
        if self.calibrated_at != step:
            self.calibrated_at = step
            recalibrate_batch_norm(self.net, make_inputs, batches)
