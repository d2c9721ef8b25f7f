"""Image training in slices that can run on a borrowed GPU: Hugging Face's ZeroGPU.

On a ZeroGPU Space the server process has no GPU. Work that needs one runs inside a function
decorated with ``@spaces.GPU(duration=...)``: each call goes to a forked worker that holds a GPU for
at most ``duration`` seconds, and its arguments and result are pickled across that boundary. So the
live image trainer hands the worker everything as CPU tensors (``cpu_state``), the worker rebuilds the
experiment on its device, trains a slice (``train_slice``), and hands the new state back as CPU tensors.
The same function runs in-process everywhere else; off a Space the decorator changes nothing.

When the worker cannot run (the visitor's daily quota is spent, or no GPU is granted), ``SliceTrainer``
says so once and trains on in the server's own process, on the CPU, from the last state it got back.
Quotas are per IP address: a class behind one router shares one.
"""
from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable
from typing import Any

import torch

from ganlab.images.config import ImageConfig

SLICE_SECONDS = 2.0  # training per call to the worker: a call costs more than a step to set up
SLICE_DURATION = 30  # seconds of GPU a call may hold (ZeroGPU's duration: generous, a call usually takes a few)
GPU_ENTRY_POINTS: dict[str, int] = {}  # what runs on the borrowed GPU, and its duration


def on_zero_gpu(environ: dict | None = None) -> bool:
    """A ZeroGPU Space: ``SPACES_ZERO_GPU`` is set and the ``spaces`` package is installed."""
    env = os.environ if environ is None else environ
    return str(env.get("SPACES_ZERO_GPU", "")).lower() in ("1", "t", "true") and \
        importlib.util.find_spec("spaces") is not None


def gpu(duration: int) -> Callable[[Callable], Callable]:
    """``spaces.GPU(duration=duration)`` where the ``spaces`` package is installed (a no-op off a Space),
    else nothing; the entry point is listed in ``GPU_ENTRY_POINTS`` either way."""
    def decorate(fn: Callable) -> Callable:
        GPU_ENTRY_POINTS[fn.__name__] = duration
        if importlib.util.find_spec("spaces") is None:
            return fn
        import spaces

        return spaces.GPU(duration=duration)(fn)
    return decorate


def _to(tree: Any, device: torch.device | str) -> Any:
    """Every tensor of a nested state (dicts, lists, tuples) copied to ``device``: a copy even where it is
    already there, so that a slice never writes into the state it was given (as across a real process
    boundary, where the pickles are copies)."""
    if isinstance(tree, torch.Tensor):
        return tree.detach().to(device, copy=True)
    if isinstance(tree, dict):
        return {k: _to(v, device) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_to(v, device) for v in tree)
    return tree


def cpu_state(trainer) -> dict:
    """The trainer's whole state (networks, optimisers, EMA, step, random stream) as CPU tensors, with
    the kind of device its random stream belongs to (a CUDA stream's state means nothing to a CPU one)."""
    state = _to(trainer.state_dict(), "cpu")
    state["rng_device"] = trainer.rng.device.type
    return state


def load_state(trainer, state: dict) -> None:
    """Adopt ``state`` (``cpu_state``'s) on the trainer's own device. The random stream carries over
    when it comes from the same kind of device; otherwise it restarts from the seed and the step."""
    state = dict(state)
    rng, rng_device = state.pop("rng"), state.pop("rng_device", "cpu")
    state["rng"] = trainer.rng.get_state()
    trainer.load_state_dict(_to(state, trainer.device))
    if rng_device == trainer.rng.device.type:
        trainer.rng.set_state(rng)
    else:
        trainer.rng.manual_seed(trainer.settings.seed * 1_000_003 + trainer.step_count)


def train_slice(config: ImageConfig, state: dict | None, steps: int, seconds: float = SLICE_SECONDS,
                device: str = "auto") -> tuple[dict, list]:
    """Rebuild the experiment for ``config`` on ``device`` (auto: CUDA when the process has one), adopt
    ``state`` (None: fresh networks), train at most ``steps`` steps or ``seconds``, and return the new
    state (CPU tensors) and the step records. Everything in and out pickles."""
    from ganlab.images.experiment import ImageExperiment

    exp = ImageExperiment(config, device)
    if state is not None:
        load_state(exp.trainer, state)
    records = _steps(exp.trainer, steps, seconds)
    return cpu_state(exp.trainer), records


def _steps(trainer, steps: int, seconds: float) -> list:
    """At least one step, then more until ``steps`` or ``seconds``."""
    records, deadline = [], time.perf_counter() + seconds
    while len(records) < steps and (not records or time.perf_counter() < deadline):
        records.append(trainer.step())
    return records


train_slice_on_gpu = gpu(SLICE_DURATION)(train_slice)


class SliceTrainer:
    """Trains an image experiment in ZeroGPU slices, and on its own CPU once the GPU is refused."""

    def __init__(self, slice_fn: Callable = train_slice_on_gpu):
        self.slice_fn = slice_fn
        self.borrowing = True
        self.note = ""

    def advance(self, experiment, steps: int, seconds: float) -> list:
        """Train ``experiment`` (its state stays in this process, on the CPU) for a slice; returns the records."""
        if self.borrowing:
            try:
                state, records = self.slice_fn(experiment.config, cpu_state(experiment.trainer), steps,
                                               max(seconds, SLICE_SECONDS))
                load_state(experiment.trainer, state)
                return records
            except Exception as exc:  # noqa: BLE001 — quota, no GPU granted, the worker gone: train on here
                self.borrowing = False
                reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
                self.note = f"ZeroGPU gave no GPU ({reason}): training goes on on this server's CPU"
        return _steps(experiment.trainer, steps, seconds)
