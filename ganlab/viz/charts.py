"""Live charts of a run: losses, gradient norms, D outputs, modes, W1 and JS; per-mode bars.

Built as plain dicts (no per-property validation) because they are redrawn while training runs.
"""
from __future__ import annotations

import plotly.graph_objects as go

PANELS = ("losses", "gradient norms", "D(real) vs D(fake)", "modes covered · high-quality %",
          "Wasserstein-1", "grid JS divergence")
_COLS, _ROWS, _HGAP, _VGAP = 3, 2, 0.07, 0.16


def _grid_layout(panels: tuple[str, ...] = PANELS) -> dict:
    """Axes for a 2 × 3 grid of panels (axis n = panel n, row-major) plus a right axis on panel 4."""
    width = (1 - _HGAP * (_COLS - 1)) / _COLS
    height = (1 - _VGAP * (_ROWS - 1)) / _ROWS
    layout: dict = {"annotations": []}
    for n, title in enumerate(panels, start=1):
        row, col = divmod(n - 1, _COLS)
        x0 = col * (width + _HGAP)
        y1 = 1 - row * (height + _VGAP)
        suffix = "" if n == 1 else str(n)
        layout[f"xaxis{suffix}"] = dict(domain=[x0, x0 + width], anchor=f"y{suffix}", showgrid=True, gridcolor="#eeeeee")
        layout[f"yaxis{suffix}"] = dict(domain=[y1 - height, y1], anchor=f"x{suffix}", showgrid=True, gridcolor="#eeeeee")
        layout["annotations"].append(dict(text=title, x=x0 + width / 2, y=y1, xref="paper", yref="paper",
                                          xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=12)))
    layout["yaxis7"] = dict(overlaying="y4", side="right", anchor="x4", range=[0, 101], showgrid=False)
    return layout


def _line(data: list, x, y, name: str, panel: int, color: str, dash: str | None = None, yaxis: str | None = None):
    pairs = [(a, b) for a, b in zip(x, y) if b is not None]
    if not pairs:
        return
    xs, ys = zip(*pairs)
    suffix = "" if panel == 1 else str(panel)
    data.append(dict(type="scatter", x=list(xs), y=[round(v, 5) for v in ys], mode="lines", name=name,
                     xaxis=f"x{suffix}", yaxis=yaxis or f"y{suffix}", showlegend=False,
                     line=dict(color=color, width=1.6, dash=dash),
                     hovertemplate=f"{name}: %{{y:.4g}} at step %{{x}}<extra></extra>"))


def _training_panels(history: dict, critic: bool) -> list[dict]:
    """Panels 1–3 of every run: both losses, both gradient norms, D (or f) on real and fake."""
    data: list[dict] = []
    s = history["step"]
    _line(data, s, history["d_loss"], "critic loss" if critic else "D loss", 1, "#7b3294")
    _line(data, s, history["g_loss"], "G loss", 1, "#e66101")
    _line(data, s, history["d_grad_norm"], "‖∇θ_D L‖", 2, "#7b3294")
    _line(data, s, history["g_grad_norm"], "‖∇θ_G L‖", 2, "#e66101")
    _line(data, s, history["d_real"], "f(real)" if critic else "D(real)", 3, "#1b9e77")
    _line(data, s, history["d_fake"], "f(fake)" if critic else "D(fake)", 3, "#7b3294")
    return data


def history_figure(history: dict, metrics: dict, critic: bool, modes_total: int | None,
                   revision: str = "run") -> go.Figure:
    """Six small panels over training steps (names in ``PANELS``)."""
    data = _training_panels(history, critic)
    m = metrics["step"]
    layout = _grid_layout()
    if modes_total:
        _line(data, m, metrics["modes_covered"], "modes covered", 4, "#1b9e77")
        _line(data, m, [None if v is None else 100 * v for v in metrics["hq_fraction"]], "high quality %", 4,
              "#999999", dash="dot", yaxis="y7")
        layout["yaxis4"]["range"] = [0, modes_total + 0.5]
    _line(data, m, metrics["w1"], "exact W1 (POT)", 5, "#2166ac")
    if critic:
        _line(data, m, metrics["w1_estimate"], "critic estimate E f(x) − E f(G(z))", 5, "#b2182b", dash="dash")
    _line(data, m, metrics["grid_js"], "grid JS", 6, "#444444")
    layout["shapes"] = [dict(type="line", xref="x6 domain", yref="y6", x0=0, x1=1, y0=0.6931, y1=0.6931,
                             line=dict(color="#bbbbbb", dash="dot", width=1))]
    layout.update(height=430, margin=dict(l=30, r=10, t=40, b=30), uirevision=revision,
                  plot_bgcolor="white", font=dict(size=11))
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def mode_bars(counts: list[int] | None, total_samples: int, revision: str = "run",
              title: str = "samples per mode (high quality only)", labels: list[str] | None = None,
              axis: str = "mode") -> go.Figure:
    """Where generated samples land, per mode (or per class): a flat profile means no collapse."""
    data: list[dict] = []
    layout: dict = dict(height=220, margin=dict(l=30, r=10, t=30, b=30), uirevision=revision,
                        title=dict(text=title, font=dict(size=12), x=0.01),
                        xaxis=dict(title=dict(text=axis)), plot_bgcolor="white", showlegend=False)
    if counts:
        k = len(counts)
        data.append(dict(type="bar", x=labels or [str(i) for i in range(k)], y=list(counts), marker=dict(color="#7b3294"),
                         hovertemplate="%{x}: %{y} samples<extra></extra>", name="samples"))
        share = total_samples / k
        layout["shapes"] = [dict(type="line", xref="paper", x0=0, x1=1, y0=share, y1=share,
                                 line=dict(color="#1b9e77", dash="dash"))]
        layout["annotations"] = [dict(text="uniform share", xref="paper", x=1, y=share, xanchor="right",
                                      yanchor="bottom", showarrow=False, font=dict(size=10))]
    else:
        layout["annotations"] = [dict(text="this distribution has no modes to count", showarrow=False,
                                      xref="paper", yref="paper", x=0.5, y=0.5)]
    return go.Figure(dict(data=data, layout=layout), _validate=False)


IMAGE_PANELS = ("losses", "gradient norms", "D(real) vs D(fake)", "classes covered · confidence",
                "class KL from uniform", "Fréchet distance (classifier features)")


def image_history_figure(history: dict, metrics: dict, critic: bool, fid_real: float | None = None,
                         revision: str = "run") -> go.Figure:
    """Six panels for an image GAN: the training signals and the classifier's view of the samples."""
    data = _training_panels(history, critic)
    m = metrics["step"]
    layout = _grid_layout(IMAGE_PANELS)
    _line(data, m, metrics["classes_covered"], "classes covered", 4, "#1b9e77")
    _line(data, m, [None if v is None else 100 * v for v in metrics["mean_confidence"]], "confidence %", 4,
          "#999999", dash="dot", yaxis="y7")
    layout["yaxis4"]["range"] = [0, 10.5]
    _line(data, m, metrics["class_kl"], "class KL", 5, "#444444")
    _line(data, m, metrics["fid"], "Fréchet distance", 6, "#2166ac")
    if fid_real is not None:
        layout["shapes"] = [dict(type="line", xref="x6 domain", yref="y6", x0=0, x1=1, y0=fid_real, y1=fid_real,
                                 line=dict(color="#1b9e77", dash="dot", width=1))]
    layout.update(height=430, margin=dict(l=30, r=10, t=40, b=30), uirevision=revision,
                  plot_bgcolor="white", font=dict(size=11))
    return go.Figure(dict(data=data, layout=layout), _validate=False)
