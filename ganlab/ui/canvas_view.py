"""The canvas view: a ``gr.HTML`` block with its own renderer (``canvas_view.js``) for panels of ``viz.panels``.

Two kinds:

- a **live view** belongs to a ``TrainingSession``: the page calls the server function ``frame`` with
  the session's token and the key of the frame it drew last, and draws the newest frame it gets; it
  waits at least twice as long as drawing took before it asks again, so the browser sets the pace.
  The transport buttons call ``command`` (play, pause, step) straight from the page;
- a **figure** is a fixed set of panels, the block's value (``figure``), redrawn when it changes.

Sessions are found by token (``training_session.find``).
"""
from __future__ import annotations

import json
import os
from typing import Any

import gradio as gr

from ganlab.ui import capacity
from ganlab.ui.training_session import TrainingSession, close_page, find

with open(os.path.join(os.path.dirname(__file__), "canvas_view.js"), encoding="utf-8") as _f:
    SCRIPT = _f.read()

CSS = """
.gl-live { font-family: system-ui, sans-serif; }
.gl-status { min-height: 2.6em; margin: 0 0 6px 0; line-height: 1.45; }
.gl-panels { display: flex; flex-wrap: wrap; gap: 6px 10px; }
.gl-panel { position: relative; flex: 1 1 100%; min-width: 0; }
.gl-row { display: flex; flex-wrap: wrap; gap: 6px 10px; flex: 1 1 100%; min-width: 0; }
.gl-panel canvas { width: 100%; display: block; }
.gl-lines { flex: 1 1 30%; min-width: 220px; }
.gl-pair .gl-layered { flex: 1 1 45%; min-width: 300px; }
.gl-pair .gl-lines { flex: 1 1 45%; }
.gl-figure .gl-lines { flex: 1 1 100%; }
.gl-caption { font-size: 0.85rem; color: #555; margin: 2px 0 8px 0; line-height: 1.35; }
.gl-title { font-weight: 600; font-size: 0.9rem; margin-bottom: 4px; }
.gl-image img { width: 448px; max-width: 100%; image-rendering: pixelated; display: block; }
.gl-tip { position: absolute; display: none; pointer-events: none; background: rgba(255,255,255,0.95);
          border: 1px solid #ccc; padding: 2px 6px; font-size: 11px; z-index: 5; white-space: nowrap; }
body.presenter .gl-image img { width: 640px; }
body.presenter .gl-status { font-size: 1.15rem; }
"""
GONE = {"key": "gone", "playing": False, "panels": [],
        "status": "this session has ended on the server: reload the page to start again"}


def nudge(session: TrainingSession) -> str:
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
        return GONE
    return session.payload(str(query.get("seen") or ""), bool(query.get("visible", True)))


def command(query: Any, request: gr.Request) -> dict:
    """Server function called by the transport buttons (``{"token", "action"}``) and by clicks on a view
    that takes them (``{"token", "action", "point": [x, y]}``) → the status right after the command
    (``TrainingSession.quick_status``); the page asks for the frame next."""
    if not isinstance(query, dict):
        return {"key": "", "playing": False, "status": "⚠ bad command"}
    session = find(str(query.get("token", "")))
    if session is None:
        return GONE
    session.command(str(query.get("action", "")), getattr(request, "session_hash", None), query.get("point"))
    return session.quick_status()


def command_js(view_id: str, action: str) -> str:
    """A button's client-side handler: the view ``view_id`` sends ``action`` to its session (waiting up to
    5 s for the view to be drawn: a tab's contents appear a moment after the tab is first opened)."""
    return (f"async () => {{ for (let i = 0; i < 50; i++) {{ const v = document.querySelector('#{view_id} .gl-live'); "
            f"if (v && v.__ganlab && v.__ganlab.command) {{ v.__ganlab.command('{action}'); return; }} "
            f"await new Promise((r) => setTimeout(r, 100)); }} }}")


def live_view(elem_id: str, status_id: str, first_status: str, period: float, pair: bool = False) -> gr.HTML:
    """The live view block: a status line (``status_id``), then the panels of each frame."""
    template = (f'<div class="gl-live{" gl-pair" if pair else ""}" data-period="{round(period * 1000)}">'
                f'<div class="gl-status" id="{status_id}">{first_status}</div><div class="gl-panels"></div></div>')
    return gr.HTML("", html_template=template, js_on_load=SCRIPT, server_functions=[frame, command],
                   elem_id=elem_id, padding=False, container=False)


def figure_view(elem_id: str, panels: list[dict] | None = None) -> gr.HTML:
    """A fixed figure drawn by the same renderer: its value is ``figure(panels)``; a new value redraws
    it. (Not Plotly: its 3.5 MB script kept a 6×-throttled browser busy for 15 s when a tab opened.)"""
    template = ('<div class="gl-live gl-figure" data-mode="figure"><div class="gl-status"></div>'
                '<div class="gl-panels"></div></div>')
    return gr.HTML(figure(panels or []), html_template=template, js_on_load=SCRIPT, elem_id=elem_id, padding=False,
                   container=False)


def figure(panels: list[dict], status: str | None = None) -> str:
    """The value of a ``figure_view``: its panels (``ganlab.viz.panels``) and an optional line above them."""
    return json.dumps({"panels": panels, "status": status})
