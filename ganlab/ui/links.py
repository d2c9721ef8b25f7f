"""A tab's setup written into the page's address, so a lecturer can hand it to the class as a link.

    http://host:7860/?tab=toy&preset=mode-collapse&lr_d=0.002&seed=3

names the tab, the preset the setup starts from, and every control whose value differs from that
preset's. Opening the link builds the same setup, paused, ready to Play. Nothing here touches Gradio:
``setup_query`` writes a query from a config, ``read_setup`` turns a query back into a config, and
everything it could not use becomes a one-line note (the rest still applies; a value it refuses
falls back to the preset's). A lesson step (``ganlab.lessons``) is the same kind of setup.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ganlab.errors import GanlabError

RESERVED = ("tab", "preset", "presenter", "lesson", "step", "__theme", "view")  # the address's own words
MAX_VALUE_CHARS = 64  # no setting needs a longer value


@dataclass(frozen=True)
class Setup:
    """What a link (or a lesson step) asks of one tab: its preset and changed values, as given."""

    tab: str
    preset: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """A setup made concrete for a tab: the preset key, the config to build, and notes on what was refused."""

    preset: str
    config: Any
    notes: tuple[str, ...] = ()


def setup_from_query(params: Mapping[str, str], default_tab: str = "toy") -> Setup:
    """The ``Setup`` of a query's parameters: ``tab`` and ``preset`` by name, every other word a setting."""
    values = {k: v for k, v in params.items() if k not in RESERVED}
    return Setup(params.get("tab") or default_tab, params.get("preset") or None, values)


def setup_query(tab: str, preset: str, base: Any, config: Any, names: Sequence[str]) -> str:
    """The query (without '?') of ``config`` in ``tab``: the preset, then each named setting whose value
    differs from ``base`` (the preset's config), in the controls' order."""
    words: list[tuple[str, str]] = [("tab", tab), ("preset", preset)]
    for name in names:
        value = getattr(config, name)
        if value != getattr(base, name):
            words.append((name, format_value(value)))
    return urlencode(words)


def format_value(value: Any) -> str:
    """A setting as the address writes it: true/false, whole numbers bare, floats in their shortest form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def parse_value(name: str, kind: Any, text: Any) -> Any:
    """A setting read back: a choice from ``kind`` (a list), or an ``int``, ``float`` or ``bool``.
    ``GanlabError`` with a one-line message for anything else."""
    if not isinstance(text, str):  # a lesson's TOML gives typed values
        text = format_value(text)
    text = text.strip()
    if len(text) > MAX_VALUE_CHARS:
        raise GanlabError(f"'{name}' is {len(text)} characters long; no setting is longer than {MAX_VALUE_CHARS}")
    if isinstance(kind, list):
        if text not in kind:
            shown = ", ".join(map(str, kind[:12])) + (" …" if len(kind) > 12 else "")
            raise GanlabError(f"'{name}={text}' is not one of: {shown}")
        return text
    if kind is bool:
        if text.lower() not in ("true", "false", "1", "0"):
            raise GanlabError(f"'{name}={text}' is not true or false")
        return text.lower() in ("true", "1")
    try:
        number = float(text)
    except ValueError:
        raise GanlabError(f"'{name}={text}' is not a number") from None
    if not math.isfinite(number):
        raise GanlabError(f"'{name}={text}' is not a finite number")
    if kind is int:
        if not number.is_integer():
            raise GanlabError(f"'{name}={text}' is not a whole number")
        return int(number)
    return number


def read_setup(setup: Setup, kinds: Mapping[str, Any], presets: Mapping[str, Any], default: str) -> Resolved:
    """The preset and config a setup asks for. ``kinds``: each control's name and kind; ``presets``: the
    tab's presets by key (each with a ``.config``); ``default``: the preset to start from when the setup
    names none, or one this tab does not have. Unknown names, unreadable values and values the config
    refuses are left out, each with a note; the rest applies."""
    notes: list[str] = []
    key = setup.preset or default
    if key not in presets:
        notes.append(f"no preset '{str(key)[:MAX_VALUE_CHARS]}' in this tab; started from '{presets[default].title}'")
        key = default
    base = presets[key].config
    changes: dict[str, Any] = {}
    for name, text in setup.values.items():
        if name not in kinds:
            notes.append(f"ignored '{str(name)[:MAX_VALUE_CHARS]}': not a setting of this tab")
            continue
        try:
            changes[name] = parse_value(name, kinds[name], text)
        except GanlabError as exc:
            notes.append(f"{exc}: kept {format_value(getattr(base, name))}")
    try:  # all at once: some settings are only valid together (an objective and its Lipschitz method)
        return Resolved(key, base.replace(**changes), tuple(notes))
    except (GanlabError, ValueError, TypeError) as together:
        config = base
        for name, value in changes.items():  # then one at a time, keeping what fits
            try:
                config = config.replace(**{name: value})
            except (GanlabError, ValueError, TypeError) as exc:
                notes.append(f"{str(exc).splitlines()[0]}: kept {name} = {format_value(getattr(config, name))}")
        if config == base and changes and len(notes) == 0:
            notes.append(str(together).splitlines()[0])
        return Resolved(key, config, tuple(notes))
