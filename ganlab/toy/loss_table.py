"""The loss table: several objectives on one toy set over many seeds, the same budget each.

Every (objective, seed) run is the objective's recommended setting (``toy.presets.recommended``:
tuned for 6,000 steps, learning rates decaying to 0) trained for the same number of generator steps
with lockstep batches (``training.lockstep``): for one seed, every objective starts from the same
generator and sees the same data. Runs go to a pool of processes, one thread each (one run per core).
A row per objective then holds the mean ± standard deviation over the seeds of

- modes covered and the high-quality fraction (within 3σ of a mode; PacGAN's Table 1 protocol),
- exact W1 between 2,500 generated and 2,500 real samples (POT),
- reverse KL on the mode histogram, KL(p_G ‖ uniform) over the modes, of the high-quality samples,
- precision and recall on k-NN balls round the 2D points (``metrics.prdc``; in the JSON),

and the seconds one run took.
"""
from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable, Sequence

import torch

from ganlab.errors import GanlabError
from ganlab.toy.presets import RECOMMENDED_STEPS, recommended

METRICS = ("modes_covered", "hq_fraction", "w1", "mode_kl", "precision", "recall", "seconds")


def parse_seeds(text: str) -> list[int]:
    """``"0-9"`` → 0 … 9, ``"0,3,5"`` → [0, 3, 5], ``"4"`` → [4]; anything else is a ``GanlabError``."""
    seeds: list[int] = []
    for part in str(text).split(","):
        lo, dash, hi = part.strip().partition("-")
        try:
            first, last = int(lo), int(hi) if dash else int(lo)
        except ValueError:
            raise GanlabError(f"seeds must look like 0-9 or 0,3,5, got {text!r}") from None
        if first < 0 or last < first or last - first > 1000:
            raise GanlabError(f"seeds must look like 0-9 or 0,3,5 (0 or more, at most 1,000), got {text!r}")
        seeds += range(first, last + 1)
    return seeds


def train_one(task: tuple[str, str, int, int, int]) -> dict:
    """One run of the table: (data, objective, seed, steps, eval samples) → its metrics (one thread)."""
    from ganlab.toy.experiment import ToyExperiment

    data, objective, seed, steps, eval_samples = task
    torch.set_num_threads(1)
    config = recommended(objective, data=data, seed=seed, lr_decay_steps=steps)
    if config.noise_anneal_steps:
        config = config.replace(noise_anneal_steps=steps)
    exp = ToyExperiment(config, "cpu", lockstep=True)
    exp.train(steps)
    metrics = exp.evaluate(eval_samples, quality_split=True)
    return {"objective": objective, "seed": seed, "steps": exp.step, "seconds": round(exp.seconds, 2),
            **{k: metrics[k] for k in ("modes_covered", "modes_total", "hq_fraction", "w1", "mode_kl", "precision",
                                       "recall", "density", "coverage")}}


def compare_losses(data: str, objectives: Sequence[str], seeds: Sequence[int], steps: int = RECOMMENDED_STEPS,
                   eval_samples: int = 2500, workers: int = 2,
                   progress: Callable[[int, int, dict], None] | None = None) -> tuple[list[dict], list[dict]]:
    """Train every objective for every seed; returns (rows, runs): one summary row per objective (in
    the order given) and every run's own numbers. ``progress(done, total, run)`` after each run."""
    for objective in objectives:
        recommended(objective, data=data)  # a bad name or data set is reported before any work
    if steps < 1:
        raise GanlabError(f"steps must be ≥ 1, got {steps}")
    tasks = [(data, objective, seed, steps, eval_samples) for objective in objectives for seed in seeds]
    runs: list[dict] = []
    if workers <= 1:
        results = map(train_one, tasks)
        for run in results:
            runs.append(run)
            if progress:
                progress(len(runs), len(tasks), run)
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for run in pool.imap_unordered(train_one, tasks):
                runs.append(run)
                if progress:
                    progress(len(runs), len(tasks), run)
    runs.sort(key=lambda r: (list(objectives).index(r["objective"]), r["seed"]))
    return [summarise(objective, [r for r in runs if r["objective"] == objective]) for objective in objectives], runs


def summarise(objective: str, runs: list[dict]) -> dict:
    """One table row: mean and standard deviation (over seeds) of each metric, and the runs' seeds."""
    row: dict = {"method": objective, "runs": len(runs), "seeds": [r["seed"] for r in runs],
                 "modes_total": runs[0]["modes_total"] if runs else None}
    for key in METRICS:
        values = [r[key] for r in runs if r[key] is not None]
        row[f"{key}_mean"] = statistics.fmean(values) if values else None
        row[f"{key}_std"] = statistics.stdev(values) if len(values) > 1 else 0.0 if values else None
    return row


def markdown_table(rows: list[dict], data: str, steps: int, cpu: str) -> str:
    """The rows as a markdown table, headed by what was run and on which CPU."""
    def cell(row: dict, key: str, scale: float = 1.0, digits: int = 2) -> str:
        mean, std = row[f"{key}_mean"], row[f"{key}_std"]
        return "–" if mean is None else f"{mean * scale:.{digits}f} ± {std * scale:.{digits}f}"

    seeds = rows[0]["seeds"] if rows else []
    lines = [f"{data}, {steps:,} generator steps per run, seeds {_seed_text(seeds)}, {cpu}, "
             f"{time.strftime('%Y-%m-%d')}", "",
             "| method | modes covered | high quality (%) | exact W1 | reverse KL (modes) | seconds per run |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        total = f" / {r['modes_total']}" if r["modes_total"] else ""
        lines.append(f"| {r['method']} | {cell(r, 'modes_covered', digits=1)}{total} | {cell(r, 'hq_fraction', 100, 1)} "
                     f"| {cell(r, 'w1', digits=3)} | {cell(r, 'mode_kl', digits=3)} | {cell(r, 'seconds', digits=1)} |")
    return "\n".join(lines)


def _seed_text(seeds: Sequence[int]) -> str:
    if seeds and list(seeds) == list(range(seeds[0], seeds[-1] + 1)) and len(seeds) > 2:
        return f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(str(s) for s in seeds)
