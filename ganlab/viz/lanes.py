"""The loss lanes' curves: one colour per lane, over generator steps."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ganlab.toy.run import ToyRun
from ganlab.viz.panels import D_COLOR, F_COLOR, line_panel, series

# lanes 1 and 2 keep the colours of the old discriminator/critic pair
LANE_COLORS = (D_COLOR, F_COLOR, "#d95f02", "#1b9e77", "#e7298a", "#4d4d4d")


def min_max(values: Sequence) -> list[float | None]:
    """``values`` rescaled to [0, 1] by their own range: (v − min) / (max − min); missing stay missing,
    a flat series sits at 0.5. Losses of different objectives then share an axis: their shapes compare,
    not their values."""
    v = np.array([np.nan if x is None else x for x in values], dtype=np.float64)
    finite = v[np.isfinite(v)]
    if not finite.size:
        return [None] * len(v)
    lo, hi = float(finite.min()), float(finite.max())
    scaled = (v - lo) / (hi - lo) if hi > lo else np.where(np.isfinite(v), 0.5, np.nan)
    return [None if not np.isfinite(x) else float(x) for x in scaled]


def lane_charts(runs: Sequence[ToyRun], names: Sequence[str], colors: Sequence[str], curves: dict) -> list[dict]:
    """Exact W1, modes covered, high-quality %, the gradient at the fakes, each lane's discriminator
    loss (min–max scaled) and milliseconds per generator step, one series per lane."""
    lanes = list(zip(runs, names, colors))

    def per_lane(key: str, scale: float = 1.0) -> list[dict]:
        return [series(name, run.metrics["step"], run.metrics[key], color, scale=scale) for run, name, color in lanes]

    def from_curves(key: str, log: bool = False) -> list[dict]:
        return [series(name, curves["step"], [v if v is not None and (v > 0 or not log) else None
                                              for v in (row[i] for row in curves[key])], color)
                for i, (_, name, color) in enumerate(lanes)]

    charts = [line_panel("exact W1 to the data", per_lane("w1"), "lanes-w1")]
    total = runs[0].metrics["modes_covered"] and runs[0].experiment.distribution.has_modes
    if total:
        modes = len(runs[0].experiment.distribution.centers)
        charts += [line_panel(f"modes covered (of {modes})", per_lane("modes_covered"), "lanes-modes", ylim=(0, modes)),
                   line_panel("high-quality samples (%)", per_lane("hq_fraction", 100.0), "lanes-hq", ylim=(0, 100))]
    charts += [line_panel("mean ‖−∂L_G/∂x‖ at the fakes (log)",
                          from_curves("grad", log=True), "lanes-grad", log=True),
               line_panel("discriminator loss, each lane scaled to [0, 1]",
                          [series(name, run.history["step"], min_max(run.history["d_loss"]), color)
                           for run, name, color in lanes], "lanes-loss", ylim=(0, 1)),
               line_panel("milliseconds per generator step", from_curves("ms"), "lanes-ms")]
    return charts
