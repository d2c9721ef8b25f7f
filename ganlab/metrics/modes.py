"""Mode collapse, measured (VEEGAN / PacGAN protocol).

Each generated sample is assigned to its nearest mode centre. It is *high quality* if it lies
within ``threshold`` (3) standard deviations of that centre. A mode is *covered* if at least one
high-quality sample has it as nearest mode. The reported KL is that of the per-mode histogram of
high-quality samples from the uniform distribution over modes: 0 when every mode gets the same
share, log K when everything sits on one mode.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch


@dataclass
class ModeCoverage:
    """Result of ``mode_coverage``: counts per mode are of high-quality samples only."""

    modes_covered: int
    modes_total: int
    hq_fraction: float
    counts: list[int]
    mode_kl: float | None  # KL(histogram ‖ uniform); None when no sample is high quality

    def to_dict(self) -> dict:
        return asdict(self)


def mode_coverage(samples, centers, std: float, threshold: float = 3.0) -> ModeCoverage:
    """Modes covered, high-quality fraction and per-mode counts of ``samples`` (n, 2).

    A sample x is high quality iff min_k ‖x − μ_k‖ ≤ threshold · std. Non-finite samples count
    as low quality.
    """
    x = torch.as_tensor(np.asarray(samples, dtype=np.float64))
    c = torch.as_tensor(np.asarray(centers, dtype=np.float64))
    k = len(c)
    if len(x) == 0:
        return ModeCoverage(0, k, 0.0, [0] * k, None)
    finite = torch.isfinite(x).all(dim=1)
    dist = torch.cdist(torch.where(finite[:, None], x, torch.zeros_like(x)), c)
    nearest_dist, nearest = dist.min(dim=1)
    hq = finite & (nearest_dist <= threshold * std)
    counts = torch.bincount(nearest[hq], minlength=k)
    n_hq = int(hq.sum())
    mode_kl = None
    if n_hq:
        p = counts.double() / n_hq
        nz = p > 0
        mode_kl = float((p[nz] * torch.log(p[nz] * k)).sum())
    return ModeCoverage(int((counts > 0).sum()), k, n_hq / len(x), counts.tolist(), mode_kl)



def mode_swings(shares, high: float = 0.3, low: float = 0.05) -> int:
    """How often the generator came back to a mode: the most times any one mode's share of the samples
    rose to ``high`` or more after having fallen to ``low`` or less (its first rise counts too).

    ``shares`` is (measurements, modes). A generator that settles counts at most 1 per mode; one that
    hops from mode to mode, the game's cycle made visible, counts a rise on every return."""
    shares = np.asarray(shares, dtype=np.float64)
    if shares.ndim != 2 or not len(shares):
        return 0
    best = 0
    for series in shares.T:
        rises, above = 0, False
        for value in series:
            if value >= high and not above:
                rises, above = rises + 1, True
            elif value <= low:
                above = False
        best = max(best, rises)
    return best
