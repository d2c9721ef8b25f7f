"""Optimisers for one flat parameter buffer (see ``flat.py``).

Adam, for step t with gradient g_t (bias-corrected, as in Kingma & Ba):

    m_t = β1 m_{t−1} + (1 − β1) g_t,      v_t = β2 v_{t−1} + (1 − β2) g_t²
    θ_t = θ_{t−1} − lr · (m_t / (1 − β1^t)) / (√(v_t / (1 − β2^t)) + ε)

RMSprop (Hinton's lecture 6e; WGAN's optimiser), with α the decay of the squared-gradient average:

    v_t = α v_{t−1} + (1 − α) g_t²,       θ_t = θ_{t−1} − lr · g_t / (√v_t + ε)

PyTorch's fused kernel does Adam's update in one pass over the buffer. Its generic
``Optimizer.step`` wrapper (hooks, grouping tensors by device and dtype, per-step checks) costs
several times the kernel itself when the buffer holds a toy MLP's ~10,000 numbers, so
``FlatAdam`` calls the kernel directly (its instances' ``step`` also skips the profiling and
hook wrapper that ``Optimizer`` puts around every ``step``). It *is* a ``torch.optim.Adam``: same
state, same ``state_dict``, same numbers.
"""
from __future__ import annotations

import torch

from ganlab.errors import GanlabError


class _FlatStep:
    """An optimiser over one flat tensor whose ``step`` skips ``Optimizer.step``'s generic wrapper once
    its state exists (the first step, and one with a closure, go through the generic path, which
    creates the state). Subclasses write the update itself, ``_update(state, group)``."""

    def _bind(self, flat: torch.nn.Parameter) -> None:
        self._flat = flat
        self.step = self._flat_step  # this instance's step, without the class's wrapper

    @torch.no_grad()
    def _flat_step(self, closure=None):
        state = self.state[self._flat]
        if not state or closure is not None:
            return super().step(closure)
        state["step"].add_(1)
        self._update(state, self.param_groups[0])
        return None


class FlatAdam(_FlatStep, torch.optim.Adam):
    """``torch.optim.Adam(fused=True)`` over a single tensor, stepped without the generic wrapper."""

    def __init__(self, flat: torch.nn.Parameter, lr: float, betas: tuple[float, float]):
        super().__init__([flat], lr=lr, betas=betas, fused=True)
        self._bind(flat)

    def _update(self, state: dict, group: dict) -> None:
        """One Adam update of the flat buffer by the fused kernel (the formula in the module docstring)."""
        beta1, beta2 = group["betas"]
        torch._fused_adam_([self._flat], [self._flat.grad], [state["exp_avg"]], [state["exp_avg_sq"]], [],
                           [state["step"]], amsgrad=False, lr=group["lr"], beta1=beta1, beta2=beta2,
                           weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"])


class FlatRMSprop(_FlatStep, torch.optim.RMSprop):
    """``torch.optim.RMSprop`` (no momentum, not centred) over a single tensor, stepped without the
    generic wrapper: three in-place passes over the buffer, the same arithmetic as PyTorch's."""

    def __init__(self, flat: torch.nn.Parameter, lr: float, alpha: float):
        super().__init__([flat], lr=lr, alpha=alpha)
        self._bind(flat)

    def _update(self, state: dict, group: dict) -> None:
        """One RMSprop update of the flat buffer (the formula in the module docstring)."""
        grad, square_avg = self._flat.grad, state["square_avg"]
        square_avg.mul_(group["alpha"]).addcmul_(grad, grad, value=1 - group["alpha"])
        self._flat.addcdiv_(grad, square_avg.sqrt().add_(group["eps"]), value=-group["lr"])


def make_optimizer(name: str, params, lr: float, betas: tuple[float, float]) -> torch.optim.Optimizer:
    """Adam(lr, betas), RMSprop(lr, α = β2) or SGD(lr, momentum = β1); fused kernels where available."""
    params = list(params)
    if name == "adam":
        if len(params) == 1:
            try:
                return FlatAdam(params[0], lr, betas)
            except (RuntimeError, TypeError):
                pass
        try:
            return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
        except (RuntimeError, TypeError):
            return torch.optim.Adam(params, lr=lr, betas=betas, foreach=True)
    if name == "rmsprop":
        alpha = betas[1] if betas[1] > 0 else 0.99
        if len(params) == 1:
            return FlatRMSprop(params[0], lr, alpha)
        return torch.optim.RMSprop(params, lr=lr, alpha=alpha, foreach=True)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=betas[0], foreach=True)
    raise GanlabError(f"unknown optimizer '{name}'")
