"""ganlab's Gradio app: builds it from ``ganlab.ui`` and launches it (CPU by default, CUDA when present).

Environment: GRADIO_SERVER_PORT (default 7860) and GRADIO_SERVER_NAME (default 127.0.0.1), as Gradio
documents them; GANLAB_PORT is an alias for the port.
"""
import os

# Before torch loads: threads other than a training thread run torch on one core (see
# ganlab.ui.capacity.one_core_outside_training; without this a live MNIST run trained at half speed).
os.environ.setdefault("OMP_NUM_THREADS", "1")

from ganlab.ui import build_app, launch_options  # noqa: E402

if __name__ == "__main__":
    build_app().launch(**launch_options())
