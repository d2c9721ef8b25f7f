"""Chart points from training: the per-step records of a slice averaged into one point per chart."""
from __future__ import annotations

import math

from ganlab.training.trainer import StepRecord

HISTORY_KEYS = ("step", "d_loss", "g_loss", "d_grad_norm", "g_grad_norm", "d_real", "d_fake", "w1_estimate")


def record_means(history: dict[str, list], records: list[StepRecord]) -> None:
    """Append the mean of ``records`` (one chart point per slice) to ``history`` (keys HISTORY_KEYS):
    for each key, mean = fsum(values) / n over the records that have a value (None when none has),
    and the last record's step. Runs once per slice of the live trainer's loop, so plain attribute
    reads, not ``asdict`` and numpy on a few dozen floats."""
    if not records:
        return
    history["step"].append(records[-1].step)
    for key in HISTORY_KEYS[1:]:
        values = [v for v in (getattr(r, key) for r in records) if v is not None]
        history[key].append(math.fsum(values) / len(values) if values else None)
