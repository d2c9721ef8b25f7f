"""A network's layers with the shapes they really produce (read from a forward pass, not written by hand)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class LayerRow:
    index: int
    layer: str  # e.g. "ConvTranspose2d(128, 64, kernel 4, stride 2, padding 1)"
    output_shape: tuple[int, ...]  # without the batch dimension
    parameters: int


def _describe(m: nn.Module) -> str:
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        return (f"{type(m).__name__}({m.in_channels} → {m.out_channels}, kernel {m.kernel_size[0]}, "
                f"stride {m.stride[0]}, padding {m.padding[0]})")
    if isinstance(m, nn.Linear):
        return f"Linear({m.in_features} → {m.out_features})"
    if isinstance(m, nn.BatchNorm2d):
        return f"BatchNorm2d({m.num_features})"
    if isinstance(m, nn.LeakyReLU):
        return f"LeakyReLU({m.negative_slope})"
    if isinstance(m, nn.Unflatten):
        return f"reshape to {tuple(m.unflattened_size)}"
    return type(m).__name__


@torch.no_grad()
def layer_table(network: nn.Module, input_shape: tuple[int, ...]) -> list[LayerRow]:
    """Run one sample of ``input_shape`` (no batch dim) through ``network`` and record every leaf layer."""
    rows: list[LayerRow] = []
    leaves = [m for m in network.modules() if not list(m.children())]

    def hook(module, _inputs, output):
        rows.append(LayerRow(len(rows) + 1, _describe(module), tuple(output.shape[1:]),
                             sum(p.numel() for p in module.parameters(recurse=False))))

    handles = [m.register_forward_hook(hook) for m in leaves]
    was_training = network.training
    network.eval()
    try:
        network(torch.zeros(1, *input_shape))
    finally:
        network.train(was_training)
        for h in handles:
            h.remove()
    return rows
