"""The alternating-SGD loop of the lectures (Goodfellow et al. 2014, Algorithm 1).

One ``Trainer.step()`` is one generator iteration:

    z_1 … z_{k+1} ~ p_z                                    (drawn together)
    for i = 1 … k:                                         # the discriminator (or critic) learns
        x ~ p_r,  x̃ = G(z_i)                               (no gradient reaches G)
        θ_D ← θ_D − η_D ∇θ_D [L_D(D(x), D(x̃)) + penalty]   (then clip θ_D for WGAN)
    θ_G ← θ_G − η_G ∇θ_G L_G(D(G(z_{k+1})))                # the generator learns, D held fixed

with the objective's losses (``training.objectives``) and the Lipschitz method's penalty
(``training.lipschitz``); D sees its inputs augmented, noised and packed (``d_input``).

``step`` is that loop and nothing else. The two updates inside it are made by an *engine*:
``training.updates.AutogradUpdates`` writes them with autograd, line for line as above, for any
network; ``training.fast`` holds engines that compute the same numbers faster where they can
(hand-written backprop for the toy MLPs, and the DCGAN tutorial's shared G(z) for image GANs with
k = 1); ``training.fast.pick_engine`` says which runs when, and what it buys.

If a loss or gradient turns NaN/inf (checked once per iteration, from its record), the last good
snapshot is restored and ``TrainingDiverged`` is raised.
"""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch
from torch import nn

from ganlab.errors import GanlabError
from ganlab.training.augment import augment
from ganlab.training.config import TrainSettings
from ganlab.training.ema import AveragedGenerator
from ganlab.training.fast import pick_engine
from ganlab.training.fast.flat import flatten_parameters
from ganlab.training.fast.memory_format import keep_channels_last
from ganlab.training.lipschitz import apply_spectral_norm, clip_weights, has_batch_norm
from ganlab.training.lockstep import LockstepDraws
from ganlab.training.objectives import get_objective
from ganlab.training.optim import make_optimizer
from ganlab.training.packing import pack
from ganlab.training.priors import Prior
from ganlab.training.seeding import seeded
from ganlab.training.updates import Batch

Tensor = torch.Tensor
RealSampler = Callable[[int, torch.Generator], "Tensor | tuple[Tensor, Tensor]"]


class TrainingDiverged(GanlabError):
    """Training produced NaN or inf; the trainer was rolled back to its last good state."""


@dataclass
class StepRecord:
    """What one generator iteration measured (the last discriminator step's values for D).

    ``d_real``/``d_fake`` are mean probabilities D(x) for a discriminator and mean raw scores
    for critics and other unbounded outputs; ``w1_estimate`` = E f(x) − E f(G(z)) for critics.
    """

    step: int
    d_loss: float
    g_loss: float
    d_grad_norm: float
    g_grad_norm: float
    d_real: float
    d_fake: float
    w1_estimate: float | None = None
    penalty: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class Trainer:
    """Trains ``generator`` against ``discriminator`` with the given ``settings``.

    ``sample_real(n, gen)`` draws n real samples on the trainer's device using the torch
    generator ``gen``; ``prior`` draws latent vectors. With ``num_classes`` > 0 the GAN is
    class-conditional: ``sample_real`` returns (x, y), fakes get labels y ~ U{0..K−1}, and the
    networks are called as G(z, y) and D(x, y). All randomness (data, z, GP's α, instance
    noise) flows from one seeded ``torch.Generator``, so a run is reproducible on CPU.

    ``fast``: let ``training.fast`` pick a faster engine where one applies (the numbers stay those
    of the autograd engine, to float rounding); ``share_fakes``: image GANs with k = 1 may reuse the
    discriminator step's G(z) for the generator step; ``channels_last``: convolution kernels and
    activations in the layout oneDNN prefers on a CPU; ``grad_sync``: a torchrun job's gradient
    averager (``distributed.gradient_averager``), called once per update for the network updated.
    ``draws``: take z and x from ``training.lockstep`` streams keyed by their place in the loop, so
    runs that differ in method see the same batches (the loss lanes).
    """

    snapshot_every = 50

    def __init__(self, generator: nn.Module, discriminator: nn.Module, sample_real: RealSampler,
                 prior: Prior, settings: TrainSettings, device: torch.device | str = "cpu",
                 fast: bool = True, autocast: torch.dtype | None = None, num_classes: int = 0,
                 channels_last: bool = False, share_fakes: bool = False,
                 grad_sync: Callable[[Tensor], None] | None = None, rng_offset: int = 0,
                 draws: LockstepDraws | None = None):
        self.device = torch.device(device)
        self.settings, self.num_classes, self.autocast = settings, num_classes, autocast
        self.fast, self.share_fakes, self.grad_sync = fast, share_fakes, grad_sync
        self.objective = get_objective(settings.objective)
        self.lipschitz = settings.lipschitz_method
        if self.lipschitz == "gp" and has_batch_norm(discriminator):
            raise GanlabError("the gradient penalty needs a critic without batch norm "
                              "(batch norm mixes samples, so per-sample gradients lose meaning)")
        if self.lipschitz == "sn":
            with seeded(settings.seed + 2):  # the power iteration's starting vectors
                apply_spectral_norm(discriminator)
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        self.sample_real, self.prior = sample_real, prior
        self.rng = torch.Generator(device=self.device).manual_seed(settings.seed + 1 + rng_offset)
        self.draws = draws
        # one contiguous buffer per network: an optimiser steps one tensor, a norm is one reduction
        self.g_flat = flatten_parameters(self.generator, channels_last)
        self.d_flat = flatten_parameters(self.discriminator, channels_last)
        if channels_last:  # and the activations stay channels-last through (un)flattening
            keep_channels_last(self.generator)
            keep_channels_last(self.discriminator)
        self.opt_g = make_optimizer(settings.optimizer, [self.g_flat], settings.lr_g, settings.betas_g)
        self.opt_d = make_optimizer(settings.optimizer, [self.d_flat], settings.lr_d, settings.betas_d)
        # With batch norm in D, one pass over real+fake would normalise fakes with real statistics (and
        # differently from the generator step, where D sees fakes alone): keep the batches apart.
        self.separate_batches = has_batch_norm(self.discriminator)
        self.engine = pick_engine(self)
        self.ema = AveragedGenerator(self.generator, channels_last) if settings.ema > 0 else None
        self.step_count = 0
        self.last_real: Batch | None = None  # a relativistic generator step pairs its fakes with these
        self._pending_z: Tensor | None = None  # the generator step's latents, drawn with D's
        self._good: dict | None = None
        self.snapshot()

    # ----------------------------------------------------------------- the loop
    def step(self) -> StepRecord:
        """One iteration: k discriminator steps, then one generator step; returns its record."""
        return self.train_generator(self.train_discriminator())

    def train_discriminator(self) -> list:
        """The k discriminator steps of one iteration (G untouched); returns D's last step's values."""
        self._begin_iteration()
        k, B = self.settings.n_critic, self.settings.batch
        z = self.sample_latent((k + 1) * B)  # z_1 … z_k for D's steps, z_{k+1} for G's
        fakes = self.engine.generate(z, k)  # x̃_i = G(z_i), no graph: G does not change while D learns
        for i in range(k):
            d_values = self.engine.update_discriminator(self.real_batch(B), fakes[i])
        self._pending_z = z[k * B:]
        return d_values

    def train_generator(self, d_values: list) -> StepRecord:
        """The generator step that completes the iteration ``train_discriminator`` began."""
        z, self._pending_z = self._pending_z, None
        g_values = self.engine.update_generator(self.sample_latent(self.settings.batch) if z is None else z)
        self.step_count += 1
        record = self._record(d_values, g_values)
        if self.step_count % self.snapshot_every == 0:
            self.snapshot()
        return record

    def run(self, steps: int) -> StepRecord | None:
        """Run ``steps`` iterations; returns the last record (None when steps == 0)."""
        record = None
        for _ in range(steps):
            record = self.step()
        return record

    # ----------------------------------------------------------------- what the engines share
    def sample_latent(self, n: int) -> Tensor:
        if self.draws is not None:
            return self.draws.latents(self.prior, self.step_count, n, self.settings.batch)
        return self.prior.sample(n, self.rng)

    def sample_labels(self, n: int, generator: torch.Generator | None = None) -> Tensor | None:
        """y ~ U{0, …, K−1} for a conditional GAN, None otherwise."""
        if not self.num_classes:
            return None
        gen = generator if generator is not None else self.rng
        return torch.randint(self.num_classes, (n,), generator=gen, device=gen.device)

    def real_batch(self, n: int) -> Batch:
        """x ~ p_r (with its labels y for a conditional GAN); kept as ``last_real``."""
        if self.draws is not None:
            out = self.draws.real(self.sample_real, self.step_count, n)
        else:
            out = self.sample_real(n, self.rng)
        self.last_real = Batch(out[0], out[1]) if self.num_classes else Batch(out)
        return self.last_real

    def g(self, z: Tensor, y: Tensor | None, net: nn.Module | None = None) -> Tensor:
        net = self.generator if net is None else net
        return net(z) if y is None else net(z, y)

    def d(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        return self.discriminator(x) if y is None else self.discriminator(x, y)

    def precision(self):
        """Autocast context for forward passes (a no-op unless ``autocast`` is set)."""
        return torch.autocast(self.device.type, dtype=self.autocast or torch.bfloat16, enabled=self.autocast is not None)

    def noise_std(self) -> float:
        """σ of the instance noise, annealed linearly to 0 over ``noise_anneal_steps`` when that is set."""
        s = self.settings
        if s.instance_noise == 0 or s.noise_anneal_steps == 0:
            return s.instance_noise
        return s.instance_noise * max(0.0, 1.0 - self.step_count / s.noise_anneal_steps)

    def d_input(self, x: Tensor) -> Tensor:
        """What D sees of a batch: T(x) (augmentation, ``training.augment``) plus instance noise σ·ε."""
        x = augment(x, self.settings.augment, self.rng)
        std = self.noise_std()
        if std == 0.0:
            return x
        return torch.add(x, torch.randn(x.shape, generator=self.rng, device=x.device, dtype=x.dtype), alpha=std)

    def d_inputs(self, real: Tensor, fake: Tensor) -> Tensor:
        """D's input for one discriminator step: real then fake, each in packs of m (PacGAN)."""
        x, m, B = self.d_input(torch.cat([real, fake])), self.settings.pack, len(real)
        return x if m == 1 else torch.cat([pack(x[:B], m), pack(x[B:], m)])

    def finish_discriminator_update(self) -> Tensor:
        """After a backward pass into D's gradient buffer: step (and clip the weights into [−c, c] for
        WGAN); returns the gradient's norm."""
        norm = self._step(self.d_flat, self.opt_d)
        if self.lipschitz == "clip":
            clip_weights(self.d_flat, self.settings.clip)
        return norm

    def finish_generator_update(self) -> Tensor:
        """After a backward pass into G's gradient buffer: step (and move the EMA copy); returns the
        gradient's norm."""
        norm = self._step(self.g_flat, self.opt_g)
        if self.ema is not None:
            self.ema.update(self.g_flat, self.generator, self.settings.ema)
        return norm

    def _step(self, flat: Tensor, optimizer: torch.optim.Optimizer) -> Tensor:
        """Average ``flat.grad`` over a torchrun job, take its norm (a NaN is caught in the step's
        record), and step."""
        if self.grad_sync is not None:
            self.grad_sync(flat.grad)
        norm = flat.grad.norm()
        optimizer.step()
        return norm

    # ----------------------------------------------------------------- records and rollback
    def _begin_iteration(self) -> None:
        """Training mode, and the learning rates of a linear decay lr_t = lr · max(0, 1 − t / T)."""
        if not (self.generator.training and self.discriminator.training):  # train() walks every submodule
            self.generator.train()
            self.discriminator.train()
        s = self.settings
        if s.lr_decay_steps:
            factor = max(0.0, 1.0 - self.step_count / s.lr_decay_steps)
            for opt, lr in ((self.opt_g, s.lr_g), (self.opt_d, s.lr_d)):
                for group in opt.param_groups:
                    group["lr"] = lr * factor

    def _record(self, d_vals: list, g_vals: list[Tensor]) -> StepRecord:
        """The step's record from D's last step [loss, norm, outputs on real + fake, penalty] and G's
        [loss, norm]: every number in one tensor, copied out with one ``tolist``. A loss or gradient
        norm that is NaN/inf rolls training back (``TrainingDiverged``)."""
        d_loss, d_norm, out, penalty = d_vals
        out = out.view(2, -1)  # row 0: real, row 1: fake
        if self.objective.outputs_probability:  # mean D(x) as a probability, and the raw mean logit
            out = torch.cat([torch.sigmoid(out), out])
        parts = [d_loss, d_norm, *g_vals] + ([] if penalty is None else [penalty])
        values = torch.cat([torch.stack(parts), out.mean(1)]).tolist()
        d_loss, d_norm, g_loss, g_norm = values[:4]
        self._check_finite(d_loss + d_norm, g_loss + g_norm)
        pen = values[4] if penalty is not None else None
        d_real, d_fake = values[-4:-2] if self.objective.outputs_probability else values[-2:]
        f_real, f_fake = values[-2:]
        return StepRecord(self.step_count, d_loss, g_loss, d_norm, g_norm, d_real, d_fake,
                          f_real - f_fake if self.objective.is_critic else None,
                          pen if self.lipschitz in ("gp", "r1") else None)

    def _check_finite(self, d_sum: float, g_sum: float) -> None:
        """Roll back to the last snapshot if D's or G's loss + gradient norm is NaN/inf (a sum is finite
        iff both terms are; a NaN anywhere in an update reaches these numbers by the step's end)."""
        if not (math.isfinite(d_sum) and math.isfinite(g_sum)):
            step, who = self.step_count, "discriminator" if not math.isfinite(d_sum) else "generator"
            self.load_state_dict(self._good)
            raise TrainingDiverged(f"training diverged at step {step}: the {who} loss or gradient became "
                                   f"NaN/inf; rolled back to step {self.step_count} (try a smaller learning rate)")

    # ----------------------------------------------------------------- state
    def snapshot(self) -> None:
        """Remember the current state as the last good one (restored if training diverges)."""
        self._good = copy.deepcopy(self.state_dict())

    def state_dict(self) -> dict:
        state = {"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                 "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                 "rng": self.rng.get_state(), "step": self.step_count}
        if self.generator_ema is not None:
            state["generator_ema"] = self.generator_ema.state_dict()
        return state

    def load_state_dict(self, state: dict) -> None:
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.rng.set_state(state["rng"])
        if self.generator_ema is not None and "generator_ema" in state:
            self.generator_ema.load_state_dict(state["generator_ema"])
        self.step_count = int(state["step"])
        self._pending_z = None

    def update_settings(self, settings: TrainSettings) -> None:
        """Adopt new training settings mid-run (objective, k, learning rates, betas, tricks, batch).

        Changes that need new networks or optimisers (optimizer type, pack size, spectral norm on or
        off, the gradient penalty with a batch-norm D) raise ``GanlabError``: rebuild for those.
        """
        old, method = self.settings, settings.lipschitz_method
        if settings.optimizer != old.optimizer:
            raise GanlabError("a different optimizer needs a reset")
        if settings.pack != old.pack:
            raise GanlabError("a different pack size needs a reset (D's input grows with the pack)")
        if (method == "sn") != (self.lipschitz == "sn"):
            raise GanlabError("switching spectral normalization on or off needs a reset")
        if method == "gp" and has_batch_norm(self.discriminator):
            raise GanlabError("the gradient penalty needs a critic without batch norm")
        self.settings, self.objective, self.lipschitz = settings, get_objective(settings.objective), method
        self._pending_z = None
        self.engine = pick_engine(self)
        for opt, lr, betas in ((self.opt_g, settings.lr_g, settings.betas_g), (self.opt_d, settings.lr_d, settings.betas_d)):
            for group in opt.param_groups:
                group["lr"] = lr
                if "betas" in group:
                    group["betas"] = tuple(betas)

    # ----------------------------------------------------------------- sampling
    @property
    def generator_ema(self) -> nn.Module | None:
        """The EMA copy of G (None when the settings ask for none)."""
        return None if self.ema is None else self.ema.net

    def recalibrate_ema(self, batches: int = 50) -> None:
        """Give the EMA generator batch-norm statistics of its own (see ``ema.recalibrate_batch_norm``)."""
        if self.ema is not None:  # its own random stream: training's stays untouched
            b, gen = self.settings.batch, torch.Generator(device=self.device).manual_seed(self.settings.seed + 3)
            self.ema.recalibrate(self.step_count, lambda: tuple(
                v for v in (self.prior.sample(b, gen), self.sample_labels(b, gen)) if v is not None), batches)

    @torch.no_grad()
    def generate(self, n: int, generator: torch.Generator | None = None, z: Tensor | None = None,
                 labels: Tensor | None = None) -> Tensor:
        """n samples (eval mode, no grad) for z from ``generator`` (or the given ``z``), from the EMA
        copy of G when the settings ask for one; a conditional G gets ``labels`` (default y ~ U{0..K−1})."""
        net = self.generator_ema if self.generator_ema is not None else self.generator
        if z is None:
            z = self.prior.sample(n, generator if generator is not None else self.rng, self.device)
        if self.num_classes and labels is None:
            labels = self.sample_labels(n, generator)
        net.eval()
        out = self.g(z.to(self.device), None if labels is None else labels.to(self.device), net)
        net.train()
        return out
