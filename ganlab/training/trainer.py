"""The alternating-SGD loop: k discriminator steps, then one generator step.

One ``Trainer.step()`` is one generator iteration:

    for _ in range(k):                       # discriminator / critic
        x ~ p_r, z ~ p_z, x̃ = G(z) (no grad)
        minimise L_D(D(x), D(x̃)) [+ penalty]  then clip weights if asked
    z ~ p_z                                  # generator, with D's weights frozen
    minimise L_G(D(G(z)))

It is data- and network-agnostic (toy MLPs and image DCGANs share it). Speed comes from doing
less arithmetic, not from shortcuts in the algorithm: real and fake go through D in one
concatenated pass (separate passes when D has batch norm, as in the DCGAN tutorial), fakes for
the D step are made without building a graph, D's weight gradients
are not computed during the generator step (only ∂L_G/∂x flows back), optimisers are fused.

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
from ganlab.training.backprop import ManualMLP, supports
from ganlab.training.config import TrainSettings
from ganlab.training.ema import AveragedGenerator
from ganlab.training.flat import flatten_parameters
from ganlab.training.layout import keep_channels_last
from ganlab.training.lipschitz import apply_spectral_norm, clip_weights, discriminator_penalty, has_batch_norm
from ganlab.training.objectives import get_objective
from ganlab.training.optim import make_optimizer
from ganlab.training.packing import pack, unpack
from ganlab.training.penalty_backprop import manual_discriminator_penalty
from ganlab.training.priors import Prior
from ganlab.training.seeding import seeded

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
    """

    snapshot_every = 50

    def __init__(self, generator: nn.Module, discriminator: nn.Module, sample_real: RealSampler,
                 prior: Prior, settings: TrainSettings, device: torch.device | str = "cpu",
                 manual_backprop: bool = True, autocast: torch.dtype | None = None, num_classes: int = 0,
                 channels_last: bool = False, share_fakes: bool = False,
                 grad_sync: Callable[[Tensor], None] | None = None, rng_offset: int = 0):
        self.device = torch.device(device)
        # grad_sync (``distributed.gradient_averager``): averages a flat gradient buffer over the
        # processes of a torchrun job, called once per update for the network being updated
        self.grad_sync = grad_sync
        # share_fakes (k = 1, autograd path): the generator step reuses the discriminator step's G(z),
        # graph and all, as the PyTorch DCGAN tutorial does: G has not changed in between, so this is
        # the textbook iteration with z_G = z_D, and one forward pass of G fewer per iteration.
        self.share_fakes = share_fakes
        self.num_classes = num_classes
        self.settings = settings
        self.autocast = autocast  # e.g. torch.bfloat16: forward passes of both networks in that precision
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
        s = settings
        self._g_flat = flatten_parameters(self.generator, channels_last)
        self._d_flat = flatten_parameters(self.discriminator, channels_last)
        if channels_last:  # and the activations stay channels-last through (un)flattening
            keep_channels_last(self.generator)
            keep_channels_last(self.discriminator)
        self.opt_g = make_optimizer(s.optimizer, [self._g_flat], s.lr_g, s.betas_g)
        self.opt_d = make_optimizer(s.optimizer, [self._d_flat], s.lr_d, s.betas_d)
        # With batch norm in D, one pass over real+fake would normalise fakes with real statistics (and
        # differently from the generator step, where D sees fakes alone): keep the batches apart.
        self._separate_batches = has_batch_norm(self.discriminator)
        self._allow_manual = manual_backprop
        self._pick_backprop()
        self._d_params = list(self.discriminator.parameters())
        # Polyak/EMA copy of G for sampling (see ema.py)
        self.ema = AveragedGenerator(self.generator, channels_last) if settings.ema > 0 else None
        self.step_count = 0
        # the generator step's latents, drawn with D's (and G's forward pass on them, hand-written path)
        self._pending_g: tuple[Tensor, tuple | None] | None = None
        self._last_real: tuple[Tensor, Tensor | None] | None = None
        self._good: dict | None = None
        self.snapshot()

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
        self._pending_g = None

    def update_settings(self, settings: TrainSettings) -> None:
        """Adopt new training settings mid-run (objective, k, learning rates, betas, tricks, batch).

        Changes that need new networks or optimisers (optimizer type, spectral norm on/off)
        raise ``GanlabError``; the caller should rebuild the experiment for those.
        """
        old = self.settings
        method = settings.lipschitz_method
        if settings.optimizer != old.optimizer:
            raise GanlabError("a different optimizer needs a reset")
        if settings.pack != old.pack:
            raise GanlabError("a different pack size needs a reset (D's input grows with the pack)")
        if (method == "sn") != (self.lipschitz == "sn"):
            raise GanlabError("switching spectral normalization on or off needs a reset")
        if method == "gp" and has_batch_norm(self.discriminator):
            raise GanlabError("the gradient penalty needs a critic without batch norm")
        self.settings, self.objective, self.lipschitz = settings, get_objective(settings.objective), method
        self._pending_g = None
        self._pick_backprop()
        for opt, lr, betas in ((self.opt_g, settings.lr_g, settings.betas_g), (self.opt_d, settings.lr_d, settings.betas_d)):
            for group in opt.param_groups:
                group["lr"] = lr
                if "betas" in group:
                    group["betas"] = tuple(betas)

    def _precision(self):
        """Autocast context for forward passes (a no-op unless ``autocast`` is set)."""
        return torch.autocast(self.device.type, dtype=self.autocast or torch.bfloat16, enabled=self.autocast is not None)

    def _pick_backprop(self) -> None:
        """Hand-written backprop when both nets are MLPs it supports (every Lipschitz method: the
        gradient penalty and R1 by hand in ``penalty_backprop``, spectral norm in ``backprop``)."""
        ok = self._allow_manual and supports(self.generator) and supports(self.discriminator)
        self._manual = (ManualMLP(self.generator), ManualMLP(self.discriminator)) if ok else None

    # ----------------------------------------------------------------- helpers
    def sample_latent(self, n: int) -> Tensor:
        return self.prior.sample(n, self.rng)

    def sample_labels(self, n: int, generator: torch.Generator | None = None) -> Tensor | None:
        """y ~ U{0, …, K−1} for a conditional GAN, None otherwise."""
        if not self.num_classes:
            return None
        gen = generator if generator is not None else self.rng
        return torch.randint(self.num_classes, (n,), generator=gen, device=gen.device)

    def _real(self, n: int) -> tuple[Tensor, Tensor | None]:
        out = self.sample_real(n, self.rng)
        return (out[0], out[1]) if self.num_classes else (out, None)

    def _g(self, z: Tensor, y: Tensor | None, net: nn.Module | None = None) -> Tensor:
        net = self.generator if net is None else net
        return net(z) if y is None else net(z, y)

    def _d(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        return self.discriminator(x) if y is None else self.discriminator(x, y)

    def _noise_std(self) -> float:
        s = self.settings
        if s.instance_noise == 0:
            return 0.0
        if s.noise_anneal_steps == 0:
            return s.instance_noise
        return s.instance_noise * max(0.0, 1.0 - self.step_count / s.noise_anneal_steps)

    def _d_input(self, x: Tensor, std: float) -> Tensor:
        """What D sees of a batch x: its augmentation T(x) (images, ``ganlab.training.augment``) plus instance noise."""
        x = augment(x, self.settings.augment, self.rng)
        if std == 0.0:
            return x
        return torch.add(x, torch.randn(x.shape, generator=self.rng, device=x.device, dtype=x.dtype), alpha=std)

    def _set_learning_rates(self) -> None:
        """Linear decay lr_t = lr · max(0, 1 − t / T) when ``lr_decay_steps`` = T > 0."""
        s = self.settings
        if s.lr_decay_steps == 0:
            return
        factor = max(0.0, 1.0 - self.step_count / s.lr_decay_steps)
        for opt, lr in ((self.opt_g, s.lr_g), (self.opt_d, s.lr_d)):
            for group in opt.param_groups:
                group["lr"] = lr * factor

    # ----------------------------------------------------------------- training
    def _discriminator_step(self, noise: float, z: Tensor | None = None, fake: Tensor | None = None,
                            y_fake: Tensor | None = None) -> list:
        """One update of D on a real batch and the fakes G(z) (``fake`` and its labels ``y_fake`` when
        already computed).

        Returns [loss, gradient norm, raw outputs on real + fake, penalty or None]."""
        s, B = self.settings, self.settings.batch
        real, y_real = self._real(B)
        self._last_real = (real, y_real)  # a relativistic generator step pairs its fakes with these
        if fake is None:
            y_fake = self.sample_labels(B)
            with torch.no_grad(), self._precision():
                fake = self._g(self.sample_latent(B) if z is None else z, y_fake).float()
        x = self._d_input(torch.cat([real, fake]), noise)
        m = s.pack  # PacGAN: D judges packs of m samples, B/m real packs then B/m fake packs
        if m > 1:
            x = torch.cat([pack(x[:B], m), pack(x[B:], m)])
        real_p, fake_p, half = pack(real, m), pack(fake, m), B // m
        penalty = None
        target = 1.0 - s.label_smoothing
        if self._manual is not None:  # same gradients as below, written out by hand
            out, cache = self._manual[1].forward(x)
            loss, grad = self.objective.d_loss_and_grad(out, target)
            self._manual[1].backward(cache, grad)
            penalty = manual_discriminator_penalty(self.lipschitz, self._manual[1], real_p, fake_p, s.gp_weight,
                                                   s.r1_weight, self.rng)
        else:
            with self._precision():
                if self._separate_batches:  # batch norm: real and fake each get their own statistics
                    out = torch.cat([self._d(x[:half], y_real), self._d(x[half:], y_fake)]).flatten()
                else:
                    out = self._d(x, None if y_real is None else torch.cat([y_real, y_fake])).flatten()
            out = out.float()
            loss = self.objective.d_loss(out[:half], out[half:], target)
            # conditional: x̂ (GP) and x (R1) are judged with the real labels, the fakes (R2) with their own
            judge_real = self.discriminator if y_real is None else (lambda inputs: self._d(inputs, y_real))
            judge_fake = self.discriminator if y_fake is None else (lambda inputs: self._d(inputs, y_fake))
            penalty = discriminator_penalty(self.lipschitz, judge_real, judge_fake, real_p, fake_p, s.gp_weight,
                                            s.r1_weight, self.rng)
            self._d_flat.grad.zero_()
            (loss if penalty is None else loss + penalty).backward()
            loss, out, penalty = loss.detach(), out.detach(), None if penalty is None else penalty.detach()
        if self.grad_sync is not None:
            self.grad_sync(self._d_flat.grad)
        norm = self._d_flat.grad.norm()  # NaN/inf are caught in the step's record (one check per step)
        self.opt_d.step()
        if self.lipschitz == "clip":
            clip_weights(self._d_flat, s.clip)
        return [loss, norm, out, penalty]

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

    def _generator_step(self, noise: float, z: Tensor | None = None, forward: tuple | None = None) -> list[Tensor]:
        """One update of G on latents ``z`` (drawn here if None); ``forward`` = G's forward pass on them
        when it was already run: (output, cache) by hand, or (output with its graph, labels) by autograd."""
        z = self.sample_latent(self.settings.batch) if z is None else z
        y = self.sample_labels(self.settings.batch) if forward is None or self._manual is not None else forward[1]
        relativistic = self.objective.relativistic
        if relativistic:  # D's verdict on the real batch of D's last step, each paired with one fake
            real, y_real = self._last_real if self._last_real is not None else self._real(self.settings.batch)
        if self._manual is not None:
            g_net, d_net = self._manual
            fake, g_cache = forward if forward is not None else g_net.forward(z)
            m = self.settings.pack
            real_out = d_net.forward(pack(self._d_input(real, noise), m))[0] if relativistic else None
            out, d_cache = d_net.forward(pack(self._d_input(fake, noise), m))
            loss, grad = self.objective.g_loss_and_grad(out, real_out)
            grad_x = d_net.backward(d_cache, grad, param_grads=False, input_grad=True)
            g_net.backward(g_cache, unpack(grad_x, m, fake))
        else:
            for p in self._d_params:  # D is held fixed: no weight gradients are computed for it
                p.requires_grad_(False)
            try:
                with self._precision():
                    m = self.settings.pack
                    if relativistic:
                        with torch.no_grad():
                            real_out = self._d(pack(self._d_input(real, noise), m), y_real).flatten().float()
                    fake = self._g(z, y) if forward is None else forward[0]
                    out = self._d(pack(self._d_input(fake, noise), m), y).flatten()
                loss = self.objective.g_loss(out.float(), real_out) if relativistic else self.objective.g_loss(out.float())
                self._g_flat.grad.zero_()
                loss.backward()
                loss = loss.detach()
            finally:
                for p in self._d_params:
                    p.requires_grad_(True)
        if self.grad_sync is not None:
            self.grad_sync(self._g_flat.grad)
        norm = self._g_flat.grad.norm()
        self.opt_g.step()
        if self.ema is not None:
            self.ema.update(self._g_flat, self.generator, self.settings.ema)
        return [loss, norm]

    def _check_finite(self, d_sum: float, g_sum: float) -> None:
        """Roll back to the last snapshot if D's or G's loss + gradient norm is NaN/inf (a sum is finite
        iff both terms are; a NaN anywhere in an update reaches these numbers by the step's end)."""
        if not (math.isfinite(d_sum) and math.isfinite(g_sum)):
            step, who = self.step_count, "discriminator" if not math.isfinite(d_sum) else "generator"
            self.load_state_dict(self._good)
            raise TrainingDiverged(f"training diverged at step {step}: the {who} loss or gradient became "
                                   f"NaN/inf; rolled back to step {self.step_count} (try a smaller learning rate)")

    def train_discriminator(self) -> list[Tensor]:
        """The k discriminator steps of one iteration; G is untouched. Returns D's last step's values.

        The latents of all k + 1 batches (k for D's steps, one for the coming generator step) are
        drawn first. G does not change during D's steps, so the hand-written path runs G once over
        all of them and keeps the last batch's forward pass for the generator step.
        """
        if not (self.generator.training and self.discriminator.training):  # train() walks every submodule
            self.generator.train()
            self.discriminator.train()
        self._set_learning_rates()
        noise = self._noise_std()
        k, B = self.settings.n_critic, self.settings.batch
        z = self.sample_latent((k + 1) * B)
        fakes = None
        if self._manual is not None:
            fakes, cache = self._manual[0].forward(z)
            cache = [c[k * B:] for c in cache]  # cache[0]: the generator step's latents
            self._pending_g = (cache[0], (fakes[k * B:], cache))
        elif self.share_fakes and k == 1:
            y = self.sample_labels(B)
            with self._precision():
                fake = self._g(z[:B], y)
            self._pending_g = (z[:B], (fake, y))
            return self._discriminator_step(noise, fake=fake.detach().float(), y_fake=y)
        else:
            self._pending_g = (z[k * B:], None)
        for i in range(k):
            rows = slice(i * B, (i + 1) * B)  # the hand-written path made G(z) above; autograd makes it there
            z_i, fake_i = (z[rows], None) if fakes is None else (None, fakes[rows])
            d_vals = self._discriminator_step(noise, z_i, fake_i)
        return d_vals

    def train_generator(self, d_vals: list[Tensor]) -> StepRecord:
        """The generator step that completes an iteration begun by ``train_discriminator``."""
        z, forward = self._pending_g if self._pending_g is not None else (None, None)
        self._pending_g = None
        g_vals = self._generator_step(self._noise_std(), z, forward)
        self.step_count += 1
        record = self._record(d_vals, g_vals)
        if self.step_count % self.snapshot_every == 0:
            self.snapshot()
        return record

    def step(self) -> StepRecord:
        """One iteration: k discriminator steps, then one generator step; returns its record."""
        return self.train_generator(self.train_discriminator())

    def run(self, steps: int) -> StepRecord | None:
        """Run ``steps`` iterations; returns the last record (None when steps == 0)."""
        record = None
        for _ in range(steps):
            record = self.step()
        return record

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
            z = self.prior.sample(n, generator, self.device) if generator is not None else self.sample_latent(n)
        if self.num_classes and labels is None:
            labels = self.sample_labels(n, generator)
        net.eval()
        out = self._g(z.to(self.device), None if labels is None else labels.to(self.device), net)
        net.train()
        return out
