"""One browser session's MNIST tab: a live image GAN on the shared play loop."""
from __future__ import annotations

import time

import numpy as np

from ganlab.images.config import IMAGE_STRUCTURAL, ImageConfig
from ganlab.images.experiment import image_cost
from ganlab.images.run import ImageRun
from ganlab.ui import capacity
from ganlab.ui.training_session import TrainingSession
from ganlab.viz.panels import bars_panel, image_charts, image_panel, mode_map, stacked_charts

IMAGE_SLICE = 0.1  # seconds per training slice: a step takes ~16 ms, so fewer hand-overs of the lock
MODES_CAPTION = ("Each cell is one of StackedMNIST's 1000 modes, a triple of digits (R, G, B): ten blocks for the red "
                 "digit (0–4 on top, 5–9 below), the green digit down and the blue digit across each block. Dark: "
                 "no sample of the last {n:,} fell there; greener: more samples (log scale). A collapsed generator "
                 "lights a few cells; an even one lights them all.")
GRID_CAPTION = ("The same 64 latent vectors z (and, for a conditional GAN, the same classes y) every frame, so you "
                "watch each sample sharpen from noise into a digit (or a garment). Images in [−1, 1] from G's tanh output.")


class ImageSession(TrainingSession):
    """At most 2.5 grids a second; the classifier's metrics every 5 s of play (they take ~0.1 s)."""

    frame_period = 0.4
    measure_period = 5.0
    measure_on_load = False  # the classifier's metrics cost half a second: every page opens this tab's session
    structural = frozenset(IMAGE_STRUCTURAL)

    def __init__(self, config: ImageConfig, page: str | None = None, device: str = "auto"):
        self.device = device
        self.fid_real: float | None = None
        self.threads = capacity.ThreadChooser()
        super().__init__(config, page)

    @property
    def run(self) -> ImageRun:
        return self.runs[0]

    def check(self, config: ImageConfig) -> None:
        capacity.check_cost(image_cost(config))

    def build(self, config: ImageConfig) -> list[ImageRun]:
        self.check(config)
        self.fid_real = None
        return [ImageRun(config, self.device)]

    def apply_live(self, config: ImageConfig) -> None:
        self.run.apply(config)

    def advance(self) -> None:
        # While this is the only run training on the server, convolutions may use the cores the CLI
        # uses (2), if that measures faster now (``capacity.ThreadChooser``); with more students
        # playing, one thread each shares the cores fairly.
        alone = capacity.SLOTS.in_use <= 1
        threads = self.threads.pick() if alone else 1
        capacity.use_threads(threads)
        start, seen = time.perf_counter(), self.run.images_seen
        self.run.advance(IMAGE_SLICE)
        if alone:
            self.threads.report(threads, (self.run.images_seen - seen) / (time.perf_counter() - start))

    def measure(self) -> None:
        self.fid_real = self.run.measure().get("fid_real")

    def frames(self) -> list[np.ndarray]:
        return [self.run.frame()]

    def panels(self, frames: list[np.ndarray], charts: bool) -> list[dict]:
        """The 8 × 8 grid, and (when ``charts``) the class histogram (StackedMNIST: the map of its 1000
        modes) and the chart panels."""
        run = self.run
        panels = [image_panel(frames[0], f"8 × 8 samples from a fixed z · step {run.step}", "grid", GRID_CAPTION)]
        if charts and run.stacked:
            if run.last_histogram is not None:
                covered = sum(1 for c in run.last_histogram if c)
                panels.append(image_panel(mode_map(run.last_histogram), f"the 1000 modes: {covered} covered", "modemap",
                                          MODES_CAPTION.format(n=run.measure_samples)))
            panels += stacked_charts(run.history, run.metrics, run.experiment.trainer.objective.is_critic)
        elif charts:
            panels.append(bars_panel(run.last_histogram, "generated samples per class (the classifier's verdict)",
                                     "histogram", list(run.experiment.dataset.class_names), "class"))
            panels += image_charts(run.history, run.metrics, run.experiment.trainer.objective.is_critic, self.fid_real)
        return panels

    def status(self) -> str:
        run = self.run
        exp = run.experiment
        where = str(exp.device)
        if run.slices is not None:  # a ZeroGPU Space
            where = "a borrowed ZeroGPU GPU, in slices" if run.slices.borrowing else "this server's CPU"
        parts = [f"**step {run.step}**", f"{run.images_per_second:.0f} images/s on {where}"
                 + (" (bf16)" if exp.trainer.autocast is not None else ""), exp.dataset.describe()]
        if self.playing:
            parts.append(f"{self.fps:.1f} frames/s")
        m = run.metrics
        if m["step"] and run.stacked:
            parts.append(f"modes **{m['modes_covered'][-1]}/1000** · KL from uniform **{m['mode_kl'][-1]:.3f}** · "
                         f"precision **{m['precision'][-1]:.2f}** · recall **{m['recall'][-1]:.2f}** · "
                         f"*metrics every {self.measure_every:g} s of play on {run.measure_samples:,} samples "
                         "(the papers use 26,000: `python -m ganlab images --data stacked-mnist --eval-samples 26000`)*")
        elif m["step"]:
            parts.append(f"classes **{m['classes_covered'][-1]}/10** · class KL **{m['class_kl'][-1]:.3f}** · "
                         f"confidence **{m['mean_confidence'][-1]:.2f}** · Fréchet **{m['fid'][-1]:.1f}**"
                         + (f" (real vs real {self.fid_real:.1f})" if self.fid_real is not None else "")
                         + f" · precision **{m['precision'][-1]:.2f}** · recall **{m['recall'][-1]:.2f}** · "
                         f"density **{m['density'][-1]:.2f}** · coverage **{m['coverage'][-1]:.2f}**"
                         + f" · *metrics every {self.measure_every:g} s of play on {run.measure_samples} samples*")
        notes = [n for n in (run.slices.note if run.slices is not None else "", self.message) if n]
        return " · ".join(parts) + ("\n\n" + " · ".join(notes) if notes else "")
