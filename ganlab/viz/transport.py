"""Figures for the Divergences & transport tab: two 1D distributions, the mass moved, an OT plan."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

P_COLOR, Q_COLOR, GAP_COLOR = "#1b9e77", "#7b3294", "#e66101"


def _two_panels(title_top: str, title_bottom: str) -> dict:
    return dict(
        xaxis=dict(domain=[0, 1], anchor="y", showgrid=True, gridcolor="#eeeeee"),
        yaxis=dict(domain=[0.55, 1], anchor="x", title=dict(text=title_top), showgrid=True, gridcolor="#eeeeee"),
        xaxis2=dict(domain=[0, 1], anchor="y2", matches="x", showgrid=True, gridcolor="#eeeeee"),
        yaxis2=dict(domain=[0, 0.42], anchor="x2", title=dict(text=title_bottom), zeroline=True,
                    zerolinecolor="#999999", showgrid=True, gridcolor="#eeeeee"),
        height=460, margin=dict(l=60, r=10, t=20, b=30), plot_bgcolor="white",
        legend=dict(orientation="h", y=1.08, x=0))


def uniform_mixtures_figure(p_pieces, q_pieces, t: np.ndarray, gap: np.ndarray) -> go.Figure:
    """Densities of two mixtures of uniforms (top) and F_p − F_q, whose shaded area is W1 (bottom)."""
    data = []
    for pieces, name, color in ((p_pieces, "p", P_COLOR), (q_pieces, "q", Q_COLOR)):
        total = sum(w for w, _, _ in pieces)
        xs, ys = [], []
        for w, a, b in pieces:
            h = w / total / (b - a)
            xs += [a, a, b, b, None]
            ys += [0, h, h, 0, None]
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines", fill="toself", name=f"{name}(x)",
                         line=dict(color=color), opacity=0.6))
    data.append(dict(type="scatter", x=t.tolist(), y=np.round(gap, 6).tolist(), mode="lines", fill="tozeroy",
                     name="F_p − F_q (area = W1)", line=dict(color=GAP_COLOR), xaxis="x2", yaxis="y2"))
    return go.Figure(dict(data=data, layout=_two_panels("density", "F_p(t) − F_q(t)")), _validate=False)


def histograms_figure(p_mass, q_mass) -> go.Figure:
    """Two histograms on bins 0..n−1 (top) and the cumulative difference, mass carried past each bin (bottom)."""
    p = np.asarray(p_mass, dtype=np.float64)
    q = np.asarray(q_mass, dtype=np.float64)
    x = list(range(len(p)))
    gap = np.cumsum(p - q)
    data = [dict(type="bar", x=x, y=p.tolist(), name="P", marker=dict(color=P_COLOR), opacity=0.7),
            dict(type="bar", x=x, y=q.tolist(), name="Q", marker=dict(color=Q_COLOR), opacity=0.7),
            dict(type="bar", x=[i + 0.5 for i in x[:-1]], y=gap[:-1].tolist(), width=0.25, xaxis="x2", yaxis="y2",
                 name="mass carried from bin i to i+1 (Σ|·| = cost)", marker=dict(color=GAP_COLOR))]
    layout = _two_panels("mass", "cumulative P − Q")
    layout["barmode"] = "group"
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def transport_plan_figure(a: np.ndarray, b: np.ndarray, plan: np.ndarray, cost: float) -> go.Figure:
    """Two point clouds and the optimal coupling γ drawn as segments (opacity ∝ mass moved)."""
    xs, ys = [], []
    i_idx, j_idx = np.nonzero(plan > 1e-12)
    for i, j in zip(i_idx, j_idx):
        xs += [float(a[i, 0]), float(b[j, 0]), None]
        ys += [float(a[i, 1]), float(b[j, 1]), None]
    data = [dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color="rgba(230,97,1,0.55)", width=1),
                 name="optimal transport plan γ", hoverinfo="skip"),
            dict(type="scatter", x=a[:, 0].round(3).tolist(), y=a[:, 1].round(3).tolist(), mode="markers",
                 marker=dict(color=P_COLOR, size=6), name="cloud A"),
            dict(type="scatter", x=b[:, 0].round(3).tolist(), y=b[:, 1].round(3).tolist(), mode="markers",
                 marker=dict(color=Q_COLOR, size=6), name="cloud B")]
    layout = dict(title=dict(text=f"W1 = Σ γ_ij ‖a_i − b_j‖ = {cost:.4f}", x=0.01, font=dict(size=14)),
                  yaxis=dict(scaleanchor="x", scaleratio=1), height=480, plot_bgcolor="white",
                  margin=dict(l=30, r=10, t=40, b=30), legend=dict(orientation="h", y=-0.1))
    return go.Figure(dict(data=data, layout=layout), _validate=False)
