"""Figures of the Critic vs Discriminator tab: optimal D vs f, the line example (the live curves are in ``viz.live``)."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

D_COLOR, F_COLOR = "#7b3294", "#2166ac"


def _fig(data: list, layout: dict) -> go.Figure:
    layout.setdefault("plot_bgcolor", "white")
    layout.setdefault("margin", dict(l=50, r=10, t=40, b=40))
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def two_gaussians_figure(prof: dict) -> go.Figure:
    """D(x) and f(x) along the line through both means, with their slopes (WGAN paper, Fig. 2)."""
    x = prof["x"].round(4).tolist()
    data = [dict(type="scatter", x=x, y=prof["d"].round(5).tolist(), name="discriminator D(x)",
                 line=dict(color=D_COLOR, width=2.5)),
            dict(type="scatter", x=x, y=prof["f"].round(5).tolist(), name="critic f(x) (WGAN-GP)",
                 line=dict(color=F_COLOR, width=2.5), yaxis="y2"),
            dict(type="scatter", x=x, y=prof["d_slope"].round(5).tolist(), name="|∂D/∂x|",
                 line=dict(color=D_COLOR, dash="dot"), xaxis="x3", yaxis="y3"),
            dict(type="scatter", x=x, y=prof["f_slope"].round(5).tolist(), name="|∂f/∂x|",
                 line=dict(color=F_COLOR, dash="dot"), xaxis="x3", yaxis="y3")]
    shapes = [dict(type="rect", xref=ax, yref="paper", x0=m - 0.3, x1=m + 0.3, y0=0, y1=1, line=dict(width=0),
                   fillcolor=c, opacity=0.12, layer="below")
              for m, c in ((prof["real_mean"], "#1b9e77"), (prof["fake_mean"], D_COLOR)) for ax in ("x", "x3")]
    layout = dict(
        xaxis=dict(domain=[0, 1], anchor="y"), yaxis=dict(domain=[0.45, 1], title=dict(text="D(x)"), range=[-0.05, 1.05]),
        yaxis2=dict(overlaying="y", side="right", title=dict(text="f(x)")),
        xaxis3=dict(domain=[0, 1], anchor="y3", title=dict(text="x (along y = 0): fakes on the left, data on the right")),
        yaxis3=dict(domain=[0, 0.33], anchor="x3", title=dict(text="slope")),
        shapes=shapes, height=480, legend=dict(orientation="h", y=1.12, x=0))
    return _fig(data, layout)


def line_example_figure(thetas: np.ndarray, curves: dict[str, list[float]], theta: float) -> go.Figure:
    """JS, KL and W1 between (0, U[0,1]) and (θ, U[0,1]) against θ, the current θ marked."""
    t = thetas.round(4).tolist()
    kl_top = 1.5
    kl = [kl_top if v == math.inf else v for v in curves["kl"]]
    data = [dict(type="scatter", x=t, y=curves["w1"], name="W1 = |θ|", line=dict(color=F_COLOR, width=2.5)),
            dict(type="scatter", x=t, y=curves["js"], name="JS (log 2 for θ ≠ 0)", line=dict(color=D_COLOR, width=2.5),
                 mode="lines+markers", marker=dict(size=4)),
            dict(type="scatter", x=t, y=kl, name="KL (∞ for θ ≠ 0, drawn at the top)", mode="markers",
                 marker=dict(color="#e66101", size=4, symbol="triangle-up"))]
    layout = dict(xaxis=dict(title=dict(text="θ")), yaxis=dict(range=[-0.05, kl_top + 0.1]), height=360,
                  shapes=[dict(type="line", x0=theta, x1=theta, yref="paper", y0=0, y1=1,
                               line=dict(color="#444444", dash="dash"))],
                  legend=dict(orientation="h", y=1.15, x=0))
    return _fig(data, layout)
