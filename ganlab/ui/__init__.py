"""The Gradio app: one module per tab, each thin (widgets + event wiring calling the core)."""
from __future__ import annotations


def build_app():
    """The multi-tab ganlab app (``gradio.Blocks``)."""
    import gradio as gr
    import torch

    from ganlab.ui import blocks_tab, capacity, compare_tab, divergences_tab, images_tab, latent_tab, presenter, toy_tab

    # Each session trains in its own worker thread; one intra-op thread each keeps small
    # networks fast and lets sessions (and the browser, on a laptop) share the cores fairly.
    torch.set_num_threads(1)
    capacity.tune_malloc()

    with gr.Blocks(title="ganlab") as app:
        with gr.Row(equal_height=True):
            gr.Markdown("# ganlab — a laboratory for generative adversarial networks")
            presenting = gr.Checkbox(False, label="presenter mode (or add ?presenter=1 to the address)",
                                     elem_id="presenter-toggle", scale=0, min_width=260)
        presenting.change(None, presenting, presenting, js=presenter.TOGGLE)
        app.load(None, None, presenting, js=presenter.FROM_URL)
        tabs = [("Toy 2D", "toy", toy_tab), ("Critic vs Discriminator", "compare", compare_tab),
                ("MNIST", "images", images_tab), ("Latent space", "latent", latent_tab),
                ("Divergences & transport", "divergences", divergences_tab), ("Building blocks", "blocks", blocks_tab)]
        with gr.Tabs():
            for label, tab_id, module in tabs:
                with gr.Tab(label, id=tab_id):
                    module.build(app)
    return app


def launch_options(port: int = 7860) -> dict:
    """Keyword arguments for ``launch``: loopback unless GRADIO_SERVER_NAME says otherwise; the
    presenter-mode CSS and script; system fonts."""
    from ganlab.ui import presenter

    return {"server_port": port, "show_error": True, "css": presenter.CSS, "js": presenter.ON_LOAD,
            "theme": presenter.theme()}
