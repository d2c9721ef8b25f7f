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
    return _radii(_points(features), (k,))[k]


def _radii(x: Tensor, ks: tuple[int, ...]) -> dict[int, Tensor]:
    """``knn_radii`` for several k from one pass over the distances."""
    if not all(1 <= k < len(x) for k in ks):
        raise ValueError(f"k must be between 1 and {len(x) - 1}, got {', '.join(map(str, ks))}")
    out = torch.empty(len(x), max(ks) + 1, dtype=torch.float64)
    for start in range(0, len(x), CHUNK):
        d = torch.cdist(x[start:start + CHUNK], x)
        out[start:start + CHUNK] = d.topk(max(ks) + 1, dim=1, largest=False).values  # the 0 to itself is first
    return {k: out[:, k].contiguous() for k in ks}


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
    return prdc_by_k(real, fake, (k,), None if real_radii is None else {k: real_radii})[k]


def prdc_by_k(real, fake, ks: tuple[int, ...], real_radii: dict[int, Tensor] | None = None) -> dict[int, PRDC]:
    """``prdc`` for each k in ``ks``, computing each distance matrix once. ``real_radii``: the real set's
    radii by k, where already known."""
    x, y = _points(real), _points(fake)
    known = real_radii or {}
    missing = tuple(k for k in ks if k not in known)
    r = {**known, **(_radii(x, missing) if missing else {})}
    r = {k: torch.as_tensor(r[k], dtype=torch.float64) for k in ks}
    s = _radii(y, ks)
    inside_real = {k: torch.zeros(len(y), dtype=torch.float64) for k in ks}  # per fake: how many real balls hold it
    recalled = {k: torch.zeros(len(x), dtype=torch.bool) for k in ks}  # per real: inside some fake ball
    covered = {k: torch.zeros(len(x), dtype=torch.bool) for k in ks}  # per real: its ball holds some fake
    for start in range(0, len(x), CHUNK):
        rows = slice(start, start + CHUNK)
        d = torch.cdist(x[rows], y)  # (reals in this chunk, fakes)
        nearest = d.min(1).values
        for k in ks:
            inside_real[k] += (d < r[k][rows, None]).sum(0)
            recalled[k][rows] = (d < s[k][None, :]).any(1)
            covered[k][rows] = nearest < r[k][rows]
    return {k: PRDC(precision=float((inside_real[k] > 0).double().mean()), recall=float(recalled[k].double().mean()),
                    density=float(inside_real[k].mean() / k), coverage=float(covered[k].double().mean()), k=k)
            for k in ks}


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
    n = len(real)
    known = {k: radii[(n, k)] for k in (3, 5) if radii is not None and (n, k) in radii}
    if radii is not None and len(known) < 2:
        known = _radii(_points(real), (3, 5))
        radii.update({(n, k): v for k, v in known.items()})
    by_k = prdc_by_k(real, fake, (3, 5), known)
    return {"precision": by_k[3].precision, "recall": by_k[3].recall,
            "density": by_k[5].density, "coverage": by_k[5].coverage}
