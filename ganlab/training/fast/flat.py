"""One contiguous buffer for all of a network's parameters (and one for their gradients).

Each parameter of the module becomes a view into ``flat`` and each ``.grad`` a view into
``flat.grad``, so an optimiser steps one tensor instead of many, a gradient norm is one
reduction, and weight clipping is one clamp. Autograd accumulates into the existing ``.grad``
views in place, and the hand-written backprop writes into them with ``out=``; gradients are
reset with ``flat.grad.zero_()``, never by setting them to None.
"""
from __future__ import annotations

import torch
from torch import nn


def flatten_parameters(module: nn.Module, channels_last: bool = False) -> nn.Parameter:
    """Re-seat ``module``'s parameters as views of one new flat ``nn.Parameter``; returns it.

    ``channels_last``: 4-d parameters (convolution kernels) are laid out (N, H, W, C) in the buffer and
    viewed with channels-last strides, the layout oneDNN's CPU convolutions prefer."""
    params = [p for p in module.parameters()]
    if not params:
        raise ValueError("module has no parameters")

    def last(p):
        return channels_last and p.dim() == 4

    with torch.no_grad():
        flat = nn.Parameter(torch.cat([(p.detach().permute(0, 2, 3, 1) if last(p) else p.detach()).reshape(-1)
                                       for p in params]))
    flat.grad = torch.zeros_like(flat)
    offset = 0
    for p in params:
        n = p.numel()
        for attr, buffer in (("data", flat.data), ("grad", flat.grad)):
            segment = buffer[offset:offset + n]
            if last(p):
                n_, c, h, w = p.shape
                view = segment.view(n_, h, w, c).permute(0, 3, 1, 2)
            else:
                view = segment.view_as(p)
            setattr(p, attr, view)
        offset += n
    return flat
