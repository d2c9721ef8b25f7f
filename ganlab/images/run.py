"""A live image-GAN run: train in slices, an 8 × 8 grid from a fixed z, metric history (no UI import)."""
from __future__ import annotations

import math
import time

import numpy as np
import torch

from ganlab.errors import GanlabError
from ganlab.images.config import IMAGE_STRUCTURAL, ImageConfig
from ganlab.images.experiment import ImageExperiment, image_grid
from ganlab.images.gpu_slices import SliceTrainer, on_zero_gpu
from ganlab.training.history import HISTORY_KEYS, record_means
from ganlab.training.lipschitz import PENALTIES

IMAGE_METRIC_KEYS = ("step", "classes_covered", "class_kl", "mean_confidence", "fid", "precision", "recall",
                     "density", "coverage")
STACKED_METRIC_KEYS = ("step", "modes_covered", "mode_kl", "precision", "recall", "density", "coverage")
STACKED_MEASURE_SAMPLES = 1000  # StackedMNIST's 1000 modes on 1,000 samples (the CLI: the papers' 26,000)


class ImageRun:
    """One live image GAN with its history; ``frame`` is the grid of the same 64 latent vectors."""

    def __init__(self, config: ImageConfig, device: str = "auto", measure_samples: int = 500):
        self.config = config
        self._measure_samples = measure_samples
        # On a ZeroGPU Space this process has no GPU: the runs live on the CPU and train in borrowed slices
        self.slices = SliceTrainer() if on_zero_gpu() else None
        self.reset(config, "cpu" if self.slices is not None else device)

    def reset(self, config: ImageConfig, device: str | torch.device | None = None) -> None:
        self.config = config
        self.experiment = ImageExperiment(config, device or self.experiment.device)
        self.history = {k: [] for k in HISTORY_KEYS}
        self.metrics: dict[str, list] = {k: [] for k in self.metric_keys}
        self.last_histogram: list[int] | None = None
        self.images_seen = 0
        self.train_seconds = 0.0

    def apply(self, config: ImageConfig) -> None:
        """Train on with ``config``'s training settings (its structural fields, ``IMAGE_STRUCTURAL``, must
        be this run's); ``GanlabError`` when the trainer needs fresh networks for them (the gradient
        penalty with a batch-norm discriminator, spectral norm switched on or off)."""
        changed = [k for k in IMAGE_STRUCTURAL if getattr(config, k) != getattr(self.config, k)]
        if changed:
            raise GanlabError(f"{', '.join(changed)} changed: that needs fresh networks")
        if config.lipschitz_method in PENALTIES and self.config.lipschitz_method not in PENALTIES:
            raise GanlabError("a gradient penalty needs a critic without batch norm: new networks")
        self.experiment.trainer.update_settings(config)
        self.config = self.experiment.config = config

    @property
    def stacked(self) -> bool:
        """StackedMNIST: 1000 modes counted instead of 10 classes."""
        return self.config.data == "stacked-mnist"

    @property
    def metric_keys(self) -> tuple[str, ...]:
        return STACKED_METRIC_KEYS if self.stacked else IMAGE_METRIC_KEYS

    @property
    def measure_samples(self) -> int:
        return STACKED_MEASURE_SAMPLES if self.stacked else self._measure_samples

    @property
    def step(self) -> int:
        return self.experiment.step

    def advance(self, seconds: float | None = None, max_steps: int | None = None) -> int:
        """Train for about ``seconds`` and/or at most ``max_steps`` (0.2 s when neither is given);
        raises GanlabError if training diverged."""
        if seconds is None:
            seconds = math.inf if max_steps is not None else 0.2
        records, start = [], time.perf_counter()
        deadline = start + seconds
        try:
            if self.slices is not None:  # a ZeroGPU Space: the slice runs on a borrowed GPU
                records = self.slices.advance(self.experiment, max_steps or 10**9, seconds)
            while (max_steps is None or len(records) < max_steps) and (not records or time.perf_counter() < deadline):
                records.append(self.experiment.trainer.step())
        finally:
            record_means(self.history, records)
            self.images_seen += len(records) * self.config.batch
            self.train_seconds += time.perf_counter() - start
        return len(records)

    def frame(self, *_ignored) -> np.ndarray:
        """The 8 × 8 grid (uint8) of G applied to the same 64 latent vectors every time."""
        return image_grid(self.experiment.samples(64, seed=self.config.seed + 7))

    def measure(self) -> dict:
        out = self.experiment.evaluate(self.measure_samples)
        out["step"] = self.step
        for key in self.metric_keys:
            value = out.get(key)
            self.metrics[key].append(value if value is None or math.isfinite(value) else None)
        self.last_histogram = out["mode_histogram" if self.stacked else "class_histogram"]
        return out

    @property
    def images_per_second(self) -> float:
        return self.images_seen / self.train_seconds if self.train_seconds else 0.0
