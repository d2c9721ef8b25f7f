"""One forward pass of G fewer per iteration, for image GANs with k = 1 (the PyTorch DCGAN tutorial's loop).

With one discriminator step per iteration, G does not change between D's step and G's: the fakes
x̃ = G(z) that D just judged can serve the generator step too, graph and all. That is the textbook
iteration with z_G = z_D (rather than a fresh z_{k+1}) and saves one of the three forward passes of
G per iteration. Autograd otherwise, as ``training.updates.AutogradUpdates``.
"""
from __future__ import annotations

import torch

from ganlab.training.updates import AutogradUpdates, Batch

Tensor = torch.Tensor


class SharedFakeUpdates(AutogradUpdates):
    """``AutogradUpdates`` whose generator step reuses the discriminator step's G(z) (k = 1 only)."""

    name = "autograd, shared G(z)"

    def generate(self, z: Tensor, k: int) -> list[Batch]:
        t, B = self.t, len(z) // (k + 1)
        y = t.sample_labels(B)
        with t.precision():
            fake = t.g(z[:B], y)
        self.kept = Batch(fake, y)  # with its graph, for the generator step
        return [Batch(fake.detach().float(), y)]

    def update_generator(self, z: Tensor) -> list[Tensor]:
        kept, self.kept = getattr(self, "kept", None), None
        if kept is None:  # no discriminator step came first (its z was dropped by a setting change)
            return super().update_generator(z)
        return self.step_generator(lambda: kept)
