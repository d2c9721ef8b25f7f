"""Tab "Toy 2D": train a 2D GAN live and watch D(x), the samples, the gradients and the metrics."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import gradio as gr

from ganlab.errors import GanlabError
from ganlab.models.mlp import ACTIVATIONS
from ganlab.toy.config import ToyConfig
from ganlab.toy.data import TOY_NAMES
from ganlab.toy.drawing import points_from_drawing
from ganlab.toy.experiment import train_and_evaluate
from ganlab.toy.presets import PRESETS, get_preset, recommended
from ganlab.training.config import OPTIMIZERS
from ganlab.training.lipschitz import LIPSCHITZ_METHODS
from ganlab.training.objectives import OBJECTIVE_NAMES
from ganlab.training.priors import PRIOR_NAMES
from ganlab.ui.controls import control_values
from ganlab.ui.live_session import FRAME_PERIOD
from ganlab.ui.live_view import live_view, nudge
from ganlab.ui.presenter import ADVANCED
from ganlab.ui.toy_session import ToySession
from ganlab.viz.live import LAYERS

DEFAULT_PRESET = "nonsaturating"
DRAWN = "drawn"  # the UI-only preset: the data come from the canvas
DRAWN_WATCH = ("Draw any shape on the canvas under 'draw your own data' and press 'use my drawing': the "
               "generator must learn your distribution. Thin strokes and separate blobs are the hard parts.")
# (config field, label, kind) for every control; kind picks the widget.
FIELDS: list[tuple[str, str, Any]] = [
    ("data", "distribution", [*TOY_NAMES, "custom"]),
    ("objective", "objective", list(OBJECTIVE_NAMES)),
    ("lipschitz", "Lipschitz method (auto = the objective's own)", ["auto", *LIPSCHITZ_METHODS]),
    ("n_critic", "k: discriminator steps per generator step", int),
    ("optimizer", "optimizer", list(OPTIMIZERS)),
    ("lr_g", "generator learning rate", float),
    ("lr_d", "discriminator learning rate", float),
    ("batch", "batch size", int),
    ("hidden", "hidden width", int),
    ("depth", "hidden layers", int),
    ("activation", "activation", list(ACTIVATIONS)),
    ("latent_dim", "latent dimension", int),
    ("prior", "latent prior", list(PRIOR_NAMES)),
    ("seed", "seed", int),
    ("clip", "weight clip c", float),
    ("gp_weight", "gradient penalty λ", float),
    ("r1_weight", "R1 γ (R1 + R2 for r3gan)", float),
    ("pack", "pack m: D judges m samples at once (PacGAN; 1 = off)", int),
    ("label_smoothing", "one-sided label smoothing", float),
    ("instance_noise", "instance noise σ", float),
]
CHART_CAPTION = ("**Charts**: losses and gradient norms per step; D(real) vs D(fake) (probabilities for a "
                 "discriminator, raw scores for a critic); modes covered and high-quality fraction (VEEGAN protocol, "
                 "3σ); the exact W1 by optimal transport (POT) next to a critic's own estimate E f(x) − E f(G(z)); "
                 "grid JS (≤ log 2). Hover a chart for its values.")
SPEEDS = {"full speed": None, "slow: 20 steps/frame": 20, "slower: 5 steps/frame": 5, "slowest: 1 step/frame": 1}
LAYER_LABELS = {"surface": "D(x) / critic surface", "real": "real samples", "fake": "generated samples",
                "arrows": "generator gradients", "manifold": "generator manifold"}


def _widget(name: str, label: str, kind: Any, value: Any):
    if isinstance(kind, list):
        return gr.Dropdown(kind, value=value, label=label, elem_id=f"toy-{name}")
    return gr.Number(value=value, label=label, precision=0 if kind is int else None, elem_id=f"toy-{name}")


def config_from_values(base: ToyConfig, values: list[Any]) -> ToyConfig:
    """``base`` with the controls' values applied; raises ``GanlabError`` for bad input."""
    return base.replace(**control_values(FIELDS, values))


def _values(config: ToyConfig) -> list[Any]:
    return [getattr(config, name) for name, _, _ in FIELDS]


def _session(session: ToySession | None) -> ToySession:
    return session if session is not None else ToySession(get_preset(DEFAULT_PRESET).config)


def toy_run(data: str = "ring8", objective: str = "nonsaturating", steps: int = 2000, seed: int = 0) -> dict:
    """Train a toy GAN with the recommended setting and return its metrics (as the CLI's --json).

    steps: 1..20000 generator steps. Returns data, objective, steps, seconds, steps_per_second,
    modes_covered, modes_total, hq_fraction, w1, grid_js, device, ... or {"error": message}.
    """
    try:
        steps = int(steps)
        if not 1 <= steps <= 20000:
            raise GanlabError(f"steps must be between 1 and 20000, got {steps}")
        config = recommended(objective, data=data, seed=int(seed), lr_decay_steps=steps)
        if config.noise_anneal_steps:
            config = config.replace(noise_anneal_steps=steps)
        _, result = train_and_evaluate(config, steps, eval_samples=2500, device="cpu")
        return result
    except (GanlabError, ValueError, TypeError, OverflowError) as exc:
        return {"error": str(exc).splitlines()[0]}


def toy_live(preset: str = DEFAULT_PRESET, seconds: float = 10.0) -> Iterator[dict]:
    """Play a lecture preset live for ``seconds`` (1–120) and stream what the Toy 2D status line shows,
    5 times a second: {step, steps_per_second, modes_covered, modes_total, hq_fraction, w1, message}.

    The same session, training thread and frame loop as the tab (and the same cap on sessions
    training at once: beyond it, one update whose message says to wait). Each update it sends counts as
    the page asking for a frame, so a client that stops reading stops the run."""
    try:
        seconds = float(seconds)
        if not (1.0 <= seconds <= 120.0):  # also rejects NaN
            raise GanlabError(f"seconds must be between 1 and 120, got {seconds}")
        session = ToySession(get_preset(str(preset)).config, film_frames=1)  # no GIF export through the API
    except (GanlabError, ValueError, TypeError, OverflowError) as exc:
        yield {"error": str(exc).splitlines()[0]}
        return
    try:
        for _ in session.stream(max_seconds=seconds):
            m, run = session.run.metrics, session.run
            has_modes = run.experiment.distribution.has_modes
            yield {"step": run.step, "steps_per_second": round(session.rate, 1),
                   "modes_covered": m["modes_covered"][-1] if m["step"] and has_modes else None,
                   "modes_total": len(run.experiment.distribution.centers) if has_modes else None,
                   "hq_fraction": m["hq_fraction"][-1] if m["step"] and has_modes else None,
                   "w1": m["w1"][-1] if m["step"] else None, "message": session.message}
    finally:
        session.close()


def build(app: gr.Blocks) -> None:
    """Lay out the tab and wire its events."""
    start = get_preset(DEFAULT_PRESET)
    state = gr.State(None, delete_callback=lambda s: s.close() if s is not None else None)
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            preset = gr.Dropdown([(p.title, p.key) for p in PRESETS.values()] + [("Drawn distribution", DRAWN)],
                                 value=start.key, label="preset", elem_id="toy-preset")
            watch = gr.Markdown(f"*Watch for:* {start.watch_for}")
            with gr.Row():
                play = gr.Button("▶ Play", variant="primary", elem_id="toy-play")
                pause = gr.Button("❚❚ Pause", elem_id="toy-pause")
            with gr.Row():
                step = gr.Button("Step (D, then G)", elem_id="toy-step")
                reset = gr.Button("↺ Reset", elem_id="toy-reset")
            speed = gr.Radio(list(SPEEDS), value="full speed", label="speed (slow motion shows single steps)")
            layers = gr.CheckboxGroup([(LAYER_LABELS[k], k) for k in LAYERS], value=list(LAYERS), label="layers")
            controls = []
            with gr.Accordion("objective and training", open=False, elem_classes=ADVANCED):
                for name, label, kind in FIELDS[1:8] + FIELDS[14:]:
                    controls.append((name, _widget(name, label, kind, getattr(start.config, name))))
            with gr.Accordion("data and networks (apply on Reset)", open=False, elem_classes=ADVANCED):
                for name, label, kind in FIELDS[:1] + FIELDS[8:14]:
                    controls.append((name, _widget(name, label, kind, getattr(start.config, name))))
            with gr.Accordion("draw your own data", open=False) as draw_box:
                sketch = gr.Sketchpad(canvas_size=(320, 320), fixed_canvas=True, layers=False, type="numpy",
                                      image_mode="RGBA", label="draw in the square [-4, 4]²", elem_id="toy-sketch")
                use_drawing = gr.Button("use my drawing", elem_id="toy-use-drawing")
            with gr.Accordion("save and load", open=False, elem_classes=ADVANCED):
                save = gr.Button("save run (safetensors)")
                gif = gr.Button("export the last 30 s as an animated GIF", elem_id="toy-gif")
                saved = gr.File(label="download", interactive=False)
                upload = gr.File(label="load a saved run", file_types=[".safetensors"], type="filepath")
        with gr.Column(scale=2):
            live = live_view("toy-live", "toy-status", "press <b>Play</b> to train", FRAME_PERIOD)
            gr.Markdown(CHART_CAPTION)

    order = {name: widget for name, widget in controls}
    widgets = [order[name] for name, _, _ in FIELDS]
    drawn = [state, live]

    def draw(session: ToySession):
        return session, nudge(session)

    def on_load(session):
        session = _session(session)
        if not session.run.metrics["step"]:
            session.measure_now()
        return draw(session)

    def on_preset(key, session):
        session = _session(session)
        if key == DRAWN:
            session.message = "draw on the canvas (left, 'draw your own data'), then press 'use my drawing'"
            return (*draw(session), f"*Watch for:* {DRAWN_WATCH}", *[gr.skip()] * len(widgets), gr.Accordion(open=True))
        p = get_preset(key)
        session.reset(p.config)
        session.message = f"preset loaded: {p.title}"
        return (*draw(session), f"*Watch for:* {p.watch_for}", *_values(p.config), gr.skip())

    def on_play(request: gr.Request, session, *values):
        session = _session(session)
        if session.playing:
            return draw(session)
        try:
            session.apply(config_from_values(session.config, list(values)))
        except GanlabError as exc:
            session.message = f"⚠ {exc}"
            return draw(session)
        session.start(page=request.session_hash)
        return draw(session)

    def on_pause(session):
        if session is None:
            return gr.skip()
        session.pause()
        return nudge(session)

    def on_step(session, *values):
        session = _session(session)
        if session.playing:
            return draw(session)
        try:
            session.apply(config_from_values(session.config, list(values)))
        except GanlabError as exc:
            session.message = f"⚠ {exc}"
            return draw(session)
        session.step_once()
        return draw(session)

    def on_reset(session, *values):
        session = _session(session)
        session.playing = False
        try:
            session.reset(config_from_values(session.config, list(values)))
        except GanlabError as exc:
            session.message = f"⚠ {exc} (kept the current run)"
        return draw(session)

    def on_change(session, *values):
        session = _session(session)
        try:
            session.apply(config_from_values(session.config, list(values)))
        except GanlabError as exc:
            session.message = f"⚠ {exc} (kept the previous value)"
        return draw(session)

    def on_view_options(session, chosen_layers, chosen_speed):
        session = _session(session)
        session.layers = tuple(chosen_layers)
        session.steps_per_frame = SPEEDS.get(chosen_speed)
        return draw(session)

    def on_gif(session):
        session = _session(session)
        from ganlab.viz.raster import frames_to_gif

        frames = list(session.film)
        if len(frames) < 2:
            session.message = "⚠ nothing to animate yet: press Play first"
            return None, nudge(session)
        path = os.path.join(tempfile.mkdtemp(prefix="ganlab-"), f"ganlab-{session.config.data}-step{frames[-1].step}.gif")
        frames_to_gif(frames, path)
        session.message = f"GIF of {len(frames)} frames, steps {frames[0].step}–{frames[-1].step}"
        return path, nudge(session)

    def on_use_drawing(session, drawing, *values):
        session = _session(session)
        session.playing = False
        try:
            image = (drawing or {}).get("composite") if isinstance(drawing, dict) else drawing
            if image is None:
                raise GanlabError("draw something on the canvas first (a few strokes are enough)")
            points = points_from_drawing(image, seed=session.config.seed)
            config = config_from_values(session.config, list(values)).replace(
                data="custom", points=tuple((round(float(x), 3), round(float(y), 3)) for x, y in points))
            session.reset(config)
            session.message = f"your drawing: {len(points)} points; press Play"
        except GanlabError as exc:
            session.message = f"⚠ {exc}"
        return (*draw(session), *_values(session.config))

    def on_save(session):
        session = _session(session)
        from ganlab.toy.saving import save_toy

        folder = tempfile.mkdtemp(prefix="ganlab-")
        path = os.path.join(folder, f"ganlab-{session.config.data}-{session.config.objective}-step{session.run.step}.safetensors")
        with session.lock:
            save_toy(path, session.run.experiment)
        return path

    def on_upload(session, path):
        session = _session(session)
        if not path:
            return (*draw(session), *_values(session.config))
        session.playing = False
        try:
            session.load(path)
        except GanlabError as exc:
            session.message = f"⚠ {exc}"
        return (*draw(session), *_values(session.config))

    app.load(on_load, [state], drawn)
    preset.input(on_preset, [preset, state], [*drawn, watch, *widgets, draw_box], api_visibility="private")
    use_drawing.click(on_use_drawing, [state, sketch, *widgets], [*drawn, *widgets], api_visibility="private")
    play.click(on_play, [state, *widgets], drawn, concurrency_limit=None, api_visibility="private",
               show_progress="hidden")
    pause.click(on_pause, [state], live, concurrency_limit=None, queue=False, api_visibility="private")
    step.click(on_step, [state, *widgets], drawn, api_visibility="private")
    reset.click(on_reset, [state, *widgets], drawn, api_visibility="private")
    gr.on([w.change for w in widgets],
          on_change, [state, *widgets], drawn, api_visibility="private", concurrency_limit=None,
          show_progress="hidden")
    gr.on([layers.change, speed.change], on_view_options, [state, layers, speed], drawn,
          api_visibility="private", concurrency_limit=None, show_progress="hidden")
    save.click(on_save, [state], saved, api_visibility="private")
    gif.click(on_gif, [state], [saved, live], api_visibility="private")
    upload.upload(on_upload, [state, upload], [*drawn, *widgets], api_visibility="private")
    gr.api(toy_run, api_name="toy_run")
    gr.api(toy_live, api_name="toy_live", concurrency_limit=None)
