"""The one pattern every live tab follows: controls, a transport bar, a canvas view, one session per page.

A tab declares its ``Control``s and how to make its ``TrainingSession``; ``LiveTab`` builds the widgets
where the tab places them and wires them the same way everywhere:

- **Play, Pause, Step** act in the page at once: they call the view's ``command`` (a server function,
  no trip through Gradio's event queue), and the answer redraws the status line; the frame follows.
- **Reset** rebuilds the runs from the controls' settings (those waiting for it included), with
  Gradio's progress shown while a big network is built.
- **A control** applies when the user finishes with it (Enter, or leaving the box; a menu choice at
  once), never per keystroke: a training setting goes to the running experiment live, a structural
  one waits for Reset, and a bad value puts the box back to the value in force. What happened is
  written under the box's label and in the view's message line.
- **A preset** loads its settings into the controls and resets the runs; the line under it says
  what to watch for, or that the settings are now custom.
- **A link** (``ui.links``): "copy link to this setup" writes the preset and every changed control into
  the address; a page opened on such an address (or on a lesson's step, ``ui.lessons``) starts from
  that setup, paused, and says what it could not use.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from ganlab.errors import GanlabError
from ganlab.training.lipschitz import LIPSCHITZ_METHODS
from ganlab.training.objectives import OBJECTIVE_NAMES
from ganlab.ui.canvas_view import command_js, live_view, nudge
from ganlab.ui.lessons import lesson_position, page_setup
from ganlab.ui.links import Resolved, read_setup, setup_query
from ganlab.ui.presenter import ADVANCED
from ganlab.ui.training_session import TrainingSession

BUTTONS = {"play": "▶ Play", "pause": "❚❚ Pause", "step": "Step (D, then G)", "reset": "↺ Reset"}


@dataclass(frozen=True)
class Control:
    """One setting the user can change: a config field, its label, and its kind (a list of choices,
    or ``int``, ``float``, ``bool``). ``advanced`` controls fold away in presenter mode."""

    name: str
    label: str
    kind: Any
    advanced: bool = True
    info: str | None = None

    def widget(self, prefix: str, value: Any) -> gr.components.Component:
        extra = {"elem_id": f"{prefix}-{self.name}", "info": self.info}
        if self.advanced:
            extra["elem_classes"] = ADVANCED
        if isinstance(self.kind, list):
            return gr.Dropdown(self.kind, value=value, label=self.label, **extra)
        if self.kind is bool:
            return gr.Checkbox(value, label=self.label, **extra)
        # precision=None for whole numbers too: Gradio would round 2.5 to 2; the config says it is not one
        return gr.Number(value=value, label=self.label, precision=None, **extra)


def training_controls() -> list[Control]:
    """The settings of the alternating-SGD loop that every GAN tab offers (applied live)."""
    return [
        Control("objective", "objective", list(OBJECTIVE_NAMES)),
        Control("lipschitz", "Lipschitz method (auto = the objective's own)", ["auto", *LIPSCHITZ_METHODS]),
        Control("n_critic", "k: discriminator steps per generator step", int),
        Control("lr_g", "generator learning rate", float),
        Control("lr_d", "discriminator learning rate", float),
        Control("batch", "batch size", int),
    ]


@dataclass
class LiveTab:
    """One live tab's controller (see the module's docstring). Build order: ``transport``, ``widgets``
    and ``view`` inside the tab's layout, then ``wire``."""

    prefix: str
    controls: Sequence[Control]
    new_session: Callable[[Any, str | None], TrainingSession]
    start: Any  # the config a page starts with
    buttons: tuple[str, ...] = ("play", "pause", "step", "reset")
    play_label: str = BUTTONS["play"]
    linked: bool = False  # one control's new value may change others (a lane's objective brings its recipe)
    tab_id: str = ""  # the tab's name in links (``ui.TABS``)
    built: dict[str, gr.components.Component] = field(default_factory=dict)
    start_key: str | None = None  # the preset a page starts from (``preset_picker`` sets it)

    def __post_init__(self) -> None:
        self.state = gr.State(None, delete_callback=lambda s: s.close() if s is not None else None)
        self.view_id = f"{self.prefix}-live"

    # ------------------------------------------------------------------ layout
    def preset_picker(self, presets: dict[str, Any], start_key: str,
                      extra: Sequence[tuple[str, str]] = ()) -> tuple[gr.Dropdown, gr.Markdown]:
        """The preset menu (the presets' titles, then ``extra`` (title, key) choices) and the line under it
        that says what to watch for; hand both to ``wire``."""
        choices = [(p.title, p.key) for p in presets.values()] + list(extra)
        self.start_key = start_key
        menu = gr.Dropdown(choices, value=start_key, label="preset", elem_id=f"{self.prefix}-preset")
        watch = gr.Markdown(f"*Watch for:* {presets[start_key].watch_for}", elem_id=f"{self.prefix}-watch")
        return menu, watch

    def transport(self) -> None:
        """The Play / Pause / Step / Reset row."""
        with gr.Row():
            for action in self.buttons:
                label = self.play_label if action == "play" else BUTTONS[action]
                self.built[action] = gr.Button(label, variant="primary" if action == "play" else "secondary",
                                               elem_id=f"{self.prefix}-{action}", min_width=90)

    def link_button(self) -> None:
        """'copy link to this setup', and the box that shows the link (to copy by hand where the browser
        does not let a page write to the clipboard)."""
        with gr.Row():
            self.built["link"] = gr.Button("🔗 copy link to this setup", elem_id=f"{self.prefix}-copy-link",
                                           size="sm", min_width=120, scale=0)
            self.built["link_box"] = gr.Textbox(label="link to this setup (paste it in a slide or a chat)",
                                                elem_id=f"{self.prefix}-link", interactive=False, buttons=["copy"],
                                                scale=1, lines=1, max_lines=1)

    def widgets(self, names: Sequence[str] | None = None) -> None:
        """The widgets of the named controls (all when None), here in the tab's layout."""
        for control in self.controls:
            if names is None or control.name in names:
                self.built[control.name] = control.widget(self.prefix, getattr(self.start, control.name))

    def view(self, first_status: str, period: float, pair: bool = False) -> gr.HTML:
        self.live = live_view(self.view_id, f"{self.prefix}-status", first_status, period, pair)
        return self.live

    # ------------------------------------------------------------------ events
    def draw(self, session: TrainingSession) -> tuple[TrainingSession, str]:
        """The outputs (state, view) that show ``session``'s newest state."""
        return session, nudge(session)

    def values(self, config: Any) -> list[Any]:
        """The controls' values for ``config`` (their notes cleared)."""
        return [gr.update(value=getattr(config, c.name), info=c.info) for c in self.controls]

    def wire(self, app: gr.Blocks, preset: gr.Dropdown | None = None, watch: gr.Markdown | None = None,
             presets: dict[str, Any] | None = None) -> None:
        drawn = [self.state, self.live]
        boxes = [self.built[c.name] for c in self.controls]

        self.presets = presets or {}
        self.setup_outputs = [*drawn, *([preset, watch] if preset is not None else []), *boxes]

        def on_load(request: gr.Request):
            session, key = self._opened(request, presets)
            return self.shown(session, key)

        app.load(on_load, None, self.setup_outputs, api_visibility="private")
        if "link" in self.built:
            self.built["link"].click(lambda s, key: self.link_query(self._session(s), key, presets),
                                     [self.state, preset], self.built["link_box"], api_visibility="private").then(
                None, self.built["link_box"], self.built["link_box"], js=WRITE_LINK)
        for action in ("play", "pause", "step"):
            if action in self.buttons:
                self.built[action].click(None, js=command_js(self.view_id, action))
        if "reset" in self.buttons:
            self.built["reset"].click(self._on_reset(presets), [self.state], [*drawn, *boxes] + ([watch] if watch else []),
                                      api_visibility="private", show_progress_on=[self.live])
        for control, box in zip(self.controls, boxes):
            handler = self._on_field(control, presets)
            outputs = [*drawn, *(boxes if self.linked else [box])] + ([watch] if watch else [])
            triggers = [box.submit, box.blur] if isinstance(box, gr.Number) else [box.input]
            gr.on(triggers, handler, [self.state, box], outputs, api_visibility="private",
                  show_progress="hidden", concurrency_limit=None)
        if preset is not None and presets:
            # select, not input: the menu also reports its value when it merely loses focus (Tab, Escape,
            # a click elsewhere), which reloaded the preset and wiped the student's run and settings
            preset.select(self._on_preset(presets), [preset, self.state], [*drawn, watch, *boxes],
                          api_visibility="private", show_progress_on=[self.live])

    def shown(self, session: TrainingSession, key: str | None) -> tuple:
        """Values for ``setup_outputs``: the session drawn, the preset menu on ``key`` with its line, the
        controls' values."""
        menu = (key, watch_line(session, self.presets, key)) if len(self.setup_outputs) > 2 + len(self.controls) else ()
        return (*self.draw(session), *menu, *self.values(session.pending))

    # ------------------------------------------------------------------ links
    def link_query(self, session: TrainingSession, key: str | None, presets: dict[str, Any] | None) -> str:
        """The query of this page's setup: the preset in the menu (or the nearest one) and what differs."""
        if not presets:
            return f"tab={self.tab_id}"
        base = presets.get(key) or min(presets.values(), key=lambda p: len(_differences(p.config, session.pending)))
        names = [c.name for c in self.controls if not _drawn(session.pending, c.name)]
        return setup_query(self.tab_id, base.key, base.config, session.pending, names)

    def _opened(self, request: gr.Request | None, presets: dict[str, Any] | None) -> tuple[TrainingSession, str | None]:
        """The page's first session: from the address's setup when it names this tab, else the start."""
        page = getattr(request, "session_hash", None)
        params = dict(getattr(request, "query_params", None) or {})
        setup, notes = page_setup(params)
        if setup is None or setup.tab != self.tab_id or not presets or self.start_key is None:
            session = self._session(None, request)
            if notes and self.prefix == "toy":  # the first tab says what the address got wrong
                session.message = "⚠ " + "; ".join(notes)
            return session, self.start_key
        resolved = read_setup(setup, {c.name: c.kind for c in self.controls}, presets, self.start_key)
        _, step, _ = lesson_position(params)
        return self.open_setup(resolved, presets, page, notes=notes, step=step or None), resolved.preset

    def open_setup(self, resolved: Resolved, presets: dict[str, Any], page: str | None = None,
                   session: TrainingSession | None = None, notes: Sequence[str] = (), step: int | None = None) -> TrainingSession:
        """A session (a new one, or ``session`` reset) built from ``resolved``, paused; a config this
        server refuses falls back to the preset's, and the message says what was left out (and which
        lesson ``step`` this is, for a lesson's)."""
        notes = [*notes, *resolved.notes]
        title = presets[resolved.preset].title
        fresh = session is None
        for config in (resolved.config, presets[resolved.preset].config):
            try:
                if session is None:
                    session = self.new_session(config, page)
                else:
                    session.reset(config)
                break
            except GanlabError as exc:
                notes.append(f"{exc} (started from the preset instead)")
        if fresh and session.measure_on_load:
            session.measure_now()
        opened = f"lesson step {step}: {title} (press Play)" if step else f"opened a shared setup: {title} (press Play)"
        session.message = opened + (" · ⚠ " + "; ".join(notes) if notes else "")
        return session

    def _session(self, session: TrainingSession | None, request: gr.Request | None = None) -> TrainingSession:
        """The page's session, made from the start config the first time."""
        if session is None:
            session = self.new_session(self.start, getattr(request, "session_hash", None))
            if session.measure_on_load:
                session.measure_now()
        return session

    def _on_field(self, control: Control, presets: dict[str, Any] | None):
        def on_field(session, value):
            session = self._session(session)
            if control.kind is int and isinstance(value, float) and value.is_integer():
                value = int(value)
            shown = len(self.controls) if self.linked else 1
            if value == getattr(session.pending, control.name):  # Enter, then leaving the box: once is enough
                return (*self.draw(session), *[gr.skip()] * shown) + ((gr.skip(),) if presets is not None else ())
            note = session.set_field(control.name, value)
            box = gr.update(value=note.value, info=note.note or control.info)
            boxes = ([box if c is control else gr.update(value=getattr(session.pending, c.name)) for c in self.controls]
                     if self.linked else [box])
            return (*self.draw(session), *boxes) + ((watch_line(session, presets),) if presets is not None else ())
        return on_field

    def _on_reset(self, presets: dict[str, Any] | None):
        def on_reset(session):
            session = self._session(session)
            try:
                session.reset()
            except GanlabError as exc:
                session.message = f"⚠ {exc} (kept the current run)"
            return (*self.draw(session), *self.values(session.pending)) + (
                (watch_line(session, presets),) if presets is not None else ())
        return on_reset

    def _on_preset(self, presets: dict[str, Any]):
        def on_preset(key, session):
            session = self._session(session)
            chosen = presets.get(key)
            if chosen is None:
                return (*self.draw(session), gr.skip(), *[gr.skip()] * len(self.controls))
            session.reset(chosen.config, f"preset loaded: {chosen.title} (press Play)")
            return (*self.draw(session), watch_line(session, presets, key), *self.values(chosen.config))
        return on_preset


def watch_line(session: TrainingSession, presets: dict[str, Any] | None, key: str | None = None) -> str:
    """What to watch for when the session's settings are a preset's; otherwise which preset they
    started from and which settings differ."""
    if not presets:
        return ""
    for p in presets.values():
        if p.config == session.pending:
            return f"*Watch for:* {p.watch_for}"
    base = presets.get(key) if key else None
    base = base or min(presets.values(), key=lambda p: len(_differences(p.config, session.pending)))
    changed = ", ".join(_differences(base.config, session.pending)[:6])
    return f"*Custom settings* (from '{base.title}'; changed: {changed})."


def _drawn(config: Any, name: str) -> bool:
    """A drawn or uploaded point cloud is not a setting a link can carry: its ``data`` stays out."""
    return name == "data" and getattr(config, "data", None) == "custom"


# After "copy link": the query becomes the page's own address (a reload keeps the setup; presenter
# mode stays on), goes to the clipboard where the browser allows it, and shows in full in the box.
WRITE_LINK = """
(query) => {
  if (!query) { return query; }
  const words = new URLSearchParams(query);
  if (document.body.classList.contains("presenter")) { words.set("presenter", "1"); }
  const url = window.location.origin + window.location.pathname + "?" + words.toString();
  window.history.replaceState(null, "", url);
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(url).catch(() => {}); }
  return url;
}
"""


def _differences(a: Any, b: Any) -> list[str]:
    return [name for name in a.to_dict() if getattr(a, name) != getattr(b, name)]
