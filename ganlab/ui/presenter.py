"""Presenter mode for projectors: larger type and plots, advanced controls folded away.

On with the URL parameter ``?presenter=1`` or the header's toggle; it is a class on <body>, so it
changes only what this browser shows (nothing on the server, nothing for other students). Widgets
marked ``elem_classes=["advanced"]`` disappear in presenter mode. Fonts are the system's own: the
page loads nothing from any other host, so it works in an offline lecture hall.
"""
from __future__ import annotations

ADVANCED = ["advanced"]

CSS = """
body.presenter .gradio-container { zoom: 1.3; }
body.presenter .advanced { display: none !important; }
body.presenter .prose, body.presenter .prose p { font-size: 1.1rem; }
"""

# Runs once when the page loads: honour ?presenter=1.
ON_LOAD = """
() => {
  const on = new URLSearchParams(window.location.search).get("presenter");
  if (on === "1" || on === "true") { document.body.classList.add("presenter"); }
}
"""

# On load: the header toggle shows whether ?presenter=1 switched the mode on.
FROM_URL = """
() => { const on = new URLSearchParams(window.location.search).get("presenter"); return on === "1" || on === "true"; }
"""

# The header toggle: client-side only.
TOGGLE = """
(checked) => { document.body.classList.toggle("presenter", checked); return checked; }
"""


def theme():
    """Gradio's default look with system fonts (no request to a font host)."""
    import gradio as gr

    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    return gr.themes.Default(font=system, font_mono=mono)
