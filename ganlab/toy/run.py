"""A live toy run: what one browser session (or a notebook) drives frame by frame.

``ToyRun`` trains in time slices (``advance``), draws ``Frame``s of everything the layered
view shows, measures the run (modes, high quality, exact W1, grid JS) on a cadence, and keeps
the history the charts plot. It never imports a UI library: the Gradio tab and tests both use it.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from ganlab.errors import GanlabError
from ganlab.toy.config import TOY_STRUCTURAL, ToyConfig
from ganlab.toy.evaluation import evaluate_toy_samples
from ganlab.toy.experiment import ToyExperiment
from ganlab.toy.fields import discriminator_surface, generator_gradient_field, generator_manifold
from ganlab.training.fast.denormals import flush_denormals
from ganlab.training.history import HISTORY_KEYS, record_means
from ganlab.training.trainer import StepRecord

METRIC_KEYS = ("step", "modes_covered", "hq_fraction", "w1", "grid_js", "w1_estimate", "precision", "recall",
               "density", "coverage")


@dataclass
class Frame:
    """Everything the layered view draws at one moment (numpy arrays, small)."""

    step: int
    window: tuple[float, float, float, float]
    xs: np.ndarray
    ys: np.ndarray
    surface: np.ndarray  # surface[i, j] = D((xs[j], ys[i])): probability or critic score
    surface_kind: str  # "probability" or "score"
    real: np.ndarray
    fake: np.ndarray
    arrow_tails: np.ndarray  # generated points where arrows start
    arrows: np.ndarray  # −∂ℓ_G/∂x at those points (unscaled)
    manifold: np.ndarray | None  # (rows, cols, 2) image of the latent grid
    mode_counts: list[int] | None = None
    phase: str = ""


@dataclass
class ToyRun:
    """One live experiment with its history. Not thread-safe: one caller at a time."""

    config: ToyConfig
    device: str = "cpu"
    view_points: int = 250
    arrow_points: int = 60
    grid: int = 40
    measure_points: int = 1000
    w1_points: int = 300
    lockstep: bool = False  # batches shared with other lockstep runs of the seed (``training.lockstep``)
    quality_split: bool = False  # also measure precision, recall, density and coverage (``metrics.prdc``)
    experiment: ToyExperiment = field(init=False)
    history: dict[str, list] = field(init=False)
    metrics: dict[str, list] = field(init=False)
    last_mode_counts: list[int] | None = field(init=False, default=None)
    mode_shares: list[list[float]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.reset(self.config)

    # ------------------------------------------------------------------ lifecycle
    def reset(self, config: ToyConfig | None = None) -> None:
        """Fresh networks (from ``config`` if given), empty history, fixed view samples."""
        self.start(ToyExperiment(config or self.config, self.device, self.lockstep))

    def load(self, path: str) -> None:
        """Continue from a saved run (``checkpoints.save_toy``); history starts empty at its step."""
        from ganlab.toy.saving import load_toy

        self.start(load_toy(path, self.device))

    def start(self, experiment: ToyExperiment) -> None:
        """Adopt ``experiment`` (fresh or loaded) with empty history and fixed view samples."""
        self.experiment = experiment
        self.config = experiment.config
        self.history = {k: [] for k in HISTORY_KEYS}
        self._last_estimate: float | None = None  # the critic's E f(x) − E f(G(z)) at the last step
        self.metrics = {k: [] for k in METRIC_KEYS}
        self.mode_shares = []  # per measurement: each mode's share of the samples (high quality, of all drawn)
        self.last_mode_counts = None
        self._radii: dict = {}  # the evaluation set's k-NN radii, for precision and recall
        self._pending_d: list | None = None  # step mode: D has stepped, G has not
        seed = self.config.seed
        self._real_view = self.experiment.real_samples(self.view_points, seed=seed + 11)
        self._real_eval = self.experiment.real_samples(self.measure_points, seed=seed + 12)
        gen = torch.Generator().manual_seed(seed + 13)
        self._z_view = self.experiment.prior.sample(self.view_points, gen)
        self._z_eval = self.experiment.prior.sample(self.measure_points, gen)

    def apply(self, config: ToyConfig) -> None:
        """Train on with ``config``'s training settings (its structural fields, ``TOY_STRUCTURAL``, must
        be this run's); ``GanlabError`` when the trainer needs fresh networks for them."""
        changed = [k for k in TOY_STRUCTURAL if getattr(config, k) != getattr(self.config, k)]
        if changed:
            raise GanlabError(f"{', '.join(changed)} changed: that needs fresh networks")
        self.experiment.trainer.update_settings(config)
        self.config = self.experiment.config = config

    @property
    def step(self) -> int:
        return self.experiment.step

    # ------------------------------------------------------------------ training
    def advance(self, seconds: float | None = None, max_steps: int | None = None) -> int:
        """Train for about ``seconds`` and/or at most ``max_steps`` (0.15 s when neither is given).

        Returns the steps done. Raises ``GanlabError`` if training diverged (the trainer rolled back).
        Denormal floats are flushed to zero meanwhile (``training.denormals``: long plays stay fast).
        """
        if seconds is None:
            seconds = math.inf if max_steps is not None else 0.15
        trainer = self.experiment.trainer
        if self._pending_d is not None:  # finish an iteration begun in step mode
            self._record([trainer.train_generator(self._pending_d)])
            self._pending_d = None
        records: list[StepRecord] = []
        deadline = time.perf_counter() + seconds
        try:
            with flush_denormals():
                while (max_steps is None or len(records) < max_steps) and (not records or time.perf_counter() < deadline):
                    records.append(trainer.step())
        finally:
            self._record(records)
        return len(records)

    def step_phase(self) -> str:
        """Step mode: alternately k discriminator steps, then one generator step. Returns which ran."""
        trainer = self.experiment.trainer
        if self._pending_d is None:
            self._pending_d = trainer.train_discriminator()
            return "discriminator"
        self._record([trainer.train_generator(self._pending_d)])
        self._pending_d = None
        return "generator"

    def _record(self, records: list[StepRecord]) -> None:
        record_means(self.history, records)
        if records:  # the metrics quote the last step itself: a slice's mean depends on how long it ran
            self._last_estimate = records[-1].w1_estimate

    # ------------------------------------------------------------------ views and metrics
    def frame(self, arrows: bool = True, manifold: bool = True) -> Frame:
        """Draw the current state: surface, real/fake points, gradient arrows, manifold."""
        exp = self.experiment
        trainer = exp.trainer
        dist = exp.distribution
        m = trainer.settings.pack
        xs, ys, surface = discriminator_surface(trainer.discriminator, trainer.objective, dist.window,
                                                self.grid, exp.device, m)
        fake = trainer.generate(len(self._z_view), z=self._z_view)
        tails = fake[: self.arrow_points // m * m]
        field_ = self._gradient_field(tails) if arrows else tails * 0
        grid = generator_manifold(trainer.generator, exp.prior, 15, exp.device).numpy() if manifold else None
        return Frame(self.step, dist.window, xs.numpy(), ys.numpy(), surface.numpy(),
                     "probability" if trainer.objective.outputs_probability else "score",
                     self._real_view, fake.double().cpu().numpy(), tails.double().cpu().numpy(),
                     field_.double().cpu().numpy(), grid, self.last_mode_counts,
                     "discriminator stepped; generator next" if self._pending_d is not None else "")

    def _gradient_field(self, tails: torch.Tensor) -> torch.Tensor:
        """−∂L_G/∂x at the generated points ``tails`` (a relativistic loss pairs each with a real point
        from those on view)."""
        trainer = self.experiment.trainer
        partners = None
        if trainer.objective.relativistic:
            real = torch.as_tensor(self._real_view, dtype=tails.dtype, device=tails.device)
            partners = real.repeat(-(-len(tails) // len(real)), 1)
        return generator_gradient_field(trainer.discriminator, trainer.objective, tails, partners, trainer.settings.pack)

    def gradient_at_fakes(self, n: int = 200) -> float:
        """The mean length ‖−∂L_G/∂x‖ of the generator's gradient at n fixed fakes (G of the first n
        evaluation latents): how hard the discriminator's verdict pushes the generated points."""
        m = self.experiment.trainer.settings.pack
        fake = self.experiment.trainer.generate(n, z=self._z_eval[: n // m * m])
        return float(self._gradient_field(fake).norm(dim=1).mean())

    def measure(self) -> dict:
        """Modes covered, high-quality fraction, exact W1 (POT), grid JS and (with ``quality_split``)
        precision, recall, density and coverage at this step; appended to ``metrics``."""
        exp = self.experiment
        fake = exp.trainer.generate(len(self._z_eval), z=self._z_eval).double().cpu().numpy()
        out = evaluate_toy_samples(fake, self._real_eval, exp.distribution, self.w1_points,
                                   self._radii if self.quality_split else None)
        out["w1_estimate"] = self._last_estimate
        out["step"] = self.step
        for key in METRIC_KEYS:
            value = out.get(key)
            self.metrics[key].append(None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value)
        self.last_mode_counts = out.get("mode_counts")
        if self.last_mode_counts is not None:
            self.mode_shares.append([c / len(fake) for c in self.last_mode_counts])
        return out
