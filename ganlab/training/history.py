"""Chart points from training: the per-step records of a slice averaged into one point per chart."""
from __future__ import annotations

import numpy as np

from ganlab.training.trainer import StepRecord

HISTORY_KEYS = ("step", "d_loss", "g_loss", "d_grad_norm", "g_grad_norm", "d_real", "d_fake", "w1_estimate")


def record_means(history: dict[str, list], records: list[StepRecord]) -> None:
    """Append the mean of ``records`` (one chart point per slice) to ``history`` (keys HISTORY_KEYS)."""
    if not records:
        return
    rows = [r.to_dict() for r in records]
    for key in HISTORY_KEYS:
        values = [row[key] for row in rows if row[key] is not None]
        if key == "step":
            history[key].append(rows[-1]["step"])
        else:
            history[key].append(float(np.mean(values)) if values else None)
