"""Tab "Game dynamics": the Dirac-GAN played live: watch gradient play spiral out, cycle, or converge."""
from __future__ import annotations

import gradio as gr

from ganlab.maths.dirac_gan import GAME_PRESETS, OBJECTIVES, REGULARIZERS, RULES
from ganlab.ui.controller import Control, LiveTab
from ganlab.ui.dynamics_session import DynamicsSession

START = GAME_PRESETS["spiral-out"]
CONTROLS = [
    Control("objective", "objective (f)", list(OBJECTIVES), advanced=False),
    Control("regularizer", "regularizer", list(REGULARIZERS), advanced=False),
    Control("weight", "its weight: γ (R1, R2, consensus), λ (gradient penalty), c (clipping), σ (noise)", float),
    Control("rule", "update rule", list(RULES), advanced=False),
    Control("lr_g", "generator step size h_G", float),
    Control("lr_d", "discriminator step size h_D", float),
    Control("k", "k: D-steps per G-step (alternating, momentum, Adam)", int),
    Control("momentum", "momentum β (negative: negative momentum; Adam's β1)", float),
    Control("theta0", "start θ (or click the plane)", float),
    Control("psi0", "start ψ (or click the plane)", float),
]
SPEEDS = {"1 update a frame": 1, "4 updates a frame": 4, "20 updates a frame": 20}
LECTURE = ("**The game.** G wants L(θ, ψ) small, D wants it large: training is a two-player game, and its goal is "
           "a **Nash equilibrium**, a point where neither player gains by moving alone; here (θ, ψ) = (0, 0): G "
           "sits on the data and D is flat. Gradient play follows the field v = (−∂L/∂θ, ∂L/∂ψ), which "
           "*rotates* around that point instead of pointing at it, so neither loss going down is the question: "
           "what decides is whether the iterates approach the equilibrium. Near it a discrete update converges "
           "exactly when every eigenvalue of its Jacobian lies inside the unit circle (the **spectral radius** "
           "is below 1). Mescheder, Geiger and Nowozin, *Which Training Methods for GANs do actually Converge?* "
           "(ICML 2018).")


def build(app: gr.Blocks) -> LiveTab:
    tab = LiveTab("dyn", CONTROLS, lambda config, page: DynamicsSession(config, page), START.config,
                  tab_id="dynamics")
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            preset, watch = tab.preset_picker(GAME_PRESETS, START.key)
            tab.transport()
            tab.link_button()
            speed = gr.Radio(list(SPEEDS), value="4 updates a frame", label="speed", elem_id="dyn-speed")
            tab.widgets([c.name for c in CONTROLS[:4]])
            with gr.Accordion("step sizes, k, momentum and the start point", open=False):
                tab.widgets([c.name for c in CONTROLS[4:]])
        with gr.Column(scale=3):
            tab.view("press <b>Play</b> to watch gradient play, or click the plane to choose where it starts",
                     0.2, pair=True)
            gr.Markdown(LECTURE)
    tab.wire(app, preset, watch, dict(GAME_PRESETS))
    speed.change(lambda s, chosen: _on_speed(tab, s, chosen), [tab.state, speed], [tab.state, tab.live],
                 api_visibility="private", show_progress="hidden")
    return tab


def _on_speed(tab: LiveTab, session: DynamicsSession, chosen: str):
    session = tab._session(session)
    session.steps_per_frame = SPEEDS.get(chosen, 4)
    return tab.draw(session)

