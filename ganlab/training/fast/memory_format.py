"""Channels-last activations from end to end, for oneDNN's CPU convolutions.

A convolution whose kernel is laid out channels-last (``flat.flatten_parameters(...,
channels_last=True)``) returns channels-last activations, and the batch norms and activations after
it keep that layout. Two layers break it: ``nn.Unflatten`` turns G's first linear layer's output into
an NCHW image, and ``nn.Flatten`` turns D's last feature map into a vector whose gradient comes back
as an NCHW image. An elementwise backward whose two inputs disagree in layout (a LeakyReLU's saved
channels-last input and an NCHW gradient) falls back to a slow strided loop: ten times slower than
with matching layouts on the Intel Xeon. ``keep_channels_last`` swaps those two layers for versions
that hand on channels-last tensors, forward and backward. Every number stays the same; only the
memory order of the images changes.

Where a ``Flatten`` feeds a ``Linear`` (D's last layer), flattening in C, H, W order would copy the
feature map, and its gradient back. Instead the image is flattened in the order it sits in memory,
H, W, C (a view), and the linear layer's weight is read in the same order:

    y = W · vec_CHW(x) + b = W_HWC · vec_HWC(x) + b,   W_HWC[o, (h, w, c)] = W[o, (c, h, w)],

a permutation of a few thousand weights in place of two copies of the batch's feature maps
(2–5% of a DCGAN step on the Intel Xeon, width 32 or 64, one thread or two).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
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


class KeepImage(nn.Flatten):
    """A ``Flatten`` that hands a 4-d image on unflattened, to the ``LinearOverImage`` after it."""

    def forward(self, x: Tensor) -> Tensor:
        return x if x.dim() == 4 else super().forward(x)


class LinearOverImage(nn.Linear):
    """``nn.Linear`` on ``vec_CHW(x)`` of a 4-d image x, computed as W_HWC · vec_HWC(x) + b: for a
    channels-last x, vec_HWC is a view, not a copy (its gradient comes back channels-last too)."""

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4:
            return super().forward(x)
        n, c, h, w = x.shape
        weight = self.weight.view(-1, c, h, w).permute(0, 2, 3, 1).reshape(self.out_features, -1)
        return F.linear(x.permute(0, 2, 3, 1).reshape(n, -1), weight, self.bias)


def _flattens_all(flatten: nn.Flatten) -> bool:
    return flatten.start_dim == 1 and flatten.end_dim == -1


def keep_channels_last(module: nn.Module) -> nn.Module:
    """Swap every ``nn.Flatten`` and ``nn.Unflatten`` inside ``module`` for its channels-last twin,
    or, for a ``Flatten`` directly followed by a plain ``nn.Linear``, the pair for ``KeepImage`` and
    ``LinearOverImage`` (in place; the parameters stay the same objects, so the state dict and the
    flat buffer are unchanged). Returns ``module``."""
    for parent in list(module.modules()):
        children = list(parent.named_children())
        for i, (name, child) in enumerate(children):
            following = children[i + 1][1] if i + 1 < len(children) else None
            if type(child) is nn.Flatten and _flattens_all(child) and type(following) is nn.Linear:
                setattr(parent, name, KeepImage(child.start_dim, child.end_dim))
                following.__class__ = LinearOverImage  # same parameters, another forward
            elif type(child) is nn.Flatten:
                setattr(parent, name, FlattenChannelsLast(child.start_dim, child.end_dim))
            elif type(child) is nn.Unflatten:
                setattr(parent, name, UnflattenChannelsLast(child.dim, child.unflattened_size))
    return module
