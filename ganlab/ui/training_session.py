"""One browser session of a live tab: its runs, the settings they train with, and the play loop.

Every live tab (Toy 2D, Critic vs Discriminator, MNIST, Game dynamics) keeps one ``TrainingSession``
per page. It holds:

- two settings: ``config``, what the runs train with now, and ``pending``, what the controls say.
  A control's new value is checked at once (``set_field``); a training setting (a learning rate, k,
  the objective, a penalty weight, noise) goes to the running runs live, a structural one (data,
  networks, seed) waits in ``pending`` until Reset, and a bad one is refused with the value in force;
- the commands of the transport bar: ``play``, ``pause``, ``step`` and ``reset``;
- the play loop: while playing, a background thread advances the runs in short slices under the
  session lock (several runs advance in lockstep: the same number of steps each) and measures them
  on a time cadence. Nothing is pushed to the browser: the page asks for a frame (``payload``) only
  after it has drawn the previous one, so a slow browser gets fewer frames, never a backlog.

A page that closes ends its sessions at once (Gradio's unload event, ``close_page``); a page that
stops asking without closing (its connection lost, or hidden for many minutes) pauses its run after
``WATCHDOG_SECONDS``. Either way the training slot goes back to the classroom.
"""
from __future__ import annotations

import math
import secrets
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ganlab.errors import GanlabError
from ganlab.ui import capacity

FRAME_PERIOD = 0.2  # the shortest time between two frames a page asks for (5 frames/s at most)
TRAIN_SLICE = 0.05  # seconds the background trainer holds the lock at a time
WATCHDOG_SECONDS = 20.0  # a playing run pauses when no frame was asked for this long
LINE_POLL_SECONDS = 0.5  # how often a session waiting for a training slot looks again
CHART_PERIOD = 1.0  # charts travel with at most one frame a second while playing

# Every session by its token, for the page's frame requests (``ui.canvas_view``). Weak: a session
# lives in its tab's gr.State and leaves this registry when Gradio drops it.
_SESSIONS: weakref.WeakValueDictionary[str, TrainingSession] = weakref.WeakValueDictionary()


def find(token: str) -> TrainingSession | None:
    """The session with this token, if it still exists."""
    return _SESSIONS.get(token)


def close_page(page: str | None) -> int:
    """Close every session of page ``page`` (Gradio's session hash); returns how many."""
    mine = [s for s in list(_SESSIONS.values()) if page is not None and s.page == page]
    for session in mine:
        session.close()
    return len(mine)


@dataclass(frozen=True)
class FieldNote:
    """What became of a control's new value: the value in force afterwards, and a note for beside the
    box ('' when it simply applied)."""

    value: Any
    note: str = ""
    refused: bool = False


class TrainingSession:
    """Base of one page's live state. A subclass says how to build its runs from a config (``build``),
    how they adopt training settings (``apply_live``), and what to draw (``panels``, ``status``)."""

    layers: tuple[str, ...] = ("surface", "real", "fake", "arrows", "manifold")
    frame_period: float = FRAME_PERIOD
    measure_period: float = 1.0  # seconds of play between metric measurements, with one session playing
    structural: frozenset[str] = frozenset()  # config fields that need new runs (they wait for Reset)
    measure_on_load: bool = True  # measure step 0 when the page opens (False where that costs a second)

    def __init__(self, config: Any, page: str | None = None):
        self.config = config  # what the runs train with
        self.pending = config  # what the controls say: structural changes wait here for Reset
        self.lock = capacity.Turnstile(threading.Lock())  # knows who waits for it: see _train
        self._settings = threading.RLock()  # config and pending change one control at a time
        self.runs: list = self.build(config)
        self.playing = False
        self.waiting = False  # in line for a training slot (``capacity.SLOTS``)
        self.steps_per_frame: int | None = None  # None: full speed; small numbers: slow motion
        self.stop_at: int | None = None  # pause when the runs reach this generator step (None: play on)
        self._message = ""
        self.rate = 0.0  # training steps per second (per run) while playing
        self.fps = 0.0  # frames the page asked for, per second, while playing
        self.revision = 0  # bumps on every command that changes what the page shows
        self.token = secrets.token_urlsafe(16)  # the page's handle on this session (see ui.canvas_view)
        _SESSIONS[self.token] = self
        self.page = page  # Gradio's session hash of the page it belongs to
        self._thread: threading.Thread | None = None
        self._asked_at = time.monotonic()
        self._served: deque[float] = deque(maxlen=64)
        self._charts_at = -math.inf

    @property
    def page_period(self) -> float:
        """The shortest time between two frames the page should ask for while playing (a session with
        many views asks for fewer frames, so the browser's drawing leaves the trainer its core)."""
        return self.frame_period

    # ------------------------------------------------------------------ to be provided
    def build(self, config: Any) -> list:
        """Fresh runs for ``config``."""
        raise NotImplementedError

    def check(self, config: Any) -> None:
        """Refuse (``GanlabError``) a config this server cannot give a session, before anything is built."""

    def apply_live(self, config: Any) -> None:
        """Let the runs train with ``config``, which differs from ``self.config`` in training settings
        only; ``GanlabError`` when they cannot without new networks (then the change waits for Reset)."""
        raise NotImplementedError

    def panels(self, frames: list, charts: bool) -> list[dict]:
        """The frame's panels (``ganlab.viz.panels``); chart panels only when ``charts``."""
        raise NotImplementedError

    def status(self) -> str:
        raise NotImplementedError

    # ------------------------------------------------------------------ the message line
    @property
    def message(self) -> str:
        """The line under the status; setting it (any command's answer) redraws the page."""
        return self._message

    @message.setter
    def message(self, text: str) -> None:
        self._message = text
        self.revision += 1

    def changed(self) -> None:
        """Say that what the page shows changed outside training (a command, a setting)."""
        self.revision += 1

    # ------------------------------------------------------------------ settings
    def set_field(self, name: str, value: Any) -> FieldNote:
        """Adopt a control's new value: live for a training setting, at the next Reset for a structural
        one; a value the config refuses leaves everything as it was and says why. Changes of several
        controls at once (their events run side by side) take turns: none overwrites another."""
        with self._settings:
            return self._set_field(name, value)

    def _set_field(self, name: str, value: Any) -> FieldNote:
        kept = getattr(self.pending, name)
        try:
            pending = self.pending.replace(**{name: value})
            if name in self.structural:
                self.check(pending)
        except GanlabError as exc:
            return self._note(FieldNote(kept, f"⚠ {exc}; kept {kept}", refused=True))
        self.pending = pending
        if name in self.structural or getattr(self.config, name) == getattr(pending, name):
            waits = getattr(self.config, name) != getattr(pending, name)
            return self._note(FieldNote(getattr(pending, name), "applies on Reset" if waits else ""))
        try:
            live = self.config.replace(**{name: getattr(pending, name)})
            with self.lock:
                self.apply_live(live)
            self.config = live
        except GanlabError as exc:
            return self._note(FieldNote(getattr(pending, name), f"applies on Reset ({exc})"))
        return self._note(FieldNote(getattr(pending, name), "applied to the running experiment"))

    def _note(self, note: FieldNote) -> FieldNote:
        self.message = note.note
        return note

    def waiting_for_reset(self) -> list[str]:
        """The fields whose new values wait for Reset."""
        return [name for name in self.structural if getattr(self.pending, name) != getattr(self.config, name)]

    # ------------------------------------------------------------------ commands
    def reset(self, config: Any | None = None, message: str = "reset: fresh networks") -> None:
        """Fresh runs from ``config`` (default: the controls' settings, pending changes included)."""
        self.pause()
        self.wait(5.0)
        with self._settings, self.lock:  # a control's change in flight lands before the rebuild, not after
            config = self.pending if config is None else config
            self.runs = self.build(config)
            self.config = self.pending = config
            self.rate = self.fps = 0.0  # a fresh run has no speed yet
            self.message = message
        self.measure_now()

    def command(self, action: str, page: str | None = None, point: Any = None) -> None:
        """A transport button: ``play``, ``pause`` or ``step`` (one half-iteration, when paused). ``point``:
        where a click on a view landed, for tabs whose views take clicks (they override this)."""
        if action == "play":
            self.start(page=page)
        elif action == "pause":
            self.pause()
        elif action == "step":
            self.step_once()
        else:
            self.message = f"⚠ unknown command {action!r}"

    def step_once(self) -> None:
        """Step mode (tabs that have it override this)."""
        self.message = "this tab has no single steps: press Play"

    # ------------------------------------------------------------------ what the runs look like
    def measure(self) -> None:
        for run in self.runs:
            run.measure()

    def frames(self) -> list:
        return [run.frame("arrows" in self.layers, "manifold" in self.layers) for run in self.runs]

    def snapshot(self) -> list:
        """Frames of every run, taken under the lock."""
        with self.lock:
            return self.frames()

    def measure_now(self) -> None:
        """Measure every run now (under the lock), outside play."""
        with self.lock:
            if self.runs:
                self.measure()
        self.changed()

    def advance(self) -> None:
        """One training slice: the first run for TRAIN_SLICE seconds, the others the same number of steps."""
        capacity.use_threads(1)  # small networks run fastest on one thread (an image run may have set two)
        limit = self.steps_per_frame
        if self.stop_at is not None:  # never past the step the page asked to pause at
            left = max(0, self.stop_at - self.runs[0].step)
            limit = left if limit is None else min(limit, left)
        if limit == 0:
            return
        n = self.runs[0].advance(TRAIN_SLICE / len(self.runs), limit)
        for run in self.runs[1:]:
            run.advance(math.inf, n)

    @property
    def measure_every(self) -> float:
        """Seconds of play between measurements. Metrics (exact W1, modes) cost more than training
        steps: with n sessions playing each measures n times less often, so a full classroom spends
        its cores on training."""
        return self.measure_period * max(1, capacity.SLOTS.in_use)

    # ------------------------------------------------------------------ playing
    def start(self, max_seconds: float | None = None, page: str | None = None) -> bool:
        """Start training in the background; False (and a message) when the server already trains its
        maximum number of sessions. Stops by itself after ``max_seconds`` (default: the server's limit)."""
        if page is not None:
            self.page = page
        if self.playing:
            return True
        if not self.runs:
            return False
        if not capacity.SLOTS.try_acquire(self.token):
            self.touch()
            self.message = capacity.SLOTS.busy_message(self.token)
            if not self.waiting:  # wait in line: the run starts by itself when a slot comes back
                self.waiting = True
                threading.Thread(target=self._wait_in_line, args=(max_seconds,), name="ganlab-line", daemon=True).start()
            return False
        self.waiting = False
        self._begin(max_seconds)
        return True

    def _wait_in_line(self, max_seconds: float | None) -> None:
        """Keep this session's place in line, its message current, and start it when its turn comes;
        give the place up if the page stops asking (closed, or its connection lost)."""
        while self.waiting and self.runs:
            time.sleep(LINE_POLL_SECONDS)
            if not self.waiting or not self.runs:
                break
            if time.monotonic() - self._asked_at > WATCHDOG_SECONDS:
                self.leave_line(f"stopped waiting: this page stopped asking for {WATCHDOG_SECONDS:.0f} s; press Play")
                break
            if capacity.SLOTS.try_acquire(self.token):
                self.waiting = False
                self._begin(max_seconds)
                break
            message = capacity.SLOTS.busy_message(self.token)
            if message != self._message:
                self.message = message

    def leave_line(self, message: str = "left the line: press Play to wait again") -> None:
        if self.waiting:
            self.waiting = False
            capacity.SLOTS.leave(self.token)
            self.message = message

    def _begin(self, max_seconds: float | None) -> None:
        """Play: a slot is held; the training thread starts."""
        if self._thread is not None:
            self._thread.join()
        self.touch()
        self.playing, self._message, self.rate, self.fps = True, "", 0.0, 0.0
        self.changed()
        self._served.clear()
        limit = capacity.MAX_PLAY_SECONDS if max_seconds is None else max_seconds
        self._thread = threading.Thread(target=self._train, args=(limit,), name="ganlab-train", daemon=True)
        self._thread.start()

    def pause(self, message: str = "paused") -> None:
        self.leave_line()
        if self.playing:
            self.playing = False
            self.message = message

    def touch(self) -> None:
        """The page asked for a frame: it is still there."""
        self._asked_at = time.monotonic()

    def _train(self, max_seconds: float) -> None:
        started = measured = time.monotonic()
        steps0 = self.runs[0].step
        try:
            while self.playing and self.runs and not self._stop_reason(started, max_seconds):
                now = time.monotonic()
                with capacity.CORES, self.lock:
                    if not self.runs:
                        break
                    try:
                        self.advance()
                        if now - measured >= self.measure_every:
                            self.measure()
                            measured = now
                    except GanlabError as exc:
                        self.pause(f"⚠ {exc}")
                    self.rate = (self.runs[0].step - steps0) / max(time.monotonic() - started, 1e-6)
                if self.steps_per_frame is not None:  # slow motion: a few steps per frame period
                    time.sleep(max(0.0, self.frame_period - (time.monotonic() - now)))
                elif self.lock.waiting or capacity.CORES.waiting:
                    time.sleep(0.0005)  # let a waiting frame, command or other session go first
        finally:
            self.playing = False
            try:
                with self.lock:
                    if self.runs:
                        self.measure()  # the paused state shows fresh metrics
            except GanlabError:
                pass
            self.changed()
            capacity.SLOTS.release()

    def _stop_reason(self, started: float, max_seconds: float) -> bool:
        """Pause (with the reason as the message) when the page stopped asking or the play limit is
        reached; True when it did."""
        now = time.monotonic()
        if self.stop_at is not None and self.runs[0].step >= self.stop_at:
            with self.lock:  # the message arrives with this step's metrics, not the last measured ones
                self.measure()
            self.pause(f"paused at step {self.runs[0].step}, as asked: 'pause at step' is {self.stop_at} "
                       "(raise it, or set 0, to go on)")
            return True
        if now - self._asked_at > WATCHDOG_SECONDS:
            self.pause(f"paused: this page stopped asking for frames for {WATCHDOG_SECONDS:.0f} s "
                       "(connection lost, or hidden in the background); press Play to go on")
            return True
        if now - started > max_seconds:
            limit = " (this server's limit for one run)" if max_seconds == capacity.MAX_PLAY_SECONDS else ""
            self.pause(f"paused itself after {max_seconds:.0f} s of play{limit}; press Play to go on")
            return True
        return False

    def wait(self, timeout: float | None = None) -> None:
        """Wait until the background training has stopped."""
        if self._thread is not None:
            self._thread.join(timeout)

    # ------------------------------------------------------------------ frames for the page
    def key(self) -> str:
        """Changes whenever the page would draw something new; its first number, the revision, only grows
        (the page drops an answer older than one it has shown)."""
        step = self.runs[0].step if self.runs else -1
        return f"{self.revision}:{step}:{int(self.playing)}"

    def quick_status(self) -> dict:
        """The status alone, without the lock (a command's answer: the frame follows)."""
        try:
            status = self.status() if self.runs else self.message
        except (IndexError, KeyError):  # metrics half-appended by the trainer right now
            status = self.message
        return {"key": "", "revision": self.revision, "playing": self.playing, "status": status}

    def payload(self, seen: str = "", visible: bool = True) -> dict:
        """The frame the page asked for: ``{"key", "revision", "playing", "status", "panels", "complete"}``,
        or only ``{"key", "playing"}`` when nothing changed since the frame ``seen`` or the view is hidden.
        Charts travel at most once per ``CHART_PERIOD`` while playing; a frame with charts is
        ``complete``: it holds every panel the view should show (the page drops any others)."""
        self.touch()
        if not self.runs:
            return {"key": "closed", "playing": False, "panels": [],
                    "status": "this session has ended: reload the page to start again"}
        key = self.key()
        if not visible or key == seen:
            return {"key": seen, "playing": self.playing}
        if not self.playing and self._thread is not None and self._thread.is_alive():
            # Paused, but the trainer still finishes its slice and measures once more under the lock:
            # the status says so now, the frame follows (asked for at the playing pace).
            return {**self.quick_status(), "key": seen, "playing": True}
        now = time.monotonic()
        charts = not self.playing or not seen or now - self._charts_at >= CHART_PERIOD
        panels = self.panels(self.snapshot(), charts)
        if charts:
            self._charts_at = now
        if self.playing:
            self._served.append(now)
            if len(self._served) > 1:
                self.fps = (len(self._served) - 1) / max(self._served[-1] - self._served[0], 1e-6)
        return {"key": key, "revision": self.revision, "playing": self.playing, "status": self.status(),
                "panels": panels, "complete": charts, "period": self.page_period}

    def stream(self, max_seconds: float | None = None, period: float = FRAME_PERIOD) -> Iterator[None]:
        """Play for a client without a page (the API): yields at once, then every ``period`` seconds while
        training or waiting in line for a slot, once more when it stopped. Each yield counts as a frame
        asked for."""
        self.start(max_seconds)
        try:
            yield  # at once: the first update needs no training (or says where in line it waits)
            while self.playing or self.waiting:
                time.sleep(period)
                self.touch()
                yield
            self.wait()
            yield
        finally:
            self.leave_line()
            self.playing = False
            self.wait()

    def close(self) -> None:
        """Stop and drop the networks (called when the page closes); memory goes back to the system."""
        self.leave_line()
        self.playing = False
        self.wait(5.0)
        with self.lock:
            self.runs = []
        capacity.release_memory()
