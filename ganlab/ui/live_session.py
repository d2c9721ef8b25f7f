"""The play loop shared by every live tab: background training, 5 frames a second.

While playing, a background thread advances the session's runs in short slices under the
session lock (several runs advance in lockstep: the same number of steps each), and the play
loop takes a snapshot 5 times a second (metrics every second frame, charts every fifth), builds
the figures outside the lock and yields them. The lock also keeps a parameter change or a save
from landing in the middle of a step.
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator

from ganlab.errors import GanlabError
from ganlab.live import Frame, LiveToyRun
from ganlab.ui import capacity

FRAME_PERIOD = 0.2  # seconds between frames: 5 frames/s
TRAIN_SLICE = 0.02  # seconds the background trainer holds the lock at a time


class LiveSession:
    """Base of one browser session's live state; subclasses say what to draw."""

    layers: tuple[str, ...] = ("surface", "real", "fake", "arrows", "manifold")
    frame_period: float = FRAME_PERIOD
    measure_every: int = 2  # frames between metric measurements

    def __init__(self, runs: list[LiveToyRun]):
        self.runs = runs
        self.lock = threading.Lock()
        self.playing = False
        self.steps_per_frame: int | None = None  # None: full speed; small numbers: slow motion
        self.message = ""
        self.rate = 0.0  # training steps per second (per run) while playing
        self.fps = 0.0
        self.revision = 0  # bumps on reset so plotly forgets zoom and legend state

    # ------------------------------------------------------------------ to be provided
    def figures(self, frames: list[Frame] | None = None, charts: bool = True) -> tuple:
        raise NotImplementedError

    # ------------------------------------------------------------------ shared
    def snapshot(self, measure: bool = False) -> list[Frame]:
        """Frames of every run (and fresh metrics when ``measure``), taken under the lock."""
        with self.lock:
            if measure:
                for run in self.runs:
                    run.measure()
            return [run.frame("arrows" in self.layers, "manifold" in self.layers) for run in self.runs]

    def advance(self) -> None:
        """One training slice: the first run for TRAIN_SLICE seconds, the others the same number of steps."""
        n = self.runs[0].advance(TRAIN_SLICE / len(self.runs), self.steps_per_frame)
        for run in self.runs[1:]:
            run.advance(math.inf, n)

    def close(self) -> None:
        """Stop and drop the networks (called when the page closes); memory goes back to the system."""
        self.playing = False
        with self.lock:
            self.runs = []
        capacity.release_memory()

    def _train_loop(self) -> None:
        while self.playing:
            slice_start = time.perf_counter()
            with capacity.CORES, self.lock:
                try:
                    self.advance()
                except GanlabError as exc:
                    self.playing, self.message = False, f"⚠ {exc}"
            if self.steps_per_frame is not None:  # slow motion: a few steps per frame period
                time.sleep(max(0.0, self.frame_period - (time.perf_counter() - slice_start)))
            else:
                time.sleep(0.0005)  # let a waiting frame take the lock

    def play(self, max_seconds: float | None = None) -> Iterator[tuple]:
        """Train in the background and yield figures every ``frame_period`` seconds until paused,
        ``max_seconds`` pass (default: the server's idle limit) or the page closes.

        When the server already trains its maximum number of sessions, yields one frame that says
        so and returns without training."""
        if not capacity.SLOTS.try_acquire():
            self.playing, self.message = False, capacity.SLOTS.busy_message()
            yield self.figures(self.snapshot(), charts=True)
            return
        try:
            yield from self._play(capacity.MAX_PLAY_SECONDS if max_seconds is None else max_seconds)
        finally:
            capacity.SLOTS.release()

    def _play(self, max_seconds: float) -> Iterator[tuple]:
        self.playing, self.message = True, ""
        started = time.perf_counter()
        steps0, frames = self.runs[0].step, 0
        trainer = threading.Thread(target=self._train_loop, name="ganlab-train", daemon=True)
        trainer.start()
        try:
            while self.playing and self.runs and time.perf_counter() - started < max_seconds:
                time.sleep(max(0.0, started + (frames + 1) * self.frame_period - time.perf_counter()))
                # metrics (exact W1, modes) cost more than training steps: with n sessions playing, each
                # measures n times less often, so a full classroom still spends most cores on training
                every = self.measure_every * max(1, capacity.SLOTS.in_use)
                snapshot = self.snapshot(measure=frames % every == 0 or not self.playing)
                frames += 1
                elapsed = time.perf_counter() - started
                self.rate = (self.runs[0].step - steps0) / elapsed if self.runs else 0.0
                self.fps = frames / elapsed
                yield self.figures(snapshot, charts=frames % 5 == 1 or not self.playing)
            if self.playing and self.runs:  # the time limit, not the user, stopped it
                self.playing = False
                limit = " (this server's limit for one run)" if max_seconds == capacity.MAX_PLAY_SECONDS else ""
                self.message = f"paused itself after {max_seconds:.0f} s of play{limit}; press Play to go on"
                yield self.figures(self.snapshot(measure=True), charts=True)
        finally:
            self.playing = False
            trainer.join()
