"""The two updates of alternating SGD, written with autograd: the reference engine of ``Trainer``.

For a real batch x and fakes x̃ = G(z) (made without a graph, ``generate``):

    discriminator:  L = L_D(D(x), D(x̃)) [+ penalty at x̂, x or x̃];  ∂L/∂θ_D by autograd;  step
    generator:      L = L_G(D(G(z)));  ∂L/∂θ_G by autograd through D, whose weights get no gradient;  step

Any network, any objective, penalty, packing, augmentation, autocast or conditioning. The engines in
``training.fast`` must give the same numbers; tests hold them to that on every objective.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import torch

from ganlab.training.lipschitz import discriminator_penalty
from ganlab.training.packing import pack

if TYPE_CHECKING:
    from ganlab.training.trainer import Trainer

Tensor = torch.Tensor


class Batch(NamedTuple):
    """Samples and, for a class-conditional GAN, their labels."""

    x: Tensor
    y: Tensor | None = None


def _labels(a: Tensor | None, b: Tensor | None) -> Tensor | None:
    return None if a is None else torch.cat([a, b])


class AutogradUpdates:
    """D's and G's update by autograd, for any pair of networks (see the module's docstring)."""

    name = "autograd"

    def __init__(self, trainer: Trainer):
        self.t = trainer

    def generate(self, z: Tensor, k: int) -> list[Batch]:
        """x̃_i = G(z_i) for D's k steps, from the first k batches of ``z``, without a graph."""
        t, B = self.t, len(z) // (k + 1)
        fakes = []
        for i in range(k):
            y = t.sample_labels(B)
            with torch.no_grad(), t.precision():
                fakes.append(Batch(t.g(z[i * B:(i + 1) * B], y).float(), y))
        return fakes

    def update_discriminator(self, real: Batch, fake: Batch) -> list:
        """One step of D on ``real`` and ``fake``: [loss, gradient norm, outputs on real + fake, penalty]."""
        t, s = self.t, self.t.settings
        x, m = t.d_inputs(real.x, fake.x), s.pack
        half = len(x) // 2
        with t.precision():
            if t.separate_batches:  # batch norm: real and fake each get their own statistics
                out = torch.cat([t.d(x[:half], real.y), t.d(x[half:], fake.y)]).flatten()
            else:
                out = t.d(x, _labels(real.y, fake.y)).flatten()
        out = out.float()
        loss = t.objective.d_loss(out[:half], out[half:], 1.0 - s.label_smoothing)
        # conditional: x̂ (GP) and x (R1) are judged with the real labels, the fakes (R2) with their own
        judge_real = t.discriminator if real.y is None else (lambda inputs: t.d(inputs, real.y))
        judge_fake = t.discriminator if fake.y is None else (lambda inputs: t.d(inputs, fake.y))
        penalty = discriminator_penalty(t.lipschitz, judge_real, judge_fake, pack(real.x, m), pack(fake.x, m),
                                        s.gp_weight, s.r1_weight, t.rng)
        t.d_flat.grad.zero_()
        (loss if penalty is None else loss + penalty).backward()
        norm = t.finish_discriminator_update()
        return [loss.detach(), norm, out.detach(), None if penalty is None else penalty.detach()]

    def update_generator(self, z: Tensor) -> list[Tensor]:
        """One step of G on latents ``z`` with D held fixed: [loss, gradient norm]."""
        y = self.t.sample_labels(len(z))
        return self.step_generator(lambda: Batch(self.t.g(z, y), y))

    def step_generator(self, fakes: Callable[[], Batch]) -> list[Tensor]:
        """L_G(D(x̃)) for the fakes ``fakes()`` makes (with their graph), back through D into G alone."""
        t = self.t
        for p in t.discriminator.parameters():  # D is held fixed: no weight gradients are computed for it
            p.requires_grad_(False)
        try:
            with t.precision():
                real_out = self._real_outputs()
                fake = fakes()
                out = t.d(pack(t.d_input(fake.x), t.settings.pack), fake.y).flatten().float()
            loss = t.objective.g_loss(out, real_out) if t.objective.relativistic else t.objective.g_loss(out)
            t.g_flat.grad.zero_()
            loss.backward()
        finally:
            for p in t.discriminator.parameters():
                p.requires_grad_(True)
        return [loss.detach(), t.finish_generator_update()]

    def _real_outputs(self) -> Tensor | None:
        """A relativistic L_G pairs each fake with a real sample: D's outputs on the real batch of D's last
        step (None for the other objectives)."""
        t = self.t
        if not t.objective.relativistic:
            return None
        real = t.last_real if t.last_real is not None else t.real_batch(t.settings.batch)
        with torch.no_grad():
            return t.d(pack(t.d_input(real.x), t.settings.pack), real.y).flatten().float()
