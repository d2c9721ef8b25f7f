"""Tab "Latent space": click through what a pretrained DCGAN has learned.

A grid of samples with their seeds; click two to pick A and B; then interpolate, do vector
arithmetic, walk along directions, find an image's z, look up training neighbours, or put the
same z through two models. The work is in ``latent_session``; this file is widgets and wiring.
"""
from __future__ import annotations

import functools
import math

import gradio as gr

from ganlab.errors import GanlabError
from ganlab.images.pretrained import shipped_models
from ganlab.training.validation import integer
from ganlab.ui.latent_session import GRID_SAMPLES, LatentSession, model
from ganlab.viz.images import write_gif

GRID_CAPTION = ("Each sample is G(z) for the z drawn from its seed (z ~ N(0, I), the same on every machine). "
                "Click one to make it **A**, another to make it **B**.")
CAPTIONS = {
    "interpolate": ("G along the path from z_A to z_B. *lerp* is the straight line (1 − t) z_A + t z_B; *slerp* follows "
                    "the great circle, where a high-dimensional Gaussian keeps its mass — a straight line dips inside "
                    "the sphere, to codes G rarely saw. Smooth changes mean G learned a continuous manifold, not a lookup table."),
    "arithmetic": ("Vector arithmetic in Z-space: G(z_A − z_B + z_C). Change the class keeps A's style and changes "
                   "the digit: a conditional G simply gets another y with the same z; for the others z moves by the "
                   "difference of class means (the average z of samples the classifier is sure are that class)."),
    "directions": ("A moved along one direction of z, from −amount to +amount. Principal directions are the right "
                   "singular vectors of G's first layer (the z directions it amplifies most); a single coordinate "
                   "usually changes several things at once: the code is entangled."),
    "find": ("GAN inversion: gradient descent on z to minimise the pixel error ‖G(z) − x‖² (plus a small pull "
             "towards the prior). A digit G can draw comes back closely; the found z becomes A."),
    "neighbours": ("A's nearest training images, by pixel distance and by distance between the classifier's "
                   "features. If a sample were a near-copy of a training image, G would be memorising, not generating."),
    "side": "The grid's seeds (same z, same classes) through the first model (top) and the second (bottom).",
}


def _guarded(n_outputs: int):
    """Turn a GanlabError into a message in the status line (the last output); other outputs unchanged."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except GanlabError as exc:
                return (*[gr.skip()] * (n_outputs - 1), f"⚠ {exc}")
        return inner
    return wrap


def build(app: gr.Blocks) -> None:
    names = list(shipped_models())
    first = names[0] if names else None
    state = gr.State(None)
    with gr.Row():
        chooser = gr.Dropdown(names, value=first, label="model", elem_id="latent-model", scale=2)
        base_seed = gr.Number(0, label="first seed", precision=0, elem_id="latent-seed", scale=1)
        more = gr.Button("next 16 seeds", elem_id="latent-more", scale=1)
    card = gr.Markdown(elem_id="latent-card")
    gallery = gr.Gallery(label="samples (click two)", columns=8, height=300, allow_preview=False,
                         object_fit="contain", elem_id="latent-grid")
    gr.Markdown(GRID_CAPTION)
    picks = gr.Markdown("**A** = — · **B** = —", elem_id="latent-picks")
    status = gr.Markdown("", elem_id="latent-status")

    with gr.Tabs():
        with gr.Tab("Interpolate"):
            with gr.Row():
                method = gr.Radio(["slerp", "lerp"], value="slerp", label="path")
                steps = gr.Slider(4, 32, value=16, step=1, label="frames")
                go_interp = gr.Button("interpolate A → B", variant="primary", elem_id="latent-interpolate")
            interp_strip = gr.Image(label="strip", elem_id="latent-strip", interactive=False)
            with gr.Row():
                interp_gif = gr.Image(label="animation", type="filepath", interactive=False, height=200, elem_id="latent-gif")
                gif_file = gr.File(label="download the GIF", interactive=False)
            gr.Markdown(CAPTIONS["interpolate"])
        with gr.Tab("Arithmetic"):
            with gr.Row():
                c_seed = gr.Number(7, label="seed of C", precision=0)
                go_arith = gr.Button("A − B + C", elem_id="latent-arith")
            arith_strip = gr.Image(label="A, B, C, A − B + C", interactive=False, elem_id="latent-arith-strip")
            with gr.Row():
                source = gr.Dropdown(list(range(10)), value=3, label="A's class (for class means)")
                target = gr.Dropdown(list(range(10)), value=8, label="new class")
                go_class = gr.Button("change the class, keep the style", elem_id="latent-class")
                go_every = gr.Button("A in every class (conditional)")
            class_strip = gr.Image(label="A, then A changed", interactive=False)
            gr.Markdown(CAPTIONS["arithmetic"])
        with gr.Tab("Directions"):
            with gr.Row():
                kind = gr.Radio(["principal", "coordinate"], value="principal", label="direction")
                index = gr.Number(1, label="which (1 = first)", precision=0)
                amount = gr.Slider(0.5, 6, value=3, step=0.5, label="amount")
                go_dir = gr.Button("walk", elem_id="latent-walk")
            dir_strip = gr.Image(label="−amount … A … +amount", interactive=False, elem_id="latent-dir-strip")
            dir_note = gr.Markdown()
            with gr.Row():
                position = gr.Slider(-6, 6, value=0, step=0.25, label="slide A along the direction: z_A + t·d",
                                     elem_id="latent-slider", scale=3)
                dir_point = gr.Image(label="G(z_A + t·d)", interactive=False, height=130, scale=1,
                                     elem_id="latent-slider-image")
            gr.Markdown(CAPTIONS["directions"])
        with gr.Tab("Find it in z"):
            with gr.Row():
                upload = gr.File(label="upload an image of a digit", file_types=["image"], type="filepath",
                                 elem_id="latent-upload")
                sketch = gr.Sketchpad(canvas_size=(280, 280), fixed_canvas=True, layers=False, type="numpy",
                                      image_mode="RGBA", label="…or draw one", elem_id="latent-sketch")
            with gr.Row():
                find_steps = gr.Slider(20, 500, value=150, step=10, label="optimisation steps")
                go_find = gr.Button("find z", variant="primary", elem_id="latent-find")
            find_strip = gr.Image(label="your image, G(z found)", interactive=False, elem_id="latent-find-strip")
            find_note = gr.Markdown(elem_id="latent-find-note")
            gr.Markdown(CAPTIONS["find"])
        with gr.Tab("Nearest neighbours"):
            go_nn = gr.Button("find A's nearest training images", elem_id="latent-nn")
            nn_pixel = gr.Image(label="A, then nearest in pixel space", interactive=False, elem_id="latent-nn-pixel")
            nn_feature = gr.Image(label="A, then nearest in classifier-feature space", interactive=False)
            nn_note = gr.Markdown(elem_id="latent-nn-note")
            gr.Markdown(CAPTIONS["neighbours"])
        with gr.Tab("Side by side"):
            with gr.Row():
                other = gr.Dropdown(names, value=names[1] if len(names) > 1 else first, label="second model")
                go_side = gr.Button("same z through both", elem_id="latent-side")
            side_top = gr.Image(label="first model", interactive=False, elem_id="latent-side-top")
            side_bottom = gr.Image(label="second model", interactive=False)
            gr.Markdown(CAPTIONS["side"])

    # ------------------------------------------------------------------ handlers
    def _card(name: str) -> str:
        m = model(name)
        metrics = m.notes.get("metrics", {})
        kind = ("conditional " if m.num_classes else "") + f"{m.config.arch.upper()}, {m.config.objective}"
        line = f"**{m.name}** — {kind} on {m.data}, z ∈ R^{m.latent_dim}, {m.step:,} steps"
        if metrics:
            line += (f"; {metrics['classes_covered']}/10 classes, class KL {metrics['class_kl']:.3f}, "
                     f"classifier confidence {metrics['mean_confidence']:.2f} (model card: pretrained/{m.name}.md)")
        return line

    @_guarded(5)
    def on_model(name, seed):
        if not name:
            raise GanlabError("no pretrained models found in pretrained/")
        session = LatentSession(name, integer("first seed", 0 if seed is None else seed, 0, 2**31 - 1))
        return session, session.gallery(), _card(name), session.describe(), ""

    def on_more(session, seed):
        ok = isinstance(seed, (int, float)) and math.isfinite(seed) and 0 <= seed < 2**31 - GRID_SAMPLES
        return int(seed) + GRID_SAMPLES if ok else 0

    @_guarded(2)
    def on_select(session, evt: gr.SelectData):
        if session is None:
            raise GanlabError("pick a model first")
        return session.pick(int(evt.index)), ""

    def _session(session):
        if session is None:
            raise GanlabError("pick a model first")
        return session

    @_guarded(4)
    def on_interpolate(session, chosen, n):
        s = _session(session)
        image, frames = s.interpolation(n, chosen)
        path = write_gif(frames, f"{s.name}-{chosen}.gif")
        return image, path, path, ""

    @_guarded(2)
    def on_arith(session, c):
        return _session(session).arithmetic_view(c), ""

    @_guarded(2)
    def on_class(session, src, dst):
        return _session(session).change_class(src, dst), ""

    @_guarded(2)
    def on_every(session):
        return _session(session).all_classes(), ""

    def _which(i):
        return i - 1 if isinstance(i, (int, float)) and not isinstance(i, bool) else i  # 1-based on screen

    @_guarded(3)
    def on_walk(session, k, i, a):
        image, note = _session(session).direction_walk(k, _which(i), a)
        return image, note, ""

    @_guarded(2)
    def on_slide(session, k, i, t):
        return _session(session).direction_point(k, _which(i), t), ""

    @_guarded(4)
    def on_find(session, path, drawing, n, progress=gr.Progress()):
        from ganlab.images.uploads import read_digit, to_digit

        s = _session(session)
        if path:
            digit = read_digit(path)
        else:
            image = drawing.get("composite") if isinstance(drawing, dict) else drawing
            if image is None:
                raise GanlabError("upload an image or draw a digit first")
            digit = to_digit(image)
        n = int(n) if isinstance(n, (int, float)) and float(n).is_integer() else n
        image, note = s.find(digit, n, progress=lambda k, e: progress(k / n, desc=f"step {k}/{n}: pixel MSE {e:.3f}"))
        return image, note, s.describe(), ""

    @_guarded(4)
    def on_nn(session):
        pixel, feature, note = _session(session).neighbours()
        return pixel, feature, note, ""

    @_guarded(3)
    def on_side(session, second):
        top, bottom = _session(session).side_by_side(second)
        return top, bottom, ""

    model_outputs = [state, gallery, card, picks, status]
    for trigger in (app.load, chooser.change, base_seed.submit):
        trigger(on_model, [chooser, base_seed], model_outputs, api_visibility="private")
    more.click(on_more, [state, base_seed], base_seed, api_visibility="private").then(
        on_model, [chooser, base_seed], model_outputs, api_visibility="private")
    gallery.select(on_select, [state], [picks, status], api_visibility="private")
    go_interp.click(on_interpolate, [state, method, steps], [interp_strip, interp_gif, gif_file, status], api_visibility="private")
    go_arith.click(on_arith, [state, c_seed], [arith_strip, status], api_visibility="private")
    go_class.click(on_class, [state, source, target], [class_strip, status], api_visibility="private")
    go_every.click(on_every, [state], [class_strip, status], api_visibility="private")
    go_dir.click(on_walk, [state, kind, index, amount], [dir_strip, dir_note, status], api_visibility="private")
    position.release(on_slide, [state, kind, index, position], [dir_point, status], api_visibility="private")
    go_find.click(on_find, [state, upload, sketch, find_steps], [find_strip, find_note, picks, status], api_visibility="private")
    go_nn.click(on_nn, [state], [nn_pixel, nn_feature, nn_note, status], api_visibility="private")
    go_side.click(on_side, [state, other], [side_top, side_bottom, status], api_visibility="private")
