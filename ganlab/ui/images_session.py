"""One browser session's MNIST tab: a live image GAN on the shared play loop."""
from __future__ import annotations

import numpy as np

from ganlab.image_experiment import ImageConfig
from ganlab.live_images import LiveImageRun
from ganlab.ui.live_session import LiveSession
from ganlab.viz.charts import image_history_figure, mode_bars


class ImageSession(LiveSession):
    """Grids twice a second; classifier metrics every 5th frame (they take ~0.1 s)."""

    frame_period = 0.5
    measure_every = 5

    def __init__(self, config: ImageConfig, device: str = "auto"):
        super().__init__([LiveImageRun(config, device)])
        self.fid_real: float | None = None

    @property
    def run(self) -> LiveImageRun:
        return self.runs[0]

    def reset(self, config: ImageConfig) -> None:
        with self.lock:
            self.run.reset(config)
            self.revision += 1
            self.message = "reset: fresh networks"

    def snapshot(self, measure: bool = False) -> list[np.ndarray]:
        with self.lock:
            if measure:
                self.fid_real = self.run.measure()["fid_real"]
            return [self.run.frame()]

    def figures(self, frames=None, charts: bool = True) -> tuple:
        """(8×8 grid, curves, class histogram, status); curves and histogram None when not redrawn."""
        grid = (frames or self.snapshot())[0]
        if not charts:
            return grid, None, None, self.status()
        run = self.run
        rev = str(self.revision)
        critic = run.experiment.trainer.objective.is_critic
        hist = image_history_figure(run.history, run.metrics, critic, self.fid_real, rev)
        counts = run.last_histogram
        bars = mode_bars(counts, sum(counts) if counts else 0, rev, "generated samples per class (the classifier's verdict)",
                         list(run.experiment.dataset.class_names), "class")
        return grid, hist, bars, self.status()

    def status(self) -> str:
        run = self.run
        exp = run.experiment
        parts = [f"**step {run.step}**", f"{run.images_per_second:.0f} images/s on {exp.device}"
                 + (" (bf16)" if exp.trainer.autocast is not None else ""), exp.dataset.describe()]
        m = run.metrics
        if m["step"]:
            parts.append(f"classes **{m['classes_covered'][-1]}/10** · class KL **{m['class_kl'][-1]:.3f}** · "
                         f"confidence **{m['mean_confidence'][-1]:.2f}** · Fréchet **{m['fid'][-1]:.1f}**"
                         + (f" (real vs real {self.fid_real:.1f})" if self.fid_real is not None else ""))
        return " · ".join(parts) + (f"\n\n{self.message}" if self.message else "")
