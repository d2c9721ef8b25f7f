"""What one training iteration will cost, worked out before any weight exists.

The networks are built on PyTorch's ``meta`` device (shapes, no memory) and one forward pass of each
is counted with PyTorch's FLOP formulas (2 FLOP per multiply-add of every matrix product and convolution).
With F_G and F_D the forward FLOPs per sample, B the batch, k the discriminator steps and m the pack
size (D sees B/m inputs of m samples), a backward pass costing about twice its forward pass, and a
gradient penalty (GP, R1, R2) costing about one more forward and backward of D:

    FLOP per iteration ≈ k · (B·F_G + 3·2B·F_D/m · (1 + penalty)) + 3·B·F_G + 3·B·F_D/m

Memory: every parameter is held 7 times in float32 (the weights, their gradient, Adam's two moments,
and the trainer's last good snapshot of weights and moments), and the activations of one step twice
(values and gradients) for the 2B samples of a D step and the B of the G step.

The live tabs refuse a network whose cost exceeds a session's share of the server
(``ganlab.ui.capacity.check_cost``); nothing is allocated before that check.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

COPIES_PER_PARAMETER = 7


@dataclass(frozen=True)
class StepCost:
    """Parameters of both networks, bytes of memory and FLOPs of one generator iteration."""

    parameters: int
    memory_bytes: float
    flops: float

    def describe(self) -> str:
        return (f"{self.parameters:,} parameters, about {self.memory_bytes / 2**30:.2f} GiB of memory and "
                f"{self.flops / 1e9:,.1f} GFLOP per step")


def forward_cost(net: nn.Module, *example: torch.Tensor) -> tuple[float, int]:
    """(FLOPs, activation numbers) of one forward pass of ``net`` on ``example`` (its inputs; meta
    tensors welcome): the FLOPs of its matrix products and convolutions, and the sizes of all its
    layers' outputs."""
    sizes: list[int] = []
    def record(_module, _inputs, out) -> None:
        sizes.append(out.numel() if isinstance(out, torch.Tensor) else 0)

    hooks = [m.register_forward_hook(record) for m in net.modules() if not list(m.children())]
    try:
        with _FlopCount() as counter, torch.no_grad():
            net(*example)
    finally:
        for hook in hooks:
            hook.remove()
    return float(counter.flops), sum(sizes)


class _FlopCount(TorchDispatchMode):
    """Counts FLOPs with PyTorch's formulas (``flop_counter.flop_registry``) in this thread only.
    (``FlopCounterMode`` itself also tracks modules with *global* hooks: a student sizing a network
    then broke another session's ``autograd.grad`` in another thread.)"""

    def __init__(self) -> None:
        super().__init__()
        self.flops = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        formula = flop_registry.get(func._overloadpacket)
        if formula is not None:
            self.flops += formula(*args, **kwargs, out_val=out)
        return out


def step_cost(build: Callable[[], tuple[nn.Module, nn.Module]], latent: int, sample_shape: tuple[int, ...],
              batch: int, n_critic: int, pack: int = 1, penalty: bool = False, conditional: bool = False) -> StepCost:
    """The cost of one iteration for the networks ``build()`` makes (called under the meta device).

    ``sample_shape``: one real sample, e.g. (2,) or (1, 28, 28); D's input is ``pack`` of them
    concatenated along the first axis. ``conditional``: the networks also take a class label."""
    with torch.device("meta"):
        g, d = build()
        label = (torch.zeros(1, dtype=torch.long),) if conditional else ()
        g_flops, g_act = forward_cost(g, torch.empty(1, latent), *label)
        d_input = (sample_shape[0] * pack, *sample_shape[1:])
        d_flops, d_act = forward_cost(d, torch.empty(1, *d_input), *label)
    parameters = sum(p.numel() for net in (g, d) for p in net.parameters())
    d_per_sample, d_act_per_sample = d_flops / pack, d_act / pack
    flops = (n_critic * (batch * g_flops + 3 * 2 * batch * d_per_sample * (2 if penalty else 1))
             + 3 * batch * g_flops + 3 * batch * d_per_sample)
    activations = 2 * 4 * (2 * batch * d_act_per_sample + batch * (g_act + d_act_per_sample))
    return StepCost(parameters, 4 * COPIES_PER_PARAMETER * parameters + activations, flops)
