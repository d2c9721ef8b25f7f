"""Divergences and distances between distributions, as the lectures define them (natural log).

- ``kl(p, q)``  = Σ p_i log(p_i / q_i)  (∞ when p puts mass where q has none)
- ``js(p, q)``  = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = ½(p + q); at most log 2, reached for disjoint supports
- ``w1_1d``     = ∫ |F_u(t) − F_v(t)| dt, exact for weighted point masses, by sorting (O(N log N))
- ``w1_samples``= min over couplings of the mean Euclidean distance moved: exact optimal transport (POT)
- ``optimal_discriminator`` D*(x) = p_r(x) / (p_r(x) + p_g(x)), and ``value_function`` V(D, G), with
  V(D*, G) = 2·JSD(p_r ‖ p_g) − log 4.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

ArrayLike = Sequence[float] | np.ndarray


def _distribution(p: ArrayLike, name: str) -> np.ndarray:
    a = np.asarray(p, dtype=np.float64).ravel()
    if a.size == 0 or not np.all(np.isfinite(a)) or np.any(a < 0) or a.sum() <= 0:
        raise ValueError(f"{name} must be non-negative, finite and not all zero")
    return a / a.sum()


def kl(p: ArrayLike, q: ArrayLike) -> float:
    """KL(p ‖ q) = Σ_i p_i log(p_i / q_i) for histograms (normalised here); 0 log 0 = 0."""
    p, q = _distribution(p, "p"), _distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError("p and q must have the same number of bins")
    support = p > 0
    if np.any(q[support] == 0):
        return math.inf
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def js(p: ArrayLike, q: ArrayLike) -> float:
    """JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2; equals log 2 for disjoint supports."""
    p, q = _distribution(p, "p"), _distribution(q, "q")
    m = 0.5 * (p + q)
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def w1_1d(u_values: ArrayLike, v_values: ArrayLike, u_weights: ArrayLike | None = None,
          v_weights: ArrayLike | None = None) -> float:
    """W1 between two weighted sets of points on the line: ∫ |F_u(t) − F_v(t)| dt.

    Weights are normalised to probability distributions (equal weights when omitted). Exact:
    both CDFs are step functions, so the integral is a finite sum over the sorted union of points.
    """
    u = np.asarray(u_values, dtype=np.float64).ravel()
    v = np.asarray(v_values, dtype=np.float64).ravel()
    uw = _distribution(np.ones_like(u) if u_weights is None else u_weights, "u_weights")
    vw = _distribution(np.ones_like(v) if v_weights is None else v_weights, "v_weights")
    if uw.size != u.size or vw.size != v.size:
        raise ValueError("each weight vector must match its values")
    points = np.concatenate([u, v])
    signed = np.concatenate([uw, -vw])
    order = np.argsort(points, kind="stable")
    cdf_gap = np.cumsum(signed[order])[:-1]
    return float(np.sum(np.abs(cdf_gap) * np.diff(points[order])))


def transport_cost_1d(p_mass: ArrayLike, q_mass: ArrayLike, positions: ArrayLike | None = None) -> float:
    """Total mass × distance to reshape histogram ``p_mass`` into ``q_mass`` (equal totals, unnormalised).

    The lectures' shovel example: P = (3,2,1,4) → Q = (1,2,4,3) on adjacent bins costs 5.
    """
    p = np.asarray(p_mass, dtype=np.float64)
    q = np.asarray(q_mass, dtype=np.float64)
    if abs(p.sum() - q.sum()) > 1e-9 * max(1.0, p.sum()):
        raise ValueError("both histograms must hold the same total mass")
    x = np.arange(len(p), dtype=np.float64) if positions is None else np.asarray(positions, dtype=np.float64)
    return float(p.sum()) * w1_1d(x, x, p, q)


def w1_samples(a: np.ndarray, b: np.ndarray) -> float:
    """Exact W1 between two equal-weight point clouds (Euclidean ground cost), by POT's network simplex.

    W1 = min_{γ ∈ Π(a, b)} Σ_ij γ_ij ‖a_i − b_j‖₂ with uniform marginals.
    """
    import ot

    a = np.asarray(a, dtype=np.float64).reshape(len(a), -1)
    b = np.asarray(b, dtype=np.float64).reshape(len(b), -1)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return math.inf
    cost = ot.dist(a, b, metric="euclidean")
    return float(ot.emd2(np.full(len(a), 1 / len(a)), np.full(len(b), 1 / len(b)), cost, numItermax=10_000_000))


def transport_plan(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float]:
    """The optimal coupling γ (len(a) × len(b)) between two uniform point clouds and its cost W1."""
    import ot

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    cost = ot.dist(a.reshape(len(a), -1), b.reshape(len(b), -1), metric="euclidean")
    plan = ot.emd(np.full(len(a), 1 / len(a)), np.full(len(b), 1 / len(b)), cost)
    return plan, float(np.sum(plan * cost))


def grid_histogram(samples: np.ndarray, window: tuple[float, float, float, float], bins: int) -> tuple[np.ndarray, float]:
    """2D histogram of ``samples`` on a bins × bins grid over ``window``; every sample counts.

    Samples outside the window are clipped into the edge cells. Returns (counts, fraction outside).
    """
    s = np.asarray(samples, dtype=np.float64)
    finite = np.all(np.isfinite(s), axis=1)
    s = s[finite]
    x0, x1, y0, y1 = window
    outside = float(np.mean((s[:, 0] < x0) | (s[:, 0] > x1) | (s[:, 1] < y0) | (s[:, 1] > y1))) if len(s) else 0.0
    ix = np.clip(((s[:, 0] - x0) / (x1 - x0) * bins).astype(np.int64), 0, bins - 1)
    iy = np.clip(((s[:, 1] - y0) / (y1 - y0) * bins).astype(np.int64), 0, bins - 1)
    counts = np.bincount(ix * bins + iy, minlength=bins * bins).reshape(bins, bins).astype(np.float64)
    return counts, outside


def grid_divergences(real: np.ndarray, fake: np.ndarray, window: tuple[float, float, float, float],
                     bins: int = 50, eps: float = 1e-10) -> dict[str, float]:
    """Grid KL(real ‖ fake) and JS between two sample sets, with ε added to every cell.

    Both sets are histogrammed on the same grid (``grid_histogram``: no sample is dropped).
    """
    p, out_p = grid_histogram(real, window, bins)
    q, out_q = grid_histogram(fake, window, bins)
    p = p / max(p.sum(), 1) + eps
    q = q / max(q.sum(), 1) + eps
    return {"kl": kl(p, q), "js": js(p, q), "fake_outside": out_q, "real_outside": out_p}


def optimal_discriminator(p_r: ArrayLike, p_g: ArrayLike) -> np.ndarray:
    """D*(x) = p_r(x) / (p_r(x) + p_g(x)), pointwise (½ where both densities vanish)."""
    pr = np.asarray(p_r, dtype=np.float64)
    pg = np.asarray(p_g, dtype=np.float64)
    total = pr + pg
    return np.divide(pr, total, out=np.full_like(total, 0.5), where=total > 0)


def value_function(d: ArrayLike, p_r: ArrayLike, p_g: ArrayLike) -> float:
    """V(D, G) = E_{p_r}[log D(x)] + E_{p_g}[log(1 − D(x))] for histograms p_r, p_g (normalised)."""
    d = np.asarray(d, dtype=np.float64).ravel()
    pr, pg = _distribution(p_r, "p_r"), _distribution(p_g, "p_g")
    with np.errstate(divide="ignore"):
        real = np.where(pr > 0, pr * np.log(np.where(pr > 0, d, 1.0)), 0.0)
        fake = np.where(pg > 0, pg * np.log(np.where(pg > 0, 1.0 - d, 1.0)), 0.0)
    return float(real.sum() + fake.sum())


# ------------------------------------------------------------ mixtures of uniforms on the line
UniformPieces = Sequence[tuple[float, float, float]]  # (weight, a, b): weight · U[a, b]


def _pieces(pieces: UniformPieces) -> list[tuple[float, float, float]]:
    out = [(float(w), float(a), float(b)) for w, a, b in pieces]
    if not out or any(w < 0 or not b > a for w, a, b in out) or sum(w for w, _, _ in out) <= 0:
        raise ValueError("each piece needs weight ≥ 0 and a < b, with some positive weight")
    total = sum(w for w, _, _ in out)
    return [(w / total, a, b) for w, a, b in out]


def uniform_mixture_cdf(pieces: UniformPieces, t: float) -> float:
    """F(t) = Σ_k w_k · clip((t − a_k)/(b_k − a_k), 0, 1) for the mixture Σ_k w_k U[a_k, b_k]."""
    return sum(w * min(1.0, max(0.0, (t - a) / (b - a))) for w, a, b in _pieces(pieces))


def uniform_mixture_density(pieces: UniformPieces, t: float) -> float:
    """p(t) = Σ_k w_k · 1[a_k ≤ t < b_k] / (b_k − a_k)."""
    return sum(w / (b - a) for w, a, b in _pieces(pieces) if a <= t < b)


def _breakpoints(p: UniformPieces, q: UniformPieces) -> list[float]:
    return sorted({x for _, a, b in list(p) + list(q) for x in (float(a), float(b))})


def w1_uniform_mixtures(p: UniformPieces, q: UniformPieces) -> float:
    """Exact W1 = ∫ |F_p − F_q| dt between two mixtures of uniforms.

    Between consecutive breakpoints both CDFs are linear, so |F_p − F_q| is integrated exactly
    (splitting an interval where the difference changes sign). The lectures' example
    p = ¼U[1,2] + ¼U[3,4] + ½U[9,10], q = U[5,7] gives exactly 3.
    """
    pts = _breakpoints(p, q)
    total = 0.0
    for left, right in zip(pts[:-1], pts[1:]):
        g0 = uniform_mixture_cdf(p, left) - uniform_mixture_cdf(q, left)
        g1 = uniform_mixture_cdf(p, right) - uniform_mixture_cdf(q, right)
        if g0 * g1 >= 0:
            total += 0.5 * (abs(g0) + abs(g1)) * (right - left)
        else:
            cut = g0 / (g0 - g1)
            total += 0.5 * (abs(g0) * cut + abs(g1) * (1 - cut)) * (right - left)
    return total


def divergences_uniform_mixtures(p: UniformPieces, q: UniformPieces) -> dict[str, float]:
    """Exact KL(p‖q), KL(q‖p), JS(p, q) and W1 for two mixtures of uniforms (piecewise-constant densities)."""
    pts = _breakpoints(p, q)
    widths = np.diff(pts)
    mids = [(l + r) / 2 for l, r in zip(pts[:-1], pts[1:])]
    pm = np.array([uniform_mixture_density(p, m) for m in mids]) * widths
    qm = np.array([uniform_mixture_density(q, m) for m in mids]) * widths
    # Densities are constant on each cell, so the cell-mass formulas are the exact integrals.
    return {"kl_pq": kl(pm, qm), "kl_qp": kl(qm, pm), "js": js(pm, qm), "w1": w1_uniform_mixtures(p, q)}


def histogram_divergences(p_mass: ArrayLike, q_mass: ArrayLike) -> dict[str, float | None]:
    """KL both ways, JS and W1 of two histograms on adjacent unit-spaced bins (point masses).

    ``cost`` is the unnormalised earth mover's cost (mass × distance) when both totals agree.
    """
    p = np.asarray(p_mass, dtype=np.float64)
    q = np.asarray(q_mass, dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError("both histograms need the same number of bins")
    x = np.arange(len(p), dtype=np.float64)
    same_total = abs(p.sum() - q.sum()) <= 1e-9 * max(1.0, p.sum())
    return {"kl_pq": kl(p, q), "kl_qp": kl(q, p), "js": js(p, q), "w1": w1_1d(x, x, p, q),
            "cost": transport_cost_1d(p, q) if same_total else None}


def cdf_gap(p: UniformPieces, q: UniformPieces) -> tuple[np.ndarray, np.ndarray]:
    """(t, F_p(t) − F_q(t)) at every breakpoint of two mixtures of uniforms.

    The gap is linear between consecutive breakpoints, so these points draw it exactly; the area
    between it and zero is W1.
    """
    t = np.array(_breakpoints(p, q))
    return t, np.array([uniform_mixture_cdf(p, v) - uniform_mixture_cdf(q, v) for v in t])
