"""The live view component: a ``gr.HTML`` block with its own canvas renderer, fed by frames the page pulls.

Every live tab (Toy 2D, Critic vs Discriminator, MNIST) shows its moving parts through one of these.
The page calls the server function ``frame`` with its session's token and the key of the frame it
drew last; the server answers with the newest frame (``LiveSession.payload``) or "nothing new".
The script (``live_view.js``) draws the frame, then waits at least twice as long as drawing took
before it asks again, so the browser sets the pace. Sessions are found by token
(``live_session.find``).
"""
from __future__ import annotations

import os
from typing import Any

import gradio as gr

from ganlab.ui import capacity
from ganlab.ui.live_session import LiveSession, close_page, find

with open(os.path.join(os.path.dirname(__file__), "live_view.js"), encoding="utf-8") as _f:
    SCRIPT = _f.read()

CSS = """
.gl-live { font-family: system-ui, sans-serif; }
.gl-status { min-height: 2.6em; margin: 0 0 6px 0; line-height: 1.45; }
.gl-panels { display: flex; flex-wrap: wrap; gap: 6px 10px; }
.gl-panel { position: relative; flex: 1 1 100%; min-width: 0; }
.gl-panel canvas { width: 100%; display: block; }
.gl-lines { flex: 1 1 30%; min-width: 220px; }
.gl-pair .gl-layered { flex: 1 1 45%; min-width: 300px; }
.gl-pair .gl-lines { flex: 1 1 45%; }
.gl-caption { font-size: 0.85rem; color: #555; margin: 2px 0 8px 0; line-height: 1.35; }
.gl-title { font-weight: 600; font-size: 0.9rem; margin-bottom: 4px; }
.gl-image img { width: 448px; max-width: 100%; image-rendering: pixelated; display: block; }
.gl-tip { position: absolute; display: none; pointer-events: none; background: rgba(255,255,255,0.95);
          border: 1px solid #ccc; padding: 2px 6px; font-size: 11px; z-index: 5; white-space: nowrap; }
body.presenter .gl-image img { width: 640px; }
body.presenter .gl-status { font-size: 1.15rem; }
"""


def nudge(session: LiveSession) -> str:
    """A new value for the live view (the session's token, and a count that makes it new), so that
    the page asks for a frame at once after a command, and redraws even for a change the frame's key
    does not see (layers, speed)."""
    session.changed()
    return f"{session.token}#{session.revision}"


def page_closed(request: gr.Request) -> None:
    """Gradio's unload event: the page closed, so its live sessions stop and drop their networks."""
    close_page(request.session_hash)


def frame(query: Any) -> dict:
    """Server function called by the page: ``{"token", "seen", "visible"}`` → the newest frame."""
    if not isinstance(query, dict):
        return {"key": "", "playing": False, "status": "⚠ bad frame request", "panels": []}
    capacity.one_core_outside_training()  # a frame is drawn while the training thread has the cores
    session = find(str(query.get("token", "")))
    if session is None:
        return {"key": "gone", "playing": False, "panels": [],
                "status": "this session has ended on the server: reload the page to start again"}
    return session.payload(str(query.get("seen") or ""), bool(query.get("visible", True)))


def live_view(elem_id: str, status_id: str, first_status: str, period: float, pair: bool = False) -> gr.HTML:
    """The live view block: a status line (``status_id``), then the panels of each frame."""
    template = (f'<div class="gl-live{" gl-pair" if pair else ""}" data-period="{round(period * 1000)}">'
                f'<div class="gl-status" id="{status_id}">{first_status}</div><div class="gl-panels"></div></div>')
    return gr.HTML("", html_template=template, js_on_load=SCRIPT, server_functions=[frame], elem_id=elem_id,
                   padding=False, container=False)
