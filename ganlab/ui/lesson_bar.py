"""The lesson bar: "step 3 of 8", the sentence for the room, and Previous / Next (``ui.lessons``).

It sits under the header, hidden until a lesson is open (``?lesson=NAME``, or the lesson menu). A
step switches to its tab and opens its setup there, paused, the same way a shared link does; the
address follows (``?lesson=NAME&step=N``), so a reload, or a student given the address, lands on the
same step.
"""
from __future__ import annotations

import gradio as gr

from ganlab.ui.controller import LiveTab
from ganlab.ui.lessons import Lesson, get_lesson, lesson_position, lessons, page_setup
from ganlab.ui.links import read_setup

NO_LESSON = "no lesson"

# The address follows the lesson (presenter mode kept), so that a reload stays on the step.
WRITE_ADDRESS = """
(query) => {
  if (!query) { return; }
  const words = new URLSearchParams(query);
  if (document.body.classList.contains("presenter")) { words.set("presenter", "1"); }
  window.history.replaceState(null, "", window.location.pathname + "?" + words.toString());
}
"""


def bar_text(lesson: Lesson, number: int) -> str:
    """The bar's line: the lesson, where we are in it, and what to say."""
    return (f"**{lesson.title}** · step **{number} of {len(lesson.steps)}**\n\n"
            f"{lesson.step(number).say}")


def layout() -> dict:
    """The bar's widgets, here in the page (hidden until a lesson opens); hand them to ``wire``."""
    with gr.Group(visible=False, elem_id="lesson-bar") as bar:
        with gr.Row(equal_height=True):
            back = gr.Button("◀ Previous", elem_id="lesson-prev", scale=0, min_width=110)
            text = gr.Markdown(elem_id="lesson-text")
            forward = gr.Button("Next ▶", elem_id="lesson-next", scale=0, min_width=110, variant="primary")
    return dict(bar=bar, back=back, text=text, forward=forward, where=gr.State((None, 0)),  # (lesson, step)
                address=gr.Textbox(visible=False))


def wire(app: gr.Blocks, parts: dict, tabs: gr.Tabs, live: dict[str, LiveTab], menu: gr.Dropdown) -> None:
    """The bar's events; ``live``: the live tabs by id, already wired; ``menu``: the lesson menu."""
    bar, back, text, forward, where, address = (parts[k] for k in ("bar", "back", "text", "forward", "where", "address"))
    states = [tab.state for tab in live.values()]
    outputs = [tabs, bar, text, where, address, *[c for tab in live.values() for c in tab.setup_outputs]]

    def go(position: tuple, number: int, *sessions):
        key, _ = position
        if key is None:
            return [gr.skip()] * len(outputs)
        lesson = get_lesson(key)
        number = min(max(number, 1), len(lesson.steps))
        step = lesson.step(number)
        shown = []
        for (tab_id, tab), session in zip(live.items(), sessions):
            if tab_id != step.setup.tab:
                shown += [gr.skip()] * len(tab.setup_outputs)
                continue
            resolved = read_setup(step.setup, {c.name: c.kind for c in tab.controls}, tab.presets, tab.start_key)
            session = tab.open_setup(resolved, tab.presets, session=tab._session(session), step=number)
            shown += list(tab.shown(session, resolved.preset))
        return [gr.Tabs(selected=step.setup.tab), gr.Group(visible=True), bar_text(lesson, number), (key, number),
                f"lesson={key}&step={number}", *shown]

    def choose(key: str, *sessions):  # the lesson menu: a lesson opens at step 1; "no lesson" hides the bar
        if key in lessons():
            return go((key, 1), 1, *sessions)
        return [gr.skip(), gr.Group(visible=False), "", (None, 0), "", *[gr.skip()] * (len(outputs) - 5)]

    private = dict(api_visibility="private", show_progress="hidden")
    for button, delta in ((back, -1), (forward, 1)):
        button.click(lambda w, *s, d=delta: go(w, w[1] + d, *s), [where, *states], outputs, **private).then(
            None, address, None, js=WRITE_ADDRESS)
    menu.select(choose, [menu, *states], outputs, **private).then(None, address, None, js=WRITE_ADDRESS)
    app.load(_on_load, None, [tabs, bar, text, where, menu], api_visibility="private")


def _on_load(request: gr.Request) -> list:
    """At page load: the tab the address names, and the lesson bar when it opens a lesson (the live tab
    itself opens the step's setup: ``LiveTab._opened``)."""
    params = dict(getattr(request, "query_params", None) or {})
    lesson, number, _ = lesson_position(params)
    setup, _ = page_setup(params)
    selected = gr.Tabs(selected=setup.tab) if setup is not None else gr.skip()
    if lesson is None:
        return [selected, gr.skip(), gr.skip(), gr.skip(), gr.skip()]
    return [selected, gr.Group(visible=True), bar_text(lesson, number), (lesson.key, number), lesson.key]


def lesson_choices() -> list[tuple[str, str]]:
    """The lesson menu's choices: (title, key), and the way to close the bar."""
    return [(NO_LESSON, NO_LESSON)] + [(f"{lesson.title} ({len(lesson.steps)} steps)", key)
                                       for key, lesson in lessons().items()]

