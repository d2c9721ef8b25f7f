"""Channels-last activations from end to end, for oneDNN's CPU convolutions.

A convolution whose kernel is laid out channels-last (``flat.flatten_parameters(...,
channels_last=True)``) returns channels-last activations, and the batch norms and activations after
it keep that layout. Two layers break it: ``nn.Unflatten`` turns G's first linear layer's output into
an NCHW image, and ``nn.Flatten`` turns D's last feature map into a vector whose gradient comes back
as an NCHW image. An elementwise backward whose two inputs disagree in layout (a LeakyReLU's saved
channels-last input and an NCHW gradient) falls back to a slow strided loop: ten times slower than
with matching layouts on the Intel Xeon. ``keep_channels_last`` swaps those two layers for versions
that hand on channels-last tensors, forward and backward. Every number stays the same (the vector
is still flattened in C, H, W order); only the memory order of the images changes.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn


class _FlattenGradChannelsLast(torch.autograd.Function):
    """x.flatten(1) forward; the gradient goes back as a channels-last image."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        ctx.shape = x.shape
        return x.flatten(1)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        return grad.reshape(ctx.shape).contiguous(memory_format=torch.channels_last)


class FlattenChannelsLast(nn.Flatten):
    """``nn.Flatten`` (from dimension 1) whose gradient is a channels-last image."""

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() == 4 and self.start_dim == 1 and self.end_dim == -1:
            return _FlattenGradChannelsLast.apply(x)
        return super().forward(x)


class UnflattenChannelsLast(nn.Unflatten):
    """``nn.Unflatten`` whose 4-d output is laid out channels-last (its gradient then arrives that way)."""

    def forward(self, x: Tensor) -> Tensor:
        out = super().forward(x)
        return out.contiguous(memory_format=torch.channels_last) if out.dim() == 4 else out


def keep_channels_last(module: nn.Module) -> nn.Module:
    """Swap every ``nn.Flatten`` and ``nn.Unflatten`` inside ``module`` for its channels-last twin
    (in place; no parameters change). Returns ``module``."""
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if type(child) is nn.Flatten:
                setattr(parent, name, FlattenChannelsLast(child.start_dim, child.end_dim))
            elif type(child) is nn.Unflatten:
                setattr(parent, name, UnflattenChannelsLast(child.dim, child.unflattened_size))
    return module
