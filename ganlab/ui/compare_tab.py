"""Tab "Compare losses": two to six loss lanes in lockstep, and why a critic beats a saturated discriminator."""
from __future__ import annotations

import gradio as gr
import numpy as np

from ganlab.errors import GanlabError
from ganlab.toy.data import TOY_NAMES
from ganlab.toy.lanes import LANE_PRESETS, LANE_RECIPES, MAX_LANES, OFF
from ganlab.toy.optimality import line_example, two_gaussians_profiles
from ganlab.training.config import OPTIMIZERS
from ganlab.training.lipschitz import LIPSCHITZ_METHODS
from ganlab.training.validation import number
from ganlab.ui.canvas_view import figure, figure_view
from ganlab.ui.controller import Control, LiveTab
from ganlab.ui.lanes_session import LanesSession
from ganlab.viz.compare import line_example_panels, two_gaussians_panels

LANES_CAPTION = ("Each lane: its D(x) or critic f(x) surface on its own colour scale, real (green) and generated "
                 "(purple) samples, and orange arrows −∂L_G/∂x. All lanes start from the same generator weights and "
                 "see the same latent and real batches, step by step: the only difference between them is the method.")
CURVES_CAPTION = ("Curves, one colour per lane, over generator steps: exact W1 (optimal transport) to the data, modes "
                  "covered and high-quality samples (within 3σ of a mode), the generator's gradient at its samples "
                  "(log scale), each lane's discriminator loss min–max scaled to [0, 1] (shapes compare, not values), "
                  "and wall-clock milliseconds per generator step (k discriminator steps included).")
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


SHARED = [Control("data", "data", list(TOY_NAMES), advanced=False), Control("seed", "seed", int, advanced=False),
          Control("batch", "batch size (every lane)", int)]


def lane_controls(slot: int) -> list[Control]:
    """Lane ``slot``'s six settings (lanes 3–6 can be switched off)."""
    n = f"lane{slot + 1}_"
    objectives = list(LANE_RECIPES) + ([OFF] if slot >= 2 else [])
    return [Control(n + "objective", f"lane {slot + 1}: objective", objectives, advanced=False),
            Control(n + "lipschitz", "Lipschitz method", ["auto", *LIPSCHITZ_METHODS]),
            Control(n + "n_critic", "k", int), Control(n + "optimizer", "optimiser", list(OPTIMIZERS)),
            Control(n + "lr_g", "G learning rate", float), Control(n + "lr_d", "D learning rate", float)]


CONTROLS = SHARED + [c for slot in range(MAX_LANES) for c in lane_controls(slot)]


def build(app: gr.Blocks) -> LiveTab:
    start = LANE_PRESETS["pair"]
    tab = LiveTab("cmp", CONTROLS, lambda settings, page: LanesSession(settings, page), start.config,
                  buttons=("play", "pause", "reset"), play_label="▶ Play all", linked=True, tab_id="compare")
    with gr.Row():
        with gr.Column(scale=2):
            preset, watch = tab.preset_picker(LANE_PRESETS, start.key)
        with gr.Column(scale=3):
            with gr.Row():
                tab.widgets([c.name for c in SHARED])
    tab.transport()
    with gr.Accordion("the lanes: each one's method (an objective brings its recipe; data, seed and batch apply "
                      "on Reset, as does a lane switched on or off)", open=True):
        for slot in range(MAX_LANES):
            with gr.Row():
                tab.widgets([c.name for c in lane_controls(slot)])
    tab.view("press <b>Play all</b> to train the lanes side by side", LanesSession.frame_period)
    gr.Markdown(f"{LANES_CAPTION}\n\n{CURVES_CAPTION}")
    _optimality_figures(app)
    tab.wire(app, preset, watch, LANE_PRESETS)
    return tab


def _optimality_figures(app: gr.Blocks) -> None:
    """The two worked examples under the lanes: the two Gaussians, and the lectures' 1D line."""
    with gr.Accordion("Two Gaussians: D* saturates, the critic stays linear", open=True):
        gauss_go = gr.Button("train both to optimality (≈ 5 s)", elem_id="cmp-gauss")
        gauss_plot = figure_view("cmp-gauss-plot")
        gr.Markdown(GAUSS_CAPTION)
    with gr.Accordion("The lectures' 1D example: why JS and KL give no gradient", open=True):
        theta = gr.Slider(-1.0, 1.0, value=0.5, step=0.05, label="θ", elem_id="cmp-theta")
        line_numbers = gr.Markdown(elem_id="cmp-line-numbers")
        line_plot = figure_view("cmp-line-plot")
        gr.Markdown(LINE_CAPTION)
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
