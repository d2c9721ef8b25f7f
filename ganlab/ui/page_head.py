"""A script that must run in the page before Gradio's own code: it slows Gradio's idle status timers.

Gradio 6.31's app-level loading tracker starts an elapsed-time timer while the app loads and never
stops it: its ``requestAnimationFrame`` loop runs at 60 frames/s for as long as the page is open,
idle or not (Chromium trace: 240 animation frames in 4 s on a page holding one Markdown block).
Each of those frames is a commit, layerize and pre-paint of the page. On a laptop that is noise;
under DevTools' 6× CPU throttling (the slow laptop the live views must serve) it was a quarter of
the main thread, and the Critic vs Discriminator tab drew one frame in 20 s on a 2-core AMD EPYC.

Gradio's status module keeps its own reference to ``requestAnimationFrame``, taken when the module
loads, so the fix must be in place before any module script runs: ``HeadScript`` is an ASGI
middleware that puts ``SCRIPT`` first in the ``<head>`` of the app's page. The script delays every
animation frame that Gradio's status trackers ask for by ``DELAY_MS`` (at most 4 timer updates a
second: the elapsed time they show has tenths of a second, nothing else changes); every other
caller of ``requestAnimationFrame`` (Plotly, Svelte's transitions) is untouched.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

DELAY_MS = 250

SCRIPT = f"""<script>
(() => {{  // ganlab: Gradio's status trackers get at most {1000 // DELAY_MS} animation frames a second
  const raf = window.requestAnimationFrame.bind(window);
  window.__ganlabSlowedFrames = 0;
  window.requestAnimationFrame = function (callback) {{
    if ((new Error().stack || "").includes("statustracker")) {{
      window.__ganlabSlowedFrames++;
      return setTimeout(() => raf(callback), {DELAY_MS});
    }}
    return raf(callback);
  }};
}})();
</script>""".encode()

Scope = dict[str, Any]
Message = dict[str, Any]


class HeadScript:
    """ASGI middleware: the HTML page at ``/`` gets ``SCRIPT`` as the first element of its ``<head>``.

    Only an uncompressed ``text/html`` answer to ``GET /`` is touched; everything else (the API,
    the queue's event streams, files) passes through as it came."""

    def __init__(self, app: Callable[[Scope, Callable, Callable], Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable, send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") not in ("/", ""):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        parts: list[bytes] = []

        async def send_with_script(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await send_page(start, b"".join(parts), send)

        await self.app(scope, receive, send_with_script)


async def send_page(start: Message, body: bytes, send: Callable[[Message], Awaitable[None]]) -> None:
    """Send one buffered response, with ``SCRIPT`` inserted when it is an uncompressed HTML page."""
    headers = list(start.get("headers", []))
    names = {name.lower(): value for name, value in headers}
    if b"text/html" in names.get(b"content-type", b"") and b"content-encoding" not in names:
        body = with_script(body)
        headers = [(name, str(len(body)).encode() if name.lower() == b"content-length" else value)
                   for name, value in headers]
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def with_script(page: bytes) -> bytes:
    """``page`` with ``SCRIPT`` right after its opening ``<head>`` tag (unchanged when it has none)."""
    return page.replace(b"<head>", b"<head>" + SCRIPT, 1)
