"""Reading mappings that the YAML loader made: their start line, their fields, and a check of their keys.

Kept apart from yamlfile.py so that code which only reads loaded data (messages, safety rules) never
imports PyYAML: a bot restored from the packaged snapshot starts without it.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from .errors import ContentError

LINE_KEY = "__line__"
KEY_LINES = "__key_lines__"  # key → the line it is on, so an error about one field can point at it
_BOOKKEEPING = (LINE_KEY, KEY_LINES)


def line_of(data: Any, default: int | None = None) -> int | None:
    """The line a mapping started on, if the loader recorded it."""
    if isinstance(data, dict):
        value = data.get(LINE_KEY)
        if isinstance(value, int):
            return value
    return default


def line_of_key(data: Any, key: Any, default: int | None = None) -> int | None:
    """The line `key` is on in a mapping, if the loader recorded it."""
    lines = data.get(KEY_LINES) if isinstance(data, dict) else None
    found = lines.get(key) if isinstance(lines, dict) else None
    return found if isinstance(found, int) else default


def fields(data: dict[Any, Any]) -> dict[Any, Any]:
    """A mapping without the bookkeeping keys."""
    return {key: value for key, value in data.items() if key not in _BOOKKEEPING}


def checked_mapping(
    data: Any, where: str, line: int | None, *, allowed: AbstractSet[str], what: str, expected: str
) -> dict[Any, Any]:
    """A YAML mapping's fields; anything but a mapping, or a key not in `allowed`, is a ContentError."""
    if not isinstance(data, dict):
        raise ContentError(where, line, expected)
    body = fields(data)
    # almost every mapping holds allowed keys only: sort the others only when there are some
    unknown = [] if body.keys() <= allowed else sorted((key for key in body if key not in allowed), key=str)
    if unknown:
        problem = f"unknown key {str(unknown[0])!r} in {what} (allowed: {', '.join(sorted(allowed))})"
        raise ContentError(where, line_of_key(data, unknown[0], line), problem)
    return body
