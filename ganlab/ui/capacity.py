"""Sharing one server among a classroom: a cap on sessions training at once, an idle limit, and
giving memory back when sessions end.

Settings (environment variables, read at start-up):
- ``GANLAB_MAX_TRAINING`` (default: what memory allows, ``memory_limit``, computed at start-up): live
  runs training at the same time. Below it every student plays and the cores are shared; beyond it
  a student waits in line, sees their place and an estimate, and starts by themselves.
- ``GANLAB_MAX_PLAY_SECONDS`` (default 1800): a run that plays this long pauses itself, so a
  forgotten tab does not hold a slot and a core all afternoon.
- ``GANLAB_SESSION_MB`` (default 1024) and ``GANLAB_SESSION_GFLOP`` (default 50): the most memory one
  session's networks may take, and the most arithmetic one of its training steps may cost (50 GFLOP
  is a few tenths of a second on a 2-core CPU). A bigger network is refused before it is built
  (``check_cost``), so one student cannot stall the server for the class (hidden width 4096 × depth
  16 took 10.7 GB and 14 s a step, and Pause answered after 18 s).
Each playing session trains in its own thread with one intra-op thread, so the operating system
shares the cores evenly among them.
"""
from __future__ import annotations

import gc
import os
import threading
import time
from collections import deque

from ganlab.errors import GanlabError
from ganlab.training.fast.allocator import keep_freed_memory, return_freed_memory
from ganlab.training.cost import StepCost


def _env_int(name: str, default: int, lo: int, hi: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return min(max(value, lo), hi)


TYPICAL_SESSION_MB = 64  # a live MNIST session (networks, Adam, snapshot, a step's activations); a toy one takes ~4
RESERVED_MB = 1024  # the server itself, Gradio, POT and the page assets


def available_mb() -> int:
    """Memory the system can still give this server (MemAvailable), in MB; 4096 where it cannot say."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 4096


def memory_limit(free_mb: int, per_session_mb: int = TYPICAL_SESSION_MB, reserved_mb: int = RESERVED_MB) -> int:
    """Sessions that may train at once: what memory allows, (free − reserved) / per session, at least 1."""
    return max(1, (free_mb - reserved_mb) // per_session_mb)


MAX_TRAINING = _env_int("GANLAB_MAX_TRAINING", min(memory_limit(available_mb()), 1000), 1, 1000)
MAX_PLAY_SECONDS = _env_int("GANLAB_MAX_PLAY_SECONDS", 30 * 60, 5, 24 * 3600)
SESSION_MB = _env_int("GANLAB_SESSION_MB", 1024, 16, 1024 * 1024)
SESSION_GFLOP = _env_int("GANLAB_SESSION_GFLOP", 50, 1, 10**6)


def check_cost(cost: StepCost) -> None:
    """Refuse (``GanlabError``) networks that would take more than one session's share of the server."""
    if cost.memory_bytes > SESSION_MB * 2**20 or cost.flops > SESSION_GFLOP * 1e9:
        raise GanlabError(f"too big for a session on this server: {cost.describe()}; one session may use "
                          f"{SESSION_MB / 1024:g} GiB and {SESSION_GFLOP} GFLOP per step "
                          "(GANLAB_SESSION_MB, GANLAB_SESSION_GFLOP)")


class TrainingSlots:
    """At most ``limit`` holders at once, and a first-come line for the rest; ``try_acquire`` never blocks."""

    def __init__(self, limit: int):
        self.limit = limit
        self._held = 0
        self._lock = threading.Lock()
        self._line: list[str] = []  # who waits, first come first served
        self._releases: deque[float] = deque(maxlen=8)  # when slots came back (for the estimate)

    @property
    def in_use(self) -> int:
        return self._held

    def try_acquire(self, who: str | None = None) -> bool:
        """Take a slot if one is free and nobody waits ahead of ``who``; else ``who`` joins the line."""
        with self._lock:
            ahead = self._line.index(who) if who in self._line else len(self._line)
            if self._held < self.limit and ahead == 0:
                self._held += 1
                if who in self._line:
                    self._line.remove(who)
                return True
            if who is not None and who not in self._line:
                self._line.append(who)
            return False

    def leave(self, who: str) -> None:
        """``who`` stops waiting."""
        with self._lock:
            if who in self._line:
                self._line.remove(who)

    def position(self, who: str) -> int:
        """``who``'s place in the line, from 1 (0: not waiting)."""
        with self._lock:
            return self._line.index(who) + 1 if who in self._line else 0

    def release(self) -> None:
        with self._lock:
            self._held = max(0, self._held - 1)
            self._releases.append(time.monotonic())

    def estimate(self, place: int) -> float | None:
        """Seconds until ``place`` in line is served, from how often slots came back lately (None: no idea yet)."""
        times = list(self._releases)
        if len(times) < 2:
            return None
        return place * (times[-1] - times[0]) / (len(times) - 1)

    def busy_message(self, who: str | None = None) -> str:
        place = self.position(who) if who is not None else 0
        if not place:
            return (f"⏳ {self.limit} sessions are training on this server right now, the most its memory allows. "
                    "Please wait a moment and press Play again (your settings are kept).")
        eta = self.estimate(place)
        when = f"about {eta:.0f} s" if eta is not None else "as soon as a run ends"
        return (f"⏳ waiting in line: you are number {place}; {self.limit} sessions are training, the most this "
                f"server's memory allows. Your run starts by itself ({when}); Pause leaves the line.")


SLOTS = TrainingSlots(MAX_TRAINING)

class Turnstile:
    """A lock or semaphore that counts the threads waiting for it (``waiting``). A live trainer
    holds its session's lock and a core slice after slice; between two slices it steps aside only
    when someone waits (a frame, a command, another session), instead of sleeping every time.
    Python's locks are not fair: without stepping aside, the releasing thread takes them again."""

    def __init__(self, lock) -> None:
        self._lock = lock
        self._count = threading.Lock()
        self.waiting = 0

    def __enter__(self) -> Turnstile:
        with self._count:
            self.waiting += 1
        self._lock.acquire()
        with self._count:
            self.waiting -= 1
        return self

    def __exit__(self, *exc) -> None:
        self._lock.release()


# Training slices take turns on the cores instead of all threads fighting over Python's GIL at once
# (with 8 threads contending, each torch call waited for the GIL and throughput fell 4×): at most one
# slice per core runs at a time; the others wait here.
CORE_SLICES = _env_int("GANLAB_CORE_SLICES", max(1, min(os.cpu_count() or 1, 4)), 1, 64)
CORES = Turnstile(threading.BoundedSemaphore(CORE_SLICES))


IMAGE_THREADS = max(1, min(os.cpu_count() or 1, 2))  # what `python -m ganlab images` uses by default


class ThreadChooser:
    """Picks the intra-op thread count that trains fastest right now, by measuring.

    Two threads make small convolutions about 1.5× faster on an idle 2-core machine, but when
    something else keeps a core busy (the browser on the same laptop: throttled Chromium took
    0.9 of 2 cores) each parallel region waits for the helper thread to be scheduled, and two threads
    ran 2–3× *slower* than one. So: use the option with the best smoothed rate (images/s), and
    every ``explore``-th slice try another one, so a change in the machine's load is noticed
    within a few seconds. Rates are exponential moving averages with weight ``smoothing``."""

    def __init__(self, options: tuple[int, ...] = (IMAGE_THREADS, 1), explore: int = 20, smoothing: float = 0.3):
        self.options = tuple(dict.fromkeys(options))  # unique, in order of preference
        self.explore = explore
        self.smoothing = smoothing
        self.rates: dict[int, float] = {}
        self._turn = 0

    def pick(self) -> int:
        """The thread count for the next slice: untried options first, then mostly the fastest."""
        self._turn += 1
        for n in self.options:
            if n not in self.rates:
                return n
        best = max(self.options, key=lambda n: self.rates[n])
        if len(self.options) > 1 and self._turn % self.explore == 0:
            others = [n for n in self.options if n != best]
            return others[(self._turn // self.explore) % len(others)]
        return best

    def report(self, threads: int, rate: float) -> None:
        """The rate a slice on ``threads`` threads reached (a slice cut short by a reset is ignored)."""
        if not rate > 0:
            return
        old = self.rates.get(threads)
        self.rates[threads] = rate if old is None else (1 - self.smoothing) * old + self.smoothing * rate


def use_threads(n: int) -> None:
    """Set torch's intra-op threads to ``n`` for the calling thread (OpenMP keeps the count per
    thread) if they differ."""
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def one_core_outside_training() -> None:
    """Let only a training thread run torch on several cores; every other thread uses one.

    GNU OpenMP gives each thread that runs a parallel region a pool of helper threads that lives as
    long as that thread. Once the pools together hold more threads than the machine has cores, every
    pool stops spinning between parallel regions and sleeps instead, and waking costs more than
    small convolutions take: a live MNIST run training on 2 threads in the background managed 2,300
    images/s while the server's main thread held a pool of its own, against 4,100 in
    ``python -m ganlab images`` (2-core Intel Xeon, torch 2.13). ``app.py`` sets
    ``OMP_NUM_THREADS=1`` before torch loads, so that the server's threads start with one;
    this covers the thread that calls it (a notebook that imported torch first)."""
    use_threads(1)


QUEUE_POLL_SECONDS = 0.02


def calm_queue(app) -> None:
    """Let Gradio's queue look for new events every 20 ms instead of every 1 ms when it is idle.

    Its scheduler polls in a loop on Linux; each of those 1,000 wake-ups a second takes Python's
    GIL from the training threads (measured: the live toy trainer at 86% of its speed in a process
    of its own). An event now waits at most 20 ms longer to start, which no one can see."""
    queue = getattr(app, "_queue", None)
    if queue is not None and getattr(queue, "sleep_when_free", 0) < QUEUE_POLL_SECONDS:
        queue.sleep_when_free = QUEUE_POLL_SECONDS
        queue.progress_update_sleep_when_free = max(getattr(queue, "progress_update_sleep_when_free", 0),
                                                    QUEUE_POLL_SECONDS)


def tune_malloc(arenas: int = 2, mmap_threshold: int = 4 * 1024 * 1024) -> None:
    """Make glibc give freed memory back: at most ``arenas`` malloc arenas (M_ARENA_MAX) instead of up
    to 8 per core, and a fixed M_MMAP_THRESHOLD, so that large blocks (POT's cost matrices, image
    batches) always come from mmap and return to the system when freed; by default glibc raises the
    threshold after each large free and later serves such blocks from a heap it cannot shrink.
    Smaller blocks, the tensors of a training step, stay on the heap, which ``release_memory`` trims
    when a session ends: a threshold of 32 KiB (an mmap and page faults for every such tensor) made
    the toy step 40% slower."""
    keep_freed_memory(mmap_threshold, 4 * mmap_threshold, arenas=arenas)


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the operating system (glibc's malloc_trim)."""
    gc.collect()
    return_freed_memory()
