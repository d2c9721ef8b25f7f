"""Tab "MNIST": train a DCGAN live on MNIST, Fashion-MNIST or StackedMNIST and watch the same 64 samples sharpen."""
from __future__ import annotations

import os
import tempfile

import gradio as gr

from ganlab.images.config import ARCHS
from ganlab.images.data import IMAGE_DATASETS
from ganlab.images.presets import IMAGE_PRESETS, get_image_preset
from ganlab.training.config import OPTIMIZERS
from ganlab.ui.controller import Control, LiveTab, training_controls
from ganlab.ui.images_session import ImageSession

START_PRESET = get_image_preset("digits")
TRAINING = training_controls()  # applied to the running experiment when changed
STRUCTURE = [  # wait for Reset: they shape the data or the networks
    Control("data", "dataset", list(IMAGE_DATASETS), advanced=False),
    Control("arch", "architecture", list(ARCHS)),
    Control("optimizer", "optimizer", list(OPTIMIZERS)),
    Control("width", "width (channels)", int),
    Control("d_width", "discriminator width (0: same as G; a narrow D invites mode collapse)", int),
    Control("seed", "seed", int),
    Control("pack", "pack m: D judges m images at once, stacked as channels (PacGAN; 1 = off)", int),
    Control("conditional", "class-conditional: G(z, y) and a projection D(x, y)", bool),
]
CURVES_CAPTION = ("**Charts**: losses, gradient norms and D(real) vs D(fake) per step; then the shipped classifier's view of 500 "
                  "samples: classes covered, KL of the class histogram from uniform (log 10 = 2.30 means one class: "
                  "mode collapse), mean confidence, and the Fréchet distance on its features (dotted: real vs real). StackedMNIST: "
                  "the classifier labels each colour channel, and the charts count the modes covered of 1000 and the KL of "
                  "the mode histogram from uniform (log 1000 = 6.91 means one mode).")


def images_controller(device: str = "auto") -> LiveTab:
    return LiveTab("img", TRAINING + STRUCTURE, lambda config, page: ImageSession(config, page, device),
                   START_PRESET.config, buttons=("play", "pause", "reset"), tab_id="images")


def build(app: gr.Blocks) -> LiveTab:
    tab = images_controller()
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            preset, watch = tab.preset_picker(IMAGE_PRESETS, START_PRESET.key)
            tab.transport()
            tab.link_button()
            with gr.Accordion("objective and training (applied live)", open=True):
                tab.widgets([c.name for c in TRAINING])
            with gr.Accordion("data and networks (applied on Reset)", open=True):
                tab.widgets([c.name for c in STRUCTURE])
            download = gr.Button("download the generator (safetensors)")
            saved = gr.File(label="generator", interactive=False)
        with gr.Column(scale=2):
            tab.view("press <b>Play</b> to train a DCGAN live (MNIST data ships with ganlab; runs on CUDA when "
                     "present)", ImageSession.frame_period)
            gr.Markdown(CURVES_CAPTION)
    tab.wire(app, preset, watch, dict(IMAGE_PRESETS))
    download.click(lambda s: _on_download(tab, s), [tab.state], saved, api_visibility="private")
    return tab


def _on_download(tab: LiveTab, session: ImageSession) -> str:
    from ganlab.training.checkpoints import save_trainer

    session = tab._session(session)
    run = session.run
    path = os.path.join(tempfile.mkdtemp(prefix="ganlab-"), f"generator-{run.config.data}-step{run.step}.safetensors")
    with session.lock:
        save_trainer(path, run.experiment.trainer, run.config, "ganlab-image-v1", with_optimizer=False)
    return path
