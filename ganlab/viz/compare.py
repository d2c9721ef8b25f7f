"""Figures of the Critic vs Discriminator tab as chart panels (``viz.live``): optimal D against the
critic's f, and the lectures' line example. Drawn in the page by the live view's renderer."""
from __future__ import annotations

import math

import numpy as np

from ganlab.viz.panels import D_COLOR, F_COLOR, REAL_COLOR, line_panel, series

KL_TOP = 1.5  # where an infinite KL is drawn


def two_gaussians_panels(prof: dict) -> list[dict]:
    """D*(x), f*(x) and their slopes along the line through both means (WGAN paper, Fig. 2); the
    fakes' and the data's Gaussians are shaded."""
    x = np.asarray(prof["x"], dtype=np.float64)
    bands = [(prof["fake_mean"] - 0.3, prof["fake_mean"] + 0.3, D_COLOR),
             (prof["real_mean"] - 0.3, prof["real_mean"] + 0.3, REAL_COLOR)]
    common = dict(xlabel="x", bands=bands, height=160)
    return [
        line_panel("discriminator D*(x): a step, flat at the fakes (left) and the data (right)",
                   [series("D*(x)", x, prof["d"], D_COLOR)], "gauss-d", ylim=(0.0, 1.0), **common),
        line_panel("critic f*(x) (WGAN-GP): a ramp", [series("f*(x) − f*(fake mean)", x, prof["f"], F_COLOR)],
                   "gauss-f", **common),
        line_panel("slopes: what the generator can follow",
                   [series("|∂D*/∂x|", x, prof["d_slope"], D_COLOR, dash=True),
                    series("|∂f*/∂x|", x, prof["f_slope"], F_COLOR, dash=True)], "gauss-slope", **common),
    ]


def line_example_panels(thetas: np.ndarray, curves: dict[str, list[float]], theta: float) -> list[dict]:
    """JS, KL and W1 between (0, U[0,1]) and (θ, U[0,1]) against θ, the current θ marked; an infinite
    KL is drawn at ``KL_TOP``."""
    kl = [KL_TOP if v == math.inf else v for v in curves["kl"]]
    return [line_panel("divergences against θ",
                       [series("W1 = |θ|", thetas, curves["w1"], F_COLOR),
                        series("JS (log 2 for θ ≠ 0)", thetas, curves["js"], D_COLOR),
                        series(f"KL (∞ for θ ≠ 0, drawn at {KL_TOP})", thetas, kl, "#e66101", dash=True)],
                       "line-example", ylim=(0.0, KL_TOP + 0.1), xlabel="θ", marks=[(theta, f"θ = {theta:+.2f}")],
                       height=260)]
