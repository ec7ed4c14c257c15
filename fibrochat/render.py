"""Reply → plain text for a terminal or a pipe: quotes, a source line per section, a compact disclaimer.

`render_lines` tags each line with what it is (lead, quote, source…) so the chat can colour it;
`render_reply` is the same text without the tags. Everything printed passes through `printable`, so
neither a question nor a knowledge file can send escape sequences to the terminal.
"""

from __future__ import annotations

import os
import re
import textwrap
from typing import IO, Any

from .model import Citation, Reply
from .text import printable

_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029]")

Line = tuple[str, str]
"""(role, text); role: lead, quote, source, footer, heading, suggestion, note, safety, text or blank."""

SUGGESTIONS_HEADING = "You could also ask:"
PATH_SEPARATOR = " \u203a "
"""Between a document title and its headings (a single right-pointing angle quotation mark)."""


MAX_WIDTH = 100  # long lines are hard to read, however wide the terminal


def terminal_width(stream: IO[str]) -> int | None:
    """The width to wrap to when `stream` is a terminal (at most MAX_WIDTH); None for files and pipes."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        return None
    return min(terminal_columns(stream), MAX_WIDTH)


def terminal_columns(stream: IO[str]) -> int:
    """The columns of the terminal `stream` shows on: $COLUMNS wins, then the terminal, then 80, as in
    shutil.get_terminal_size (which is slow to import, and this runs at every start)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def source_line(citation: Citation) -> str:
    return "Source: " + PATH_SEPARATOR.join((citation.document, *citation.section))


def wrap(text: str, width: int | None, indent: str = "", hang: str | None = None) -> list[str]:
    """Wrap each line to `width` (None: leave as is); list items hang under their first word.

    `hang` overrides the indent of continuation lines (e.g. to line up under "Source: ").
    """
    text = printable(text)
    if not width:
        return [indent + line for line in text.split("\n")]
    lines: list[str] = []
    for line in text.split("\n"):
        following = hang if hang is not None else indent + ("  " if line.startswith(("- ", "* ")) else "")
        wrapped = textwrap.wrap(line, max(width, 20), initial_indent=indent, subsequent_indent=following)
        lines.extend(wrapped or [indent])
    return lines


def _tag(role: str, lines: list[str]) -> list[Line]:
    return [(role, line) for line in lines]


def quote_lines(reply: Reply, width: int | None) -> list[Line]:
    """The quoted passages, each section's source line after its last passage."""
    out: list[Line] = []
    for position, citation in enumerate(reply.citations):
        out.extend(_tag("quote", wrap(citation.quote, width - 2 if width else None, indent="  ")))
        following = reply.citations[position + 1] if position + 1 < len(reply.citations) else None
        same_section = following is not None and (following.document, following.section) == (
            citation.document,
            citation.section,
        )
        if not same_section:
            out.extend(_tag("source", wrap(source_line(citation), width, hang="  ")))
        out.append(("blank", ""))
    return out


def render_lines(
    reply: Reply, *, footer: str = "", width: int | None = None, numbered: bool = False
) -> list[Line]:
    """The reply as a person reads it, line by line, each tagged with its role."""
    out: list[Line] = []
    if reply.kind == "answer":
        notes = [part for part in reply.text.split("\n\n") if part.startswith("(") and part.endswith(")")]
        for note in notes:
            out.extend(_tag("note", wrap(note, width)))
        if notes:
            out.append(("blank", ""))
        if reply.lead:
            out.extend([*_tag("lead", wrap(reply.lead, width)), ("blank", "")])
        out.extend(quote_lines(reply, width))
        if footer:
            out.extend(_tag("footer", wrap(footer, width)))
        if reply.suggestions:
            out.extend([("blank", ""), ("heading", SUGGESTIONS_HEADING)])
    elif reply.kind == "clarify":
        out.extend(_tag("text", wrap(reply.text.split("\n", 1)[0], width)))
    else:
        text = reply.text
        if reply.suggestions and reply.kind == "fallback":
            text = "\n".join(line for line in text.split("\n") if not line.startswith("- "))
        out.extend(_tag("safety" if reply.kind == "safety" else "text", wrap(text, width)))
    for number, suggestion in enumerate(reply.suggestions, 1):
        marker = f"{number}." if numbered else "-"
        hang = " " * (len(marker) + 3)
        out.extend(_tag("suggestion", wrap(f"{marker} {suggestion}", width, indent="  ", hang=hang)))
    if reply.kind in ("clarify", "safety") and footer:
        out.extend([("blank", ""), *_tag("footer", wrap(footer, width))])
    return _trim([(role, line.rstrip()) for role, line in out])


def render_reply(reply: Reply, *, footer: str = "", width: int | None = None, numbered: bool = False) -> str:
    """The reply as a person reads it: lead, quotes with sources, footer; or the plain text of other kinds."""
    return "\n".join(line for _, line in render_lines(reply, footer=footer, width=width, numbered=numbered))


def _trim(lines: list[Line]) -> list[Line]:
    """Drop empty lines at both ends."""
    start, end = 0, len(lines)
    while start < end and not lines[start][1]:
        start += 1
    while end > start and not lines[end - 1][1]:
        end -= 1
    return lines[start:end]


def json_line(data: dict[str, Any]) -> str:
    """One JSON object on one line, safe for a terminal.

    json.dumps escapes C0 controls (ESC included) but leaves DEL, the C1 controls (\\x9b is a one-byte
    CSI on some terminals) and the Unicode line separators raw; they are escaped here too.
    """
    import json  # here, not at the top: most commands never print JSON

    text = json.dumps(data, ensure_ascii=False)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
