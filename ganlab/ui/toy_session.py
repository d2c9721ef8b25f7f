"""One browser session's live toy run: the play loop, its pacing, and the figures it sends.

While playing, a background thread trains in short slices and the play loop takes a snapshot
5 times a second (the layered view every frame, metrics every second frame, charts and mode bars
every fifth), builds the figures outside the lock and yields them. The lock also keeps a
parameter change or a save from landing in the middle of a step.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from ganlab.config import ToyConfig
from ganlab.errors import GanlabError
from ganlab.live import LiveToyRun
from ganlab.viz import history_figure, layered_figure, mode_bars

FRAME_PERIOD = 0.2  # seconds between frames: 5 frames/s
TRAIN_SLICE = 0.02  # seconds the background trainer holds the lock at a time
MAX_PLAY_SECONDS = 30 * 60  # a forgotten tab stops itself


@dataclass
class ToySession:
    """State of one user's Toy 2D tab (kept in ``gr.State``; freed with the page)."""

    config: ToyConfig
    run: LiveToyRun = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    playing: bool = False
    layers: tuple[str, ...] = ("surface", "real", "fake", "arrows", "manifold")
    steps_per_frame: int | None = None  # None: as many as fit in TRAIN_SLICE; small numbers: slow motion
    message: str = ""
    rate: float = 0.0  # training steps per second while playing
    fps: float = 0.0
    revision: int = 0  # bumps on reset so plotly forgets zoom and legend state

    def __post_init__(self) -> None:
        self.run = LiveToyRun(self.config)

    # ------------------------------------------------------------------ commands
    def reset(self, config: ToyConfig) -> None:
        with self.lock:
            self.config = config
            self.run.reset(config)
            self.revision += 1
            self.message = "reset: fresh networks"

    def load(self, path: str) -> None:
        with self.lock:
            self.run.load(path)
            self.config = self.run.config
            self.revision += 1
            self.message = f"loaded a run at step {self.run.step}"

    def apply(self, config: ToyConfig) -> None:
        with self.lock:
            self.message = self.run.apply(config)
            if self.run.config == config:
                self.config = config

    def step_once(self) -> str:
        with self.lock:
            try:
                phase = self.run.step_phase()
            except GanlabError as exc:
                self.message = str(exc)
                return "error"
            self.run.measure()
        self.message = (f"{self.config.n_critic} discriminator step(s): the surface moved, the samples did not"
                        if phase == "discriminator" else "generator step: the samples moved along the arrows")
        return phase

    def close(self) -> None:
        """Stop and drop the networks (called when the page closes)."""
        self.playing = False
        self.run = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ drawing
    def figures(self, charts: bool = True, frame=None) -> tuple:
        """(layered view, charts, mode bars, status) for the current state; charts may be None."""
        run = self.run
        if frame is None:
            with self.lock:
                frame = run.frame("arrows" in self.layers, "manifold" in self.layers)
        title = f"step {run.step} · {run.config.objective} ({run.config.lipschitz_method}) on {run.config.data}"
        rev = str(self.revision)
        layered = layered_figure(frame, self.layers, title, rev)
        if not charts:
            return layered, None, None, self.status()
        critic = run.experiment.trainer.objective.is_critic
        dist = run.experiment.distribution
        hist = history_figure(run.history, run.metrics, critic, len(dist.centers) if dist.has_modes else None, rev)
        counts = run.last_mode_counts
        bars = mode_bars(counts, sum(counts) if counts else 0, rev)
        return layered, hist, bars, self.status()

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
            if m["w1"][-1] is not None:
                parts.append(f"exact W1 **{m['w1'][-1]:.3f}**")
            if m["w1_estimate"][-1] is not None:
                parts.append(f"critic's estimate {m['w1_estimate'][-1]:.3f}")
        line = " · ".join(parts)
        return line + (f"\n\n{self.message}" if self.message else "")

    # ------------------------------------------------------------------ the play loop
    def _train_loop(self) -> None:
        """Background training while playing: short slices under the lock, so frames can cut in."""
        while self.playing:
            slice_start = time.perf_counter()
            with self.lock:
                try:
                    self.run.advance(TRAIN_SLICE, self.steps_per_frame)
                except GanlabError as exc:
                    self.playing, self.message = False, f"⚠ {exc}"
            if self.steps_per_frame is not None:  # slow motion: a few steps per frame period
                time.sleep(max(0.0, FRAME_PERIOD - (time.perf_counter() - slice_start)))
            else:
                time.sleep(0.0005)  # let a waiting frame take the lock

    def play(self) -> Iterator[tuple]:
        """Train in the background and yield figures about 5 times a second until paused."""
        self.playing, self.message = True, ""
        started = time.perf_counter()
        steps0, frames = self.run.step, 0
        trainer = threading.Thread(target=self._train_loop, name="ganlab-toy-train", daemon=True)
        trainer.start()
        try:
            while self.playing and time.perf_counter() - started < MAX_PLAY_SECONDS:
                next_frame = started + (frames + 1) * FRAME_PERIOD
                time.sleep(max(0.0, next_frame - time.perf_counter()))
                with self.lock:  # a consistent snapshot; figures are built outside the lock
                    if frames % 2 == 0 or not self.playing:
                        self.run.measure()
                    frame = self.run.frame("arrows" in self.layers, "manifold" in self.layers)
                frames += 1
                elapsed = time.perf_counter() - started
                self.rate = (self.run.step - steps0) / elapsed
                self.fps = frames / elapsed
                yield self.figures(charts=frames % 5 == 1 or not self.playing, frame=frame)
        finally:
            self.playing = False
            trainer.join()
