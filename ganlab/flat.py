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


def flatten_parameters(module: nn.Module) -> nn.Parameter:
    """Re-seat ``module``'s parameters as views of one new flat ``nn.Parameter``; returns it."""
    params = [p for p in module.parameters()]
    if not params:
        raise ValueError("module has no parameters")
    with torch.no_grad():
        flat = nn.Parameter(torch.cat([p.detach().reshape(-1) for p in params]))
    flat.grad = torch.zeros_like(flat)
    offset = 0
    for p in params:
        n = p.numel()
        p.data = flat.data[offset:offset + n].view_as(p)
        p.grad = flat.grad[offset:offset + n].view_as(p)
        offset += n
    return flat
