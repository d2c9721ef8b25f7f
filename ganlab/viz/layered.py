"""GAN Lab's "layered distributions" view: D(x) surface, real and fake points, gradient arrows, manifold."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ganlab.live import Frame

LAYERS = ("surface", "real", "fake", "arrows", "manifold")
REAL_COLOR, FAKE_COLOR = "#1b9e77", "#7b3294"
# Probability scale: purple where D says "fake" (0), white at ½, green where D says "real" (1).
PROBABILITY_SCALE = [[0.0, "#7b3294"], [0.5, "#f7f7f7"], [1.0, "#1b9e77"]]
SCORE_SCALE = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[list, list]:
    """x and y lists drawing one segment per row, separated by None (one trace for all)."""
    n = len(starts)
    xs = np.empty(3 * n, dtype=object)
    ys = np.empty(3 * n, dtype=object)
    xs[0::3], xs[1::3], xs[2::3] = starts[:, 0], ends[:, 0], None
    ys[0::3], ys[1::3], ys[2::3] = starts[:, 1], ends[:, 1], None
    return xs.tolist(), ys.tolist()


def _round(a: np.ndarray, digits: int = 3) -> list:
    return np.round(a.astype(np.float64), digits).tolist()


def layered_figure(frame: Frame, layers=LAYERS, title: str = "", revision: str = "run") -> go.Figure:
    """The layered view of ``frame`` with the chosen ``layers`` (see ``LAYERS``).

    Arrow lengths are scaled so the longest is 12% of the window width: directions and relative
    sizes are exact, absolute size is for visibility. Built as plain dicts (no per-property
    validation), since it is rebuilt for every frame.
    """
    data: list[dict] = []
    x0, x1, y0, y1 = frame.window
    if "surface" in layers:
        probability = frame.surface_kind == "probability"
        z = frame.surface
        bound = float(np.max(np.abs(z))) if z.size else 1.0
        bound = bound if bound > 0 else 1.0
        label = "D(x)" if probability else "critic f(x)"
        data.append(dict(
            type="heatmap", x=_round(frame.xs), y=_round(frame.ys), z=_round(z, 4), zsmooth="fast",
            colorscale=PROBABILITY_SCALE if probability else SCORE_SCALE,
            zmin=0.0 if probability else -bound, zmax=1.0 if probability else bound,
            opacity=0.85, name=label, showlegend=True,
            colorbar=dict(title=dict(text="D(x)" if probability else "f(x)", side="right"), thickness=12),
            hovertemplate="x=%{x:.2f}, y=%{y:.2f}<br>%{z:.3f}<extra></extra>"))
    if "manifold" in layers and frame.manifold is not None:
        grid = frame.manifold
        lines = [grid[i] for i in range(grid.shape[0])]
        if grid.shape[0] > 1:
            lines += [grid[:, j] for j in range(grid.shape[1])]
        xs, ys = [], []
        for line in lines:
            xs += _round(line[:, 0]) + [None]
            ys += _round(line[:, 1]) + [None]
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines", name="generator manifold", hoverinfo="skip",
                         line=dict(color="rgba(60,60,60,0.45)", width=1)))
    for key, points, color, name in (("real", frame.real, REAL_COLOR, "real samples"),
                                     ("fake", frame.fake, FAKE_COLOR, "generated samples")):
        if key in layers:
            data.append(dict(type="scatter", x=_round(points[:, 0]), y=_round(points[:, 1]), mode="markers",
                             marker=dict(size=4, color=color), name=name))
    if "arrows" in layers and len(frame.arrows):
        lengths = np.linalg.norm(frame.arrows, axis=1)
        longest = float(lengths.max()) if lengths.size else 0.0
        scale = 0.12 * (x1 - x0) / longest if longest > 0 else 0.0
        xs, ys = _segments(frame.arrow_tails, frame.arrow_tails + scale * frame.arrows)
        data.append(dict(type="scatter", x=[None if v is None else round(v, 3) for v in xs],
                         y=[None if v is None else round(v, 3) for v in ys], mode="lines+markers",
                         line=dict(color="#e66101", width=1.5), hoverinfo="skip",
                         marker=dict(symbol="arrow", size=[0, 8, 0] * len(frame.arrows), angleref="previous",
                                     color="#e66101"),
                         name="generator gradient −∂L_G/∂x"))
    layout = dict(
        title=dict(text=title, x=0.01, font=dict(size=14)), uirevision=revision,
        xaxis=dict(range=[x0, x1], constrain="domain", zeroline=False),
        yaxis=dict(range=[y0, y1], scaleanchor="x", scaleratio=1, zeroline=False),
        margin=dict(l=30, r=10, t=36, b=30), height=520,
        legend=dict(orientation="h", yanchor="bottom", y=-0.16, x=0), plot_bgcolor="white")
    return go.Figure(dict(data=data, layout=layout), _validate=False)
