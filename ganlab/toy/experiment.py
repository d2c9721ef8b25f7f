"""A toy 2D experiment: a ``ToyConfig`` turned into data, networks and a ``Trainer``.

This is what the CLI, the UI and notebooks hold on to::

    exp = ToyExperiment(ToyConfig(data="ring8", objective="wgan-gp"))
    exp.train(2000)
    exp.evaluate()          # {'modes_covered': 8, 'hq_fraction': 0.93, 'w1': 0.04, ...}
"""
from __future__ import annotations

import functools

import time

import numpy as np
import torch

from ganlab.models.mlp import mlp_discriminator, mlp_generator
from ganlab.toy.config import ToyConfig
from ganlab.toy.data import ToyDistribution, get_toy
from ganlab.toy.evaluation import evaluate_toy_samples
from ganlab.training.cost import StepCost, step_cost
from ganlab.training.fast.denormals import flush_denormals
from ganlab.training.lipschitz import PENALTIES
from ganlab.training.lockstep import LockstepDraws
from ganlab.training.device import hidden_dtype, pick_device
from ganlab.training.priors import Prior
from ganlab.training.seeding import seeded
from ganlab.training.trainer import StepRecord, Trainer


def build_toy_networks(config: ToyConfig, device: torch.device) -> tuple[torch.nn.Module, torch.nn.Module]:
    """G: R^latent → R² and D: R^{2m} → R (m = ``config.pack``, 1 unless packing), initialised from
    ``config.seed`` (same on every device)."""
    dtype = hidden_dtype(config.precision, device, config.hidden)
    with seeded(config.seed):
        g = mlp_generator(config.latent_dim, config.hidden, config.depth, config.activation, hidden_dtype=dtype)
        d = mlp_discriminator(config.hidden, config.depth, config.activation, in_features=2 * config.pack,
                              hidden_dtype=dtype)
    return g, d


def toy_cost(config: ToyConfig) -> StepCost:
    """What one training step of ``config`` will cost (``training.cost``), before anything is built;
    remembered per network shape (a class of 30 opening the same preset sizes it once)."""
    return _shape_cost(config.hidden, config.depth, config.activation, config.latent_dim, config.pack, config.batch,
                       config.n_critic, config.lipschitz_method in PENALTIES, config.precision)


@functools.lru_cache(maxsize=256)
def _shape_cost(hidden: int, depth: int, activation: str, latent_dim: int, pack: int, batch: int, n_critic: int,
                penalty: bool, precision: str) -> StepCost:
    shape = ToyConfig(hidden=hidden, depth=depth, activation=activation, latent_dim=latent_dim, pack=pack, batch=batch,
                      n_critic=n_critic, precision=precision)
    return step_cost(lambda: build_toy_networks(shape, torch.device("meta")), latent_dim, (2,), batch, n_critic, pack,
                     penalty)


class ToyExperiment:
    """Config + distribution + trainer, with evaluation on a fixed seed. ``lockstep``: batches keyed by
    their place in the loop (``training.lockstep``), shared with every lockstep run of the same seed."""

    def __init__(self, config: ToyConfig, device: str | torch.device = "auto", lockstep: bool = False):
        self.config = config
        self.device = pick_device(device) if isinstance(device, str) else device
        self.distribution: ToyDistribution = get_toy(config.data, config.points)
        self.prior = Prior(config.prior, config.latent_dim)
        g, d = build_toy_networks(config, self.device)
        dist = self.distribution
        draws = LockstepDraws(config.seed, self.device) if lockstep else None
        self.trainer = Trainer(g, d, lambda n, gen: dist.sample(n, gen), self.prior, config, self.device, draws=draws)
        self.seconds = 0.0  # wall time spent in train()

    @property
    def step(self) -> int:
        return self.trainer.step_count

    def train(self, steps: int | None = None, seconds: float | None = None) -> StepRecord | None:
        """Train for ``steps`` iterations or until ``seconds`` have passed (whichever is given), with
        denormal floats flushed to zero (``training.denormals``: long runs stay fast)."""
        record = None
        start = time.perf_counter()
        with flush_denormals():
            if seconds is None:
                record = self.trainer.run(steps or 0)
            else:
                deadline = start + seconds
                while time.perf_counter() < deadline and (steps is None or self.step < steps):
                    record = self.trainer.step()
        self.seconds += time.perf_counter() - start
        return record

    def samples(self, n: int, seed: int = 1234) -> np.ndarray:
        """n generator samples for fixed z (seeded), as a float64 array (n, 2)."""
        gen = torch.Generator(device=self.device).manual_seed(seed)
        return self.trainer.generate(n, gen).double().cpu().numpy()

    def real_samples(self, n: int, seed: int = 4321) -> np.ndarray:
        gen = torch.Generator(device=self.device).manual_seed(seed)
        return self.distribution.sample(n, gen).double().cpu().numpy()

    def evaluate(self, n: int = 2500, w1_points: int | None = None, seed: int = 1234,
                 quality_split: bool = False) -> dict:
        """Mode coverage, high-quality fraction, exact W1 and grid JS on n seeded samples (and precision,
        recall, density and coverage with ``quality_split``)."""
        return evaluate_toy_samples(self.samples(n, seed), self.real_samples(n, seed + 1),
                                    self.distribution, w1_points, {} if quality_split else None)


def train_and_evaluate(config: ToyConfig, steps: int | None = None, seconds: float | None = None,
                       eval_samples: int = 2500, device: str = "auto") -> tuple[ToyExperiment, dict]:
    """Train ``config`` for ``steps`` (or ``seconds``) and measure it: the CLI's and the API's result.

    The dict holds ``data``, ``objective``, ``lipschitz``, ``steps``, ``seconds``,
    ``steps_per_second``, the metrics of ``ToyExperiment.evaluate`` (modes, high quality, exact
    W1, grid JS, and quality and diversity apart: precision, recall, density, coverage),
    ``eval_seconds``, ``seed`` and ``device``.
    """
    exp = ToyExperiment(config, device)
    exp.train(steps=None if seconds else steps, seconds=seconds)
    started = time.perf_counter()
    metrics = exp.evaluate(eval_samples, quality_split=True)
    result = {"data": config.data, "objective": config.objective, "lipschitz": config.lipschitz_method,
              "steps": exp.step, "seconds": round(exp.seconds, 3),
              "steps_per_second": round(exp.step / exp.seconds, 1) if exp.seconds else 0.0,
              **metrics, "eval_seconds": round(time.perf_counter() - started, 3),
              "seed": config.seed, "device": str(exp.device)}
    return exp, result
