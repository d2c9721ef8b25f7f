"""Live charts of a run: losses, gradient norms, D outputs, modes, W1 and JS; per-mode bars."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

PANELS = ("losses", "gradient norms", "D(real) vs D(fake)", "modes covered · high-quality %",
          "Wasserstein-1", "grid JS divergence")


def _line(fig, x, y, name, row, col, color, dash=None, secondary=False):
    pairs = [(a, b) for a, b in zip(x, y) if b is not None]
    if not pairs:
        return
    xs, ys = zip(*pairs)
    fig.add_trace(go.Scatter(x=list(xs), y=[round(v, 5) for v in ys], mode="lines", name=name,
                             line=dict(color=color, width=1.6, dash=dash), legendgroup=name,
                             showlegend=False, hovertemplate=f"{name}: %{{y:.4g}} at step %{{x}}<extra></extra>"),
                  row=row, col=col, secondary_y=secondary)


def history_figure(history: dict, metrics: dict, critic: bool, modes_total: int | None,
                   revision: str = "run") -> go.Figure:
    """Six small panels over training steps (names in ``PANELS``)."""
    specs = [[{}, {}, {}], [{"secondary_y": True}, {}, {}]]
    fig = make_subplots(rows=2, cols=3, subplot_titles=PANELS, specs=specs,
                        horizontal_spacing=0.07, vertical_spacing=0.16)
    s = history["step"]
    _line(fig, s, history["d_loss"], "D loss" if not critic else "critic loss", 1, 1, "#7b3294")
    _line(fig, s, history["g_loss"], "G loss", 1, 1, "#e66101")
    _line(fig, s, history["d_grad_norm"], "‖∇θ_D L‖", 1, 2, "#7b3294")
    _line(fig, s, history["g_grad_norm"], "‖∇θ_G L‖", 1, 2, "#e66101")
    _line(fig, s, history["d_real"], "D(real)" if not critic else "f(real)", 1, 3, "#1b9e77")
    _line(fig, s, history["d_fake"], "D(fake)" if not critic else "f(fake)", 1, 3, "#7b3294")
    m = metrics["step"]
    if modes_total:
        _line(fig, m, metrics["modes_covered"], "modes covered", 2, 1, "#1b9e77")
        _line(fig, m, [None if v is None else 100 * v for v in metrics["hq_fraction"]], "high quality %",
              2, 1, "#999999", dash="dot", secondary=True)
        fig.update_yaxes(range=[0, modes_total + 0.5], row=2, col=1, secondary_y=False)
        fig.update_yaxes(range=[0, 101], row=2, col=1, secondary_y=True)
    _line(fig, m, metrics["w1"], "exact W1 (POT)", 2, 2, "#2166ac")
    if critic:
        _line(fig, m, metrics["w1_estimate"], "critic estimate E f(x) − E f(G(z))", 2, 2, "#b2182b", dash="dash")
    _line(fig, m, metrics["grid_js"], "grid JS", 2, 3, "#444444")
    fig.add_hline(y=0.6931, line=dict(color="#bbbbbb", dash="dot", width=1), row=2, col=3,
                  annotation_text="log 2", annotation_position="top left", annotation_font_size=10)
    fig.update_layout(height=430, margin=dict(l=30, r=10, t=40, b=30), uirevision=revision,
                      plot_bgcolor="white", font=dict(size=11))
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(showgrid=True, gridcolor="#eeeeee")
    fig.update_annotations(font_size=12)
    return fig


def mode_bars(counts: list[int] | None, total_samples: int, revision: str = "run") -> go.Figure:
    """Where high-quality generated samples land, per mode: a flat profile means no collapse."""
    fig = go.Figure()
    if counts:
        k = len(counts)
        fig.add_trace(go.Bar(x=[str(i) for i in range(k)], y=counts, marker_color="#7b3294",
                             hovertemplate="mode %{x}: %{y} samples<extra></extra>"))
        fig.add_hline(y=total_samples / k, line=dict(color="#1b9e77", dash="dash"),
                      annotation_text="uniform share", annotation_font_size=10)
    else:
        fig.add_annotation(text="this distribution has no modes to count", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_layout(height=220, margin=dict(l=30, r=10, t=30, b=30), uirevision=revision,
                      title=dict(text="samples per mode (high quality only)", font=dict(size=12), x=0.01),
                      xaxis_title="mode", plot_bgcolor="white", showlegend=False)
    return fig
