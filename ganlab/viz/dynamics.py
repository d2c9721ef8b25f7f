"""The Game dynamics tab's panels: the phase portrait of the Dirac-GAN, the eigenvalues in the complex
plane, and the distance to the equilibrium over the iterations (``maths.dirac_gan`` computes them)."""
from __future__ import annotations

import numpy as np

from ganlab.maths.dirac_gan import DynamicsConfig, field
from ganlab.viz.panels import ARROW_COLOR, D_COLOR, F_COLOR, REAL_COLOR, css_colours, line_panel, packed, series
from ganlab.viz.raster import SCORE_STOPS, colours, score_scale

GRID = 15  # arrows of the field per side
SURFACE = 40  # pixels of L(θ, ψ) per side
PATH_POINTS = 3000  # the last iterates drawn as the trajectory


def game_value(config: DynamicsConfig, theta: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """L(θ, ψ) = f(ψθ) (up to the constant f(0)): what G descends and D ascends. Standard and
    non-saturating GANs: f(t) = −log(1 + e^(−t)); WGAN and hinge: t; LSGAN: −½ t²."""
    t = psi * theta
    if config.objective in ("standard", "nonsaturating"):
        return -np.logaddexp(0.0, -t)
    if config.objective in ("wgan", "hinge"):
        return t
    return -0.5 * t * t


def window_for(path: np.ndarray, least: float = 2.0, most: float = 50.0) -> tuple[float, float, float, float]:
    """A square window around the equilibrium that holds the trajectory (at least ±``least``)."""
    reach = float(np.max(np.abs(path))) if len(path) else least
    half = min(most, max(least, 1.15 * reach if np.isfinite(reach) else most))
    return (-half, half, -half, half)


def phase_portrait(config: DynamicsConfig, path: np.ndarray, title: str) -> dict:
    """A ``layered`` panel over (θ, ψ): L(θ, ψ) as the surface, the field v as arrows (each the same
    length: the direction is the message), the equilibrium, the iterate now and the trajectory. The page
    reports a click on the plane (``clickable``): it sets the start point."""
    window = window_for(path)
    x0, x1, y0, y1 = window
    axis = np.linspace(x0, x1, SURFACE)
    theta, psi = np.meshgrid(axis, axis[::-1])  # top row first
    values = game_value(config, theta, psi)
    t, lo, hi = score_scale(values)
    rgba = np.concatenate([colours(t, SCORE_STOPS), np.full((SURFACE, SURFACE, 1), 255, np.uint8)], axis=2)
    ticks = np.linspace(x0, x1, GRID + 2)[1:-1]
    tails = np.array([(a, b) for b in ticks for a in ticks])
    v = np.array([field(config, p) for p in tails])
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    tips = tails + 0.45 * (x1 - x0) / GRID * np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)
    recent = path[-PATH_POINTS:]
    return {"kind": "layered", "key": "phase", "title": title, "window": list(window), "clickable": True,
            "axes": ["θ (generator)", "ψ (discriminator)"],
            "caption": ("The plane of the game: θ is where G puts its point mass, ψ the slope of D(x) = ψx. **Colour**: "
                        "the game's value L(θ, ψ), which G descends and D ascends. **Orange arrows**: the direction "
                        "of gradient play v(θ, ψ). **Grey line**: the iterates so far; **purple dot**: now; "
                        "**green dot**: the Nash equilibrium (0, 0). Click the plane to start from there."),
            "labels": {"surface": "L(θ, ψ)", "real": "equilibrium (0, 0)", "fake": "iterate now",
                       "arrows": "gradient field v(θ, ψ)", "manifold": "trajectory"},
            "colors": {"real": REAL_COLOR, "fake": D_COLOR, "arrows": ARROW_COLOR},
            "surface": {"rows": SURFACE, "cols": SURFACE, "rgba": packed(rgba, "u1"), "values": packed(values),
                        "low": lo, "high": hi, "scale": css_colours(SCORE_STOPS), "label": "L(θ, ψ)"},
            "real": packed(np.zeros((1, 2))), "fake": packed(recent[-1:]),
            "arrows": packed(np.concatenate([tails, tips], axis=1)),
            "manifold": {"rows": 1, "cols": len(recent), "xy": packed(recent)}}


def eigenvalue_plane(discrete: np.ndarray | None, continuous: np.ndarray) -> dict:
    """A ``layered`` panel of the complex plane: the unit circle, one update's eigenvalues (inside the
    circle: converges near the equilibrium) and the continuous dynamics' (left of the axis: converges)."""
    circle = np.stack([np.cos(np.linspace(0, 2 * np.pi, 121)), np.sin(np.linspace(0, 2 * np.pi, 121))], axis=1)
    points = np.array([[z.real, z.imag] for z in discrete]) if discrete is not None else np.zeros((0, 2))
    flows = np.array([[z.real, z.imag] for z in continuous])
    reach = max(1.3, float(np.max(np.abs(np.concatenate([points, flows])))) * 1.15 if len(points) + len(flows) else 1.3)
    reach = min(reach, 5.0)
    return {"kind": "layered", "key": "eigen", "title": "eigenvalues at the equilibrium (complex plane)",
            "window": [-reach, reach, -reach, reach], "axes": ["real part", "imaginary part"],
            "caption": ("**Purple**: eigenvalues of one update's Jacobian: inside the unit circle the iterates "
                        "converge near (0, 0), on it they circle, outside they spiral away. **Green**: the "
                        "eigenvalues of the continuous dynamics (h → 0): converging needs a negative real part."),
            "labels": {"real": "continuous dynamics λ", "fake": "one update", "manifold": "unit circle"},
            "colors": {"real": REAL_COLOR, "fake": D_COLOR, "arrows": ARROW_COLOR},
            "real": packed(flows), "fake": packed(points),
            "manifold": {"rows": 1, "cols": len(circle), "xy": packed(circle)}}


def distance_chart(steps: list[int], distances: list[float]) -> dict:
    """‖(θ, ψ)‖ against the iterations on a log scale: rising spirals out, flat cycles, falling converges."""
    return line_panel("distance to the equilibrium ‖(θ, ψ)‖ (log)",
                      [series("‖(θ, ψ)‖", steps, [d if d > 0 else None for d in distances], F_COLOR)], "distance",
                      log=True, xlabel="iteration",
                      caption="A rising line spirals out, a flat one cycles for good, a falling one converges.")
