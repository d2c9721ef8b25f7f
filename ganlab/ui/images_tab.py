"""Tab "MNIST": train a DCGAN live on MNIST, Fashion-MNIST or StackedMNIST and watch the same 64 samples sharpen."""
from __future__ import annotations

import os
import tempfile

import gradio as gr

from ganlab.errors import GanlabError
from ganlab.images.data import IMAGE_DATASETS
from ganlab.images.experiment import ARCHS, ImageConfig
from ganlab.images.presets import IMAGE_PRESETS, get_image_preset
from ganlab.training.config import OPTIMIZERS
from ganlab.training.lipschitz import LIPSCHITZ_METHODS
from ganlab.training.objectives import OBJECTIVE_NAMES
from ganlab.ui.controls import control_values
from ganlab.ui.images_session import ImageSession
from ganlab.ui.live_view import live_view, nudge
from ganlab.ui.presenter import ADVANCED

START_PRESET = get_image_preset("digits")
START = START_PRESET.config
FIELDS = [("data", "dataset", list(IMAGE_DATASETS)), ("arch", "architecture", list(ARCHS)),
          ("objective", "objective", list(OBJECTIVE_NAMES)),
          ("lipschitz", "Lipschitz method", ["auto", *LIPSCHITZ_METHODS]),
          ("n_critic", "k: discriminator steps per generator step", int), ("optimizer", "optimizer", list(OPTIMIZERS)),
          ("lr_g", "generator learning rate", float), ("lr_d", "discriminator learning rate", float),
          ("batch", "batch size", int), ("width", "width (channels)", int),
          ("d_width", "discriminator width (0: same as G; a narrow D invites mode collapse)", int), ("seed", "seed", int),
          ("pack", "pack m: D judges m images at once, stacked as channels (PacGAN; 1 = off)", int),
          ("conditional", "class-conditional: G(z, y) and a projection D(x, y)", bool)]
CURVES_CAPTION = ("**Charts**: losses, gradient norms and D(real) vs D(fake) per step; then the shipped classifier's view of 500 "
                  "samples: classes covered, KL of the class histogram from uniform (log 10 = 2.30 means one class: "
                  "mode collapse), mean confidence, and the Fréchet distance on its features (dotted: real vs real). StackedMNIST: "
                  "the classifier labels each colour channel, and the charts count the modes covered of 1000 and the KL of "
                  "the mode histogram from uniform (log 1000 = 6.91 means one mode).")


def _config(values, base: ImageConfig = START) -> ImageConfig:
    """``base`` (the session's config: settings without a control, such as a preset's Adam β, carry
    over) with the controls' values applied."""
    changes = control_values(FIELDS, list(values))
    if changes["arch"] == "seed004":
        changes["latent_dim"] = 128
    elif base.arch == "seed004":
        changes["latent_dim"] = START.latent_dim
    return base.replace(**changes)


def build(app: gr.Blocks) -> None:
    state = gr.State(None, delete_callback=lambda s: s.close() if s is not None else None)
    widgets = []
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            preset = gr.Dropdown([(p.title, p.key) for p in IMAGE_PRESETS.values()], value=START_PRESET.key,
                                 label="preset", elem_id="img-preset")
            watch = gr.Markdown(f"*Watch for:* {START_PRESET.watch_for}")
            with gr.Row():
                play = gr.Button("▶ Play", variant="primary", elem_id="img-play")
                pause = gr.Button("❚❚ Pause", elem_id="img-pause")
                reset = gr.Button("↺ Reset", elem_id="img-reset")
            for name, label, kind in FIELDS:
                value = getattr(START, name)
                extra = {} if name == "data" else {"elem_classes": ADVANCED}  # presenter mode keeps the dataset only
                if isinstance(kind, list):
                    widgets.append(gr.Dropdown(kind, value=value, label=label, **extra))
                elif kind is bool:
                    widgets.append(gr.Checkbox(value, label=label, **extra))
                else:
                    widgets.append(gr.Number(value, label=label, precision=0 if kind is int else None, **extra))
            download = gr.Button("download the generator (safetensors)")
            saved = gr.File(label="generator", interactive=False)
        with gr.Column(scale=2):
            live = live_view("img-live", "img-status", "press <b>Play</b> to train a DCGAN live (MNIST data ships "
                             "with ganlab; runs on CUDA when present)", ImageSession.frame_period)
            gr.Markdown(CURVES_CAPTION)
    outputs = [state, live]

    def ensure(session, values):
        """(session, config, error): the session (built from the controls' config when there is none
        yet, from the recommended one when the controls hold a bad value) and the controls' config, or
        the error that config raised."""
        try:
            config = _config(values, START if session is None else session.run.config)
        except GanlabError as exc:
            return session or ImageSession(START), None, exc
        return session or ImageSession(config), config, None

    def draw(session):
        return session, nudge(session)

    def on_play(request: gr.Request, session, *values):
        session, config, error = ensure(session, values)
        if error is not None:
            session.message = f"⚠ {error}"
            return draw(session)
        if session.playing:
            return draw(session)
        if config != session.run.config:
            session.reset(config)
        session.start(page=request.session_hash)
        return draw(session)

    def on_pause(session):
        if session is None:
            return gr.skip()
        session.pause()
        return nudge(session)

    def on_reset(session, *values):
        fresh = session is None
        session, config, error = ensure(session, values)
        session.playing = False
        if error is not None:
            session.message = f"⚠ {error} (kept the current run)"
        elif not fresh:
            session.reset(config)
        return draw(session)

    def on_preset(key, session):
        p = get_image_preset(key)
        if session is None:
            session = ImageSession(p.config)
        else:
            session.pause()
            session.reset(p.config)
        session.message = f"preset loaded: {p.title} (press Play)"
        return (*draw(session), f"*Watch for:* {p.watch_for}", *[getattr(p.config, name) for name, _, _ in FIELDS])

    def on_download(session):
        if session is None:
            return None
        from ganlab.training.checkpoints import save_trainer

        path = os.path.join(tempfile.mkdtemp(prefix="ganlab-"), f"generator-{session.run.config.data}-step{session.run.step}.safetensors")
        with session.lock:
            save_trainer(path, session.run.experiment.trainer, session.run.config, "ganlab-image-v1", with_optimizer=False)
        return path

    play.click(on_play, [state, *widgets], outputs, concurrency_limit=None, show_progress="hidden", api_visibility="private")
    pause.click(on_pause, [state], live, concurrency_limit=None, queue=False, api_visibility="private")
    reset.click(on_reset, [state, *widgets], outputs, api_visibility="private")
    preset.input(on_preset, [preset, state], [*outputs, watch, *widgets], api_visibility="private")
    download.click(on_download, [state], saved, api_visibility="private")
