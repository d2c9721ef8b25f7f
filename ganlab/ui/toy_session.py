"""One browser session's Toy 2D tab: a single toy run, step mode, save/load, its panels."""
from __future__ import annotations

from collections import deque

import numpy as np

from ganlab.errors import GanlabError
from ganlab.toy.config import TOY_STRUCTURAL, ToyConfig
from ganlab.toy.experiment import toy_cost
from ganlab.toy.run import Frame, ToyRun
from ganlab.ui import capacity
from ganlab.ui.training_session import TrainingSession
from ganlab.viz.panels import bars_panel, layered_view, mode_strip, toy_charts

FILM_FRAMES = 150  # the GIF keeps the last 150 frames (30 s of play at 5 frames/s)
VIEW_CAPTION = ("**Colour**: the discriminator's belief D(x) that a point is real (green = real, purple = fake), or "
                "the critic's score f(x) (blue high, red low). **Green dots**: real data. **Purple dots**: G(z). "
                "**Orange arrows**: −∂L_G/∂x, where the generator's loss pushes each fake sample. **Grey mesh**: the "
                "image of a grid in latent space, how G folds the plane. Click a legend entry to hide its layer; "
                "hover for D(x).")
BARS_CAPTION = "Mode collapse at a glance: high-quality samples per mode. Equal bars = every mode gets its share."
STRIP_CAPTION = ("The same bars over time, one row per mode (darker: more of the samples). A band that stays put is "
                 "a settled generator; one that jumps from row to row is the game cycling: G flees to another mode "
                 "as soon as D has learned the last one (the Game dynamics tab shows why).")


class ToySession(TrainingSession):
    """State of one user's Toy 2D tab (kept in ``gr.State``; freed with the page)."""

    structural = frozenset(TOY_STRUCTURAL)

    def __init__(self, config: ToyConfig, page: str | None = None, film_frames: int = FILM_FRAMES):
        self.film: deque[Frame] = deque(maxlen=film_frames)  # the latest frames, for the GIF
        self.quality_split = False  # also measure precision, recall, density, coverage (a view option)
        self.transform = None  # an uploaded file's standardisation (point_files), for export in its units
        super().__init__(config, page)

    @property
    def run(self) -> ToyRun:
        return self.runs[0]

    def build(self, config: ToyConfig) -> list[ToyRun]:
        self.check(config)
        self.film.clear()
        return [ToyRun(config, quality_split=self.quality_split)]

    def split_quality(self, on: bool) -> None:
        """Measure precision and recall (k-NN manifolds on the 2D points) beside the modes, or stop."""
        if on != self.quality_split:
            self.quality_split = self.run.quality_split = on
            self.measure_now()

    def check(self, config: ToyConfig) -> None:
        capacity.check_cost(toy_cost(config))

    def apply_live(self, config: ToyConfig) -> None:
        self.run.apply(config)

    # ------------------------------------------------------------------ your own data
    def use_points(self, points, source: str, transform=None) -> None:
        """Train on these points (a drawing's, or a file's after ``point_files.standardise``): a custom
        distribution with fresh networks, the other settings as the controls have them."""
        config = self.pending.replace(
            data="custom", points=tuple((round(float(x), 4), round(float(y), 4)) for x, y in points))
        self.reset(config, f"{source}: {len(points):,} points; press Play")
        self.transform = transform  # file units → the view's (None for a drawing)

    def points_csv(self, n: int = 1000) -> str:
        """The real points (a custom distribution's own, else n drawn from it) and n generated ones, as CSV
        (``point_files.points_csv``; in the file's units too when the data came from a file)."""
        from ganlab.toy.point_files import points_csv

        with self.lock:
            exp = self.run.experiment
            own = self.config.data == "custom"
            real = np.asarray(self.config.points, dtype=np.float64) if own else exp.real_samples(n)
            fake = exp.samples(n)
        return points_csv({"real": real, "generated": fake}, self.transform if own else None)

    # ------------------------------------------------------------------ commands
    def load(self, path: str) -> None:
        """Continue from a saved run; the controls take its settings."""
        self.pause()
        self.wait(5.0)
        with self.lock:
            self.run.load(path)
            self.config = self.pending = self.run.config
            self.film.clear()
            self.message = f"loaded a run at step {self.run.step}"

    def step_once(self) -> None:
        """Half an iteration: k discriminator steps, or the generator step that completes them."""
        if self.playing:
            return
        with self.lock:
            try:
                phase = self.run.step_phase()
            except GanlabError as exc:
                self.message = f"⚠ {exc}"
                return
            self.run.measure()
        self.message = (f"{self.config.n_critic} discriminator step(s): the surface moved, the samples did not"
                        if phase == "discriminator" else "generator step: the samples moved along the arrows")

    # ------------------------------------------------------------------ drawing
    def panels(self, frames: list[Frame], charts: bool) -> list[dict]:
        """The layered view, and (when ``charts``) the mode histogram and the six chart panels."""
        run = self.run
        frame = frames[0]
        if not self.film or self.film[-1].step != frame.step:
            self.film.append(frame)
        title = f"step {frame.step} · {run.config.objective} ({run.config.lipschitz_method}) on {run.config.data}"
        panels = [layered_view(frame, self.layers, title, "view", VIEW_CAPTION)]
        if charts:
            dist = run.experiment.distribution
            counts = run.last_mode_counts if dist.has_modes else None
            panels.append(bars_panel(counts, "samples per mode (high quality only)", "bars", caption=BARS_CAPTION))
            if dist.has_modes:
                steps = run.metrics["step"][-len(run.mode_shares):] if run.mode_shares else []
                shares = run.mode_shares or [[0.0] * len(dist.centers)]  # nothing measured yet: a blank strip
                panels.append(mode_strip(steps, shares, caption=STRIP_CAPTION))
            critic = run.experiment.trainer.objective.is_critic
            panels += toy_charts(run.history, run.metrics, critic, len(dist.centers) if dist.has_modes else None)
        return panels

    def status(self) -> str:
        run = self.run
        parts = [f"**step {run.step}**"]
        if self.playing or self.rate:
            parts.append(f"{self.rate:.0f} steps/s · {self.fps:.1f} frames/s")
        m = run.metrics
        if m["step"]:
            if m["modes_covered"][-1] is not None:
                modes_total = len(run.experiment.distribution.centers)
                parts.append(f"modes covered **{m['modes_covered'][-1]}/{modes_total}** · "
                             f"high quality **{100 * m['hq_fraction'][-1]:.0f}%**")
            if m["precision"][-1] is not None:
                parts.append(f"precision **{m['precision'][-1]:.2f}** · recall **{m['recall'][-1]:.2f}**")
            if m["w1"][-1] is not None:
                parts.append(f"exact W1 **{m['w1'][-1]:.3f}**")
            if m["w1_estimate"][-1] is not None:
                parts.append(f"critic's estimate {m['w1_estimate'][-1]:.3f}")
            parts.append(f"*metrics every {self.measure_every:g} s of play on {run.measure_points} generated "
                         f"samples (exact W1 on {run.w1_points})*")
        return " · ".join(parts) + (f"\n\n{self.message}" if self.message else "")
