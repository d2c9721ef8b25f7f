"""The two updates for toy MLPs with hand-written backprop: the autograd engine's numbers, less overhead.

A toy step is dominated not by arithmetic but by per-operation overhead (building and walking the
autograd graph, allocating). For an MLP the gradients are written out in ``fast.backprop`` (and the
gradient penalty and R1, which need second derivatives, in ``fast.penalty_backprop``); the loss's
gradient in D's outputs comes from the objective's closed form (``Objective.d_loss_and_grad``).
Besides, G runs once over all k + 1 latent batches of an iteration: D's steps do not change G, so
the generator step reuses the last batch's forward pass.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from ganlab.training.fast.backprop import ManualMLP, supports
from ganlab.training.fast.penalty_backprop import manual_discriminator_penalty
from ganlab.training.packing import pack, unpack
from ganlab.training.updates import Batch

if TYPE_CHECKING:
    from ganlab.training.trainer import Trainer

Tensor = torch.Tensor


class HandWrittenMLPUpdates:
    """D's and G's update by hand-written backprop, for MLPs ``fast.backprop.supports`` (ReLU, leaky ReLU
    or tanh; float32; spectral norm allowed) and every objective and Lipschitz method."""

    name = "hand-written MLP backprop"

    @staticmethod
    def applies(trainer: Trainer) -> bool:
        return not trainer.num_classes and supports(trainer.generator) and supports(trainer.discriminator)

    def __init__(self, trainer: Trainer):
        self.t = trainer
        self.g, self.d = ManualMLP(trainer.generator), ManualMLP(trainer.discriminator)
        self._g_pass: tuple | None = None

    def generate(self, z: Tensor, k: int) -> list[Batch]:
        """G over all k + 1 batches in one pass; the last batch's pass is kept for the generator step."""
        B = len(z) // (k + 1)
        fakes, cache = self.g.forward(z)
        self._g_pass = (fakes[k * B:], [c[k * B:] for c in cache])  # cache[0]: the generator step's latents
        return [Batch(fakes[i * B:(i + 1) * B]) for i in range(k)]

    def update_discriminator(self, real: Batch, fake: Batch) -> list:
        t, s = self.t, self.t.settings
        out, cache = self.d.forward(t.d_inputs(real.x, fake.x))
        loss, grad = t.objective.d_loss_and_grad(out, 1.0 - s.label_smoothing)
        self.d.backward(cache, grad)  # writes ∂L/∂θ_D into the flat gradient buffer
        m = s.pack
        penalty = manual_discriminator_penalty(t.lipschitz, self.d, pack(real.x, m), pack(fake.x, m), s.gp_weight,
                                               s.r1_weight, t.rng)  # adds its own ∂/∂θ_D
        norm = t.finish_discriminator_update()
        return [loss, norm, out, penalty]

    def update_generator(self, z: Tensor) -> list[Tensor]:
        t, m = self.t, self.t.settings.pack
        g_pass, self._g_pass = self._g_pass, None
        if not _same(g_pass, z):  # no discriminator step made it (a setting change, a rollback in between)
            g_pass = self.g.forward(z)
        fake, g_cache = g_pass
        real_out = None
        if t.objective.relativistic:  # D's verdict on the real batch of D's last step, each paired with one fake
            real = t.last_real if t.last_real is not None else t.real_batch(t.settings.batch)
            real_out = self.d.forward(pack(t.d_input(real.x), m))[0]
        out, d_cache = self.d.forward(pack(t.d_input(fake), m))
        loss, grad = t.objective.g_loss_and_grad(out, real_out)
        grad_x = self.d.backward(d_cache, grad, param_grads=False, input_grad=True)  # D's weights: no gradient
        self.g.backward(g_cache, unpack(grad_x, m, fake))
        return [loss, t.finish_generator_update()]


def _same(g_pass: tuple | None, z: Tensor) -> bool:
    """Whether ``g_pass`` is G's forward pass on the latents ``z`` (the same rows of the same tensor)."""
    return g_pass is not None and g_pass[1][0].data_ptr() == z.data_ptr() and g_pass[1][0].shape == z.shape
