"""Lessons for the projector: a lecture as a sequence of steps, each a tab, a preset and a sentence.

A lesson is a TOML file in ``lesson_plans/``: a title, a summary, and ``[[steps]]``, each with

    tab = "toy"                  # a tab id of ``ui.TABS``
    preset = "mode-collapse"     # one of that tab's presets (live tabs only)
    set = { lr_d = 0.002 }       # optional: settings that differ from the preset
    say = "One or two sentences for the room."

A step is a ``links.Setup``, so a lesson step and a shared link open the same way. ``?lesson=NAME``
(and ``&step=N``, from 1) opens a lesson; the lesson bar (``ui.lesson_bar``) walks it.
"""
from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from ganlab.errors import GanlabError
from ganlab.ui.links import MAX_VALUE_CHARS, Setup, setup_from_query
from ganlab.ui.tab_list import TABS

PLANS = os.path.join(os.path.dirname(__file__), "lesson_plans")


@dataclass(frozen=True)
class Step:
    """One step of a lesson: where to go, and what to say there."""

    setup: Setup
    say: str


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    summary: str
    steps: tuple[Step, ...]

    def step(self, number: int) -> Step:
        """Step ``number``, counted from 1 (clamped to the lesson)."""
        return self.steps[min(max(number, 1), len(self.steps)) - 1]


def _step(raw: Mapping, where: str) -> Step:
    if not isinstance(raw.get("tab"), str) or not isinstance(raw.get("say"), str):
        raise GanlabError(f"{where}: a step needs a tab and a sentence (say)")
    values = raw.get("set", {})
    if not isinstance(values, Mapping):
        raise GanlabError(f"{where}: 'set' must be a table of settings")
    return Step(Setup(raw["tab"], raw.get("preset"), dict(values)), raw["say"].strip())


@functools.cache
def lessons() -> dict[str, Lesson]:
    """The shipped lessons by key (their file names), read once."""
    found = {}
    for name in sorted(os.listdir(PLANS)):
        if name.endswith(".toml"):
            key = name[:-5]
            with open(os.path.join(PLANS, name), "rb") as f:
                raw = tomllib.load(f)
            steps = tuple(_step(s, f"{name} step {i + 1}") for i, s in enumerate(raw.get("steps", [])))
            if not steps:
                raise GanlabError(f"{name}: a lesson needs at least one step")
            found[key] = Lesson(key, raw.get("title", key), raw.get("summary", ""), steps)
    return found


def get_lesson(key: str) -> Lesson:
    """The lesson ``key``; ``GanlabError`` naming the ones there are."""
    found = lessons()
    if key not in found:
        raise GanlabError(f"no lesson '{str(key)[:MAX_VALUE_CHARS]}'; the lessons are: {', '.join(found)}")
    return found[key]


def lesson_position(params: Mapping[str, str]) -> tuple[Lesson | None, int, list[str]]:
    """The lesson and step (from 1) an address opens, and notes on what it got wrong."""
    if not params.get("lesson"):
        return None, 0, []
    try:
        lesson = get_lesson(params["lesson"])
    except GanlabError as exc:
        return None, 0, [str(exc)]
    text, notes = params.get("step", "1"), []
    number = int(text) if text.isdigit() else 0
    if not 1 <= number <= len(lesson.steps):
        notes.append(f"this lesson has steps 1–{len(lesson.steps)}, not '{text[:MAX_VALUE_CHARS]}': opened step 1")
        number = 1
    return lesson, number, notes


def page_setup(params: Mapping[str, str]) -> tuple[Setup | None, list[str]]:
    """What an address asks the page to open: a lesson's step, a shared setup, or nothing (None), with
    notes on what it got wrong."""
    lesson, number, notes = lesson_position(params)
    if lesson is not None:
        return lesson.step(number).setup, notes
    words = {k: v for k, v in params.items() if k not in ("presenter", "__theme", "lesson", "step")}
    if not words:
        return None, notes
    setup = setup_from_query(words)
    if setup.tab not in {tab_id for _, tab_id in TABS}:
        notes.append(f"no tab '{setup.tab[:MAX_VALUE_CHARS]}'; the tabs are: {', '.join(t for _, t in TABS)}")
        return None, notes
    return setup, notes
