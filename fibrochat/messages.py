"""The fixed texts of a reply (disclaimer, fallback, clarify…): data from YAML `messages:`, with defaults.

The packaged wording lives in `intents/messages.yaml`; the defaults here keep a curator's own intents
folder working without one.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import ContentError
from .mappings import fields as mapping_fields
from .mappings import line_of, line_of_key


@dataclass(frozen=True, slots=True)
class Messages:
    disclaimer: str = (
        "fibrochat quotes published sources for information only. It is not medical advice: "
        "talk to your doctor or pharmacist before changing any treatment."
    )
    disclaimer_short: str = "Information only, not medical advice."
    fallback: str = "I don't have a source on that, so I won't guess."
    fallback_suggest: str = "Questions I can answer from my sources include:"
    vague: str = "Could you tell me a little more about what you would like to know?"
    clarify: str = "Your question could mean more than one thing. Which of these did you mean?"
    empty: str = "Please type a question, for example: is fibromyalgia autoimmune?"
    truncated: str = "(Your message was long, so I only read its first {limit} characters.)"
    followup_note: str = "(Taking this as a follow-up about {topic}.)"
    comparison: str = "(Side by side: what my sources say about {first}, then about {second}.)"


_PLACEHOLDERS = {"truncated": {"limit"}, "followup_note": {"topic"}, "comparison": {"first", "second"}}


def _placeholders(text: str) -> set[str] | None:
    """The {names} a text fills in, or None when its braces are malformed."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def parse_messages(data: Any, where: str, line: int | None) -> dict[str, str]:
    """Validate a `messages:` mapping: known names only, each a non-empty text with only its own {placeholders}."""
    line = line_of(data, line)
    if not isinstance(data, dict):
        raise ContentError(where, line, "'messages' must map a message name to its text")
    known = {field.name for field in fields(Messages)}
    parsed: dict[str, str] = {}
    for key, value in mapping_fields(data).items():
        at = line_of_key(data, key, line)  # a problem with one message is reported on that message's line
        if key not in known:
            raise ContentError(where, at, f"unknown message {key!r} (known: {', '.join(sorted(known))})")
        if not isinstance(value, str) or not value.strip():
            raise ContentError(where, at, f"message {key!r} must be a non-empty text")
        allowed = _PLACEHOLDERS.get(key, set())
        used = _placeholders(value)
        if used is None or not used <= allowed:
            names = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
            problem = f"message {key!r} may only use the placeholders: {names} (write {{{{ for a brace)"
            raise ContentError(where, at, problem)
        parsed[key] = " ".join(value.split())
    return parsed


def build_messages(overrides: list[dict[str, str]]) -> Messages:
    messages = Messages()
    for override in overrides:
        messages = replace(messages, **override)
    return messages
