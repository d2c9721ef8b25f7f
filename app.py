"""ganlab's Gradio app: builds it from ``ganlab.ui`` and launches it (CPU by default, CUDA when present).

Environment: GANLAB_PORT (default 7860); GRADIO_SERVER_NAME as Gradio reads it (Spaces set it).
"""
import os

from ganlab.ui import build_app, launch_options

if __name__ == "__main__":
    app = build_app()
    app.queue(default_concurrency_limit=None).launch(**launch_options(port=int(os.environ.get("GANLAB_PORT", "7860"))))
