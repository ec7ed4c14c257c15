"""Reading mappings that the YAML loader made: their start line, their fields, and a check of their keys.

Kept apart from yamlfile.py so that code which only reads loaded data (messages, safety rules) never
imports PyYAML: a bot restored from the packaged snapshot starts without it.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from .errors import ContentError

LINE_KEY = "__line__"


def line_of(data: Any, default: int | None = None) -> int | None:
    """The line a mapping started on, if the loader recorded it."""
    if isinstance(data, dict):
        value = data.get(LINE_KEY)
        if isinstance(value, int):
            return value
    return default


def fields(data: dict[Any, Any]) -> dict[Any, Any]:
    """A mapping without the bookkeeping key."""
    return {key: value for key, value in data.items() if key != LINE_KEY}


def checked_mapping(
    data: Any, where: str, line: int | None, *, allowed: AbstractSet[str], what: str, expected: str
) -> dict[Any, Any]:
    """A YAML mapping's fields; anything but a mapping, or a key not in `allowed`, is a ContentError."""
    if not isinstance(data, dict):
        raise ContentError(where, line, expected)
    body = fields(data)
    unknown = sorted(str(key) for key in body if key not in allowed)
    if unknown:
        raise ContentError(where, line, f"unknown key {unknown[0]!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    return body
