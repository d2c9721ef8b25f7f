"""Tab "Critic vs Discriminator": a vanilla-GAN discriminator and a WGAN critic side by side."""
from __future__ import annotations

import gradio as gr
import numpy as np

from ganlab.errors import GanlabError
from ganlab.toy.data import TOY_NAMES
from ganlab.toy.optimality import line_example, two_gaussians_profiles
from ganlab.training.config import _number
from ganlab.ui.compare_session import CRITICS, CompareSession
from ganlab.ui.live_view import live_view, nudge
from ganlab.viz.compare import line_example_figure, two_gaussians_figure

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


def line_example_view(theta: float):
    """(figure, numbers) for the 1D example at ``theta`` (curves over θ ∈ [−1, 1])."""
    theta = _number("θ", theta, -1.0, 1.0)
    curves: dict[str, list] = {"js": [], "kl": [], "w1": []}
    for t in THETAS:
        for key, value in line_example(float(t)).items():
            curves[key].append(value)
    now = line_example(float(theta))
    kl = "∞" if now["kl"] == float("inf") else f"{now['kl']:.4f}"
    return (line_example_figure(THETAS, curves, float(theta)),
            f"θ = {float(theta):+.2f}: JS **{now['js']:.4f}** · KL **{kl}** · W1 **{now['w1']:.4f}**")


def build(app: gr.Blocks) -> None:
    state = gr.State(None, delete_callback=lambda s: s.close() if s is not None else None)
    with gr.Row():
        data = gr.Dropdown(list(TOY_NAMES), value="ring8", label="data", scale=1)
        disc = gr.Dropdown(["minimax", "nonsaturating"], value="minimax", label="discriminator's generator loss", scale=1)
        critic = gr.Dropdown([(v, k) for k, v in CRITICS.items()], value="gp", label="critic's Lipschitz method", scale=1)
        seed = gr.Number(0, precision=0, label="seed", scale=1)
    with gr.Row():
        play = gr.Button("▶ Play both", variant="primary", elem_id="cmp-play")
        pause = gr.Button("❚❚ Pause", elem_id="cmp-pause")
        reset = gr.Button("↺ Reset", elem_id="cmp-reset")
    live = live_view("cmp-live", "cmp-status", "press <b>Play both</b> to train them side by side",
                     CompareSession.frame_period, pair=True)
    gr.Markdown(f"{PAIR_CAPTION}\n\n{CURVES_CAPTION}")
    with gr.Accordion("Two Gaussians: D* saturates, the critic stays linear", open=True):
        gauss_go = gr.Button("train both to optimality (≈ 5 s)", elem_id="cmp-gauss")
        gauss_plot = gr.Plot(label="along the line through the means", elem_id="cmp-gauss-plot")
        gr.Markdown(GAUSS_CAPTION)
    with gr.Accordion("The lectures' 1D example: why JS and KL give no gradient", open=True):
        theta = gr.Slider(-1.0, 1.0, value=0.5, step=0.05, label="θ", elem_id="cmp-theta")
        line_numbers = gr.Markdown(elem_id="cmp-line-numbers")
        line_plot = gr.Plot(label="divergences against θ", elem_id="cmp-line-plot")
        gr.Markdown(LINE_CAPTION)

    outputs = [state, live]

    def choice(d, g, c, s):
        if s is None or s < 0 or s != int(s):
            raise GanlabError("the seed must be a whole number ≥ 0")
        return d, g, c, int(s)

    def draw(session):
        return session, nudge(session)

    def on_load(session, d, g, c, s):
        session = session or CompareSession(*choice(d, g, c, s))
        if not session.runs[0].metrics["step"]:
            session.measure_now()
        return draw(session)

    def on_play(request: gr.Request, session, d, g, c, s):
        try:
            picked = choice(d, g, c, s)
        except GanlabError as exc:
            session.message = f"⚠ {exc}"
            return draw(session)
        if session.playing:
            return draw(session)
        if picked != session.choice:
            session.reset(*picked)
        session.start(page=request.session_hash)
        return draw(session)

    def on_pause(session):
        if session is None:
            return gr.skip()
        session.pause()
        return nudge(session)

    def on_reset(session, d, g, c, s):
        session.playing = False
        try:
            session.reset(*choice(d, g, c, s))
            session.message = "reset: both generators start again from the same weights"
        except GanlabError as exc:
            session.message = f"⚠ {exc}"
        session.measure_now()
        return draw(session)

    def on_gauss():
        return two_gaussians_figure(two_gaussians_profiles())

    def on_theta(t):
        try:
            return line_example_view(t)
        except GanlabError as exc:
            return gr.skip(), f"⚠ {exc}"

    controls = [data, disc, critic, seed]
    app.load(on_load, [state, *controls], outputs, api_visibility="private")
    app.load(on_theta, [theta], [line_plot, line_numbers], api_visibility="private")
    play.click(on_play, [state, *controls], outputs, concurrency_limit=None, show_progress="hidden",
               api_visibility="private")
    pause.click(on_pause, [state], live, concurrency_limit=None, queue=False, api_visibility="private")
    reset.click(on_reset, [state, *controls], outputs, api_visibility="private")
    gauss_go.click(on_gauss, None, gauss_plot, api_visibility="private")
    theta.change(on_theta, [theta], [line_plot, line_numbers], show_progress="hidden", api_visibility="private")
