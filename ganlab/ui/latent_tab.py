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
    state, picks, status = _samples(app, names)
    with gr.Tabs():
        with gr.Tab("Interpolate"):
            _interpolate_tab(state, status)
        with gr.Tab("Arithmetic"):
            _arithmetic_tab(state, status)
        with gr.Tab("Directions"):
            _directions_tab(state, status)
        with gr.Tab("Find it in z"):
            _find_tab(state, picks, status)
        with gr.Tab("Nearest neighbours"):
            _neighbours_tab(state, status)
        with gr.Tab("Side by side"):
            _side_tab(state, status, names)


PRIVATE = dict(api_visibility="private")


def _samples(app: gr.Blocks, names: list[str]) -> tuple[gr.State, gr.Markdown, gr.Markdown]:
    """The model chooser, its card and the grid of samples to pick A and B from; returns (state, picks, status)."""
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
    model_outputs = [state, gallery, card, picks, status]
    for trigger in (app.load, chooser.change, base_seed.submit):
        trigger(on_model, [chooser, base_seed], model_outputs, **PRIVATE)
    more.click(on_more, [state, base_seed], base_seed, **PRIVATE).then(
        on_model, [chooser, base_seed], model_outputs, **PRIVATE)
    gallery.select(on_select, [state], [picks, status], **PRIVATE)
    return state, picks, status


def _interpolate_tab(state: gr.State, status: gr.Markdown) -> None:
    with gr.Row():
        method = gr.Radio(["slerp", "lerp"], value="slerp", label="path")
        steps = gr.Slider(4, 32, value=16, step=1, label="frames")
        go = gr.Button("interpolate A → B", variant="primary", elem_id="latent-interpolate")
    strip_image = gr.Image(label="strip", elem_id="latent-strip", interactive=False)
    with gr.Row():
        gif = gr.Image(label="animation", type="filepath", interactive=False, height=200, elem_id="latent-gif")
        gif_file = gr.File(label="download the GIF", interactive=False)
    gr.Markdown(CAPTIONS["interpolate"])
    go.click(on_interpolate, [state, method, steps], [strip_image, gif, gif_file, status], **PRIVATE)


def _arithmetic_tab(state: gr.State, status: gr.Markdown) -> None:
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
    go_arith.click(on_arith, [state, c_seed], [arith_strip, status], **PRIVATE)
    go_class.click(on_class, [state, source, target], [class_strip, status], **PRIVATE)
    go_every.click(on_every, [state], [class_strip, status], **PRIVATE)


def _directions_tab(state: gr.State, status: gr.Markdown) -> None:
    with gr.Row():
        kind = gr.Radio(["principal", "coordinate"], value="principal", label="direction")
        which = gr.Number(1, label="which (1 = first)", precision=0)
        amount = gr.Slider(0.5, 6, value=3, step=0.5, label="amount")
        go = gr.Button("walk", elem_id="latent-walk")
    strip_image = gr.Image(label="−amount … A … +amount", interactive=False, elem_id="latent-dir-strip")
    note = gr.Markdown()
    with gr.Row():
        position = gr.Slider(-6, 6, value=0, step=0.25, label="slide A along the direction: z_A + t·d",
                             elem_id="latent-slider", scale=3)
        point = gr.Image(label="G(z_A + t·d)", interactive=False, height=130, scale=1, elem_id="latent-slider-image")
    gr.Markdown(CAPTIONS["directions"])
    go.click(on_walk, [state, kind, which, amount], [strip_image, note, status], **PRIVATE)
    position.release(on_slide, [state, kind, which, position], [point, status], **PRIVATE)


def _find_tab(state: gr.State, picks: gr.Markdown, status: gr.Markdown) -> None:
    with gr.Row():
        upload = gr.File(label="upload an image of a digit", file_types=["image"], type="filepath",
                         elem_id="latent-upload")
        sketch = gr.Sketchpad(canvas_size=(280, 280), fixed_canvas=True, layers=False, type="numpy",
                              image_mode="RGBA", label="…or draw one", elem_id="latent-sketch")
    with gr.Row():
        steps = gr.Slider(20, 500, value=150, step=10, label="optimisation steps")
        go = gr.Button("find z", variant="primary", elem_id="latent-find")
    strip_image = gr.Image(label="your image, G(z found)", interactive=False, elem_id="latent-find-strip")
    note = gr.Markdown(elem_id="latent-find-note")
    gr.Markdown(CAPTIONS["find"])
    go.click(on_find, [state, upload, sketch, steps], [strip_image, note, picks, status], **PRIVATE)


def _neighbours_tab(state: gr.State, status: gr.Markdown) -> None:
    go = gr.Button("find A's nearest training images", elem_id="latent-nn")
    pixel = gr.Image(label="A, then nearest in pixel space", interactive=False, elem_id="latent-nn-pixel")
    feature = gr.Image(label="A, then nearest in classifier-feature space", interactive=False)
    note = gr.Markdown(elem_id="latent-nn-note")
    gr.Markdown(CAPTIONS["neighbours"])
    go.click(on_nn, [state], [pixel, feature, note, status], **PRIVATE)


def _side_tab(state: gr.State, status: gr.Markdown, names: list[str]) -> None:
    with gr.Row():
        other = gr.Dropdown(names, value=names[1] if len(names) > 1 else (names or [None])[0], label="second model")
        go = gr.Button("same z through both", elem_id="latent-side")
    top = gr.Image(label="first model", interactive=False, elem_id="latent-side-top")
    bottom = gr.Image(label="second model", interactive=False)
    gr.Markdown(CAPTIONS["side"])
    go.click(on_side, [state, other], [top, bottom, status], **PRIVATE)


# ---------------------------------------------------------------------- handlers
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
    return _session(session).pick(int(evt.index)), ""


def _session(session: LatentSession | None) -> LatentSession:
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


@_guarded(3)
def on_walk(session, kind, which, amount):
    image, note = _session(session).direction_walk(kind, which, amount)
    return image, note, ""


@_guarded(2)
def on_slide(session, kind, which, t):
    return _session(session).direction_point(kind, which, t), ""


def on_find(session, path, drawing, n, progress=gr.Progress()):
    """The found z's strip and note, or (an error) an empty strip and note, so no earlier result stays
    under the message."""
    try:
        return _find(session, path, drawing, n, progress)
    except GanlabError as exc:
        return None, "", gr.skip(), f"⚠ {exc}"


def _find(session, path, drawing, n, progress):
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
