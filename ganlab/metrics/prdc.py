"""Quality and diversity measured apart: precision, recall, density and coverage of generated samples.

Each set's *manifold* is the union of balls around its points, each ball's radius the distance to that
point's k-th nearest neighbour in its own set (the point itself not counted). For real features
x_1 … x_N with radii r_i, fake features y_1 … y_M with radii s_j, and d the Euclidean distance:

    precision = (1/M) Σ_j 1[∃i: d(y_j, x_i) < r_i]          (fakes inside the real manifold: quality)
    recall    = (1/N) Σ_i 1[∃j: d(x_i, y_j) < s_j]          (reals inside the fake manifold: diversity)
    density   = (1/kM) Σ_j Σ_i 1[d(y_j, x_i) < r_i]         (how many real balls hold each fake, ≈ 1 for a match)
    coverage  = (1/N) Σ_i 1[min_j d(x_i, y_j) < r_i]        (real balls that hold at least one fake)

Improved precision and recall: Kynkäänniemi et al., NeurIPS 2019 (k = 3); density and coverage: Naeem et
al., ICML 2020 (k = 5), which outliers sway less. Mode collapse reads as high precision with low recall
(and low coverage). The inequalities are strict, as in the ``prdc`` reference package, which a test
holds these functions to on random data.

Distances are computed in chunks of rows with torch, so a few thousand points take milliseconds; the
real set's radii depend only on the real set and ``k`` (``knn_radii``), so callers that measure often
compute them once.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

Tensor = torch.Tensor
CHUNK = 1024  # rows of a distance matrix computed at a time


def _points(features) -> Tensor:
    x = torch.as_tensor(np.asarray(features, dtype=np.float64) if not isinstance(features, Tensor) else features)
    x = x.detach().to(torch.float64).reshape(len(x), -1)
    if len(x) < 2:
        raise ValueError("precision and recall need at least two points in each set")
    return x


def knn_radii(features, k: int) -> Tensor:
    """Each point's distance to its k-th nearest neighbour in the same set (itself excluded): r_i."""
    x = _points(features)
    if not 1 <= k < len(x):
        raise ValueError(f"k must be between 1 and {len(x) - 1}, got {k}")
    out = torch.empty(len(x), dtype=torch.float64)
    for start in range(0, len(x), CHUNK):
        d = torch.cdist(x[start:start + CHUNK], x)
        out[start:start + CHUNK] = d.kthvalue(k + 1, dim=1).values  # the 0 to itself is the first
    return out


@dataclass(frozen=True)
class PRDC:
    """Precision, recall, density and coverage of one fake set against one real set, with the k used."""

    precision: float
    recall: float
    density: float
    coverage: float
    k: int

    def to_dict(self) -> dict:
        return asdict(self)


def prdc(real, fake, k: int = 5, real_radii: Tensor | None = None) -> PRDC:
    """All four measures with one k (as the ``prdc`` package computes them). ``real_radii``: the real
    set's ``knn_radii(real, k)``, when already known."""
    x, y = _points(real), _points(fake)
    r = knn_radii(x, k) if real_radii is None else torch.as_tensor(real_radii, dtype=torch.float64)
    s = knn_radii(y, k)
    inside_real = torch.zeros(len(y), dtype=torch.float64)  # per fake: how many real balls hold it
    recalled = torch.zeros(len(x), dtype=torch.bool)  # per real: inside some fake ball
    covered = torch.zeros(len(x), dtype=torch.bool)  # per real: its ball holds some fake
    for start in range(0, len(x), CHUNK):
        d = torch.cdist(x[start:start + CHUNK], y)  # (reals in this chunk, fakes)
        inside_real += (d < r[start:start + CHUNK, None]).sum(0)
        recalled[start:start + CHUNK] = (d < s[None, :]).any(1)
        covered[start:start + CHUNK] = d.min(1).values < r[start:start + CHUNK]
    return PRDC(precision=float((inside_real > 0).double().mean()), recall=float(recalled.double().mean()),
                density=float(inside_real.mean() / k), coverage=float(covered.double().mean()), k=k)


def precision_recall(real, fake, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019) with their k = 3."""
    out = prdc(real, fake, k)
    return out.precision, out.recall


def density_coverage(real, fake, k: int = 5) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020) with their k = 5."""
    out = prdc(real, fake, k)
    return out.density, out.coverage


def split_quality(real, fake, radii: dict | None = None) -> dict[str, float]:
    """Quality and diversity apart: precision and recall with k = 3 (Kynkäänniemi et al.), density and
    coverage with k = 5 (Naeem et al.), of feature sets ``fake`` against ``real``. ``radii``: a cache of
    the real set's k-NN radii by (n, k), for callers that measure against the same real set again."""
    def real_radii(k: int):
        if radii is None:
            return None
        key = (len(real), k)
        if key not in radii:
            radii[key] = knn_radii(real, k)
        return radii[key]

    pr, dc = prdc(real, fake, 3, real_radii(3)), prdc(real, fake, 5, real_radii(5))
    return {"precision": pr.precision, "recall": pr.recall, "density": dc.density, "coverage": dc.coverage}
