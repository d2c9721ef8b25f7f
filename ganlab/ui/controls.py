"""What the tabs share about their controls."""
from __future__ import annotations

from typing import Any

from ganlab.errors import GanlabError


def control_values(fields: list[tuple[str, str, Any]], values: list[Any]) -> dict[str, Any]:
    """{field: value} from the widgets' values (whole numbers as int); an empty box is a GanlabError."""
    changes: dict[str, Any] = {}
    for (name, label, kind), value in zip(fields, values):
        if value is None or value == "":
            raise GanlabError(f"{label} is empty")
        if kind is int and isinstance(value, float) and value.is_integer():
            value = int(value)
        changes[name] = value
    return changes


def text_value(name: str, value: Any) -> str:
    """A text box's value as a string ('' for an empty box); anything else is a one-line GanlabError."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise GanlabError(f"{name} must be text, got {type(value).__name__}")
    return value
