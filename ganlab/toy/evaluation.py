"""One summary of a toy generator against its data: modes, high quality, exact W1, grid JS."""
from __future__ import annotations

import numpy as np

from ganlab.maths.divergences import grid_divergences, w1_samples
from ganlab.metrics.modes import mode_coverage
from ganlab.metrics.prdc import split_quality
from ganlab.toy.data import ToyDistribution


def evaluate_toy_samples(fake: np.ndarray, real: np.ndarray, dist: ToyDistribution,
                         w1_points: int | None = None, radii: dict | None = None) -> dict:
    """Metrics of generated points ``fake`` against real points ``real`` from ``dist``.

    Keys: ``modes_covered``, ``modes_total``, ``hq_fraction``, ``mode_kl``, ``mode_counts`` (None
    for distributions without modes), ``w1`` (exact optimal transport on the first ``w1_points``
    of each set, all when None), ``grid_js`` and ``grid_kl`` (50 × 50 grid over the window). With
    ``radii`` (a cache for the real set's k-NN radii, ``metrics.prdc.split_quality``) also
    ``precision``, ``recall``, ``density`` and ``coverage`` on the raw 2D points: high quality is a
    precision with 3σ balls round the modes, modes covered a coarse recall.
    """
    fake = np.asarray(fake, dtype=np.float64)
    real = np.asarray(real, dtype=np.float64)
    out: dict = {"modes_covered": None, "modes_total": None, "hq_fraction": None,
                 "mode_kl": None, "mode_counts": None}
    if dist.has_modes:
        cov = mode_coverage(fake, dist.centers.numpy(), dist.std)
        out.update(modes_covered=cov.modes_covered, modes_total=cov.modes_total,
                   hq_fraction=cov.hq_fraction, mode_kl=cov.mode_kl, mode_counts=cov.counts)
    n = min(len(fake), len(real)) if w1_points is None else min(w1_points, len(fake), len(real))
    out["w1"] = w1_samples(fake[:n], real[:n])
    grid = grid_divergences(real, fake, dist.window)
    out.update(grid_js=grid["js"], grid_kl=grid["kl"], fake_outside=grid["fake_outside"])
    if radii is not None:
        out.update(split_quality(real, fake, radii))
    return out
