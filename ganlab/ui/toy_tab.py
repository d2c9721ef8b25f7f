"""Tab "Toy 2D": train a 2D GAN live and watch D(x), the samples, the gradients and the metrics."""
from __future__ import annotations

import os
import tempfile

import gradio as gr

from ganlab.errors import GanlabError
from ganlab.toy.drawing import points_from_drawing
from ganlab.toy.presets import PRESETS, get_preset
from ganlab.ui.canvas_view import nudge
from ganlab.ui.controller import LiveTab, watch_line
from ganlab.ui.presenter import ADVANCED
from ganlab.ui.toy_api import DEFAULT_PRESET, toy_live, toy_run
from ganlab.ui.toy_controls import STRUCTURE, TRAINING
from ganlab.ui.toy_session import ToySession
from ganlab.ui.training_session import FRAME_PERIOD
from ganlab.viz.panels import LAYERS

DRAWN = "drawn"  # the UI-only preset: the data come from the canvas
DRAWN_WATCH = ("Draw any shape on the canvas under 'draw your own data' and press 'use my drawing': the "
               "generator must learn your distribution. Thin strokes and separate blobs are the hard parts.")
CHART_CAPTION = ("**Charts**: losses and gradient norms per step; D(real) vs D(fake) (probabilities for a "
                 "discriminator, raw scores for a critic); modes covered and high-quality fraction (VEEGAN protocol, "
                 "3σ); the exact W1 by optimal transport (POT) next to a critic's own estimate E f(x) − E f(G(z)); "
                 "grid JS (≤ log 2); with the box ticked, precision (quality) and recall (diversity) on k-NN balls "
                 "round the points: high quality is a precision, modes covered a coarse recall. Hover a chart for its values.")
POINTS_LABEL = ("Or upload a CSV/TSV of 2D points: two columns x, y, a header line or none, at most 10,000 rows. "
                "They are standardised into the view (one scale for both axes), and the status line shows the map.")
SPEEDS = {"full speed": None, "slow: 20 steps/frame": 20, "slower: 5 steps/frame": 5, "slowest: 1 step/frame": 1}
LAYER_LABELS = {"surface": "D(x) / critic surface", "real": "real samples", "fake": "generated samples",
                "arrows": "generator gradients", "manifold": "generator manifold"}


def toy_controller() -> LiveTab:
    return LiveTab("toy", TRAINING + STRUCTURE, lambda config, page: ToySession(config, page),
                   get_preset(DEFAULT_PRESET).config, tab_id="toy")


def build(app: gr.Blocks) -> LiveTab:
    """Lay out the tab and wire its events."""
    tab, start = toy_controller(), get_preset(DEFAULT_PRESET)
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            preset, watch = tab.preset_picker(PRESETS, start.key, [("Drawn distribution", DRAWN)])
            tab.transport()
            tab.link_button()
            with gr.Row():
                speed = gr.Radio(list(SPEEDS), value="full speed", label="speed (slow motion shows single steps)", scale=3)
                stop_at = gr.Number(0, label="pause at step (0: play on)", precision=0, elem_id="toy-stop-at",
                                    scale=1, min_width=120)
            layers = gr.CheckboxGroup([(LAYER_LABELS[k], k) for k in LAYERS], value=list(LAYERS), label="layers")
            split = gr.Checkbox(False, label="also measure precision and recall (quality and diversity apart)",
                                elem_id="toy-split", elem_classes=ADVANCED)
            with gr.Accordion("objective and training (applied live)", open=False, elem_classes=ADVANCED):
                tab.widgets([c.name for c in TRAINING])
            with gr.Accordion("data and networks (applied on Reset)", open=False, elem_classes=ADVANCED):
                tab.widgets([c.name for c in STRUCTURE])
            with gr.Accordion("your own data: draw it, or upload a CSV", open=False) as draw_box:
                sketch = gr.Sketchpad(canvas_size=(320, 320), fixed_canvas=True, layers=False, type="numpy",
                                      image_mode="RGBA", label="draw in the square [-4, 4]²", elem_id="toy-sketch")
                use_drawing = gr.Button("use my drawing", elem_id="toy-use-drawing")
                gr.Markdown(POINTS_LABEL)
                points_file = gr.UploadButton("upload points (CSV/TSV)", file_types=[".csv", ".tsv", ".txt"],
                                              type="filepath", elem_id="toy-points-file")
                export = gr.Button("export real and generated points (CSV)", elem_id="toy-export")
                exported = gr.File(label="points (CSV)", interactive=False, elem_id="toy-exported", height=90)
            with gr.Accordion("save and load", open=False, elem_classes=ADVANCED):
                save = gr.Button("save run (safetensors)")
                gif = gr.Button("export the last 30 s as an animated GIF", elem_id="toy-gif")
                saved = gr.File(label="download", interactive=False)
                upload = gr.File(label="load a saved run", file_types=[".safetensors"], type="filepath")
        with gr.Column(scale=2):
            tab.view("press <b>Play</b> to train", FRAME_PERIOD)
            gr.Markdown(CHART_CAPTION)
    presets = {key: p for key, p in PRESETS.items()}
    tab.wire(app, preset, watch, presets)
    _wire_extras(tab, presets, dict(preset=preset, watch=watch, speed=speed, stop_at=stop_at, layers=layers, split=split, draw_box=draw_box,
                                    sketch=sketch, use_drawing=use_drawing, points_file=points_file, export=export, exported=exported, save=save, gif=gif, saved=saved,
                                    upload=upload))
    gr.api(toy_run, api_name="toy_run")
    gr.api(toy_live, api_name="toy_live", concurrency_limit=None)
    return tab


def _wire_extras(tab: LiveTab, presets: dict, w: dict) -> None:
    """The Toy 2D tab's own events: the drawn preset, view options, drawing, save/load, the GIF."""
    drawn, boxes = [tab.state, tab.live], [tab.built[c.name] for c in tab.controls]
    private = dict(api_visibility="private")
    w["preset"].select(lambda key, s: _on_drawn_preset(tab, key, s), [w["preset"], tab.state],
                      [*drawn, w["watch"], w["draw_box"]], **private)
    # a collapse preset shows quality and diversity apart: high precision, low recall
    w["preset"].select(lambda key: True if "collapse" in getattr(presets.get(key), "tags", ()) else gr.skip(),
                       w["preset"], w["split"], **private)
    gr.on([w["layers"].change, w["speed"].change, w["split"].change, w["stop_at"].submit, w["stop_at"].blur],
          lambda s, chosen, speed, split, stop: _on_view_options(tab, s, chosen, speed, split, stop),
          [tab.state, w["layers"], w["speed"], w["split"], w["stop_at"]], drawn, concurrency_limit=None,
          show_progress="hidden", **private)
    w["use_drawing"].click(lambda s, d: _on_use_drawing(tab, presets, s, d), [tab.state, w["sketch"]],
                           [*drawn, w["watch"], *boxes], **private)
    w["points_file"].upload(lambda s, path: _on_points_file(tab, presets, s, path), [tab.state, w["points_file"]],
                            [*drawn, w["watch"], *boxes], **private)
    w["export"].click(lambda s: _on_export(tab, s), [tab.state], [w["exported"], tab.live], **private)
    w["save"].click(lambda s: _on_save(tab, s), [tab.state], w["saved"], **private)
    w["gif"].click(lambda s: _on_gif(tab, s), [tab.state], [w["saved"], tab.live], **private)
    w["upload"].upload(lambda s, path: _on_upload(tab, presets, s, path), [tab.state, w["upload"]],
                       [*drawn, w["watch"], *boxes], **private)


def _on_drawn_preset(tab: LiveTab, key: str, session: ToySession):
    if key != DRAWN:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    session = tab._session(session)
    session.message = "draw on the canvas (left, 'draw your own data'), then press 'use my drawing'"
    return (*tab.draw(session), f"*Watch for:* {DRAWN_WATCH}", gr.Accordion(open=True))


def _on_view_options(tab: LiveTab, session: ToySession, chosen_layers: list[str], chosen_speed: str, split: bool,
                     stop_at: float | None):
    session = tab._session(session)
    session.layers = tuple(chosen_layers)
    session.steps_per_frame = SPEEDS.get(chosen_speed)
    session.stop_at = int(stop_at) if stop_at and stop_at > 0 and stop_at < 2 ** 62 else None
    session.split_quality(bool(split))
    return tab.draw(session)


def _on_use_drawing(tab: LiveTab, presets: dict, session: ToySession, drawing):
    session = tab._session(session)
    try:
        image = (drawing or {}).get("composite") if isinstance(drawing, dict) else drawing
        if image is None:
            raise GanlabError("draw something on the canvas first (a few strokes are enough)")
        session.use_points(points_from_drawing(image, seed=session.pending.seed), "your drawing")
    except GanlabError as exc:
        session.message = f"⚠ {exc}"
    return (*tab.draw(session), watch_line(session, presets), *tab.values(session.pending))


def _on_points_file(tab: LiveTab, presets: dict, session: ToySession, path: str | None):
    from ganlab.toy.point_files import read_points

    session = tab._session(session)
    if path:
        try:
            points, transform = read_points(path)
            session.use_points(points, f"{os.path.basename(path)}, standardised: {transform.describe()}", transform)
        except GanlabError as exc:
            session.message = f"⚠ {exc} (kept the current data)"
    return (*tab.draw(session), watch_line(session, presets), *tab.values(session.pending))


def _on_export(tab: LiveTab, session: ToySession):
    session = tab._session(session)
    path = os.path.join(tempfile.mkdtemp(prefix="ganlab-"), f"ganlab-{session.config.data}-step{session.run.step}-points.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(session.points_csv())
    session.message = "exported the real and generated points (CSV: set, x, y), under 'your own data'"
    return path, nudge(session)


def _on_save(tab: LiveTab, session: ToySession) -> str:
    from ganlab.toy.saving import save_toy

    session = tab._session(session)
    folder = tempfile.mkdtemp(prefix="ganlab-")
    config = session.config
    path = os.path.join(folder, f"ganlab-{config.data}-{config.objective}-step{session.run.step}.safetensors")
    with session.lock:
        save_toy(path, session.run.experiment)
    return path


def _on_gif(tab: LiveTab, session: ToySession):
    from ganlab.viz.raster import frames_to_gif

    session = tab._session(session)
    frames = list(session.film)
    if len(frames) < 2:
        session.message = "⚠ nothing to animate yet: press Play first"
        return None, nudge(session)
    path = os.path.join(tempfile.mkdtemp(prefix="ganlab-"), f"ganlab-{session.config.data}-step{frames[-1].step}.gif")
    frames_to_gif(frames, path)
    session.message = f"GIF of {len(frames)} frames, steps {frames[0].step}–{frames[-1].step}"
    return path, nudge(session)


def _on_upload(tab: LiveTab, presets: dict, session: ToySession, path: str | None):
    session = tab._session(session)
    watch = watch_line(session, presets)
    if path:
        try:
            session.load(path)
            watch = (f"*A saved run*, going on from step {session.run.step}: the controls show its own settings "
                     f"({session.config.objective} on {session.config.data}).")
        except GanlabError as exc:
            session.message = f"⚠ {exc}"
    return (*tab.draw(session), watch, *tab.values(session.pending))
