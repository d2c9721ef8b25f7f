"""Tab "Critic vs Discriminator": a vanilla-GAN discriminator and a WGAN critic side by side."""
from __future__ import annotations

import gradio as gr
import numpy as np

from ganlab.errors import GanlabError
from ganlab.toy.data import TOY_NAMES
from ganlab.toy.optimality import line_example, two_gaussians_profiles
from ganlab.training.validation import number
from ganlab.ui.compare_session import CRITICS, CompareSession, PairSettings
from ganlab.ui.canvas_view import figure, figure_view
from ganlab.ui.controller import Control, LiveTab
from ganlab.viz.compare import line_example_panels, two_gaussians_panels

PAIR_CAPTION = ("Left: the discriminator's probability D(x); right: the critic's score f(x). Both generators start "
                "from the same weights and see the same data and seed; they take the same number of steps. Orange "
                "arrows are −∂L_G/∂x: watch them shrink where D saturates while the critic's keep pointing at the data.")
CURVES_CAPTION = ("Left: exact W1 (optimal transport) from each generator's samples to the data — the distance each "
                  "is really making up. Right: the average length of the generator's gradient at its samples (log scale).")
GAUSS_CAPTION = ("A frozen generator on the left Gaussian, data on the right one; both networks trained to optimality. "
                 "D* is a step: flat (zero slope) on the fakes, so the generator learns nothing. The critic's f is a "
                 "ramp with slope ≈ 1 (1-Lipschitz): a useful gradient everywhere (WGAN paper, Fig. 2).")
LINE_CAPTION = ("Real x ~ (0, U[0,1]), generated (θ, U[0,1]). For every θ ≠ 0 the supports are disjoint: KL = ∞ and "
                "JS = log 2 whatever θ is — no signal about how far to move. W1 = |θ| shrinks smoothly as θ → 0.")
THETAS = np.linspace(-1.0, 1.0, 81)


def line_example_view(theta: float) -> tuple[str, str]:
    """(figure value, numbers) for the 1D example at ``theta`` (curves over θ ∈ [−1, 1]); a θ that is
    empty, not a number or outside [−1, 1] is a ``GanlabError``."""
    theta = number("θ", theta, -1.0, 1.0)
    curves: dict[str, list] = {"js": [], "kl": [], "w1": []}
    for t in THETAS:
        for key, value in line_example(float(t)).items():
            curves[key].append(value)
    now = line_example(float(theta))
    kl = "∞" if now["kl"] == float("inf") else f"{now['kl']:.4f}"
    return (figure(line_example_panels(THETAS, curves, float(theta))),
            f"θ = {float(theta):+.2f}: JS **{now['js']:.4f}** · KL **{kl}** · W1 **{now['w1']:.4f}**")


CONTROLS = [Control("data", "data", list(TOY_NAMES), advanced=False),
            Control("discriminator", "discriminator's generator loss", ["minimax", "nonsaturating"], advanced=False),
            Control("critic", "critic's Lipschitz method", [(v, k) for k, v in CRITICS.items()], advanced=False),
            Control("seed", "seed", int, advanced=False)]


def build(app: gr.Blocks) -> None:
    tab = LiveTab("cmp", CONTROLS, lambda settings, page: CompareSession(settings, page), PairSettings(),
                  buttons=("play", "pause", "reset"), play_label="▶ Play both")
    with gr.Row():
        tab.widgets()
    tab.transport()
    gr.Markdown("The four choices above apply on **Reset**: both runs start again, from the same weights.")
    tab.view("press <b>Play both</b> to train them side by side", CompareSession.frame_period, pair=True)
    gr.Markdown(f"{PAIR_CAPTION}\n\n{CURVES_CAPTION}")
    with gr.Accordion("Two Gaussians: D* saturates, the critic stays linear", open=True):
        gauss_go = gr.Button("train both to optimality (≈ 5 s)", elem_id="cmp-gauss")
        gauss_plot = figure_view("cmp-gauss-plot")
        gr.Markdown(GAUSS_CAPTION)
    with gr.Accordion("The lectures' 1D example: why JS and KL give no gradient", open=True):
        theta = gr.Slider(-1.0, 1.0, value=0.5, step=0.05, label="θ", elem_id="cmp-theta")
        line_numbers = gr.Markdown(elem_id="cmp-line-numbers")
        line_plot = figure_view("cmp-line-plot")
        gr.Markdown(LINE_CAPTION)
    tab.wire(app)
    gauss_go.click(lambda: figure(two_gaussians_panels(two_gaussians_profiles())), None, gauss_plot,
                   api_visibility="private")
    app.load(_on_theta, [theta], [line_plot, line_numbers], api_visibility="private")
    # preprocess=False: the slider's typed value reaches _on_theta as it is, so 5 or an empty box gets
    # line_example_view's one-line message instead of Gradio's range check and its raw TypeError
    theta.change(_on_theta, [theta], [line_plot, line_numbers], show_progress="hidden", api_visibility="private",
                 preprocess=False)


def _on_theta(theta):
    try:
        return line_example_view(theta)
    except GanlabError as exc:
        return gr.skip(), f"⚠ {exc}"
