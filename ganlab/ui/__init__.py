"""The Gradio app: one module per tab, each thin (widgets + event wiring calling the core)."""
from __future__ import annotations

import os


from ganlab.ui.tab_list import TABS  # (label, id), left to right

__all__ = ["TABS", "build_app", "launch_options"]


def build_app():
    """The multi-tab ganlab app (``gradio.Blocks``), queued: no limit on concurrent events, since
    each session's work is its own, and an idle queue that polls gently (``capacity.calm_queue``)."""
    import gradio as gr

    from ganlab.ui import (
        blocks_tab,
        canvas_view,
        capacity,
        compare_tab,
        divergences_tab,
        dynamics_tab,
        images_tab,
        latent_tab,
        lesson_bar,
        presenter,
        toy_tab,
    )
    builders = {"toy": toy_tab, "compare": compare_tab, "dynamics": dynamics_tab, "images": images_tab,
                "latent": latent_tab, "divergences": divergences_tab, "blocks": blocks_tab}

    # Each session trains in its own worker thread; one intra-op thread each keeps small
    # networks fast and lets sessions (and the browser, on a laptop) share the cores fairly.
    capacity.one_core_outside_training()
    # POT (exact W1) takes 0.6–1.1 s to import: at start-up, not inside a student's first measurement,
    # where it held the session lock and cost the live trainer 5% of a 20-s run
    import ot  # noqa: F401
    capacity.tune_malloc()

    with gr.Blocks(title="ganlab") as app:
        with gr.Row(equal_height=True):
            gr.Markdown("# ganlab — a laboratory for generative adversarial networks")
            lesson_menu = gr.Dropdown(lesson_bar.lesson_choices(), value=lesson_bar.NO_LESSON, label="lesson",
                                      elem_id="lesson-menu", scale=0, min_width=260)
            presenting = gr.Checkbox(False, label="presenter mode (or add ?presenter=1 to the address)",
                                     elem_id="presenter-toggle", scale=0, min_width=260)
        presenting.change(None, presenting, presenting, js=presenter.TOGGLE)
        app.load(None, None, presenting, js=presenter.FROM_URL)
        bar = lesson_bar.layout()
        live = {}  # the live tabs' controllers by id: links and lessons open setups in them
        # tabs wrap onto a second row on a narrow screen instead of hiding in a menu
        with gr.Tabs(overflow_behavior="wrap") as tabs:
            for label, tab_id in TABS:
                with gr.Tab(label, id=tab_id):
                    controller = builders[tab_id].build(app)
                    if controller is not None:
                        live[tab_id] = controller
        lesson_bar.wire(app, bar, tabs, live, lesson_menu)
        app.unload(canvas_view.page_closed)
    app.queue(default_concurrency_limit=None)
    capacity.calm_queue(app)
    return app


def launch_options(environ: dict | None = None) -> dict:
    """Keyword arguments for ``launch``: the presenter-mode and live-view CSS, the presenter script,
    system fonts, and ``page_head``'s script first in the page. Address and port follow Gradio's own conventions (``GRADIO_SERVER_NAME``, default
    loopback; ``GRADIO_SERVER_PORT``, default 7860), which Gradio reads itself; ``GANLAB_PORT`` is an
    alias for the port, used only when ``GRADIO_SERVER_PORT`` is not set."""
    from starlette.middleware import Middleware

    from ganlab.ui import canvas_view, page_head, presenter

    env = os.environ if environ is None else environ
    options = {"show_error": True, "css": presenter.CSS + canvas_view.CSS, "js": presenter.ON_LOAD,
               "theme": presenter.theme(), "app_kwargs": {"middleware": [Middleware(page_head.HeadScript)]}}
    if not env.get("GRADIO_SERVER_PORT") and str(env.get("GANLAB_PORT", "")).isdigit():
        options["server_port"] = int(env["GANLAB_PORT"])
    return options
