"""Checks of a single user-given value, each failing with a one-line ``GanlabError`` that names the field.

Every config (``TrainSettings``, ``ToyConfig``, ``ImageConfig``) and every tab's own inputs use these,
so a bad value reads the same wherever it is typed: "generator learning rate must be in (0, 1], got -3".
"""
from __future__ import annotations

import math
from typing import Any

from ganlab.errors import GanlabError


def number(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False) -> float:
    """``value`` as a float in [lo, hi] (or (lo, hi] with ``lo_open``), else a one-line error."""
    if value is None or value == "":
        raise GanlabError(f"{name} is empty")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GanlabError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise GanlabError(f"{name} must be a finite number, got {value}")
    if v < lo or v > hi or (lo_open and v == lo):
        bracket = "(" if lo_open else "["
        raise GanlabError(f"{name} must be in {bracket}{lo:g}, {hi:g}], got {value}")
    return v


def integer(name: str, value: Any, lo: int, hi: int) -> int:
    """``value`` as an int in [lo, hi] (a float with no fractional part counts), else a one-line error."""
    if value is None or value == "":
        raise GanlabError(f"{name} is empty")
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise GanlabError(f"{name} must be a whole number, got {value!r}")
    if value < lo or value > hi:
        raise GanlabError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    """``value`` if it is one of ``options``, else a one-line error listing them."""
    if value not in options:
        raise GanlabError(f"unknown {name} '{value}'; choose one of: {', '.join(options)}")
    return value


def text(name: str, value: Any) -> str:
    """A text box's value as a string ('' for an empty box); anything else is a one-line error."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise GanlabError(f"{name} must be text, got {type(value).__name__}")
    return value
